/**
 * The per-kind evidence of `crashdeck.triage/1` — `oops`, `hung`, `lockup` — from the kernel
 * log, crash's `bt`/`ps`/`mod` and the follow-up commands (probes) a developer would type next:
 * `sym`/`dis -rl` on the RIP (after `mod -s` for a module), `foreach UN bt`, `bt -F` to find
 * the lock a task sleeps on, `struct mutex.owner` for who holds it, `bt -a` for the other CPUs.
 * Building the details also says which probes are still missing (`wanted`), so the gatherer
 * can run them and build again: the same code decides what to ask and what the answers mean.
 */
import type { CrashStartOption, GuidedCommand } from '../api/contract.ts';
import { buildGuidedCommand } from '../crash/allowlist.ts';
import { parseCommandOutput } from '../parse/index.ts';
import type { BtModel, BtTask, LockOwnerWordModel, LogModel, ModModel, ModuleLoadModel, PsModel, StackWordsModel, SymbolAtModel } from '../parse/models.ts';
import type { LogFault } from './faults.ts';
import { baseName } from './module-owner.ts';
import { dataSymbolOf, disassemblyTail, lockSymbolFromWords, ownerOfWord } from './probe-readers.ts';
import type { TriageHungTask, TriageLockup, TriageOops } from '../api/triage-report.ts';
import { firstOwnFrame, frameOf, moduleOfAddress, waitKind, type NamedFrame } from './stack-frames.ts';

/** What the details are built from; every field may be missing. */
export interface DetailInputs {
  log: LogModel | null;
  bt: BtModel | null;
  ps: PsModel | null;
  mod: ModModel | null;
  /** Raw output of follow-up commands by their exact command line (an error's text when one failed). */
  probes: Record<string, string>;
  /** Models of follow-ups answered as models (drgn's answers have no text), by command line. */
  probeModels?: Record<string, unknown>;
  /** Where to look for module debuginfo (`<dir>/<module>.ko`), usually the dump's directory. */
  moduleDir: string | null;
  /** Only the kernel log exists: nothing can be asked of crash. */
  logOnly: boolean;
  /** crash's start-up options ('no_modules', 'minimal', ...): what the session cannot read. */
  startOptions?: readonly CrashStartOption[];
}

/** The details plus the follow-up commands that would complete them. */
export interface Details {
  oops: TriageOops | null;
  hung: { tasks: TriageHungTask[] } | null;
  lockup: TriageLockup | null;
  wanted: GuidedCommand[];
}

/** Most blocked tasks whose lock owner is chased (each costs a few crash commands). */
const MAX_CHASED = 8;

class Probes {
  readonly wanted: GuidedCommand[] = [];
  constructor(private readonly inp: DetailInputs) {}
  /** The probe's command line, or null when it cannot be asked (log-only, ruled out, not a valid command). */
  private lineOf(cmd: GuidedCommand): string | null {
    if (this.inp.logOnly || this.unavailable(cmd)) return null;
    try {
      return buildGuidedCommand(cmd);
    } catch {
      return null;
    }
  }

  private answered(line: string): boolean {
    return this.inp.probes[line] !== undefined || this.inp.probeModels?.[line] !== undefined;
  }

  private ask(cmd: GuidedCommand): void {
    if (!this.wanted.some((w) => w.id === cmd.id && w.arg === cmd.arg)) this.wanted.push(cmd);
  }

  /** The probe's text output, or undefined (and asked for) when it has not run yet; null in log-only mode. */
  get(cmd: GuidedCommand): string | undefined | null {
    const line = this.lineOf(cmd);
    if (line === null) return null;
    if (!this.answered(line)) this.ask(cmd);
    return this.inp.probes[line];
  }

  /**
   * The probe's model, whichever engine answered: drgn's model as given, crash's text parsed by
   * the command's parser (errors included: the follow-up models carry crash's error line).
   * undefined (and asked for) when it has not run yet; null when it cannot run.
   */
  model<M>(cmd: GuidedCommand): M | undefined | null {
    const line = this.lineOf(cmd);
    if (line === null) return null;
    const given = this.inp.probeModels?.[line];
    if (given !== undefined) return given as M;
    const raw = this.inp.probes[line];
    if (raw === undefined) {
      this.ask(cmd);
      return undefined;
    }
    return (parseCommandOutput(line, raw)?.model ?? null) as M | null;
  }

