/**
 * Panic triage for every dump: what kind of panic, in which task, at which function, which
 * modules taint the kernel, and a stable signature (kind + module + function, offsets dropped)
 * so dumps of the same bug group together, like WinDbg's bucket id.
 */
import type { BtModel, BtTask, LogModel, ModModel, ModTaintModel, SysModel, SysTaintModel } from '../parse/models.ts';
import type { Frame } from './facts.ts';
import { primaryFault, type LogFault } from './faults.ts';
import { baseName, isAllocatorFrame } from './module-owner.ts';
import type { Evidence, PanicKind, TriagePanic } from '../api/triage-report.ts';
import { MACHINERY, WAITING, moduleOfAddress } from './stack-frames.ts';

export interface PanicInputs {
  sys: SysModel | null;
  sysT: SysTaintModel | null;
  bt: BtModel | null;
  log: LogModel | null;
  mod: ModModel | null;
  modT: ModTaintModel | null;
}

/** The panic triage plus the fault report it rests on (for the per-kind details). */
export interface PanicVerdict {
  panic: TriagePanic;
  fault: LogFault | null;
  panicBt: BtTask | null;
}

/** Triage the panic from whatever inputs exist. */
export function triagePanic(inp: PanicInputs): TriagePanic {
  return triagePanicVerdict(inp).panic;
}

/** Triage the panic and keep the fault report that decided it. */
export function triagePanicVerdict(inp: PanicInputs): PanicVerdict {
  const evidence: Evidence[] = [];
  const message = panicMessage(inp);
  let kind = classify(message, inp.log);
  const { primary, others } = primaryFault(kind, inp.log);
  if (primary) kind = primary.kind;
  if (message) evidence.push({ command: inp.sys?.panic ? 'sys' : 'log', row: 'PANIC', detail: message });
  if (primary) evidence.push({ command: 'log', row: primary.summary, detail: 'the first fault report in the log' });

  const panicBt = pickPanicTask(inp.bt, inp.sys);
  const task = culpritTask(kind, primary, inp, panicBt);
  const { fn, module, from } = faultingFunction(kind, inp, panicBt, primary);
  if (fn) evidence.push({ command: from, row: fn, detail: `${kind === 'oom' ? 'allocation site' : kind === 'hung-task' ? 'blocked in' : 'faulting function'}: ${fn}${module ? ` [${module}]` : ''}` });

  const modules = taintingModules(inp);
  const taint = taintLetters(inp);
  if (modules.length) evidence.push({ command: inp.modT ? 'mod -t' : inp.mod ? 'mod' : 'log', row: modules[0] as string, detail: `modules tainting the kernel: ${modules.join(', ')}` });
  if (taint) evidence.push({ command: inp.sysT ? 'sys -t' : 'log', row: 'TAINTED_MASK', detail: `kernel taint ${taint}` });

  const panic: TriagePanic = {
    kind,
    task,
    function: fn,
    functionModule: module,
    modules,
    signature: `${kind}:${module ? `${module}!` : ''}${fn ?? 'unknown'}`,
    taint,
    evidence,
  };
  if (others.length) panic.otherFaults = others.map((f) => ({ kind: f.kind, timestamp: f.timestamp, summary: f.summary }));
  return { panic, fault: primary, panicBt };
}

/** The task to blame: the one that faulted, spun or is blocked (not khungtaskd, not the CPU that panicked later). */
function culpritTask(kind: PanicKind, fault: LogFault | null, inp: PanicInputs, bt: BtTask | null): TriagePanic['task'] {
  if (fault && fault.pid !== null && (kind === 'hung-task' || fault.oops || fault.lockup)) return { pid: fault.pid, comm: fault.comm };
  return panicTaskOf(inp, bt);
}

