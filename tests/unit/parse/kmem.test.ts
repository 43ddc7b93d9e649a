import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parseKmemFree, parseKmemInfo, parseKmemSlab, parseKmemZone } from '../../../electron/parse/index.ts';
import type { KmemSlabModel } from '../../../electron/parse/index.ts';
import { fixtureMeta, scenarios, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

/** meta.json truth.culprit.crash_kmem_s of the slab scenario. */
interface KmemSTruth { kmem_cache: string; objsize: number; allocated: number; total: number; slabs: number; ssize: string }

describe('kmem -s', () => {
  it('oom-slab-leak: the leaking module cache is the newest (first) row and matches meta.json', () => {
    const culprit = fixtureMeta('oom-slab-leak').truth.culprit as { cache: string; crash_kmem_s: KmemSTruth };
    for (const v of ['8.0.6', '8.0.2'] as const) {
      const parsed = parseCommandOutput('kmem -s', transcript('oom-slab-leak', 'kmem -s', v));
      expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
      const first = (parsed?.model as KmemSlabModel).caches[0];
      const t = culprit.crash_kmem_s;
      expect(first).toEqual({
        address: t.kmem_cache, name: culprit.cache, objSize: t.objsize, allocated: t.allocated, total: t.total, slabs: t.slabs,
        slabSize: 8 * 1024, slabSizeText: t.ssize, totalBytes: t.objsize * t.total,
      });
    }
  });

  for (const s of scenarios) {
    it(`${s}: one cache per row of the transcript`, () => {
      const text = transcript(s, 'kmem -s');
      const rows = text.split('\n').filter((l) => /^[0-9a-f]{16} /.test(l)).length;
      const { model, diagnostics } = parseKmemSlab(text);
      expect(problems(diagnostics)).toEqual([]);
      expect(model.caches).toHaveLength(rows);
      expect(new Set(model.caches.map((c) => c.name)).has('kmalloc-64')).toBe(true);
      for (const c of model.caches) expect(c.allocated).toBeLessThanOrEqual(c.total);
    });
  }

  it('crash 7.x layout (NAME second), crash errors, `?` counts and NOTE lines are diagnostics, not rows', () => {
    // crash 7.x memory.c (RHEL 7 era): "CACHE            NAME                 OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE";
    // long names run into OBJSIZE with one space; per-cache complaints are printed as "kmem: <cache>: ...".
    const text = [
      'CACHE            NAME                 OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE',
      'kmem: corrupter_slab_cache: slab: fffff67a41f897c0 invalid freepointer: 11ff9ef7be25f5f8',
      'ffff9ef7bb8f0100 corrupter_slab_cache     504          6         8      1     4k',
      'ffff88081d542200 nf_conntrack_ffffffff81b2d260 312   425       948     79     4k',
      'ffff88081d552240 broken_cache             240          ?         ?      ?     4k',
      'NOTE: the slab counts of some caches could not be verified',
    ].join('\n');
    const { model, diagnostics } = parseKmemSlab(text);
    expect(model.caches.map((c) => [c.name, c.objSize, c.allocated, c.total, c.slabs, c.slabSize])).toEqual([
      ['corrupter_slab_cache', 504, 6, 8, 1, 4096],
      ['nf_conntrack_ffffffff81b2d260', 312, 425, 948, 79, 4096],
    ]);
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['crash-error', 'crash-note', 'slab-counts-unknown']);
    expect(diagnostics.find((d) => d.code === 'slab-counts-unknown')?.message).toContain('broken_cache');
  });
});

describe('kmem -i', () => {
  for (const s of scenarios) {
    it(`${s}: every row with pages, bytes and percentage`, () => {
      const text = transcript(s, 'kmem -i');
      const { model, diagnostics } = parseKmemInfo(text);
      expect(problems(diagnostics)).toEqual([]);
      expect(model.rows.map((r) => r.label)).toEqual([
        'TOTAL MEM', 'FREE', 'USED', 'SHARED', 'BUFFERS', 'CACHED', 'SLAB', 'TOTAL HUGE', 'HUGE FREE',
        'TOTAL SWAP', 'SWAP USED', 'SWAP FREE', 'COMMIT LIMIT', 'COMMITTED',
      ]);
      const total = model.byLabel['TOTAL MEM'];
      const free = model.byLabel.FREE;
      const used = model.byLabel.USED;
      // USED = TOTAL - FREE; bytes are pages x 4 KiB within the rounding of crash's one decimal
      expect((used?.pages ?? 0) + (free?.pages ?? 0)).toBe(total?.pages);
      expect(Math.abs((total?.bytes ?? 0) - (total?.pages ?? 0) * 4096)).toBeLessThan(0.06 * 1024 * 1024);
      expect(total?.percent).toBeNull();
      expect(free?.percentOf).toBe('TOTAL MEM');
      expect(free?.percent).toBe(Math.floor(((free?.pages ?? 0) * 100) / (total?.pages ?? 1)));
      expect(model.byLabel.COMMITTED?.percentOf).toBe('TOTAL LIMIT');
    });
  }

  it('oom-slab-leak: crash 8.0.2 reports about half the SLAB that crash 8.0.6 and the OOM Mem-Info report', () => {
    const mem = (fixtureMeta('oom-slab-leak').truth.oom as { mem_info_pages: Record<string, number> }).mem_info_pages;
    const slabPages = (mem.slab_reclaimable ?? 0) + (mem.slab_unreclaimable ?? 0);
    expect(parseKmemInfo(transcript('oom-slab-leak', 'kmem -i')).model.byLabel.SLAB?.pages).toBe(slabPages);
    expect(parseKmemInfo(transcript('oom-slab-leak', 'kmem -i', '8.0.2')).model.byLabel.SLAB?.pages).toBeLessThan(slabPages * 0.6);
  });
});

