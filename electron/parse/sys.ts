/**
 * `sys` and crash's startup banner: the `KEY: value` summary of the dump (kernel, dumpfile,
 * cpus, date, uptime, load, tasks, utsname, memory, panic string) and, in the banner, the panic
 * task block (PID/COMMAND/TASK/CPU/STATE).
 */
import { Diagnostics, crashMessage, guarded, int, noDataDiagnosis, num, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { SysModel } from './models.ts';

export const SYS_PARSER_VERSION = 1;

/** An empty SysModel (all unknown). */
export function emptySys(): SysModel {
  return {
    kernel: null, kernelTainted: false, dumpfile: null, partialDump: false, cpus: null, offlineCpus: null,
    date: null, uptime: null, uptimeSeconds: null, loadAverage: null, tasks: null, nodename: null,
    release: null, version: null, machine: null, machineMhz: null, memory: null, memoryBytes: null,
    panic: null, taintedMask: null, panicTask: null, fields: {},
  };
}

// Anchored, no nested quantifiers: one pass per line.
const KEY_VALUE = /^ {0,40}([A-Z][A-Z_ ]{0,30}[A-Z_]): ?(.*)$/;

/**
 * Parse `sys` output or crash's startup banner. In banner mode the copyright text, `please
 * wait...` progress and `NOTE: stdin: not a tty` around the summary are expected and not reported.
 */
export function parseSys(text: string, options: { banner?: boolean } = {}): ParseResult<SysModel> {
  return guarded('sys', emptySys, () => parseSysUnguarded(text, options.banner === true));
}

function parseSysUnguarded(text: string, banner: boolean): ParseResult<SysModel> {
  const model = emptySys();
  const diags = new Diagnostics('sys');
  const lines = splitLines(text);
  let pid: number | null = null;
  let command: string | null = null;
  let task: string | null = null;
  let cpu: number | null = null;
  let state: string | null = null;
  let recognised = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (banner) {
      // Progress, notes and copyright are part of every banner; warnings still matter.
      if (/^\s*WARNING:/.test(line)) crashMessage(line, [], diags);
      if (!KEY_VALUE.test(line) || /^\s*(NOTE|WARNING):/.test(line)) continue;
    } else if (crashMessage(line, ['sys'], diags)) {
      continue;
    }
    const m = KEY_VALUE.exec(line);
    if (!m) {
      diags.skip(i + 1, line, 'not a KEY: value line');
      continue;
    }
    const key = m[1] as string;
    const value = (m[2] as string).trim();
    model.fields[key] = value;
    recognised++;
    switch (key) {
      case 'KERNEL': {
        model.kernelTainted = /\s\[TAINTED\]$/.test(value);
        model.kernel = value.replace(/\s+\[TAINTED\]$/, '') || null;
        break;
      }
      case 'DUMPFILE': {
        model.partialDump = /\[PARTIAL DUMP\]/.test(value);
        model.dumpfile = value.replace(/\s+\[PARTIAL DUMP\]/, '').trim() || null;
        break;
      }
      case 'CPUS': {
        const c = /^(\d+)(?:\s+\[OFFLINE:\s*(\d+)\])?/.exec(value);
        model.cpus = c ? int(c[1]) : null;
        model.offlineCpus = c && c[2] !== undefined ? int(c[2]) : null;
        if (model.cpus === null) diags.add('bad-value', 'warning', `sys: cannot read CPUS value ${JSON.stringify(value)}`);
        break;
      }
      case 'DATE': model.date = value || null; break;
      case 'UPTIME': {
        model.uptime = value || null;
        model.uptimeSeconds = uptimeSeconds(value);
        if (model.uptimeSeconds === null) diags.add('bad-value', 'warning', `sys: cannot read UPTIME value ${JSON.stringify(value)}`);
        break;
      }
      case 'LOAD AVERAGE': {
        const parts = value.split(',').map((s) => num(s.trim()));
        const [a, b, c] = parts;
        if (parts.length === 3 && a != null && b != null && c != null) model.loadAverage = [a, b, c];
        else diags.add('bad-value', 'warning', `sys: cannot read LOAD AVERAGE value ${JSON.stringify(value)}`);
        break;
      }
      case 'TASKS': {
        model.tasks = int(value);
        if (model.tasks === null) diags.add('bad-value', 'warning', `sys: cannot read TASKS value ${JSON.stringify(value)}`);
        break;
      }
      case 'NODENAME': model.nodename = value || null; break;
      case 'RELEASE': model.release = value || null; break;
      case 'VERSION': model.version = value || null; break;
      case 'MACHINE': {
        const mm = /^(\S+)(?:\s+\((\d+) Mhz\))?/.exec(value);
        model.machine = mm ? (mm[1] as string) : value || null;
        model.machineMhz = mm && mm[2] !== undefined ? int(mm[2]) : null;
        break;
      }
      case 'MEMORY': {
        model.memory = value || null;
        model.memoryBytes = sizeToBytes(value);
        if (model.memoryBytes === null) diags.add('bad-value', 'warning', `sys: cannot read MEMORY value ${JSON.stringify(value)}`);
        break;
      }
      case 'PANIC': model.panic = unquote(value); break;
      case 'TAINTED_MASK': model.taintedMask = value.split(/\s+/)[0] || null; break;
      case 'PID': pid = int(value); break;
      case 'COMMAND': command = unquote(value); break;
      case 'TASK': task = value.split(/\s+/)[0] || null; break;
      case 'CPU': cpu = int(value); break;
      case 'STATE': state = value || null; break;
      default: break; // kept in `fields`
    }
  }
  if (pid !== null && command !== null) model.panicTask = { pid, command, task, cpu, state };
  else if (pid !== null || command !== null) {
    diags.add('partial-panic-task', 'warning', 'sys: the panic task block is incomplete (PID or COMMAND missing)');
  }
  if (recognised === 0) noDataDiagnosis(diags, 'sys', text);
  return { model, diagnostics: diags.finish() };
}

/** crash's uptime ("00:00:28", "3 days, 01:02:03") to seconds. */
export function uptimeSeconds(value: string): number | null {
  const m = /^(?:(\d{1,6}) days?, )?(\d{1,3}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}
