/**
 * `ps -m` and `ps -l`: every task with when it last ran on a CPU, most recent first. `ps -m`
 * prints the time since then (`[D HH:MM:SS.mmm]`, relative to the dump's runqueue clock), `ps -l`
 * the raw last-run timestamp in ns (`[13165794757]`). Both put the task state in brackets before
 * the PID. With `-C` crash groups the tasks under `CPU: N` lines.
 */
import { Diagnostics, MAX_LINE, crashMessage, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PsLastRunModel, PsLastRunTask } from './models.ts';

export const PS_LASTRUN_PARSER_VERSION = 1;

// "[0 00:00:18.649] [UN]  PID: 307      TASK: ffff888005150000  CPU: 0    COMMAND: "backupd""
const ROW = /^\[\s{0,20}([0-9 :.]{1,40})\] \[([A-Z?]{2})\]\s{1,8}PID: (\d{1,8})\s{1,10}TASK: ([0-9a-f]{1,16})\s{1,10}CPU: (\d{1,5})\s{1,10}COMMAND: "(.{0,64})"$/;
const SINCE = /^(\d{1,6}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/;
const CPU_GROUP = /^CPU: (\d{1,5})$/;

/** Parse `ps -m` (time since last run) or `ps -l` (last-run timestamp). */
export function parsePsLastRun(text: string): ParseResult<PsLastRunModel> {
  return guarded('ps -m', () => ({ format: null, tasks: [] }), () => {
    const diags = new Diagnostics('ps -m');
    const tasks: PsLastRunTask[] = [];
    let format: PsLastRunModel['format'] = null;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).slice(0, MAX_LINE);
      const t = line.trim();
      if (t === '' || CPU_GROUP.test(t)) continue;
      if (crashMessage(line, ['ps'], diags)) continue;
      const m = ROW.exec(t);
      if (!m) {
        diags.skip(i + 1, line, 'not a ps -m / ps -l row');
        continue;
      }
      const stamp = (m[1] as string).trim();
      const since = SINCE.exec(stamp);
      let sinceLastRunMs: number | null = null;
      let lastRunNs: string | null = null;
      if (since) {
        sinceLastRunMs = ((Number(since[1]) * 24 + Number(since[2])) * 60 + Number(since[3])) * 60_000 + Number(since[4]) * 1000 + Number(since[5]);
        format = format ?? 'since-last-run';
      } else if (/^\d{1,20}$/.test(stamp)) {
        // 64-bit ns can exceed 2^53: kept as the decimal text crash printed.
        lastRunNs = stamp;
        format = format ?? 'last-run-timestamp';
      } else {
        diags.skip(i + 1, line, 'unreadable time in brackets');
        continue;
      }
      tasks.push({
        pid: Number(m[3]), task: m[4] as string, cpu: Number(m[5]), command: m[6] as string,
        state: m[2] as string, sinceLastRunMs, lastRunNs,
      });
    }
    if (tasks.length === 0) noDataDiagnosis(diags, 'ps -m', text);
    return { model: { format, tasks }, diagnostics: diags.finish() };
  });
}
