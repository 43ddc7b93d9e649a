/**
 * `vtop` parser. The samples under tests/unit/parse/samples/vtop-oom-user-hog-*.txt are REAL
 * crash 8.0.6 output, captured for this test by running
 *   crash -s vmlinux-6.1.0-56-cloud-amd64 oom-user-hog/vmcore
 * with the commands named in each test (pid 179 is ingestd, the hog of meta.json truth).
 * Expectations come from the fixture's own `vm 179` and `kmem -g` transcripts, meta.json and
 * x86_64 facts (nokaslr layout, PAGE_MAPPING_ANON), not from the parser. The swap, hostile and
 * huge-page cases are synthetic, written after crash's source (x86_64_translate_pte, do_vtop).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parseKmemPageFlags, parserFor, parseVm, parseVtop } from '../../../electron/parse/index.ts';
import type { VtopModel, VtopTranslation } from '../../../electron/parse/index.ts';
import { fixtureMeta, repoRoot, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

const sample = (name: string): string => readFileSync(path.join(repoRoot, 'tests/unit/parse/samples', `vtop-oom-user-hog-${name}.txt`), 'utf8');
const hogPid = (fixtureMeta('oom-user-hog').truth.panic_task as { pid: number }).pid;
/** The addresses the hog-samples capture asked for (first, middle, last pages of its VMAs). */
const requested = ['7f66d5e7b000', '7f66dab7b000', '7f66e007a000', '9c88000', '9c99000', '9ca9000', '7ffc6e32c000', '7ffc6e33c000', '7ffc6e34c000', '400000', '47a000', '4a6000'];
const big = (hex: string): bigint => BigInt(`0x${hex}`);
const bitOf = (name: string): number => {
  const f = parseKmemPageFlags(transcript('oom-user-hog', 'kmem -g')).model.flags.find((x) => x.name === name);
  if (!f) throw new Error(`kmem -g has no ${name}`);
  return f.bit;
};
const hasBit = (flagsHex: string, bit: number): boolean => ((big(flagsHex) >> BigInt(bit)) & 1n) === 1n;

