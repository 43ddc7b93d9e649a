/**
 * The Zones view's logic over parsed `kmem -z` and `kmem -f`: each zone's free pages against its
 * min/low/high watermarks, and its free lists as an order × migrate-type matrix, so a zone that
 * has free pages but no free block of the order and type an allocation needs (the "false-free"
 * case) shows up. Pure functions; numbers only come from the parsed models.
 */
import type { KmemFreeZone, KmemZone } from '../../../electron/parse/models.ts';

/** Where a zone's free pages stand against its watermarks (the kernel's reclaim thresholds). */
export type WatermarkLevel = 'below-min' | 'below-low' | 'below-high' | 'above-high' | 'unknown';

/** free < min: only atomic/reserve allocations succeed; < low: kswapd wakes; < high: kswapd keeps going. */
export function watermarkLevel(free: number | null, min: number | null, low: number | null, high: number | null): WatermarkLevel {
  if (free === null || min === null || low === null || high === null) return 'unknown';
  if (free < min) return 'below-min';
  if (free < low) return 'below-low';
  if (free < high) return 'below-high';
  return 'above-high';
}

/** Human words for a level. */
export const levelText: Record<WatermarkLevel, string> = {
  'below-min': 'below the min watermark',
  'below-low': 'below the low watermark',
  'below-high': 'below the high watermark',
  'above-high': 'above the high watermark',
  unknown: 'watermarks unknown',
};

/**
 * Names of the free-list indexes of one order, in the kernel's enum migratetype order
 * (include/linux/mmzone.h): Unmovable, Movable, Reclaimable, HighAtomic, then CMA and Isolate,
 * which exist only with CONFIG_CMA / CONFIG_MEMORY_ISOLATION (so with 5 lists the fifth is either).
 */
export function migrateTypeNames(count: number): string[] {
  const fixed = ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic'];
  if (count <= 4) return fixed.slice(0, count);
  if (count === 5) return [...fixed, 'CMA or Isolate'];
  const rest = ['CMA', 'Isolate'];
  return [...fixed, ...Array.from({ length: count - 4 }, (_, i) => rest[i] ?? `type ${4 + i}`)];
}

/** A zone's free lists as counts of free blocks: `blocks[type][order]`. */
export interface FreeMatrix {
  orders: number[];
  types: string[];
  blocks: number[][];
  pages: number[][];
}

/** The order × migrate-type matrix of one `kmem -f` zone. */
export function freeMatrix(z: KmemFreeZone): FreeMatrix {
  const maxOrder = z.areas.reduce((m, a) => Math.max(m, a.order), -1);
  const typeCount = z.areas.reduce((m, a) => Math.max(m, a.migrateIndex + 1), 0);
  const orders = Array.from({ length: maxOrder + 1 }, (_, i) => i);
  const blocks = Array.from({ length: typeCount }, () => orders.map(() => 0));
  const pages = Array.from({ length: typeCount }, () => orders.map(() => 0));
  for (const a of z.areas) {
    blocks[a.migrateIndex]![a.order]! += a.blocks;
    pages[a.migrateIndex]![a.order]! += a.pages;
  }
  return { orders, types: migrateTypeNames(typeCount), blocks, pages };
}

/** What a zone can hand out for an allocation of `order` pages of migrate type `typeIndex`. */
export interface FitReport {
  /** Free blocks of at least that order on that type's lists. */
  sameType: number;
  /** Free blocks of at least that order on any list (the allocator may steal across types). */
  anyType: number;
  /** Largest order with any free block, -1 when the zone has none. */
  largestOrder: number;
  /** Free pages sitting in blocks too small for the request. */
  pagesTooSmall: number;
}

/** Free blocks able to satisfy an order-`order` request, by the type's own lists and by any list. */
export function fitFor(m: FreeMatrix, order: number, typeIndex: number): FitReport {
  let sameType = 0;
  let anyType = 0;
  let largestOrder = -1;
  let pagesTooSmall = 0;
  m.blocks.forEach((row, t) =>
    row.forEach((n, o) => {
      if (n > 0) largestOrder = Math.max(largestOrder, o);
      if (o >= order) {
        anyType += n;
        if (t === typeIndex) sameType += n;
      } else pagesTooSmall += m.pages[t]![o]!;
    }),
  );
  return { sameType, anyType, largestOrder, pagesTooSmall };
}

/** One zone as the view shows it: `kmem -z` figures joined with its `kmem -f` free lists. */
export interface ZoneView {
  key: string;
  node: number;
  index: number;
  name: string;
  populated: boolean;
  /** NR_FREE_PAGES from kmem -z, else FREE from kmem -f. */
  freePages: number | null;
  min: number | null;
  low: number | null;
  high: number | null;
  present: number | null;
  spanned: number | null;
  level: WatermarkLevel;
  vmStat: Record<string, number>;
  free: KmemFreeZone | null;
}

/**
 * Join the two outputs zone by zone. `kmem -f` prints no node number; it lists zones in the same
 * node-major order as `kmem -z`, so the n-th `kmem -f` block with a given zone index and name
 * belongs to the n-th such zone of `kmem -z`. Zones only one output knows are kept.
 */
export function joinZones(zones: readonly KmemZone[], free: readonly KmemFreeZone[]): ZoneView[] {
  const queues = new Map<string, KmemFreeZone[]>();
  for (const f of free) {
    const k = `${f.zone}:${f.name}`;
    const q = queues.get(k) ?? [];
    q.push(f);
    queues.set(k, q);
  }
  const out: ZoneView[] = zones.map((z) => {
    // kmem -f prints a block for unpopulated zones too (with no free areas): consume it either way.
    const f = queues.get(`${z.zone}:${z.name}`)?.shift() ?? null;
    const freePages = z.vmStat.NR_FREE_PAGES ?? f?.free ?? null;
    return {
      key: `${z.node}:${z.zone}`,
      node: z.node,
      index: z.zone,
      name: z.name,
      populated: z.populated,
      freePages,
      min: z.min,
      low: z.low,
      high: z.high,
      present: z.present,
      spanned: z.spanned,
      level: watermarkLevel(freePages, z.min, z.low, z.high),
      vmStat: z.vmStat,
      free: f,
    };
  });
  // Free-list blocks with no kmem -z zone (kmem -z failed or was not run): still show them.
  for (const [, q] of queues) {
    for (const f of q) {
      out.push({ key: `f:${f.zone}:${f.name}:${out.length}`, node: 0, index: f.zone, name: f.name, populated: true, freePages: f.free, min: null, low: null, high: null, present: null, spanned: f.size, level: 'unknown', vmStat: {}, free: f });
    }
  }
  return out;
}

/** Pages as "412 pages (1.6 MiB)" with a page size in bytes. */
export function pagesText(pages: number | null, pageSize = 4096): string {
  if (pages === null) return '—';
  const bytes = pages * pageSize;
  const mib = bytes / (1024 * 1024);
  return `${pages} pages (${mib >= 1 ? `${mib.toFixed(1)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`})`;
}

/**
 * The free-list type an allocation is served from, by its GFP flags (gfp_migratetype():
 * __GFP_MOVABLE -> Movable, __GFP_RECLAIMABLE -> Reclaimable, otherwise Unmovable). Accepts the
 * flag names the OOM report prints ("GFP_HIGHUSER_MOVABLE", "__GFP_COMP", ...).
 */
export function migrateTypeOfGfp(flags: readonly string[]): number {
  if (flags.some((f) => f === '__GFP_MOVABLE' || /^GFP_\w*MOVABLE$/.test(f))) return 1;
  if (flags.includes('__GFP_RECLAIMABLE')) return 2;
  return 0;
}