  /** crash cannot run this in the session (--minimal: no stacks or structures; --no_modules: no mod -s). */
  unavailable(cmd: GuidedCommand): boolean {
    const opts = this.inp.startOptions ?? [];
    if (opts.includes('minimal')) return !['sym', 'dis -rl', 'log'].includes(cmd.id);
    return opts.includes('no_modules') && cmd.id.startsWith('mod');
  }
}

/** Whether the `bt -F` stack shows the frame `fn` (crash leaves module frames out under --no_modules). */
function stackShows(w: StackWordsModel, fn: string): boolean {
  const base = baseName(fn);
  return w.frames.some((f) => baseName(f.function) === base);
}

/** The owner the kernel's hung-task report named, with its state and where it sleeps from the same report. */
function ownerFromLog(b: Blocked, inp: DetailInputs): TriageHungTask['owner'] {
  const lo = b.logOwner;
  if (lo?.ownerPid == null) return null;
  const frames = framesOfTrace(lo.ownerTrace ?? []);
  const own = firstOwnFrame(frames);
  const ps = inp.ps?.tasks.find((t) => t.pid === lo.ownerPid);
  return {
    pid: lo.ownerPid,
    comm: lo.ownerComm,
    state: ps?.state ?? lo.ownerState ?? null,
    function: own ? baseName(own.function) : null,
    ...(frames.length ? { stack: frames.map(frameText) } : {}),
  };
}

/** "which sleeps in qdrv_hold_locked, state S: from the kernel log's hung-task report ..." */
function logOwnerNote(b: Blocked, o: NonNullable<TriageHungTask['owner']>): string {
  const kind = b.logOwner?.kind ?? 'lock';
  const where = o.function ? `; its stack in the same report shows it in ${o.function}` : '';
  return `owner from the kernel log: the hung-task report says "${b.comm}:${b.pid ?? '?'} is blocked on a ${kind} likely owned by task ${o.comm ?? '?'}:${o.pid ?? '?'}"${where}`;
}

const hex = (a: string): string => `0x${a.replace(/^0x/, '').toLowerCase()}`;

/** The crash backtrace of a pid from the panic `bt`, or null. */
function btOf(bt: BtModel | null, pid: number | null): BtTask | null {
  if (!bt || pid === null) return null;
  return bt.tasks.find((t) => t.pid === pid) ?? null;
}

function framesOfBt(t: BtTask): NamedFrame[] {
  return t.frames.map((f) => ({ function: f.function, module: f.module, offset: null }));
}

function framesOfTrace(trace: readonly string[]): NamedFrame[] {
  return trace.map((t) => frameOf(t)).filter((f): f is NamedFrame => f !== null);
}

const frameText = (f: NamedFrame): string => `${f.function}${f.offset ?? ''}${f.module ? ` [${f.module}]` : ''}`;

/** Decoded x86 page-fault error code (arch/x86/mm/fault.c show_fault_oops wording). */
export function decodePfError(code: string | null | undefined, access: string | null | undefined, reason: string | null | undefined): string | null {
  if (access && reason) return `${access}, ${reason}`;
  if (!code) return access ?? null;
  const v = parseInt(code, 16);
  if (!Number.isFinite(v)) return code;
  const who = v & 4 ? 'user' : 'supervisor';
  const what = v & 16 ? 'instruction fetch' : v & 2 ? 'write access' : 'read access';
  const why = !(v & 1) ? 'not-present page' : v & 8 ? 'reserved bit violation' : v & 32 ? 'protection keys violation' : 'permissions violation';
  return `${who} ${what} in kernel mode, ${why} (error_code ${code})`;
}