describe('vtop on real crash 8.0.6 output (oom-user-hog)', () => {
  it('the registry routes `vtop -c PID ADDR...` to this parser, and not other layouts', () => {
    expect(parserFor('vtop -c 179 0x400000')).toBe('vtop');
    expect(parserFor('vtop -c 179 0x400000 0x9c88000')).toBe('vtop');
    expect(parserFor('vtop 0xffffffff81000000')).toBe('vtop');
    expect(parserFor('vtop -c 179')).toBeNull();
    expect(parserFor('vtop -x 0x1')).toBeNull();
  });

  it(`the hog (pid ${hogPid}): one translation per address, each in the VMA that \`vm ${hogPid}\` lists for it`, () => {
    expect(hogPid).toBe(179);
    const parsed = parseCommandOutput(`vtop -c ${hogPid} ${requested.map((a) => `0x${a}`).join(' ')}`, sample('hog-samples'));
    expect(parsed?.parser).toBe('vtop');
    expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
    const m = parsed?.model as VtopModel;
    expect(m.translations.map((t) => t.virtual)).toEqual(requested);
    const vmas = parseVm(transcript('oom-user-hog', `vm ${hogPid}`)).model.vmas;
    for (const t of m.translations) {
      const owner = vmas.find((v) => big(v.start) <= big(t.virtual) && big(t.virtual) < big(v.end));
      expect(owner, t.virtual).toBeDefined();
      expect(t.vma).toEqual({ vma: owner!.vma, start: owner!.start, end: owner!.end, flags: owner!.flags, file: owner!.file });
      expect(t.space).toBe('user');
      expect(t.duplicate).toBe(false);
      // x86_64 4-level paging: a user walk has PGD, PUD, PMD, PTE
      expect(t.walk.map((w) => w.level)).toEqual(['PGD', 'PUD', 'PMD', 'PTE']);
    }
  });

  it('present anonymous pages carry their struct page: same physical page, anon mapping, swapbacked and lru per kmem -g', () => {
    const m = parseVtop(sample('hog-samples')).model;
    const present = m.translations.filter((t) => t.state === 'present');
    // The hog touched its whole anonymous arena (RSS ~ total VM in vm 179): first, middle and last page are there.
    const arena = present.filter((t) => t.vma?.file === null && t.vma.start === '7f66d5e7b000');
    expect(arena.map((t) => t.virtual)).toEqual(['7f66d5e7b000', '7f66dab7b000', '7f66e007a000']);
    for (const t of present) {
      expect(t.physical).toMatch(/^[0-9a-f]+$/);
      expect(t.pageBase).toBe(t.physical); // page-aligned addresses
      expect(t.page?.physical).toBe(t.physical);
      expect(t.pte?.physical).toBe(t.physical);
      expect(t.pte?.flags).toEqual(expect.arrayContaining(['PRESENT', 'USER']));
      expect(t.hugePage).toBeNull();
    }
    for (const t of arena) {
      // PAGE_MAPPING_ANON: the low bit of page->mapping marks an anon_vma
      expect(big(t.page!.mapping) & 1n).toBe(1n);
      expect(hasBit(t.page!.flags, bitOf('PG_swapbacked'))).toBe(true);
      expect(hasBit(t.page!.flags, bitOf('PG_lru'))).toBe(true);
      expect(hasBit(t.page!.flags, bitOf('PG_slab'))).toBe(false);
      // the anon page's index is its virtual page number
      expect(big(t.page!.index)).toBe(big(t.virtual) >> 12n);
      expect(t.pte?.flags).toContain('RW');
    }
  });

  it('untouched heap and stack pages are "not mapped"; not-present file pages say which file offset backs them', () => {
    const m = parseVtop(sample('hog-samples')).model;
    const by = (a: string): VtopTranslation => m.translations.find((t) => t.virtual === a)!;
    for (const a of ['9c99000', '9ca9000', '7ffc6e32c000', '7ffc6e33c000', '400000', '47a000']) {
      expect(by(a)).toMatchObject({ state: 'not-mapped', physical: null, page: null, pte: null, swap: null });
      expect(by(a).walk.at(-1)).toMatchObject({ level: 'PTE', value: '0' });
    }
    expect(by('9c99000').file).toBeNull();
    // A static binary is mapped linearly from 0x400000: the file offset is the address minus 0x400000.
    expect(by('400000').file).toEqual({ path: '/usr/local/bin/ingestd', offset: '0' });
    expect(by('47a000').file).toEqual({ path: '/usr/local/bin/ingestd', offset: (0x47a000 - 0x400000).toString(16) });
    // the written data page of the binary is present (private copy)
    expect(by('4a6000').state).toBe('present');
  });

  it('an address outside every VMA, and any user address of a kernel thread (no mm), is "not accessible"', () => {
    const outside = parseVtop(sample('not-accessible'));
    expect(outside.diagnostics).toEqual([]);
    expect(outside.model.translations).toEqual([expect.objectContaining({ virtual: '10000', state: 'not-accessible', vma: null, walk: [] })]);
    const kthread = parseCommandOutput('vtop -c 2 0x400000', sample('kernel-thread'));
    expect((kthread?.model as VtopModel).translations).toEqual([expect.objectContaining({ virtual: '400000', state: 'not-accessible', physical: null })]);
  });

  it('kernel addresses: the 2MB kernel-text and direct-map pages (nokaslr layout), reserved per kmem -g', () => {
    expect((fixtureMeta('oom-user-hog').kernel as { kaslr?: boolean }).kaslr).toBe(false);
    const { model, diagnostics } = parseVtop(sample('kernel-address'));
    expect(problems(diagnostics)).toEqual([]);
    const [text, direct] = model.translations;
    // __START_KERNEL_map = 0xffffffff80000000; page_offset_base = 0xffff888000000000 without KASLR
    expect(text).toMatchObject({ virtual: 'ffffffff81000000', space: 'kernel', state: 'present', hugePage: '2MB', physical: (0xffffffff81000000n - 0xffffffff80000000n).toString(16), vma: null });
    expect(direct).toMatchObject({ virtual: 'ffff888002399000', space: 'kernel', state: 'present', hugePage: '2MB', physical: (0xffff888002399000n - 0xffff888000000000n).toString(16) });
    // the 2MB page starts at the 2MB boundary below the byte
    expect(big(direct!.pageBase!)).toBe(big(direct!.physical!) & ~0x1fffffn);
    expect(text?.walk.map((w) => w.level)).toEqual(['PGD DIRECTORY', 'PAGE DIRECTORY', 'PUD', 'PMD']);
    expect(text?.pte?.flags).toContain('PSE');
    expect(hasBit(text!.page!.flags, bitOf('PG_reserved'))).toBe(true);
    // the struct page row is the one of the byte's own 4k page
    expect(direct?.page?.physical).toBe(direct?.physical);
  });

  it('the vdso page: present, in the kernel image (reserved), mapped read-only into the task', () => {
    const m = parseVtop(sample('vdso')).model;
    expect(m.translations.map((t) => t.state)).toEqual(['present', 'not-mapped']);
    const vdso = m.translations[0]!;
    expect(vdso.pte?.flags).not.toContain('RW');
    expect(hasBit(vdso.page!.flags, bitOf('PG_reserved'))).toBe(true);
  });

  it('an unknown pid is crash\'s error as a diagnostic, not an empty success', () => {
    const { model, diagnostics } = parseVtop(sample('bad-pid'));
    expect(model.translations).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['crash-error', 'vtop: invalid task or pid value: 99999']]);
  });
});

