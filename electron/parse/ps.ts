/**
 * `ps` (also `ps -G`, `ps -k`, `ps -u`, `ps <pid>`): one row per task with the `>` active marker
 * and kernel threads in brackets. crash 7.x and 8.x print the same columns with different widths,
 * so rows are read by fields, not offsets.
 */
import { Diagnostics, MAX_LINE, crashMessage, fields, guarded, noDataDiagnosis } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PsModel, PsTask } from './models.ts';

export const PS_PARSER_VERSION = 1;

const STATES = new Set(['RU', 'IN', 'UN', 'ZO', 'ST', 'TR', 'DE', 'SW', 'WA', 'PA', 'ID', 'NE', '??']);

/** Parse `ps` output. */
export function parsePs(text: string): ParseResult<PsModel> {
  return guarded('ps', () => ({ tasks: [] }), () => {
    const diags = new Diagnostics('ps');
    const tasks: PsTask[] = [];
    const src = typeof text === 'string' ? text : '';
    const starts = new Int32Array(8);
    const ends = new Int32Array(8);
    let header = false;
    let lineNo = 0;
    // Rows are read straight from the text by index (no per-line strings): 100k-task dumps are common.
    for (let ls = 0; ls < src.length;) {
      let le = src.indexOf('\n', ls);
      if (le < 0) le = src.length;
      const next = le + 1;
      if (le > ls && src.charCodeAt(le - 1) === 13) le--;
      lineNo++;
      const task = le > ls ? row(src, ls, le, starts, ends) : null;
      if (task) {
        tasks.push(task);
      } else if (le > ls) {
        const line = src.slice(ls, Math.min(le, ls + MAX_LINE));
        if (line.trim() !== '') {
          const f = fields(line);
          if (f[0] === 'PID' && f.includes('COMM')) header = true;
          else if (!crashMessage(line, ['ps'], diags)) diags.skip(lineNo, line, 'not a ps row');
        }
      }
      ls = next;
    }
    // crash prints PPID -1 when it cannot find a task's parent: its task table is incomplete
    // (e.g. crash 8.0.2 on kernels with the flexible-array struct pid).
    const orphans = tasks.filter((t) => t.ppid < 0);
    if (orphans.length > 0) {
      diags.add('parent-unknown', 'warning',
        `ps: crash could not find the parent of ${orphans.length} task(s) (PPID -1): ${orphans.slice(0, 5).map((t) => `${t.pid} ${t.comm}`).join(', ')}`,
        'crash\'s task table is incomplete; a crash release that supports this kernel lists every task.');
    }
    if (tasks.length === 0) noDataDiagnosis(diags, 'ps', src);
    else if (!header) diags.add('no-header', 'info', 'ps: no column header line; read rows as PID PPID CPU TASK ST %MEM VSZ RSS COMM');
    return { model: { tasks }, diagnostics: diags.finish() };
  });
}

/**
 * One row in text[ls, le), read in a single pass: the bounds of the first 8 fields (the `>`
 * marker excluded), then COMM is the rest of the line (a comm may contain spaces). No regexes.
 */
function row(t: string, ls: number, le: number, starts: Int32Array, ends: Int32Array): PsTask | null {
  let i = ls;
  while (i < le && t.charCodeAt(i) === 32) i++;
  let active = false;
  if (t.charCodeAt(i) === 62 /* > */) {
    active = true;
    i++;
  }
  for (let k = 0; k < 8; k++) {
    while (i < le && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
    if (i >= le) return null;
    starts[k] = i;
    while (i < le && t.charCodeAt(i) !== 32 && t.charCodeAt(i) !== 9) i++;
    ends[k] = i;
  }
  const pid = decAt(t, starts[0] as number, ends[0] as number);
  const ppid = decAt(t, starts[1] as number, ends[1] as number);
  const cpu = decAt(t, starts[2] as number, ends[2] as number);
  const vsz = decAt(t, starts[6] as number, ends[6] as number);
  const rss = decAt(t, starts[7] as number, ends[7] as number);
  if (pid === null || ppid === null || cpu === null || vsz === null || rss === null) return null;
  if (!hexAt(t, starts[3] as number, ends[3] as number)) return null;
  const mem = percentAt(t, starts[5] as number, ends[5] as number);
  if (mem === null) return null;
  const state = t.slice(starts[4], ends[4]);
  if (!STATES.has(state)) return null;
  let cs = ends[7] as number;
  while (cs < le && (t.charCodeAt(cs) === 32 || t.charCodeAt(cs) === 9)) cs++;
  let ce = le;
  while (ce > cs && (t.charCodeAt(ce - 1) === 32 || t.charCodeAt(ce - 1) === 9)) ce--;
  if (ce <= cs || ce - cs > 256) return null;
  const kernelThread = ce - cs >= 2 && t.charCodeAt(cs) === 91 && t.charCodeAt(ce - 1) === 93;
  const comm = kernelThread ? t.slice(cs + 1, ce - 1) : t.slice(cs, ce);
  return {
    pid, ppid, cpu, task: t.slice(starts[3], ends[3]), state, memPercent: mem, vszKb: vsz, rssKb: rss, comm, kernelThread, active,
  };
}

/** Decimal integer (optional leading minus: crash prints -1 for an unknown parent) in t[s, e). */
function decAt(t: string, s: number, e: number): number | null {
  let i = s;
  let neg = false;
  if (t.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  if (i >= e || e - i > 15) return null;
  let v = 0;
  for (; i < e; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

function hexAt(t: string, s: number, e: number): boolean {
  if (e <= s || e - s > 16) return false;
  for (let i = s; i < e; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** "0.0" .. "100.0" in t[s, e). */
function percentAt(t: string, s: number, e: number): number | null {
  const dot = e - 2;
  if (dot - s < 1 || dot - s > 3 || t.charCodeAt(dot) !== 46) return null;
  const whole = decAt(t, s, dot);
  const c = t.charCodeAt(e - 1) - 48;
  if (whole === null || whole < 0 || c < 0 || c > 9) return null;
  return (whole * 10 + c) / 10; // same double as Number("42.4")
}