/** The panic string: crash's `sys` PANIC, else the last `Kernel panic - not syncing` record, else the last Oops line. */
export function panicMessage(inp: Pick<PanicInputs, 'sys' | 'log'>): string | null {
  const fromSys = inp.sys?.panic?.trim();
  if (fromSys) return fromSys;
  const last = inp.log?.panics.at(-1);
  if (last) return `Kernel panic - not syncing: ${last.message}`;
  // panic_on_oops with kdump loaded: oops_end() jumps to the capture kernel before panic() prints,
  // so the Oops line is the panic (crash's sys PANIC shows the same line).
  const oops = inp.log?.oopses.at(-1);
  return oops ? (oops.oopsLine ?? oops.header) : null;
}

/**
 * The panic's headline: an Oops / BUG is told by its first fault line (the header the kernel
 * printed first, "BUG: kernel NULL pointer dereference, address: …" or "kernel BUG at f.c:12!"),
 * not by crash's `"Oops: Oops: 0000 [#1] …" (check log for details)`; every other panic by its
 * message, with crash's quoting taken off.
 */
export function panicHeadline(kind: PanicKind, fault: LogFault | null, message: string | null): string | null {
  if ((kind === 'oops' || kind === 'bug') && fault?.oops?.header) return fault.oops.header.replace(/\.$/, '');
  if (!message) return null;
  return message.replace(/^"(.*)"(?: \(check log for details\))?$/, '$1');
}

/** The panic kind from the message and the reports in the log. */
export function classify(message: string | null, log: LogModel | null): PanicKind {
  const m = (message ?? '').toLowerCase();
  if (/out of memory/.test(m)) return 'oom';
  if (/sysrq triggered crash/.test(m)) return 'sysrq';
  // "softlockup: hung tasks" is the soft lockup panic: test it before the hung-task words.
  if (/softlockup|soft lockup/.test(m)) return 'soft-lockup';
  if (/hung_task|blocked tasks|hung task/.test(m)) return 'hung-task';
  if (/hard lockup|hardlockup/.test(m)) return 'hard-lockup';
  if (/machine check|\bmce\b|fatal hardware error|hardware error/.test(m)) return 'mce';
  const fromHeader = (h: string): PanicKind | null => {
    const l = h.toLowerCase();
    if (/kernel bug at|^bug: (?!unable to handle|kernel null pointer|kernel paging request)|invalid opcode/.test(l)) return 'bug';
    if (/unable to handle|null pointer|paging request|general protection|^oops|stack-protector|stack segment/.test(l)) return 'oops';
    return null;
  };
  const direct = fromHeader(message?.replace(/^kernel panic - not syncing: /i, '') ?? '');
  if (direct) return direct;
  if (/panic_on_warn/.test(m)) return 'bug';
  if (/fatal exception|oops/.test(m) || (m === '' && (log?.oopses.length ?? 0) > 0)) {
    const oops = log?.oopses.at(-1);
    if (oops) return fromHeader(oops.header) ?? 'oops';
    return 'oops';
  }
  if (m === '' && log) {
    if (log.softLockups.length) return 'soft-lockup';
    if (log.hungTasks.length) return 'hung-task';
    if (log.oomReports.length && log.oomReports.at(-1)?.panicLine) return 'oom';
  }
  return 'other';
}

function pickPanicTask(bt: BtModel | null, sys: SysModel | null): BtTask | null {
  if (!bt || bt.tasks.length === 0) return null;
  const pid = sys?.panicTask?.pid;
  return bt.tasks.find((t) => t.panic) ?? (pid !== undefined ? bt.tasks.find((t) => t.pid === pid) : undefined) ?? bt.tasks[0] ?? null;
}

function panicTaskOf(inp: PanicInputs, bt: BtTask | null): TriagePanic['task'] {
  if (inp.sys?.panicTask) return { pid: inp.sys.panicTask.pid, comm: inp.sys.panicTask.command };
  if (bt) return { pid: bt.pid, comm: bt.command };
  const pr = inp.log?.panics.at(-1);
  if (pr && pr.pid !== null) return { pid: pr.pid, comm: pr.comm };
  const oom = inp.log?.oomReports.at(-1);
  if (oom && oom.panicLine) return { pid: oom.invoker.pid, comm: oom.invoker.comm };
  const oops = inp.log?.oopses.at(-1);
  if (oops) return { pid: oops.pid, comm: oops.comm };
  return { pid: null, comm: null };
}