describe('vtop synthetic edge cases (layout from crash source)', () => {
  const header = 'VIRTUAL     PHYSICAL        ';
  const walk = '   PGD: 56987f0 => 56c9067\n   PUD: 56c9cd8 => 56d2067\n   PMD: 56d2578 => b57d067\n';

  it('a swapped-out page: the PTE swap row and the SWAP: line give device and offset', () => {
    const text = `${header}\n7f66d5e7b000  (not mapped)        \n\n${walk}   PTE: b57d3d8 => 3e2c00\n\n  PTE      SWAP     OFFSET\n3e2c00  /dev/vda2  15908\n\n      VMA           START       END     FLAGS FILE\nffff888005669390 7f66d5e7b000 7f66e007b000 8100073 \n\n\nSWAP: /dev/vda2  OFFSET: 15908\n\n`;
    const { model, diagnostics } = parseVtop(text);
    expect(problems(diagnostics)).toEqual([]);
    expect(model.translations[0]).toMatchObject({ state: 'swapped', physical: null, swap: { device: '/dev/vda2', offset: '15908' }, page: null, pte: null });
  });

  it('a swap file whose name has spaces (SWAP: line only)', () => {
    const text = `${header}\n7f66d5e7b000  (not mapped)\n\n${walk}   PTE: b57d3d8 => 3e2c00\n\nSWAP: /var/my swap  OFFSET: 7\n`;
    expect(parseVtop(text).model.translations[0]).toMatchObject({ state: 'swapped', swap: { device: '/var/my swap', offset: '7' } });
  });

  it('a hostile file name with a line break cannot forge a block; a forged duplicate address is flagged', () => {
    const forged = `x\nVIRTUAL     PHYSICAL\n400000      1234000\n  PAGE: 1234000`;
    const text = `${header}\n400000      (not mapped)\n\n${walk}   PTE: 56d1000 => 0\n\n      VMA           START       END     FLAGS FILE\nffff888005669260     400000     401000 8000071 /tmp/${forged}\n\nFILE: /tmp/${forged}  OFFSET: 0\n\n`;
    const { model } = parseVtop(text);
    expect(model.translations).toHaveLength(1);
    expect(model.translations[0]).toMatchObject({ state: 'not-mapped', physical: null, page: null });
    expect(model.translations[0]?.vma?.file).toBe(`/tmp/${forged}`);
    expect(model.translations[0]?.file).toEqual({ path: `/tmp/${forged}`, offset: '0' });
    // Even a name with a blank line in it, which does end the VMA row early, leaves the real block
    // and the forged one both marked as duplicates instead of one silently winning.
    const blankForged = `${header}\n400000      (not mapped)\n\n      VMA           START       END     FLAGS FILE\nffff888005669260     400000     401000 8000071 /tmp/a\n\n${header}\n400000      1234000\n\n`;
    const r = parseVtop(blankForged);
    expect(r.model.translations.map((t) => t.duplicate)).toEqual([true, true]);
    expect(r.diagnostics.map((d) => d.code)).toContain('duplicate-address');
  });

  it('huge and zero pages, PROTNONE, and addresses crash refuses', () => {
    const huge = parseVtop(`${header}\n7f0000200000  40200000\n\n   PGD: 1 => 2\n   PUD: 3 => 400000e7\n  PAGE: 40000000  (1GB)\n\n      PTE         PHYSICAL  FLAGS\n400000e7   40000000  (PRESENT|RW|USER|ACCESSED|DIRTY|PSE)\n`).model.translations[0];
    expect(huge).toMatchObject({ state: 'present', hugePage: '1GB', pageBase: '40000000', physical: '40200000', zeroPage: false });
    const zero = parseVtop(`${header}\n7f0000200000  2a00000\n\n${walk}   PTE: 1 => 8000000002a00025\n  PAGE: 2a00000  (ZERO PAGE)\n`).model.translations[0];
    expect(zero).toMatchObject({ state: 'present', zeroPage: true, hugePage: null });
    const thp0 = parseVtop(`${header}\n7f0000200000  2a00000\n\n${walk}  PAGE: 2a00000  (2MB, ZERO PAGE)\n`).model.translations[0];
    expect(thp0).toMatchObject({ hugePage: '2MB', zeroPage: true });
    const protnone = parseVtop(`${header}\n7f0000200000  2a00000\n\n${walk}   PTE: 1 => 2a00100\n  PAGE: 2a00000\n\n  PTE    PHYSICAL  FLAGS\n2a00100   2a00000  (PROTNONE)\n`).model.translations[0];
    expect(protnone?.pte?.flags).toEqual(['PROTNONE']);
    const notK = parseVtop('VIRTUAL           PHYSICAL        \n1234      (not a kernel virtual address)\n\n').model.translations[0];
    expect(notK?.state).toBe('not-kernel-address');
  });

  it('every truncation of the real output parses without an internal error, keeping only whole address lines', () => {
    const text = sample('hog-samples');
    for (let cut = 0; cut <= text.length; cut += 37) {
      const { model, diagnostics } = parseVtop(text.slice(0, cut));
      expect(diagnostics.map((d) => d.code)).not.toContain('internal-error');
      for (const t of model.translations) expect(requested).toContain(t.virtual);
    }
  });

  it('garbage and empty output are diagnostics, never a throw', () => {
    expect(parseVtop('').diagnostics.map((d) => d.code)).toEqual(['empty-output']);
    const g = parseVtop('hello\nVIRTUAL PHYSICAL\nnot an address\n\u0000\u0001');
    expect(g.model.translations).toEqual([]);
    expect(g.diagnostics.map((d) => d.code)).toContain('unparsed-lines');
    expect(parseVtop('vtop: invalid input: "zzz"\n').diagnostics[0]?.code).toBe('crash-error');
  });
});