/** syscall / kworker / irq / softirq / kthread from the stack and the task name. */
export function contextOf(frames: readonly string[], comm: string | null, transitions: readonly string[] = []): string {
  const fns = frames.map(baseName);
  if (transitions.some((t) => /<IRQ/.test(t)) || fns.some((f) => /^(?:common_interrupt|handle_irq_event\w*|__handle_irq_event\w*|handle_edge_irq|handle_fasteoi_irq)$/.test(f))) return 'irq';
  if (fns.some((f) => /^(?:__do_softirq|handle_softirqs|run_ksoftirqd|net_rx_action|tasklet_action\w*)$/.test(f))) return 'softirq';
  if ((comm ?? '').startsWith('kworker/') || fns.some((f) => /^(?:process_one_work|worker_thread)$/.test(f))) return 'kworker';
  if (fns.some((f) => /^(?:do_syscall_64|entry_SYSCALL_64\w*|__x64_sys_\w+|__do_sys_\w+|ksys_\w+|do_int80_syscall_32)$/.test(f))) return 'syscall';
  if (fns.some((f) => /^(?:kthread|ret_from_fork\w*)$/.test(f))) return 'kthread';
  return 'unknown';
}

/** RIP of a kernel-mode exception frame of a crash backtrace: "sym+off" and its address. */
function exceptionRip(t: BtTask | null): { text: string; address: string | null; rdi: string | null } | null {
  const e = t?.exceptionFrames.find((x) => x.exceptionRip && !x.userMode);
  if (!e?.exceptionRip) return null;
  return { text: e.exceptionRip, address: e.registers.RIP ? hex(e.registers.RIP) : null, rdi: e.registers.RDI ? hex(e.registers.RDI) : null };
}

/** Source line (after loading the module's debuginfo when it lives in one) and disassembly at an address. */
function sourceAt(p: Probes, inp: DetailInputs, address: string | null, module: string | null): Pick<TriageOops, 'source' | 'disassembly' | 'debugInfo'> {
  if (inp.logOnly) return { source: null, disassembly: [], debugInfo: 'the source line needs crash and the debug vmlinux (only the kernel log was read)' };
  if (!address) return { source: null, disassembly: [], debugInfo: 'crash did not show the faulting RIP address' };
  let debugInfo: string | null = null;
  const row = module ? inp.mod?.modules.find((m) => m.name === module) : undefined;
  if (module && !row?.objectFile) {
    const arg = inp.moduleDir ? `${module} ${inp.moduleDir.replace(/\/+$/, '')}/${module}.ko` : module;
    const load = p.model<ModuleLoadModel>({ id: 'mod -s', arg });
    if (load === undefined) return { source: null, disassembly: [], debugInfo: null };
    if (load !== null) {
      if (!load.objectFile) debugInfo = `no debuginfo for module ${module} (${load.error}): put its unstripped ${module}.ko beside the dump, or load it in the console with mod -s ${module} FILE`;
    }
  }
  const sym = p.model<SymbolAtModel>({ id: 'sym', arg: address });
  const dis = p.get({ id: 'dis -rl', arg: address });
  const source = sym?.source ?? null;
  if (sym && !source && !debugInfo) debugInfo = module ? `module ${module} has no line information` : 'the debug info has no line for this address';
  return { source, disassembly: dis ? disassemblyTail(dis) : [], debugInfo };
}

