/**
 * `kmem -p [addr]`: page rows (page, physical, mapping, index, count, flags) with FLAGS decoded
 * through the dump's own `kmem -g` table when given, else through the names crash printed (which
 * crash decodes with the same table), and a page-state summary.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PageFlagsModel, PageRow, PageStateSummary, PagesModel } from './models.ts';
import { decodePageFlags } from './kmem-pageflags.ts';

export const KMEM_PAGES_PARSER_VERSION = 1;

const SUMMARY_STATES = ['dirty', 'writeback', 'lru', 'active', 'unevictable', 'slab', 'reserved', 'swapbacked', 'locked', 'mlocked', 'head'] as const;

/** Parse `kmem -p`; pass the parsed `kmem -g` table of the same dump to decode FLAGS bit by bit. */
export function parseKmemPages(text: string, flagTable?: PageFlagsModel | null): ParseResult<PagesModel> {
  const table = flagTable && flagTable.flags.length > 0 ? flagTable : null;
  const empty = (): PagesModel => ({ pages: [], summary: summarize([]), decodedWith: table ? 'kmem -g' : 'names-only' });
  return guarded('kmem -p', empty, () => {
    const diags = new Diagnostics('kmem -p');
    const pages: PageRow[] = [];
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const f = fields(line);
      if (f[0] === 'PAGE' && f[1] === 'PHYSICAL') continue;
      if (crashMessage(line, ['kmem'], diags)) continue;
      // "ffffea0000040000  1000000                0        0  1 fffffc0001000 reserved"
      const ok = f.length >= 6 && [0, 1, 2, 3, 5].every((k) => /^[0-9a-f]{1,16}$/.test(f[k] as string)) && /^-?\d{1,10}$/.test(f[4] as string);
      if (!ok) {
        diags.skip(i + 1, line, 'not a kmem -p row');
        continue;
      }
      const flags = f[5] as string;
      const flagNames = f.slice(6).join(' ').split(',').map((s) => s.trim()).filter(Boolean);
      const decodedFlags = table ? decodePageFlags(flags, table) : flagNames;
      if (table && !sameSet(decodedFlags, flagNames)) {
        diags.add('flag-decode-mismatch', 'warning',
          `kmem -p: page ${f[0]}: crash printed "${flagNames.join(',')}" but ${flags} decodes to "${decodedFlags.join(',')}" with kmem -g`);
      }
      pages.push({ page: f[0] as string, physical: f[1] as string, mapping: f[2] as string, index: f[3] as string, count: Number(f[4]), flags, flagNames, decodedFlags });
    }
    if (pages.length === 0) noDataDiagnosis(diags, 'kmem -p', text);
    return { model: { pages, summary: summarize(pages), decodedWith: table ? 'kmem -g' : 'names-only' }, diagnostics: diags.finish() };
  });
}

/** Count pages per state; `byFlag` counts every decoded name. */
export function summarize(pages: PageRow[]): PageStateSummary {
  const byFlag: Record<string, number> = {};
  for (const p of pages) for (const n of p.decodedFlags ?? p.flagNames) byFlag[n] = (byFlag[n] ?? 0) + 1;
  const s = { pages: pages.length, byFlag } as PageStateSummary;
  for (const k of SUMMARY_STATES) s[k] = byFlag[k] ?? 0;
  return s;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = new Set(a);
  return b.every((x) => sa.has(x));
}
