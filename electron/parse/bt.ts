/**
 * `bt`, `bt -a`, `bt <pid>`, `foreach bt`: per task, the stack frames, exception frames with
 * their registers, and stack transitions (`--- <NMI exception stack> ---`).
 */
import { Diagnostics, crashMessage, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { BtExceptionFrame, BtModel, BtTask } from './models.ts';

export const BT_PARSER_VERSION = 1;

const HEADER = /^PID: +(\d+) +TASK: +([0-9a-f]+) +CPU: +(\d+) +COMMAND: +"(.*)"\s*$/;
// crash: " #9 [ffffc900000f7e58] bufpool_refill at ffffffffc0219046 [bufpool]"
const FRAME = /^ {0,2}#(\d+) +\[([0-9a-f]+)\] +(\S+) at ([0-9a-f]+)(?: +\[([^\]\s]+)\])?\s*$/;
const EXCEPTION_RIP = /^ +\[exception RIP: ([^\]]*)\]\s*$/;
const REGISTER_LINE = /^ +(?:[A-Z][A-Z0-9_]{0,9}: +[0-9a-f]{1,16} *){1,4}$/;
const REGISTER = /([A-Z][A-Z0-9_]{0,9}): +([0-9a-f]{1,16})/g;
const TRANSITION = /^--- (<[^>]{1,80}>).*---\s*$/;
// bt -l: "    /build/linux/mm/oom_kill.c: 1100"
const SOURCE = /^ {4,}(\/\S+|\S+\.[chS]): (\d+)\s*$/;

const PANIC_FUNCTIONS = new Set(['panic', 'crash_kexec', '__crash_kexec', 'vpanic']);

/** Parse backtrace output of one or many tasks. */
export function parseBt(text: string): ParseResult<BtModel> {
  return guarded('bt', () => ({ tasks: [] }), () => parseBtUnguarded(text));
}

function parseBtUnguarded(text: string): ParseResult<BtModel> {
  const diags = new Diagnostics('bt');
  const tasks: BtTask[] = [];
  let cur: BtTask | null = null;
  let openExc: BtExceptionFrame | null = null;
  const lines = splitLines(text);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      openExc = null;
      continue;
    }
    const h = HEADER.exec(line);
    if (h) {
      cur = {
        pid: Number(h[1]), task: h[2] as string, cpu: Number(h[3]), command: h[4] as string,
        frames: [], exceptionFrames: [], stackTransitions: [], panic: false,
      };
      tasks.push(cur);
      openExc = null;
      continue;
    }
    if (crashMessage(line, ['bt', 'foreach'], diags)) continue;
    if (!cur) {
      diags.skip(i + 1, line, 'before any PID: header');
      continue;
    }
    const f = FRAME.exec(line);
    if (f) {
      const fn = f[3] as string;
      cur.frames.push({
        level: Number(f[1]), sp: f[2] as string, function: fn, address: f[4] as string,
        module: f[5] ?? null, source: null,
      });
      if (PANIC_FUNCTIONS.has(fn)) cur.panic = true;
      openExc = null;
      continue;
    }
    const e = EXCEPTION_RIP.exec(line);
    if (e) {
      openExc = newException(cur, e[1] as string);
      continue;
    }
    if (REGISTER_LINE.test(line)) {
      openExc ??= newException(cur, null);
      for (const r of line.matchAll(REGISTER)) openExc.registers[r[1] as string] = r[2] as string;
      const cs = openExc.registers.CS;
      if (cs !== undefined) openExc.userMode = (parseInt(cs, 16) & 3) === 3;
      continue;
    }
    const t = TRANSITION.exec(line);
    if (t) {
      cur.stackTransitions.push(t[1] as string);
      openExc = null;
      continue;
    }
    const s = SOURCE.exec(line);
    const last = cur.frames[cur.frames.length - 1];
    if (s && last) {
      last.source = `${s[1]}: ${s[2]}`;
      continue;
    }
    diags.skip(i + 1, line);
  }
  for (const t of tasks) {
    if (t.frames.length === 0) {
      diags.add('no-frames', 'warning', `bt: no stack frames for PID ${t.pid} (${t.command})`);
    }
    // Frame numbers restart only per task; a gap means lines were lost.
    for (let k = 1; k < t.frames.length; k++) {
      const prev = t.frames[k - 1]?.level ?? 0;
      if ((t.frames[k]?.level ?? 0) !== prev + 1) {
        diags.add('frame-gap', 'warning', `bt: PID ${t.pid}: frame #${prev} is followed by #${t.frames[k]?.level}`);
        break;
      }
    }
  }
  if (tasks.length === 0) noDataDiagnosis(diags, 'bt', text);
  return { model: { tasks }, diagnostics: diags.finish() };
}

function newException(task: BtTask, rip: string | null): BtExceptionFrame {
  const last = task.frames[task.frames.length - 1];
  const exc: BtExceptionFrame = { afterLevel: last ? last.level : -1, exceptionRip: rip, registers: {}, userMode: false };
  task.exceptionFrames.push(exc);
  return exc;
}

/** The task that panicked (panic()/crash_kexec on its stack), else the first task. */
export function panicTaskOf(model: BtModel): BtTask | null {
  return model.tasks.find((t) => t.panic) ?? model.tasks[0] ?? null;
}
