import { describe, expect, it } from 'vitest';
import {
  decodePageFlags, parseCommandOutput, parseKmemFree, parseKmemPageFlags, parseKmemPages, parseKmemVmStat, parseVm,
} from '../../../electron/parse/index.ts';
import type { VmModel } from '../../../electron/parse/index.ts';
import { fixtureMeta, scenarios, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

interface LargestTask { pid: number; comm: string; total_vm_pages: number }
const largest = (s: 'oom-slab-leak' | 'oom-user-hog'): LargestTask =>
  (fixtureMeta(s).truth.oom as { largest_rss_task: LargestTask }).largest_rss_task;

describe('vm', () => {
  for (const s of ['oom-slab-leak', 'oom-user-hog'] as const) {
    it(`${s}: the biggest process's mm and VMAs (crash 8.0.6)`, () => {
      const t = largest(s);
      const text = transcript(s, `vm ${t.pid}`);
      const parsed = parseCommandOutput(`vm ${t.pid}`, text);
      expect(parsed?.parser).toBe('vm');
      expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
      const m = parsed?.model as VmModel;
      expect(m).toMatchObject({ pid: t.pid, command: t.comm, kernelThread: false, totalVmKb: t.total_vm_pages * 4 });
      const rows = text.split('\n').filter((l) => /^[0-9a-f]{16} +[0-9a-f]+ +[0-9a-f]+ [0-9a-f]+/.test(l)).length;
      expect(m.vmas).toHaveLength(rows);
      // the binary is mapped from /usr/local/bin/<comm>; VMAs are sorted and do not overlap
      expect(m.vmas[0]?.file).toBe(`/usr/local/bin/${t.comm}`);
      for (let i = 1; i < m.vmas.length; i++) {
        expect(BigInt(`0x${m.vmas[i]?.start}`) >= BigInt(`0x${m.vmas[i - 1]?.end}`)).toBe(true);
      }
      // total_vm counts every VMA page
      expect(m.vmas.reduce((n, v) => n + (v.sizeBytes ?? 0), 0)).toBe(t.total_vm_pages * 4096);
    });
  }

  for (const s of scenarios) {
    it(`${s}: crash 8.0.2 cannot walk the maple tree: its error is a diagnostic, not an empty success`, () => {
      const { model, diagnostics } = parseVm(transcript(s, 'vm', '8.0.2'));
      const truth = fixtureMeta(s).truth.panic_task;
      expect(model.pid).toBe(truth.pid);
      const err = diagnostics.find((d) => d.code === 'crash-error');
      if (model.kernelThread) {
        // kernel threads have no mm: header only, no error (fixtures README)
        expect(err).toBeUndefined();
      } else {
        expect(err?.message).toBe('vm: invalid structure member offset: mm_struct_mmap');
        expect(err?.hint).toMatch(/newer crash/);
        expect(model.vmas).toEqual([]);
      }
    });
  }

  it('crash 8.0.2 without the task: "invalid task or pid value" and nothing else', () => {
    const { diagnostics } = parseVm(transcript('oom-slab-leak', 'vm 154', '8.0.2'));
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['crash-error', 'vm: invalid task or pid value: 154']]);
  });

  it('oom-slab-leak: the panicking kworker is a kernel thread without mm', () => {
    const { model, diagnostics } = parseVm(transcript('oom-slab-leak', 'vm'));
    expect(diagnostics).toEqual([]);
    expect(model).toMatchObject({ pid: 29, mm: '0', kernelThread: true, rssKb: 0, vmas: [] });
  });
});

describe('kmem -V', () => {
  for (const s of ['oom-slab-leak', 'oom-user-hog'] as const) {
    it(`${s}: zone and node counters agree with the OOM report's Mem-Info`, () => {
      const mem = (fixtureMeta(s).truth.oom as { mem_info_pages: Record<string, number> }).mem_info_pages;
      for (const v of ['8.0.6', '8.0.2'] as const) {
        const { model, diagnostics } = parseKmemVmStat(transcript(s, 'kmem -V', v));
        expect(problems(diagnostics)).toEqual([]);
        expect(Object.keys(model.sections)).toEqual(['VM_ZONE_STAT', 'VM_NODE_STAT', 'VM_EVENT_STATES']);
        expect(model.sections.VM_NODE_STAT?.NR_SLAB_UNRECLAIMABLE_B).toBe(mem.slab_unreclaimable);
        expect(model.sections.VM_NODE_STAT?.NR_SLAB_RECLAIMABLE_B).toBe(mem.slab_reclaimable);
        // free pages move between the OOM report and the dump; kmem -f reads the same moment
        expect(model.sections.VM_ZONE_STAT?.NR_FREE_PAGES).toBe(parseKmemFree(transcript(s, 'kmem -f', v)).model.nrFreePages);
      }
    });
  }
});

