/**
 * `ps` (also `ps -G`, `ps -k`, `ps -u`, `ps <pid>`): one row per task with the `>` active marker
 * and kernel threads in brackets. crash 7.x and 8.x print the same columns with different widths,
 * so rows are read by fields, not offsets.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PsModel, PsTask } from './models.ts';

export const PS_PARSER_VERSION = 1;

const STATES = new Set(['RU', 'IN', 'UN', 'ZO', 'ST', 'TR', 'DE', 'SW', 'WA', 'PA', 'ID', 'NE', '??']);

/** Parse `ps` output. */
export function parsePs(text: string): ParseResult<PsModel> {
  return guarded('ps', () => ({ tasks: [] }), () => {
    const diags = new Diagnostics('ps');
    const tasks: PsTask[] = [];
    const lines = splitLines(text);
    let header = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.length === 0 || line.trim() === '') continue;
      const f = fields(line);
      if (f[0] === 'PID' && f.includes('COMM')) {
        header = true;
        continue;
      }
      const task = row(line, f);
      if (task) {
        tasks.push(task);
        continue;
      }
      if (crashMessage(line, ['ps'], diags)) continue;
      diags.skip(i + 1, line, 'not a ps row');
    }
    // crash prints PPID -1 when it cannot find a task's parent: its task table is incomplete
    // (e.g. crash 8.0.2 on kernels with the flexible-array struct pid).
    const orphans = tasks.filter((t) => t.ppid < 0);
    if (orphans.length > 0) {
      diags.add('parent-unknown', 'warning',
        `ps: crash could not find the parent of ${orphans.length} task(s) (PPID -1): ${orphans.slice(0, 5).map((t) => `${t.pid} ${t.comm}`).join(', ')}`,
        'crash\'s task table is incomplete; a crash release that supports this kernel lists every task.');
    }
    if (tasks.length === 0) noDataDiagnosis(diags, 'ps', text);
    else if (!header) diags.add('no-header', 'info', 'ps: no column header line; read rows as PID PPID CPU TASK ST %MEM VSZ RSS COMM');
    return { model: { tasks }, diagnostics: diags.finish() };
  });
}

function row(line: string, f: string[]): PsTask | null {
  let k = 0;
  const first = f[0] ?? '';
  const active = first.startsWith('>');
  // "%s%7ld": an 8-digit pid leaves no space after the marker.
  if (first === '>') k = 1;
  else if (active) f[0] = first.slice(1);
  if (f.length < k + 9) return null;
  const pid = dec(f[k]);
  const ppid = dec(f[k + 1]);
  const cpu = dec(f[k + 2]);
  const task = f[k + 3] as string;
  const state = f[k + 4] as string;
  const mem = Number(f[k + 5]);
  const vsz = dec(f[k + 6]);
  const rss = dec(f[k + 7]);
  if (pid === null || ppid === null || cpu === null || vsz === null || rss === null) return null;
  if (!/^[0-9a-f]{1,16}$/.test(task) || !STATES.has(state) || !/^\d{1,3}\.\d$/.test(f[k + 5] as string)) return null;
  // COMM is the rest of the line (a comm may contain spaces).
  const rssAt = nthFieldEnd(line, k + 8);
  let comm = line.slice(rssAt).trim();
  const kernelThread = comm.length >= 2 && comm.startsWith('[') && comm.endsWith(']');
  if (kernelThread) comm = comm.slice(1, -1);
  return { pid, ppid, cpu, task, state, memPercent: mem, vszKb: vsz, rssKb: rss, comm, kernelThread, active };
}

/** Index just after the n-th whitespace-separated field (n counted from 1). */
function nthFieldEnd(line: string, n: number): number {
  let count = 0;
  let inField = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (!space && !inField) {
      inField = true;
      count++;
    } else if (space && inField) {
      inField = false;
      if (count === n) return i;
    }
  }
  return line.length;
}

/** Decimal integer field (crash prints -1 for an unknown parent). */
function dec(s: string | undefined): number | null {
  if (s === undefined || s.length === 0 || s.length > 16) return null;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === s.length) return null;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(s);
}
