/**
 * `kmem -i`: the memory usage table (TOTAL MEM, FREE, USED, SHARED, BUFFERS, CACHED, SLAB,
 * huge pages, swap, commit) with pages, bytes and percentage per row.
 */
import { Diagnostics, crashMessage, fields, guarded, int, noDataDiagnosis, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemInfoModel, KmemInfoRow } from './models.ts';

export const KMEM_INFO_PARSER_VERSION = 2;

/**
 * Rows crash 8.x always printed but later releases may leave out: crash 9.0.0 stopped printing
 * SHARED (it walks every page; crash-utility/crash b39f8b558f9c "Enhance kmem -i[=shared]")
 * unless asked with `kmem -i=shared`.
 */
const OPTIONAL_ROWS: Record<string, string> = {
  SHARED: 'crash 9.0 and later print SHARED only for `kmem -i=shared` (crash-utility/crash b39f8b558f9c: counting shared pages walks every page)',
};

const UNITS = new Set(['B', 'KB', 'MB', 'GB', 'TB', 'PB']);

/** Parse `kmem -i`. */
export function parseKmemInfo(text: string): ParseResult<KmemInfoModel> {
  return guarded('kmem -i', () => ({ rows: [], byLabel: {}, notPrinted: [] }), () => {
    const diags = new Diagnostics('kmem -i');
    const rows: KmemInfoRow[] = [];
    const byLabel: Record<string, KmemInfoRow> = {};
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const f = fields(line);
      if (f[0] === 'PAGES' && f[1] === 'TOTAL') continue;
      if (crashMessage(line, ['kmem'], diags)) continue;
      const r = row(f);
      if (!r) {
        diags.skip(i + 1, line, 'not a kmem -i row');
        continue;
      }
      rows.push(r);
      byLabel[r.label] = r;
    }
    if (rows.length === 0) noDataDiagnosis(diags, 'kmem -i', text);
    const notPrinted: string[] = [];
    if (rows.length > 0 && byLabel['TOTAL MEM']) {
      for (const [label, why] of Object.entries(OPTIONAL_ROWS)) {
        if (byLabel[label]) continue;
        notPrinted.push(label);
        diags.add('row-not-printed', 'info', `kmem -i: no ${label} row: ${why}; it is unknown here, not zero.`);
      }
    }
    const committed = byLabel.COMMITTED;
    if (committed && committed.pages === 0) {
      // crash reads vm_committed_as.count only (memory.c dump_kmeminfo), never the per-CPU deltas.
      committed.lowerBound = true;
      diags.add('lower-bound', 'info', 'kmem -i: COMMITTED 0 is a lower bound: crash reads only the global part of the per-CPU counter vm_committed_as, not the per-CPU batches (the kernel\'s Committed_AS adds them).');
    }
    return { model: { rows, byLabel, notPrinted }, diagnostics: diags.finish() };
  });
}

// "    TOTAL MEM    47044     183.8 MB         ----"
// "         FREE      604       2.4 MB    1% of TOTAL MEM"
function row(f: string[]): KmemInfoRow | null {
  let k = 0;
  while (k < f.length && !/^\d{1,16}$/.test(f[k] as string)) k++;
  if (k === 0 || k >= f.length - 1) return null;
  const label = f.slice(0, k).join(' ');
  if (!/^[A-Z][A-Z_ ]{0,40}$/.test(label)) return null;
  const pages = int(f[k]);
  let j = k + 1;
  let bytesText = f[j] as string;
  if (UNITS.has(f[j + 1] ?? '')) {
    bytesText = `${bytesText} ${f[j + 1]}`;
    j++;
  }
  const bytes = sizeToBytes(bytesText);
  if (bytes === null) return null;
  j++;
  const rest = f.slice(j);
  let percent: number | null = null;
  let percentOf: string | null = null;
  if (rest.length === 1 && rest[0] === '----') {
    // no percentage for totals
  } else if (rest.length >= 3 && /^\d{1,3}%$/.test(rest[0] as string) && rest[1] === 'of') {
    percent = Number((rest[0] as string).slice(0, -1));
    percentOf = rest.slice(2).join(' ');
  } else if (rest.length !== 0) {
    return null;
  }
  return { label, pages, bytes, bytesText, percent, percentOf };
}
