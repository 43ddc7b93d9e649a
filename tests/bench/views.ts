/**
 * Slab and Zones view logic in Node, side by side in one run: building the Slab table's rows
 * (filter + kmalloc grouping + sort) for 2,000 and 20,000 caches against a bare sort of the same
 * caches by size (the floor any table must pay), and the free-list matrix + fit check for 64
 * zones. Prints medians and ratios; nothing is asserted.
 */
import { performance } from 'node:perf_hooks';
import type { KmemFreeZone, SlabCache } from '../../electron/parse/models.ts';
import { slabRows, topBySize } from '../../renderer/views/Slab/slab-table.ts';
import { fitFor, freeMatrix } from '../../renderer/views/Zones/zones.ts';

const runs = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

function synthCaches(n: number): SlabCache[] {
  const prefixes = ['kmalloc-', 'kmalloc-cg-', 'kmalloc-rcl-', 'dma-kmalloc-', 'ext4_inode_cache_', 'dentry_', 'task_struct_', 'bufpool_entry_'];
  const out: SlabCache[] = [];
  for (let i = 0; i < n; i++) {
    const objSize = 8 << i % 10;
    const total = (i * 7919) % 250_000;
    const p = prefixes[i % prefixes.length]!;
    out.push({
      address: `ffff8880${(0x4000000 + i * 0x100).toString(16)}`,
      name: p.includes('kmalloc') ? `${p}${objSize}-${i}`.replace(/-\d+$/, i % 3 === 0 ? '' : `k`) : `${p}${i}`,
      objSize,
      allocated: Math.floor(total * 0.9),
      total,
      slabs: Math.ceil(total / 16),
      slabSize: 8192,
      slabSizeText: '8k',
      totalBytes: objSize * total,
    });
  }
  return out;
}

function synthZone(i: number): KmemFreeZone {
  const areas = [];
  for (let order = 0; order <= 10; order++) {
    for (let m = 0; m < 5; m++) areas.push({ order, sizeText: `${4 << order}k`, sizeBytes: 4096 << order, address: `ffff${i}${order}${m}`, migrateIndex: m, blocks: (i * 31 + order * 7 + m) % 13, pages: ((i * 31 + order * 7 + m) % 13) << order });
  }
  return { zone: i % 5, name: `Z${i}`, size: 1 << 20, free: 1000, memMap: '0', startPaddr: '0', startMapnr: 0, areas, blocksPerOrder: [], pagesPerOrder: [] };
}

/** Print the medians and ratios. */
export async function runBench(): Promise<void> {
  for (const n of [2_000, 20_000]) {
    const caches = synthCaches(n);
    const base = time(() => caches.slice().sort((a, b) => b.totalBytes - a.totalBytes));
    const grouped = time(() => slabRows(caches, { group: true, expanded: new Set(['kmalloc']), filter: '', hideEmpty: false, sortKey: 'totalSize', sortDir: 'desc' }));
    const flat = time(() => slabRows(caches, { group: false, expanded: new Set(), filter: '', hideEmpty: false, sortKey: 'name', sortDir: 'asc' }));
    const top = time(() => topBySize(caches, 20));
    console.log(`slab rows, ${n} caches: bare sort ${base.toFixed(2)} ms | grouped+sorted by size ${grouped.toFixed(2)} ms (${(grouped / base).toFixed(1)}x) | flat by name ${flat.toFixed(2)} ms (${(flat / base).toFixed(1)}x) | top 20 ${top.toFixed(2)} ms (${(top / base).toFixed(1)}x)`);
  }
  const zones = Array.from({ length: 64 }, (_, i) => synthZone(i));
  const build = time(() => zones.forEach((z) => freeMatrix(z)));
  const mats = zones.map((z) => freeMatrix(z));
  const fit = time(() => mats.forEach((m) => fitFor(m, 3, 0)));
  console.log(`zones, 64 zones × 11 orders × 5 types: matrix ${build.toFixed(3)} ms, fit check ${fit.toFixed(3)} ms (fit/matrix ${(fit / build).toFixed(2)}x)`);
}
