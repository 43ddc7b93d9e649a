/**
 * Slab view logic on the real `kmem -s` of oom-slab-leak: the biggest cache by total size is the
 * leaking module cache of the ground truth, kmalloc families fold and unfold, sorting works.
 */
import { describe, expect, it } from 'vitest';
import { parseKmemSlab } from '../../../electron/parse/index.ts';
import type { SlabCache } from '../../../electron/parse/models.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { kmallocFamily, slabRows, slabTotals, topBySize, totalSize, type SlabRowOptions } from '../../../renderer/views/Slab/slab-table.ts';

const meta = fixtureMeta('oom-slab-leak');
const culprit = meta.truth.culprit as { cache: string; crash_kmem_s: { objsize: number; total: number; allocated: number; slabs: number } };
const caches = parseKmemSlab(transcript('oom-slab-leak', 'kmem -s')).model.caches;
const opts: SlabRowOptions = { group: true, expanded: new Set(), filter: '', hideEmpty: false, sortKey: 'totalSize', sortDir: 'desc' };

describe('Slab view: top caches', () => {
  it('puts the leaking cache of the truth first by objsize × total', () => {
    const top = topBySize(caches, 20);
    expect(top).toHaveLength(20);
    expect(top[0]!.name).toBe(culprit.cache);
    expect(totalSize(top[0]!)).toBe(culprit.crash_kmem_s.objsize * culprit.crash_kmem_s.total);
    for (let i = 1; i < top.length; i++) expect(totalSize(top[i - 1]!)).toBeGreaterThanOrEqual(totalSize(top[i]!));
  });

  it('leaves empty caches out of the chart', () => {
    const withEmpty: SlabCache[] = [...caches, { ...caches[0]!, name: 'empty_cache', address: 'ffff0', total: 0, allocated: 0, slabs: 0, totalBytes: 0 }];
    expect(topBySize(withEmpty, 1000).some((c) => c.name === 'empty_cache')).toBe(false);
  });

  it('totals are the sums of every cache', () => {
    const t = slabTotals(caches);
    expect(t.caches).toBe(caches.length);
    expect(t.totalSize).toBeGreaterThanOrEqual(culprit.crash_kmem_s.objsize * culprit.crash_kmem_s.total);
  });
});

describe('Slab view: kmalloc families', () => {
  it('knows each family by its prefix and a size suffix', () => {
    expect(kmallocFamily('kmalloc-512')).toBe('kmalloc');
    expect(kmallocFamily('kmalloc-8k')).toBe('kmalloc');
    expect(kmallocFamily('kmalloc-cg-96')).toBe('kmalloc-cg');
    expect(kmallocFamily('kmalloc-rcl-2k')).toBe('kmalloc-rcl');
    expect(kmallocFamily('dma-kmalloc-64')).toBe('dma-kmalloc');
    expect(kmallocFamily('kmalloc_buffer')).toBeNull();
    expect(kmallocFamily('bufpool_entry')).toBeNull();
    expect(kmallocFamily('kmalloc-cg')).toBeNull();
  });

  it('folds each family into one row whose figures are the sums of its members', () => {
    const rows = slabRows(caches, opts);
    const groups = rows.filter((r) => r.kind === 'group');
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      if (g.kind !== 'group') continue;
      const members = caches.filter((c) => kmallocFamily(c.name) === g.family);
      expect(g.members.length).toBe(members.length);
      expect(g.totalSize).toBe(members.reduce((s, c) => s + c.objSize * c.total, 0));
      expect(g.allocated).toBe(members.reduce((s, c) => s + c.allocated, 0));
    }
    // Collapsed: no kmalloc-N cache is a row of its own.
    expect(rows.some((r) => r.kind === 'cache' && r.family !== null)).toBe(false);
    expect(rows.length).toBe(caches.filter((c) => !kmallocFamily(c.name)).length + groups.length);
  });

  it('an expanded family lists its members right below its row, biggest first', () => {
    const rows = slabRows(caches, { ...opts, expanded: new Set(['kmalloc']) });
    const gi = rows.findIndex((r) => r.kind === 'group' && r.family === 'kmalloc');
    const n = caches.filter((c) => kmallocFamily(c.name) === 'kmalloc').length;
    const members = rows.slice(gi + 1, gi + 1 + n);
    expect(members.every((r) => r.kind === 'cache' && r.family === 'kmalloc')).toBe(true);
    for (let i = 1; i < members.length; i++) expect(members[i - 1]!.totalSize).toBeGreaterThanOrEqual(members[i]!.totalSize);
  });

  it('without grouping every cache is a row; a filter keeps matching names only', () => {
    expect(slabRows(caches, { ...opts, group: false })).toHaveLength(caches.length);
    const f = slabRows(caches, { ...opts, group: false, filter: 'BUFPOOL' });
    expect(f.map((r) => r.name)).toEqual([culprit.cache]);
    expect(slabRows(caches, { ...opts, group: false, hideEmpty: true }).every((r) => r.total > 0)).toBe(true);
  });

  it('sorts by name ascending and by allocated descending', () => {
    const byName = slabRows(caches, { ...opts, group: false, sortKey: 'name', sortDir: 'asc' }).map((r) => r.name.toLowerCase());
    expect(byName[0]! <= byName[byName.length - 1]!).toBe(true);
    const byAlloc = slabRows(caches, { ...opts, group: false, sortKey: 'allocated', sortDir: 'desc' });
    expect(byAlloc[0]!.allocated).toBe(Math.max(...caches.map((c) => c.allocated)));
  });
});
