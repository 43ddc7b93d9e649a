/**
 * `ps -S`: how many tasks are in each state (`  RU: 4`, `  UN: 1`), crash's own summary of its
 * task table. The total is what crash found, which on an incomplete dump is less than the kernel had.
 */
import { Diagnostics, crashMessage, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PsStatesModel } from './models.ts';

export const PS_STATES_PARSER_VERSION = 1;

const ROW = /^([A-Z?]{2}): (\d{1,9})$/;

/** Parse `ps -S`. */
export function parsePsStates(text: string): ParseResult<PsStatesModel> {
  return guarded('ps -S', () => ({ counts: {}, total: 0 }), () => {
    const diags = new Diagnostics('ps -S');
    const counts: Record<string, number> = {};
    let total = 0;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const t = line.trim();
      if (t === '') continue;
      if (crashMessage(line, ['ps'], diags)) continue;
      const m = ROW.exec(t);
      if (!m) {
        diags.skip(i + 1, line, 'not a ps -S row');
        continue;
      }
      const n = Number(m[2]);
      counts[m[1] as string] = (counts[m[1] as string] ?? 0) + n;
      total += n;
    }
    if (Object.keys(counts).length === 0) noDataDiagnosis(diags, 'ps -S', text);
    return { model: { counts, total }, diagnostics: diags.finish() };
  });
}