/** "bufpool_refill+0x46/0x1fd [bufpool]" -> {fn, module}; also accepts "fn at addr" forms. */
export function splitSymbol(s: string): Frame {
  const t = s.trim().replace(/^\?\s+/, '');
  const mod = /\[([^\]\s]+)\]\s*$/.exec(t);
  const fn = (t.replace(/\s*\[[^\]]*\]\s*$/, '').split(/[+\s]/)[0] ?? '').replace(/^0010:|^0033:/, '');
  return { fn: baseName(fn), module: mod ? (mod[1] as string) : null, unreliable: s.trim().startsWith('?') };
}

function firstMeaningful(frames: Frame[], skip: (fn: string) => boolean): Frame | null {
  for (const f of frames) {
    if (f.unreliable || !f.fn) continue;
    if (MACHINERY.test(f.fn) || skip(f.fn)) continue;
    return f;
  }
  return null;
}

function faultingFunction(kind: PanicKind, inp: PanicInputs, bt: BtTask | null, fault: LogFault | null): { fn: string | null; module: string | null; from: string } {
  const btFrames: Frame[] = bt ? bt.frames.map((f) => ({ fn: baseName(f.function), module: f.module, unreliable: false })) : [];
  const none = (): boolean => false;
  // crash's exception frame is the panicking task's: it speaks for the fault only when that task reported it.
  const sameTask = !fault || fault.pid === null || bt === null || bt.pid === fault.pid;
  const exc = sameTask ? bt?.exceptionFrames.find((e) => e.exceptionRip && !e.userMode) : undefined;
  const excModule = (fn: string): string | null =>
    moduleOfAddress(inp.mod, exc?.registers.RIP) ?? bt?.frames.find((fr) => baseName(fr.function) === fn)?.module ?? null;
  if (kind === 'oops' || kind === 'bug') {
    const oops = fault?.oops ?? inp.log?.oopses[0];
    if (oops?.rip) {
      const f = splitSymbol(oops.rip);
      if (f.fn) return { fn: f.fn, module: f.module ?? (sameTask ? moduleOfAddress(inp.mod, exc?.registers.RIP) : null), from: 'log' };
    }
    if (exc?.exceptionRip) {
      const f = splitSymbol(exc.exceptionRip);
      return { fn: f.fn, module: excModule(f.fn), from: 'bt' };
    }
  }
  if (kind === 'soft-lockup' || kind === 'hard-lockup') {
    const sl = fault?.lockup ?? inp.log?.softLockups[0];
    // The watchdog prints the stuck CPU's registers: RIP is where it was spinning, with its [module].
    if (sl?.rip && /^[\w.$]{1,128}\+0x/.test(sl.rip)) {
      const f = splitSymbol(sl.rip);
      if (f.fn) return { fn: f.fn, module: f.module ?? (sameTask ? moduleOfAddress(inp.mod, exc?.registers.RIP) : null), from: 'log' };
    }
    if (exc?.exceptionRip) {
      const f = splitSymbol(exc.exceptionRip);
      return { fn: f.fn, module: excModule(f.fn), from: 'bt' };
    }
    if (sl) {
      const f = firstMeaningful(sl.callTrace.map(splitSymbol), none);
      if (f) return { fn: f.fn, module: f.module, from: 'log' };
    }
  }
  if (kind === 'hung-task') {
    const h = fault?.hung ?? inp.log?.hungTasks[0];
    if (h) {
      const f = firstMeaningful(h.callTrace.map(splitSymbol), (fn) => WAITING.test(fn));
      if (f) return { fn: f.fn, module: f.module, from: 'log' };
    }
    // Without a report (or its stack) the blocked task's own stack is filled in by the hung-task details.
    return { fn: null, module: null, from: 'bt' };
  }
  if (kind === 'oom') {
    const oom = inp.log?.oomReports.at(-1);
    const frames = oom ? oom.callTrace.map(splitSymbol) : btFrames;
    const f = firstMeaningful(frames, isAllocatorFrame);
    if (f) return { fn: f.fn, module: f.module, from: oom ? 'log' : 'bt' };
  }
  const f = firstMeaningful(btFrames, none);
  if (f) return { fn: f.fn, module: f.module, from: 'bt' };
  const pr = inp.log?.panics.at(-1);
  if (pr?.callTrace.length) {
    const g = firstMeaningful(pr.callTrace.map(splitSymbol), none);
    if (g) return { fn: g.fn, module: g.module, from: 'log' };
  }
  const panicRec = inp.log?.oopses.at(-1);
  if (panicRec?.callTrace.length) {
    const g = firstMeaningful(panicRec.callTrace.map(splitSymbol), none);
    if (g) return { fn: g.fn, module: g.module, from: 'log' };
  }
  return { fn: null, module: null, from: 'bt' };
}