/** Oops / BUG / GPF details from the first real fault's report and crash's exception frame. */
export function oopsDetails(fault: LogFault | null, panicBt: BtTask | null, inp: DetailInputs, p: Probes): TriageOops | null {
  const o = fault?.oops ?? inp.log?.oopses[0] ?? null;
  // crash's exception frame belongs to the panicking task: use it only for the fault that task reported.
  const bt = o && panicBt && o.pid !== null && panicBt.pid !== o.pid ? null : panicBt;
  const ex = exceptionRip(bt);
  if (!o && !ex) return null;
  const ripFrame = o?.rip ? frameOf(o.rip) : ex ? frameOf(ex.text) : null;
  const module = ripFrame?.module ?? moduleOfAddress(inp.mod, ex?.address) ?? null;
  const trace = o?.callTrace.length ? framesOfTrace(o.callTrace) : bt ? framesOfBt(bt).filter((_, i) => i > (bt.exceptionFrames[0]?.afterLevel ?? -1)) : [];
  const allFns = [...(o?.callTrace ?? []).map((t) => frameOf(t)?.function ?? ''), ...(bt?.frames.map((f) => f.function) ?? [])];
  const src = sourceAt(p, inp, ex?.address ?? null, module);
  return {
    function: ripFrame ? baseName(ripFrame.function) : null,
    module,
    offset: ripFrame?.offset ?? null,
    faultAddress: o?.faultAddress ?? null,
    errorCode: o ? decodePfError(o.errorCode, o.pfAccess, o.pfReason) : null,
    context: contextOf(allFns, o?.comm ?? bt?.command ?? null, bt?.stackTransitions ?? []),
    rip: o?.rip ?? ex?.text ?? null,
    ripAddress: ex?.address ?? null,
    callTrace: trace.map((f) => ({ function: f.function, module: f.module, offset: f.offset })),
    ...src,
  };
}

interface Blocked {
  pid: number | null;
  comm: string;
  seconds: number | null;
  state: string | null;
  frames: NamedFrame[];
  logOwner: NonNullable<LogModel['hungTasks'][number]['blockedOn']> | null;
}

/** Every blocked task: the log's hung-task reports first (in order), then crash's other UN tasks. */
function blockedTasks(inp: DetailInputs, un: BtModel | null): Blocked[] {
  const out: Blocked[] = [];
  for (const h of inp.log?.hungTasks ?? []) {
    if (out.some((b) => b.pid === h.pid)) continue;
    const crashBt = btOf(un, h.pid);
    const frames = h.callTrace.length ? framesOfTrace(h.callTrace) : crashBt ? framesOfBt(crashBt) : [];
    out.push({ pid: h.pid, comm: h.comm, seconds: h.seconds, state: h.state ?? 'D', frames, logOwner: h.blockedOn ?? null });
  }
  for (const t of inp.ps?.tasks ?? []) {
    if (t.state !== 'UN' || out.some((b) => b.pid === t.pid)) continue;
    const crashBt = btOf(un, t.pid);
    out.push({ pid: t.pid, comm: t.comm, seconds: null, state: 'UN', frames: crashBt ? framesOfBt(crashBt) : [], logOwner: null });
  }
  return out;
}

/** The owner of a mutex / rw_semaphore read from the dump, with its state and where it sleeps. */
function lockOwner(p: Probes, inp: DetailInputs, un: BtModel | null, kind: string, symbol: string): { owner: TriageHungTask['owner']; note: string | null } {
  const out = p.model<LockOwnerWordModel>({ id: kind === 'rwsem' ? 'struct rw_semaphore.owner' : 'struct mutex.owner', arg: symbol });
  if (out === undefined || out === null) return { owner: null, note: out === undefined ? null : 'the lock owner needs crash' };
  const w = ownerOfWord(out);
  if (!w) return { owner: null, note: `could not read the owner of ${symbol} from the dump (${out.error?.slice(0, 160) ?? 'no owner word in the answer'})` };
  if (w.task === null) return { owner: null, note: `${symbol} has no owner in the dump (released after the report, or never taken by a task)` };
  const readers = kind === 'rwsem' && (w.flags & 1) === 1;
  const task = inp.ps?.tasks.find((t) => t.task.replace(/^0x/, '').padStart(16, '0') === w.task);
  if (!task) {
    return {
      owner: { pid: null, comm: null, state: null, function: null, task: `0x${w.task}` },
      note: `${symbol}'s owner field points to task_struct 0x${w.task}, which is not in the task list: the owner has exited without unlocking (a freed task) or the dump lacks its pages`,
    };
  }
  const stackBt = btOf(un, task.pid) ?? p.model<BtModel>({ id: 'bt', arg: String(task.pid) })?.tasks[0] ?? null;
  const frames = stackBt ? framesOfBt(stackBt) : [];
  const own = firstOwnFrame(frames);
  return {
    owner: { pid: task.pid, comm: task.comm, state: task.state, function: own ? baseName(own.function) : null, task: `0x${w.task}`, stack: frames.map(frameText) },
    note: readers ? `${symbol} is held for reading: the owner field names only the last reader` : null,
  };
}

