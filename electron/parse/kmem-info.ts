/**
 * `kmem -i`: the memory usage table (TOTAL MEM, FREE, USED, SHARED, BUFFERS, CACHED, SLAB,
 * huge pages, swap, commit) with pages, bytes and percentage per row.
 */
import { Diagnostics, crashMessage, fields, guarded, int, noDataDiagnosis, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemInfoModel, KmemInfoRow } from './models.ts';

export const KMEM_INFO_PARSER_VERSION = 1;

const UNITS = new Set(['B', 'KB', 'MB', 'GB', 'TB', 'PB']);

/** Parse `kmem -i`. */
export function parseKmemInfo(text: string): ParseResult<KmemInfoModel> {
  return guarded('kmem -i', () => ({ rows: [], byLabel: {} }), () => {
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
    return { model: { rows, byLabel }, diagnostics: diags.finish() };
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