describe('kmem -g / kmem -p', () => {
  for (const s of scenarios) {
    it(`${s}: the dump's page-flag table, aliases sharing bits`, () => {
      const text = transcript(s, 'kmem -g');
      const { model, diagnostics } = parseKmemPageFlags(text);
      expect(problems(diagnostics)).toEqual([]);
      const rows = text.split('\n').filter((l) => /^PG_\w+ +\d+ +[0-9a-f]+$/.test(l));
      expect(model.flags).toHaveLength(rows.length);
      for (const r of rows) {
        const [name, bit] = r.split(/ +/);
        expect(model.namesByBit[Number(bit)]).toContain(name);
      }
      // PG_readahead is listed after PG_reclaim on the same bit in this kernel's table
      const bitOfReclaim = model.flags.find((f) => f.name === 'PG_reclaim')?.bit ?? -1;
      expect(model.namesByBit[bitOfReclaim]?.[0]).toBe('PG_reclaim');
      expect(model.namesByBit[bitOfReclaim]).toContain('PG_readahead');
    });

    it(`${s}: kmem -p 0x1000000 decodes through kmem -g to what crash printed (a reserved page)`, () => {
      const table = parseKmemPageFlags(transcript(s, 'kmem -g')).model;
      const text = transcript(s, 'kmem -p 0x1000000');
      const { model, diagnostics } = parseKmemPages(text, table);
      expect(problems(diagnostics)).toEqual([]);
      expect(model.decodedWith).toBe('kmem -g');
      expect(model.pages).toHaveLength(1);
      expect(model.pages[0]?.physical).toBe('1000000');
      const printed = text.trim().split('\n').at(-1)?.split(/ +/).at(-1);
      expect(model.pages[0]?.decodedFlags).toEqual([printed]);
      expect(model.summary).toMatchObject({ pages: 1, reserved: 1, slab: 0, lru: 0, dirty: 0 });
      // without the table the names crash printed are used
      const plain = parseCommandOutput('kmem -p 0x1000000', text);
      expect((plain?.model as { decodedWith: string }).decodedWith).toBe('names-only');
      const viaRegistry = parseCommandOutput('kmem -p 0x1000000', text, { pageFlags: table });
      expect((viaRegistry?.model as { decodedWith: string }).decodedWith).toBe('kmem -g');
    });
  }

  it('decodes through whatever table the dump has, not a built-in one', () => {
    // An older kernel's layout (e.g. 4.x: PG_error at 1, PG_referenced at 2, PG_slab at 7) — made-up but valid table.
    const table = parseKmemPageFlags([
      'PAGE-FLAG        BIT  VALUE',
      'PG_locked          0  0000001',
      'PG_error           1  0000002',
      'PG_referenced      2  0000004',
      'PG_slab            7  0000080',
      'PG_head           15  0008000',
      'PG_compound       15  0008000',
    ].join('\n')).model;
    expect(decodePageFlags('fffffc0008082', table)).toEqual(['error', 'slab', 'head']);
    const pages = parseKmemPages([
      '      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS',
      'ffffea0000040000  1000000                0        0  1 fffffc0008082 error,slab,head',
      'ffffea0000040040  1001000                0        0  1 fffffc0000004 referenced,lru',
    ].join('\n'), table);
    expect(pages.model.summary).toMatchObject({ pages: 2, slab: 1, head: 1, lru: 0 });
    // crash printed lru where the table has no such bit: flagged, not hidden
    expect(pages.diagnostics.map((d) => d.code)).toContain('flag-decode-mismatch');
  });
});
