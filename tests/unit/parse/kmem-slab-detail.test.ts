/**
 * `kmem -S CACHE` parser on real crash 8.0.6 output from the oom-slab-leak fixture (captured into
 * tests/unit/parse/samples/), checked against meta.json truth and the kernel's own invariants
 * (objects listed in brackets = the slab's ALLOCATED column), plus a no-throw property.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ParsedSchema } from '../../../electron/api/contract.ts';
import { parseCommandOutput, parseKmemSlabDetail } from '../../../electron/parse/index.ts';
import { fixtureMeta, repoRoot } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

/** A captured sample without its leading "# ..." provenance comment. */
function sample(name: string): string {
  const text = readFileSync(path.join(repoRoot, 'tests/unit/parse/samples', name), 'utf8');
  return text.split('\n').filter((l) => !l.startsWith('# ')).join('\n');
}

const culprit = fixtureMeta('oom-slab-leak').truth.culprit as { cache: string; crash_kmem_s: { kmem_cache: string; objsize: number; allocated: number; total: number; slabs: number } };

describe('kmem -S CACHE', () => {
  it('reads the leaking cache\'s header row and its CPU slab (struct page + first object)', () => {
    const r = parseKmemSlabDetail(sample('kmem-S-bufpool_entry.txt'));
    expect(problems(r.diagnostics)).toEqual([]);
    const c = r.model.cache;
    expect(c?.name).toBe(culprit.cache);
    expect(c?.address).toBe(culprit.crash_kmem_s.kmem_cache);
    expect(c?.allocated).toBe(culprit.crash_kmem_s.allocated);
    expect(c?.total).toBe(culprit.crash_kmem_s.total);
    expect(c?.slabs).toBe(culprit.crash_kmem_s.slabs);
    // Without SLUB debug crash walks only the per-CPU slabs and partial lists.
    expect(r.model.slabs).toHaveLength(1);
    const s = r.model.slabs[0]!;
    expect(s.list).toBe('CPU 0 SLAB');
    // struct pages live in the vmemmap (ffffea...), objects in the direct map (ffff888...).
    expect(s.slab).toMatch(/^ffffea/);
    expect(s.memory).toMatch(/^ffff888/);
    expect(s.total).toBe(s.objectsListed);
    expect(s.allocated).toBe(s.allocatedListed);
    expect((s.allocated ?? 0) + (s.free ?? 0)).toBe(s.total);
    expect(r.model.nodes).toEqual([expect.objectContaining({ node: 0, slabs: culprit.crash_kmem_s.slabs })]);
    expect(r.model.untracked).toEqual(['NODE 0 FULL']);
  });

  it('keeps every CPU slab and partial slab with its list, and counts allocated objects per slab', () => {
    const r = parseKmemSlabDetail(sample('kmem-S-kmalloc-512.txt'));
    expect(problems(r.diagnostics)).toEqual([]);
    expect(r.model.cache?.name).toBe('kmalloc-512');
    expect(r.model.slabs.map((s) => s.list)).toEqual(['CPU 0 SLAB', 'CPU 1 SLAB', 'CPU 1 PARTIAL']);
    for (const s of r.model.slabs) {
      expect(s.allocatedListed).toBe(s.allocated);
      expect(s.objectsListed).toBe(s.total);
    }
    // The node row counts all of the cache's slabs, as the kmem -s row does.
    expect(r.model.nodes[0]?.slabs).toBe(r.model.cache?.slabs);
  });

  it('is what the registry returns for `kmem -S NAME`, contract-valid', () => {
    const p = parseCommandOutput('kmem -S bufpool_entry', sample('kmem-S-bufpool_entry.txt'));
    expect(p?.parser).toBe('kmem -S');
    expect(v.safeParse(ParsedSchema, p).success).toBe(true);
    // `kmem -s` stays with its own parser.
    expect(parseCommandOutput('kmem -s', '')?.parser).toBe('kmem -s');
  });

  it('says so when crash printed nothing, and when it printed its own error', () => {
    expect(parseKmemSlabDetail('').diagnostics.map((d) => d.code)).toContain('empty-output');
    const err = parseKmemSlabDetail('kmem: invalid kmem_cache name: nosuch\n');
    expect(err.diagnostics.map((d) => d.code)).toContain('crash-error');
    expect(err.model.slabs).toEqual([]);
  });

  it('never throws on truncated, spliced or random input', () => {
    const real = sample('kmem-S-kmalloc-512.txt');
    const lines = real.split('\n');
    fc.assert(fc.property(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc.nat({ max: real.length }).map((n) => real.slice(0, n)),
        fc.array(fc.constantFrom(...lines, '[zz]', '(not tracked)', 'CPU 9 SLAB:', '  SLAB MEMORY'), { maxLength: 60 }).map((ls) => ls.join('\n')),
      ),
      (text) => {
        const r = parseCommandOutput('kmem -S kmalloc-512', text);
        expect(v.safeParse(ParsedSchema, r).success).toBe(true);
        expect(r?.diagnostics.map((d) => d.code)).not.toContain('internal-error');
        for (const s of parseKmemSlabDetail(text).model.slabs) expect(s.allocatedListed).toBeLessThanOrEqual(s.objectsListed);
      },
    ), { numRuns: 300 });
  });
});
