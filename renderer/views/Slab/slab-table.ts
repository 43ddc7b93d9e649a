/**
 * The Slab view's table logic over parsed `kmem -s` rows: sizes, sorting, the top-N by total
 * size, and folding the many kmalloc-N caches into one row per kmalloc family so the caches a
 * subsystem or module created itself stand out. Pure, so it is unit-tested without a browser.
 */
import type { SlabCache } from '../../../electron/parse/models.ts';

/** kmalloc families, most specific prefix first (dma-kmalloc-* and kmalloc-cg-* before kmalloc-*). */
export const kmallocFamilies = ['dma-kmalloc', 'kmalloc-cg', 'kmalloc-rcl', 'kmalloc'] as const;
export type KmallocFamily = (typeof kmallocFamilies)[number];

/** The kmalloc family of a cache name ("kmalloc-cg-512" -> "kmalloc-cg"), or null for other caches. */
export function kmallocFamily(name: string): KmallocFamily | null {
  for (let i = 0; i < kmallocFamilies.length; i++) if (familyPatterns[i]!.test(name)) return kmallocFamilies[i]!;
  return null;
}

// The size suffix is a number with an optional k ("kmalloc-8k", "kmalloc-rcl-96").
const familyPatterns = kmallocFamilies.map((f) => new RegExp(`^${f}-\\d+k?$`));
// One collator for every sort (creating one costs more than sorting a few thousand rows).
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Bytes the cache's objects take: objsize × total objects (what the issue calls total size). */
export function totalSize(c: SlabCache): number {
  return Number.isFinite(c.totalBytes) ? c.totalBytes : c.objSize * c.total;
}

/** Bytes of the slabs themselves (slabs × slab size), which includes per-slab waste. */
export function slabMemory(c: SlabCache): number {
  return c.slabs * c.slabSize;
}

/** A table row: one cache, or one kmalloc family folded into a single row. */
export type SlabRow =
  | { kind: 'cache'; key: string; cache: SlabCache; name: string; objSize: number; allocated: number; total: number; slabs: number; totalSize: number; slabMemory: number; family: KmallocFamily | null }
  | { kind: 'group'; key: string; family: KmallocFamily; name: string; members: SlabCache[]; objSize: null; allocated: number; total: number; slabs: number; totalSize: number; slabMemory: number; expanded: boolean };

/** Columns the table sorts by. */
export const slabSortKeys = ['name', 'objSize', 'allocated', 'total', 'slabs', 'totalSize', 'slabMemory'] as const;
export type SlabSortKey = (typeof slabSortKeys)[number];
export type SortDir = 'asc' | 'desc';

function cacheRow(c: SlabCache): SlabRow {
  return {
    kind: 'cache',
    key: `cache:${c.address}:${c.name}`,
    cache: c,
    name: c.name,
    objSize: c.objSize,
    allocated: c.allocated,
    total: c.total,
    slabs: c.slabs,
    totalSize: totalSize(c),
    slabMemory: slabMemory(c),
    family: kmallocFamily(c.name),
  };
}

/** Options for building the rows. */
export interface SlabRowOptions {
  /** Fold kmalloc-N caches into one row per family. */
  group: boolean;
  /** Families whose members are listed under their group row. */
  expanded: ReadonlySet<string>;
  /** Case-insensitive substring of the cache name; a matching member shows its group. */
  filter: string;
  /** Hide caches with no objects at all. */
  hideEmpty: boolean;
  sortKey: SlabSortKey;
  sortDir: SortDir;
}

/**
 * Rows for the table: caches sorted by the chosen column; with grouping on, each kmalloc family is
 * one row (sums of its members) sorted among the others, its members listed right below it
 * (sorted the same way) when expanded.
 */
export function slabRows(caches: readonly SlabCache[], o: SlabRowOptions): SlabRow[] {
  const q = o.filter.trim().toLowerCase();
  const kept = caches.filter((c) => (!o.hideEmpty || c.total > 0) && (!q || c.name.toLowerCase().includes(q)));
  const rows = kept.map(cacheRow);
  const cmp = comparator(o.sortKey, o.sortDir);
  if (!o.group) return rows.sort(cmp);

  const top: SlabRow[] = [];
  const byFamily = new Map<KmallocFamily, SlabRow[]>();
  for (const r of rows) {
    if (r.kind === 'cache' && r.family) {
      const list = byFamily.get(r.family) ?? [];
      list.push(r);
      byFamily.set(r.family, list);
    } else top.push(r);
  }
  for (const [family, members] of byFamily) {
    const sum = (f: (r: SlabRow) => number): number => members.reduce((s, r) => s + f(r), 0);
    top.push({
      kind: 'group',
      key: `group:${family}`,
      family,
      name: `${family}-*`,
      members: members.map((m) => (m as Extract<SlabRow, { kind: 'cache' }>).cache),
      objSize: null,
      allocated: sum((r) => r.allocated),
      total: sum((r) => r.total),
      slabs: sum((r) => r.slabs),
      totalSize: sum((r) => r.totalSize),
      slabMemory: sum((r) => r.slabMemory),
      expanded: o.expanded.has(family),
    });
  }
  top.sort(cmp);
  const out: SlabRow[] = [];
  for (const r of top) {
    out.push(r);
    if (r.kind === 'group' && r.expanded) out.push(...(byFamily.get(r.family) ?? []).sort(cmp));
  }
  return out;
}

function comparator(key: SlabSortKey, dir: SortDir): (a: SlabRow, b: SlabRow) => number {
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => {
    let d: number;
    if (key === 'name') d = collator.compare(a.name, b.name);
    else d = (a[key] ?? -1) - (b[key] ?? -1);
    // Ties: biggest first, then by name, so the order is stable across refreshes.
    return sign * d || b.totalSize - a.totalSize || collator.compare(a.name, b.name);
  };
}

/** Biggest first when a numeric column is first clicked; names A→Z. */
export function defaultSlabDir(key: SlabSortKey): SortDir {
  return key === 'name' ? 'asc' : 'desc';
}

/** The `n` caches with the largest total size (objsize × total), biggest first, empty caches left out. */
export function topBySize(caches: readonly SlabCache[], n = 20): SlabCache[] {
  return caches
    .filter((c) => totalSize(c) > 0)
    .slice()
    .sort((a, b) => totalSize(b) - totalSize(a) || a.name.localeCompare(b.name))
    .slice(0, n);
}

/** Sums over all caches, for the summary line. */
export function slabTotals(caches: readonly SlabCache[]): { caches: number; nonEmpty: number; totalSize: number; slabMemory: number } {
  let size = 0;
  let mem = 0;
  let nonEmpty = 0;
  for (const c of caches) {
    size += totalSize(c);
    mem += slabMemory(c);
    if (c.total > 0) nonEmpty++;
  }
  return { caches: caches.length, nonEmpty, totalSize: size, slabMemory: mem };
}