/**
 * The lock a blocked task sleeps on, from crash's `bt -F` of its stack. Only a stack crash really
 * read, showing the task's own frame, supports "the lock is not a named symbol"; an error, a
 * session without stacks (--minimal) or without module symbols (--no_modules) says only that
 * crash could not tell.
 */
function lockFromStack(p: Probes, inp: DetailInputs, b: Blocked, kind: string, own: NamedFrame | null): { symbol: string | null; note: string | null } {
  const cmd: GuidedCommand = { id: 'bt -F', arg: String(b.pid) };
  const btF = p.model<StackWordsModel>(cmd);
  const opts = inp.startOptions ?? [];
  if (btF === null) {
    return { symbol: null, note: p.unavailable(cmd) ? `crash runs with --minimal and cannot read ${b.comm}'s stack (bt -F ${b.pid}): which ${kind} it waits on is unknown` : null };
  }
  if (btF === undefined) return { symbol: null, note: null };
  if (btF.frames.length === 0) {
    const said = btF.error?.slice(0, 160) ?? 'no output';
    return { symbol: null, note: `crash could not read ${b.comm}'s stack (bt -F ${b.pid}: ${said}): which ${kind} it waits on is unknown` };
  }
  if (!own) return { symbol: null, note: `no function of ${b.comm}'s own on its stack: which ${kind} it waits on is unknown` };
  if (!stackShows(btF, own.function)) {
    const why = opts.includes('no_modules') && own.module
      ? `crash runs with --no_modules and leaves ${own.module}'s frames and variables out of bt -F ${b.pid}`
      : `crash's bt -F ${b.pid} does not show ${baseName(own.function)}`;
    return { symbol: null, note: `${why}: which ${kind} ${b.comm} waits on is unknown from the dump` };
  }
  const symbol = lockSymbolFromWords(btF, own.function);
  if (symbol) return { symbol, note: null };
  if (opts.includes('no_modules')) {
    return { symbol: null, note: `the ${kind} is not named on ${b.comm}'s stack (bt -F ${b.pid}), but crash runs with --no_modules and cannot name a module's variables: whether it is one is unknown` };
  }
  return { symbol: null, note: `the ${kind} is not a named kernel symbol on ${b.comm}'s stack (bt -F ${b.pid}): a lock inside a dynamically allocated object` };
}

/** Hung-task details: every blocked task, what it waits on, and for a mutex / rwsem who holds it. */
export function hungDetails(inp: DetailInputs, p: Probes): { tasks: TriageHungTask[] } | null {
  const anyUn = (inp.ps?.tasks ?? []).some((t) => t.state === 'UN');
  if (!inp.log?.hungTasks.length && !anyUn) return null;
  const un = p.model<BtModel>({ id: 'foreach UN bt' }) ?? null;
  const tasks: TriageHungTask[] = [];
  for (const [i, b] of blockedTasks(inp, un).entries()) {
    const own = firstOwnFrame(b.frames);
    const kind = b.frames.length ? waitKind(b.frames.map((f) => f.function)) : (b.logOwner?.kind.replace('rw-semaphore', 'rwsem') ?? 'unknown');
    const t: TriageHungTask = {
      pid: b.pid, comm: b.comm, blockedSeconds: b.seconds, function: own ? baseName(own.function) : null,
      waitsOn: { kind, symbol: null }, owner: null, state: b.state, stack: b.frames.map(frameText), note: null,
    };
    if (b.frames.length === 0) t.note = 'no stack for this task (crash foreach UN bt did not show it)';
    const fromLog = ownerFromLog(b, inp);
    if (fromLog) t.owner = fromLog;
    const lockish = kind === 'mutex' || kind === 'rwsem';
    if (lockish && i < MAX_CHASED && b.pid !== null) {
      if (inp.logOnly) {
        t.note = t.owner ? `${logOwnerNote(b, t.owner)}; its state and the lock need crash` : `which ${kind} and its owner are not in the kernel log: open the dump with crash for the wait chain`;
      } else {
        const lock = lockFromStack(p, inp, b, kind, own);
        if (lock.symbol && t.waitsOn) t.waitsOn.symbol = lock.symbol;
        t.note = lock.note;
        if (lock.symbol) {
          const o = lockOwner(p, inp, un, kind, lock.symbol);
          if (o.owner) t.owner = o.owner;
          t.note = o.note;
        }
        // crash could not name the lock: what the log says about its owner is the answer, said as such.
        if (!lock.symbol && t.owner && fromLog) t.note = `${logOwnerNote(b, t.owner)}${lock.note ? ` (${lock.note})` : ''}`;
      }
    }
    tasks.push(t);
  }
  return { tasks };
}