describe('kmem -z', () => {
  for (const s of scenarios) {
    it(`${s}: zones with watermarks and vm_stat; free pages add up to the OOM report / kmem -f`, () => {
      const { model, diagnostics } = parseKmemZone(transcript(s, 'kmem -z'));
      expect(problems(diagnostics)).toEqual([]);
      expect(model.zones.map((z) => [z.zone, z.name, z.populated])).toEqual([
        [0, 'DMA', true], [1, 'DMA32', true], [2, 'Normal', false], [3, 'Movable', false], [4, 'Device', false],
      ]);
      const free = model.zones.reduce((n, z) => n + (z.vmStat.NR_FREE_PAGES ?? 0), 0);
      expect(free).toBe(parseKmemFree(transcript(s, 'kmem -f')).model.nrFreePages);
      for (const z of model.zones.filter((x) => x.populated)) {
        expect(z.min).toBeLessThan(z.low ?? 0);
        expect(z.low).toBeLessThan(z.high ?? 0);
        expect(z.spanned).toBeGreaterThan(0);
      }
    });
  }

  it('oom-slab-leak: the DMA zone as printed', () => {
    // "SIZE: 4095  PRESENT: 3998  MIN/LOW/HIGH: 36/45/54" and the OOM report's "min:144kB low:180kB high:216kB" (x4 KiB)
    const z = parseKmemZone(transcript('oom-slab-leak', 'kmem -z')).model.zones[0];
    expect(z).toMatchObject({ node: 0, spanned: 4095, present: 3998, min: 144 / 4, low: 180 / 4, high: 216 / 4 });
    expect(z?.vmStat.NR_FREE_PAGES).toBe(192);
  });
});

describe('kmem -f', () => {
  for (const s of scenarios) {
    it(`${s}: per-order free lists agree with the zone totals`, () => {
      const { model, diagnostics } = parseKmemFree(transcript(s, 'kmem -f'));
      expect(problems(diagnostics)).toEqual([]);
      expect(model.zones.map((z) => z.name)).toEqual(['DMA', 'DMA32', 'Normal', 'Movable', 'Device']);
      // the zone FREE column is the zone's NR_FREE_PAGES counter (kmem -z)
      const zoneStat = parseKmemZone(transcript(s, 'kmem -z')).model.zones;
      expect(model.zones.map((z) => z.free)).toEqual(zoneStat.map((z) => z.vmStat.NR_FREE_PAGES ?? 0));
      for (const z of model.zones) {
        z.pagesPerOrder.forEach((p, order) => expect(p).toBe((z.blocksPerOrder[order] ?? 0) * 2 ** order));
      }
      expect(model.zones[0]?.blocksPerOrder).toHaveLength(11);
      // "(found N)" is what crash counted walking the lists: the sum of the PAGES column
      const listed = model.zones.reduce((n, z) => n + z.pagesPerOrder.reduce((a, b) => a + b, 0), 0);
      expect(listed).toBe(model.foundFreePages);
    });
  }

  it('oom-slab-leak: matches the OOM report\'s free area line for DMA (one 256k and one 512k block)', () => {
    const dma = parseKmemFree(transcript('oom-slab-leak', 'kmem -f')).model.zones[0];
    // log: "Node 0 DMA: 0*4kB ... 1*256kB (U) 1*512kB (U) 0*1024kB ... = 768kB"
    expect(dma?.blocksPerOrder).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(dma?.areas.filter((a) => a.order === 6).map((a) => a.migrateIndex)).toEqual([0, 1, 2, 3, 4]);
  });
});
