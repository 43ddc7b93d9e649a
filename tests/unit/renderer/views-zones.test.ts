/**
 * Zones view logic on the real `kmem -z` / `kmem -f` of oom-slab-leak: the zones crash printed,
 * their watermark level from their own numbers, the free lists as an order × type matrix, and
 * the false-free verdict for a request no free block can serve.
 */
import { describe, expect, it } from 'vitest';
import { parseKmemFree, parseKmemZone } from '../../../electron/parse/index.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { fitFor, freeMatrix, joinZones, migrateTypeNames, migrateTypeOfGfp, watermarkLevel } from '../../../renderer/views/Zones/zones.ts';

const zText = transcript('oom-slab-leak', 'kmem -z');
const fText = transcript('oom-slab-leak', 'kmem -f');
const zones = joinZones(parseKmemZone(zText).model.zones, parseKmemFree(fText).model.zones);

describe('Zones view: joining kmem -z and kmem -f', () => {
  it('has every zone crash printed, populated ones with their free lists', () => {
    const names = [...zText.matchAll(/NAME: "([^"]+)"/g)].map((m) => m[1]);
    expect(zones.map((z) => z.name)).toEqual(names);
    const populated = [...zText.matchAll(/NAME: "([^"]+)"\n(?!\s*\[unpopulated\])/g)].map((m) => m[1]);
    expect(zones.filter((z) => z.populated).map((z) => z.name)).toEqual(populated);
    for (const z of zones.filter((x) => x.populated)) expect(z.free?.name).toBe(z.name);
  });

  it('states each zone against its own watermarks', () => {
    for (const z of zones.filter((x) => x.populated)) {
      // The transcript's own numbers for this zone.
      const block = zText.split(`NAME: "${z.name}"`)[1]!;
      const [, min, low, high] = /MIN\/LOW\/HIGH: (\d+)\/(\d+)\/(\d+)/.exec(block)!.map(Number);
      const free = Number(/NR_FREE_PAGES: (\d+)/.exec(block)![1]);
      expect([z.min, z.low, z.high, z.freePages]).toEqual([min, low, high, free]);
      const want = free < min! ? 'below-min' : free < low! ? 'below-low' : free < high! ? 'below-high' : 'above-high';
      expect(z.level).toBe(want);
    }
  });
});

describe('Zones view: watermark levels', () => {
  it('orders the thresholds like the kernel (min < low < high)', () => {
    expect(watermarkLevel(10, 20, 30, 40)).toBe('below-min');
    expect(watermarkLevel(20, 20, 30, 40)).toBe('below-low');
    expect(watermarkLevel(35, 20, 30, 40)).toBe('below-high');
    expect(watermarkLevel(40, 20, 30, 40)).toBe('above-high');
    expect(watermarkLevel(null, 20, 30, 40)).toBe('unknown');
  });
});

describe('Zones view: free lists and the false-free case', () => {
  const dma = zones.find((z) => z.name === 'DMA')!;
  const m = freeMatrix(dma.free!);

  it('builds blocks[type][order] from the AREA rows', () => {
    // kmem -f DMA: order 6 has one 256k block and order 7 one 512k block, both on the first list.
    expect(m.orders).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(m.blocks[0]![6]).toBe(1);
    expect(m.blocks[0]![7]).toBe(1);
    expect(m.pages[0]![7]).toBe(128);
    const total = m.blocks.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(dma.free!.areas.reduce((s, a) => s + a.blocks, 0));
  });

  it('names the migrate lists in the kernel enum order', () => {
    expect(m.types.slice(0, 3)).toEqual(['Unmovable', 'Movable', 'Reclaimable']);
    expect(migrateTypeNames(6)).toEqual(['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'CMA', 'Isolate']);
  });

  it('an order-9 request finds nothing although the zone has free pages (false free)', () => {
    const fit = fitFor(m, 9, 0);
    expect(dma.freePages).toBeGreaterThan(0);
    expect(fit.anyType).toBe(0);
    expect(fit.largestOrder).toBe(7);
    expect(fit.pagesTooSmall).toBe(64 + 128);
  });

  it('an order-0 request is served by any block of any order on its list', () => {
    const fit = fitFor(m, 0, 0);
    expect(fit.sameType).toBe(2);
    expect(fit.anyType).toBe(2);
    // Nothing on the Movable lists of DMA.
    expect(fitFor(m, 0, 1).sameType).toBe(0);
  });
});

describe("Zones view: the OOM report's allocation", () => {
  // meta.json gives "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)": the flag names inside the parentheses.
  const flagsOf = (scenario: 'oom-user-hog' | 'oom-slab-leak'): string[] => {
    const gfp = (fixtureMeta(scenario).truth.oom as { gfp_mask: string }).gfp_mask;
    return /\(([^)]*)\)/.exec(gfp)![1]!.split('|');
  };

  it('a user-space hog allocates movable pages, a kernel leak unmovable ones', () => {
    expect(migrateTypeNames(5)[migrateTypeOfGfp(flagsOf('oom-user-hog'))]).toBe('Movable');
    expect(migrateTypeNames(5)[migrateTypeOfGfp(flagsOf('oom-slab-leak'))]).toBe('Unmovable');
    expect(migrateTypeOfGfp(['GFP_KERNEL', '__GFP_RECLAIMABLE'])).toBe(2);
  });
});