/** Soft / hard lockup details: the CPU, the task, where it spun, the lock if a register names it, the other CPUs. */
export function lockupDetails(fault: LogFault | null, panicBt: BtTask | null, inp: DetailInputs, p: Probes): TriageLockup | null {
  const l = fault?.lockup ?? inp.log?.softLockups[0] ?? null;
  const pid = l ? (l.kind === 'hard' && l.pid === 0 ? null : l.pid) : (panicBt?.pid ?? null);
  const bt = panicBt && (pid === null || panicBt.pid === pid) ? panicBt : null;
  const ex = exceptionRip(bt);
  if (!l && !ex) return null;
  const ripFrame = l?.rip && /^[\w.$]{1,128}\+0x/.test(l.rip) ? frameOf(l.rip) : ex ? frameOf(ex.text) : null;
  const frames = bt ? framesOfBt(bt).filter((_, i) => i > (bt.exceptionFrames.find((e) => !e.userMode && e.exceptionRip)?.afterLevel ?? -1)) : framesOfTrace(l?.callTrace ?? []);
  let lock: string | null = null;
  if (ex?.rdi && /^0xffff/.test(ex.rdi)) {
    const s = p.model<SymbolAtModel>({ id: 'sym', arg: ex.rdi });
    const name = s ? dataSymbolOf(s) : null;
    if (name && /lock|mutex|sem|mtx/i.test(name)) lock = name;
  }
  const all = p.model<BtModel>({ id: 'bt -a' });
  const others = all ? all.tasks.filter((t) => t.pid !== pid || t.cpu !== (l?.cpu ?? t.cpu)) : [];
  return {
    kind: l?.kind === 'hard' ? 'hard-lockup' : 'soft-lockup',
    cpu: l?.cpu ?? bt?.cpu ?? null,
    pid,
    comm: l && l.comm !== '' ? l.comm : (bt?.command ?? null),
    function: ripFrame ? baseName(ripFrame.function) : null,
    module: ripFrame?.module ?? moduleOfAddress(inp.mod, ex?.address) ?? null,
    seconds: l && l.kind !== 'hard' ? l.seconds : null,
    lock,
    stack: frames.map(frameText),
    otherCpus: others.map((t) => {
      const e = exceptionRip(t);
      const f = e ? frameOf(e.text) : firstOwnFrame(framesOfBt(t), false);
      return { cpu: t.cpu, pid: t.pid, comm: t.command, function: f ? baseName(f.function) : null, module: f?.module ?? moduleOfAddress(inp.mod, e?.address) };
    }),
  };
}

/** Build the details of the panic kind (and the probes still missing). */
export function kindDetails(kind: string, fault: LogFault | null, panicBt: BtTask | null, inp: DetailInputs): Details {
  const p = new Probes(inp);
  const oops = kind === 'oops' || kind === 'bug' ? oopsDetails(fault, panicBt, inp, p) : null;
  const hung = kind === 'hung-task' ? hungDetails(inp, p) : null;
  const lockup = kind === 'soft-lockup' || kind === 'hard-lockup' ? lockupDetails(fault, panicBt, inp, p) : null;
  return { oops, hung, lockup, wanted: p.wanted };
}