/** Modules that taint the kernel: `mod -t`, taint marks merged into `mod`, or the kernel's own log lines. */
export function taintingModules(inp: Pick<PanicInputs, 'mod' | 'modT' | 'log'>): string[] {
  const out = new Set<string>();
  for (const m of inp.modT?.modules ?? []) if (m.taints.trim()) out.add(m.name);
  for (const m of inp.mod?.modules ?? []) if (m.taints && m.taints.trim()) out.add(m.name);
  for (const r of inp.log?.records ?? []) {
    // kernel/module/main.c: "<mod>: loading out-of-tree module taints kernel." / "module verification failed"
    const t = /^(\S+): (?:loading out-of-tree module taints kernel|module verification failed|module license '.*' taints kernel|module is from the staging directory)/.exec(r.text);
    if (t) out.add(t[1] as string);
  }
  return [...out];
}

/** Per-module taint letters, from `mod -t` or the log's taint lines (O out-of-tree, E unsigned, P proprietary). */
export function moduleTaints(inp: Pick<PanicInputs, 'mod' | 'modT' | 'log'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of inp.modT?.modules ?? []) out.set(m.name, m.taints.trim());
  for (const m of inp.mod?.modules ?? []) if (m.taints !== null && !out.has(m.name)) out.set(m.name, m.taints.trim());
  for (const r of inp.log?.records ?? []) {
    const t = /^(\S+): (loading out-of-tree module taints kernel|module verification failed|module license '.*' taints kernel|module is from the staging directory)/.exec(r.text);
    if (!t) continue;
    const letter = t[2]?.startsWith('loading out-of-tree') ? 'O' : t[2]?.startsWith('module verification') ? 'E' : t[2]?.startsWith('module license') ? 'P' : 'C';
    const name = t[1] as string;
    const cur = inp.modT ? null : (out.get(name) ?? '');
    if (cur !== null && !cur.includes(letter)) out.set(name, sortTaint(cur + letter));
  }
  return out;
}

function taintLetters(inp: PanicInputs): string | null {
  if (inp.sysT) return inp.sysT.tainted ? inp.sysT.letters || inp.sysT.flags.map((f) => f.letter).join('') : '';
  const oom = inp.log?.oomReports.at(-1)?.taint ?? inp.log?.oopses.at(-1)?.taint ?? null;
  if (oom) {
    if (/not tainted/i.test(oom)) return '';
    const m = /Tainted: ([A-Z ]+)/.exec(oom);
    if (m) return (m[1] as string).replace(/[ G]/g, '');
  }
  return null;
}

/** kernel/panic.c taint_flags[] order, the order the kernel prints taint letters in. */
const TAINT_ORDER = 'PFSRMBUDAWCIOELKXTN';

function sortTaint(letters: string): string {
  return [...letters].sort((a, b) => TAINT_ORDER.indexOf(a) - TAINT_ORDER.indexOf(b)).join('');
}
