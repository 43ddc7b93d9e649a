/**
 * A task's sample pages: which addresses of the hog's real `vm 179` are translated, the command
 * the allowlist accepts unchanged (so the cache key is the command line crash ran), and crash's
 * real `vtop` answer (tests/unit/parse/samples, captured from crash 8.0.6 on oom-user-hog)
 * matched back to the samples, with their Page flags links.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGuidedCommand } from '../../../electron/crash/allowlist.ts';
import { parseKmemPageFlags, parseVm, parseVtop } from '../../../electron/parse/index.ts';
import type { Vma } from '../../../electron/parse/index.ts';
import { repoRoot, transcript } from '../../support/fixtures.ts';
import { matchSamples, pageFlagsLink, pickSamples, sampledFrom, sampleFlagNames, samplePhysical, stateText, vtopCommand, type PageSample } from '../../../renderer/views/MemoryMap/sample-pages.ts';

const vmas = parseVm(transcript('oom-user-hog', 'vm 179')).model.vmas;
const sample = (name: string): string => readFileSync(path.join(repoRoot, 'tests/unit/parse/samples', `vtop-oom-user-hog-${name}.txt`), 'utf8');
const big = (h: string): bigint => BigInt(`0x${h}`);

describe('Sample pages: choosing addresses', () => {
  it('takes first, middle and last page of the 4 largest VMAs, the hog\'s anonymous arena first', () => {
    const s = pickSamples(vmas);
    const bySize = [...vmas].sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0)).slice(0, 4);
    expect(s).toHaveLength(12);
    expect([...new Set(s.map((x) => x.vma.vma))]).toEqual(bySize.map((v) => v.vma));
    expect(s[0]?.vma.file).toBeNull();
    for (const v of bySize) {
      const start = big(v.start);
      const end = big(v.end);
      const pages = (end - start) / 4096n;
      expect(s.filter((x) => x.vma === v).map((x) => [x.position, x.address])).toEqual([
        ['first', `0x${start.toString(16)}`],
        ['middle', `0x${(start + (pages / 2n) * 4096n).toString(16)}`],
        ['last', `0x${(end - 4096n).toString(16)}`],
      ]);
    }
  });

  it('one- and two-page VMAs give one and two samples; PFN maps (vvar) and bad rows are skipped', () => {
    const v = (start: string, end: string, flags = '8100073'): Vma => ({ vma: `ffff${start}`, start, end, sizeBytes: Number(big(end) - big(start)), flags, file: null });
    expect(pickSamples([v('1000', '2000')]).map((x) => x.position)).toEqual(['first']);
    expect(pickSamples([v('1000', '3000')]).map((x) => [x.position, x.address])).toEqual([['first', '0x1000'], ['middle', '0x2000']]);
    // vm 179's vvar page: 0xc044411 has VM_PFNMAP (0x400)
    expect(pickSamples([v('7ffc6e3e1000', '7ffc6e3e5000', 'c044411')])).toEqual([]);
    expect(pickSamples([{ ...v('1000', '2000'), start: 'zz' }, { ...v('1000', '2000'), start: '3000' }])).toEqual([]);
  });

  it('the command passes the allowlist unchanged, so the cached key is the line crash ran', () => {
    const cmd = vtopCommand(179, pickSamples(vmas));
    expect(buildGuidedCommand(cmd)).toBe(`${cmd.id} ${cmd.arg}`);
    expect(cmd.arg!.startsWith('179 0x7f66d5e7b000 ')).toBe(true);
  });
});

describe("Sample pages: crash's answer", () => {
  const vmaAt = (a: string): Vma => vmas.find((v) => big(v.start) <= big(a) && big(a) < big(v.end))!;
  const mk = (a: string): PageSample => ({ address: `0x${a}`, vma: vmaAt(a), position: 'first' });

  it('matches real vtop output by address: present pages link to Page flags at their physical address', () => {
    const m = parseVtop(sample('hog-samples')).model;
    const rows = matchSamples([mk('7f66d5e7b000'), mk('9c99000'), mk('400000')], m);
    expect(rows.map((r) => r.translation?.state)).toEqual(['present', 'not-mapped', 'not-mapped']);
    const phys = samplePhysical(rows[0]!.translation);
    // the PTE row of the raw text names the same physical page
    expect(sample('hog-samples')).toMatch(new RegExp(`^80000000029f2867 +${phys!.slice(2)} `, 'm'));
    expect(pageFlagsLink(phys!)).toBe(`#/page-flags?mode=physical&addr=${phys}`);
    expect(samplePhysical(rows[1]!.translation)).toBeNull();
    expect(stateText(rows[2]!.translation!)).toContain('/usr/local/bin/ingestd');
  });

  it('a sample crash did not answer is "missing"; an address in the output twice is "ambiguous", never picked', () => {
    const m = parseVtop(sample('hog-samples')).model;
    expect(matchSamples([mk('4a3000')], m)[0]).toMatchObject({ translation: null, problem: 'missing' });
    const twice = { translations: [m.translations[0]!, { ...m.translations[0]!, physical: '1234000' }] };
    expect(matchSamples([mk('7f66d5e7b000')], twice)[0]).toMatchObject({ translation: null, problem: 'ambiguous' });
    expect(matchSamples([mk('7f66d5e7b000')], null)[0]?.problem).toBe('missing');
  });

  it('flags decode through kmem -g; on an anonymous page the shared bit 17 reads anon_exclusive, on a reserved page not', () => {
    const table = parseKmemPageFlags(transcript('oom-user-hog', 'kmem -g')).model.flags;
    const m = parseVtop(sample('hog-samples')).model;
    // Independent reading of the first arena page's FLAGS word 0xfffffc00a0014 against kmem -g:
    // bits 2 (uptodate), 4 (lru), 17 (mappedtodisk = anon_exclusive), 19 (swapbacked).
    expect(m.translations[0]?.page?.flags).toBe('fffffc00a0014');
    expect(sampleFlagNames(m.translations[0]!.page!, table)).toEqual({ names: ['uptodate', 'lru', 'anon_exclusive', 'swapbacked'], via: 'kmem -g' });
    // without the table: crash's own names
    expect(sampleFlagNames(m.translations[0]!.page!, []).via).toBe('crash');
    const vdso = parseVtop(sample('vdso')).model.translations[0]!.page!;
    expect(sampleFlagNames(vdso, table).names).toEqual(['referenced', 'reserved']);
  });

  it('the Page flags link carries the task and virtual address back; malformed ones are ignored', () => {
    const link = pageFlagsLink('0x29f2000', { pid: 179, virtual: '0x7f66d5e7b000' });
    expect(link).toBe('#/page-flags?mode=physical&addr=0x29f2000&pid=179&vaddr=0x7f66d5e7b000');
    expect(sampledFrom(new URLSearchParams(link.split('?')[1]))).toEqual({ pid: 179, virtual: '0x7f66d5e7b000' });
    for (const q of ['pid=179', 'pid=1e3&vaddr=0x1', 'pid=1&vaddr=<b>', 'pid=1&vaddr=0x1%0aquit']) expect(sampledFrom(new URLSearchParams(q))).toBeNull();
  });

  it('a hostile physical value cannot leave the link', () => {
    const t = { ...parseVtop(sample('hog-samples')).model.translations[0]!, page: null, physical: '"><img src=x>' };
    expect(samplePhysical(t)).toBeNull();
    expect(pageFlagsLink('0x1&mode=page')).toBe('#/page-flags?mode=physical&addr=0x1%26mode%3Dpage');
  });
});
