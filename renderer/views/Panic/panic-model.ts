/**
 * The Panic view's plain logic: which commands it asks for, where each item links to (the task
 * in Processes, the report's line in the Log, the crash command in the Console), the hung-task
 * wait chain as nodes, and the per-CPU table of `bt -a`. It only arranges what Node computed:
 * the verdict comes from analyze.triageRaw and the models from the host's parsers.
 */
import type { CommandId, GuidedCommand } from '../../../electron/api/contract.ts';
import type { PanicKind, TriageHungTask, TriageReport } from '../../../electron/api/triage-report.ts';
import type { BtModel, BtTask, LogModel } from '../../../electron/parse/models.ts';
import { hexOffset } from '../../lib/format.ts';

/**
 * The commands the panic verdict reads (the triage engine's inputs without the OOM-only `kmem`
 * ones), in the order the view asks for them: cheap and decisive first.
 */
export const panicCommands: CommandId[] = ['sys', 'sys -t', 'bt', 'log', 'mod', 'mod -t', 'ps', 'bt -a'];

/** Triage inputs only the OOM verdict needs; their absence says nothing about a panic. */
const oomOnlyInput = /^kmem -[isVzf]\b/;

/** Rounds of follow-ups: D-state stacks → the lock on the stack → its owner → the owner's stack. */
export const maxFollowUpRounds = 4;

/** Follow-ups are capped so one verdict never asks crash for more than this many extra commands. */
export const maxFollowUps = 48;

/** The command line of a guided command (the cache key). */
function lineOf(c: GuidedCommand): string {
  return c.arg ? `${c.id} ${c.arg}` : c.id;
}

/** The wanted follow-ups not asked for yet (an answer that did not help is not asked again). */
export function newFollowUps(asked: readonly GuidedCommand[], wanted: readonly GuidedCommand[]): GuidedCommand[] {
  const seen = new Set(asked.map(lineOf));
  const out: GuidedCommand[] = [];
  for (const c of wanted) {
    const line = lineOf(c);
    if (seen.has(line) || asked.length + out.length >= maxFollowUps) continue;
    seen.add(line);
    out.push(c);
  }
  return out;
}

/** A follow-up's output as the engine reads it: crash's error text kept with the output (it says why nothing came). */
export function followUpRaw(r: { raw: string; error?: string | null }): string {
  return r.error && !r.raw.includes(r.error) ? `${r.raw}\n${r.error}` : r.raw;
}

/** The dump's directory on its host (where a module's unstripped .ko may lie), or null for a relative path. */
export function dumpDir(vmcore: string): string | null {
  const i = vmcore.lastIndexOf('/');
  return vmcore.startsWith('/') && i > 0 ? vmcore.slice(0, i) : null;
}

/** The report's missing inputs that matter for a panic (the OOM-only `kmem` ones left out). */
export function panicMissing(missing: readonly string[]): string[] {
  return missing.filter((m) => !oomOnlyInput.test(m));
}

const kindLabels: Record<PanicKind, string> = {
  oom: 'Out of memory',
  oops: 'Oops (kernel fault)',
  bug: 'BUG (kernel assertion)',
  sysrq: 'SysRq crash (requested)',
  'hung-task': 'Hung task',
  'soft-lockup': 'Soft lockup',
  'hard-lockup': 'Hard lockup',
  mce: 'Machine check (hardware error)',
  other: 'Other panic',
};

/** A reader's name for a panic kind. */
export function kindLabel(kind: PanicKind): string {
  return kindLabels[kind] ?? kind;
}

/** What "basis" means for the reader. */
export function basisText(basis: TriageReport['basis'], engines: { crash: boolean; drgn: string | null } = { crash: true, drgn: null }): string {
  if (basis === 'log') return 'the dump’s own kernel log only (crash did not confirm it)';
  // The reading is named by the engines whose answers it rests on (drgn answers while crash cannot).
  const who = engines.drgn && engines.crash ? `crash’s and drgn ${engines.drgn}’s reading` : engines.drgn ? `drgn ${engines.drgn}’s reading` : 'crash’s reading';
  return `${who} of the dump (backtraces, tasks, modules) and its kernel log`;
}

/** The Processes view with the task's detail open (not for pid 0: every CPU's idle task has it, the link could not say which). */
export function taskHref(pid: number | null | undefined, marks: { culprit?: number | null; owner?: number | null } = {}): string | null {
  if (!(typeof pid === 'number' && Number.isInteger(pid) && pid > 0)) return null;
  const extra = (['culprit', 'owner'] as const).map((k) => (typeof marks[k] === 'number' && marks[k] > 0 ? `&${k}=${marks[k]}` : '')).join('');
  return `#/processes?pid=${pid}${extra}`;
}

/** The Log view scrolled to a record (1-based line number as the Log view counts them). */
export function logHref(recordIndex: number | null | undefined): string | null {
  return typeof recordIndex === 'number' && Number.isInteger(recordIndex) && recordIndex >= 0 ? `#/log?line=${recordIndex + 1}` : null;
}

/** The Console view showing a command's output: its cached result, else run once on opening (`run=1`). */
export function consoleHref(command: string): string {
  return `#/console?cmd=${encodeURIComponent(command)}&run=1`;
}

/**
 * Whether a linked command may run on opening the Console: only the read-only commands the
 * views link to (a stack, a lock, a symbol, a disassembly); anything else is typed in for Enter,
 * so a crafted link can never run a shell escape even with shell access on.
 */
export function autoRunnable(line: string): boolean {
  return /^(?:bt(?: -[ac])?(?: \d{1,7})?|struct (?:mutex|rw_semaphore|completion) [\w.]{1,128}|sym [\w.]{1,128}|dis -r?l (?:0x)?[0-9a-f]{1,16}|dis -l (?:0x)?[0-9a-f]{1,16} \d{1,2}|dis -l [\w.$]{1,128}|sys|sys -t|log|ps|ps -m|mod|mod -t)$/.test(line);
}

/** A query parameter of the URL hash ("#/log?line=12" → "12"), or null. */
export function hashParam(hash: string, name: string): string | null {
  const q = hash.indexOf('?');
  return q < 0 ? null : new URLSearchParams(hash.slice(q + 1)).get(name);
}

/** The 0-based record index a `?line=N` deep link names, or null when it names none of `count` records. */
export function lineParam(hash: string, count: number): number | null {
  const v = hashParam(hash, 'line');
  if (v === null || !/^\d{1,9}$/.test(v)) return null;
  const n = Number(v) - 1;
  return n >= 0 && n < count ? n : null;
}

/** A console command line prefilled by `?cmd=`: one line, printable, at most 256 characters. */
export function consoleParam(hash: string): string | null {
  const v = hashParam(hash, 'cmd');
  if (v === null) return null;
  // eslint-disable-next-line no-control-regex
  const line = v.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return line && line.length <= 256 ? line : null;
}

type Log = Partial<Pick<LogModel, 'records' | 'oopses' | 'panics' | 'hungTasks' | 'softLockups' | 'oomReports'>> | null | undefined;

/** Where the Oops report starts in the log (the first one: the fault the others follow from). */
export function oopsRecord(log: Log): number | null {
  return log?.oopses?.[0]?.recordIndex ?? null;
}

/** Where the hung-task detector reported this pid (its first report), else null. */
export function hungRecord(log: Log, pid: number | null): number | null {
  return log?.hungTasks?.find((h) => h.pid === pid)?.recordIndex ?? null;
}

/** Where the watchdog reported the lockup on this CPU (else the first lockup report). */
export function lockupRecord(log: Log, cpu: number | null): number | null {
  const all = log?.softLockups ?? [];
  return (all.find((l) => l.cpu === cpu) ?? all[0])?.recordIndex ?? null;
}

/** The first log record printed at this timestamp (seconds since boot), for a fault the report names by time. */
export function recordAt(log: Log, timestamp: number | null): number | null {
  if (timestamp === null) return null;
  const i = (log?.records ?? []).findIndex((r) => r.timestamp === timestamp);
  return i < 0 ? null : i;
}

/**
 * The first fault report in the log (the earliest Oops/BUG, hung-task, lockup or OOM report: the one
 * the others follow from), else the panic line; the record the Log view opens at for `?at=fault`.
 */
export function firstFaultRecord(log: Log): number | null {
  const starts = [log?.oopses?.[0]?.recordIndex, log?.hungTasks?.[0]?.recordIndex, log?.softLockups?.[0]?.recordIndex, log?.oomReports?.[0]?.recordIndex].filter((x): x is number => typeof x === 'number');
  return starts.length ? Math.min(...starts) : (log?.panics?.at(-1)?.recordIndex ?? null);
}

/** The Log view opened at the first fault report, whichever reading of the log it shows. */
export const logFaultHref = '#/log?at=fault';

/** The record a Log deep link names: `?line=N` (1-based), or `?at=fault` for the first fault report. */
export function logTarget(hash: string, log: Log): number | null {
  if (hashParam(hash, 'at') === 'fault') return firstFaultRecord(log);
  return lineParam(hash, log?.records?.length ?? 0);
}

/** The `Kernel panic - not syncing` line, else the first Oops (an Oops dump may have no panic line). */
export function panicRecord(log: Log): number | null {
  return log?.panics?.at(-1)?.recordIndex ?? log?.oopses?.[0]?.recordIndex ?? null;
}

type HungTask = TriageHungTask;

/** One box of a wait chain: what it is, its text, and where it links to. */
export interface ChainNode {
  role: 'task' | 'lock' | 'owner' | 'owner-does';
  /** Short caption above the box ("blocked task", "waits on mutex", ...). */
  caption: string;
  /** The box's main text (a comm, a lock symbol, a function); dump text, rendered as text only. */
  text: string;
  /** A second line (pid, state, seconds). */
  detail: string;
  taskHref: string | null;
  consoleCommand: string | null;
  /** Frames shown under the box (the owner's stack, innermost first, offsets in hex). */
  frames: string[];
}

/**
 * How long a blocked task has been blocked, in words: crash's `ps -m` (time since it last ran)
 * when the dump has it, else the hung-task detector's threshold, said to be one.
 */
export function blockedText(thresholdSeconds: number | null, sinceRanMs: number | null | undefined): string | null {
  if (typeof sinceRanMs === 'number') return `blocked ${(sinceRanMs / 1000).toFixed(1)} s (ps -m)`;
  return thresholdSeconds !== null ? `blocked > ${thresholdSeconds} s (the detector's threshold)` : null;
}

/** The crash command that shows a lock of this kind at this symbol. */
export function lockCommand(kind: string, symbol: string): string {
  const type = kind === 'mutex' ? 'mutex' : kind === 'rwsem' ? 'rw_semaphore' : kind === 'completion' ? 'completion' : null;
  return type ? `struct ${type} ${symbol}` : `sym ${symbol}`;
}

/** The chain "task → lock → owner → what the owner does" of one blocked task, as far as it is known. */
export function waitChain(t: HungTask, sinceRan: ReadonlyMap<number, number> = new Map()): ChainNode[] {
  const pid = t.pid;
  const nodes: ChainNode[] = [{
    role: 'task',
    caption: 'blocked task',
    text: t.comm,
    detail: [`pid ${pid ?? '?'}`, t.state ? `state ${t.state}` : null, blockedText(t.blockedSeconds, pid !== null ? sinceRan.get(pid) : null), t.function ? `in ${t.function}` : null].filter(Boolean).join(' · '),
    taskHref: taskHref(pid, { culprit: pid, owner: t.owner?.pid }),
    consoleCommand: pid !== null ? `bt ${pid}` : null,
    frames: [],
  }];
  const w = t.waitsOn;
  nodes.push({
    role: 'lock',
    caption: w ? `waits on ${w.kind === 'unknown' ? 'something' : w.kind}` : 'waits on',
    text: w?.symbol ?? (w ? `an unnamed ${w.kind}` : 'not known'),
    detail: w?.symbol ? '' : 'the lock could not be named from the dump',
    taskHref: null,
    consoleCommand: w?.symbol ? lockCommand(w.kind, w.symbol) : null,
    frames: [],
  });
  const o = t.owner;
  if (!o) {
    if (w && (w.kind === 'mutex' || w.kind === 'rwsem')) {
      nodes.push({ role: 'owner', caption: 'held by', text: 'no owner recorded', detail: 'the lock names no owner (released, or a reader-held rw semaphore)', taskHref: null, consoleCommand: null, frames: [] });
    }
    return nodes;
  }
  nodes.push({
    role: 'owner',
    caption: 'held by',
    text: o.comm ?? 'unknown task',
    detail: [`pid ${o.pid ?? '?'}`, o.state ? `state ${o.state}` : null, o.pid !== null && sinceRan.has(o.pid) ? `last ran ${(sinceRan.get(o.pid)! / 1000).toFixed(1)} s before the dump (ps -m)` : null].filter(Boolean).join(' · '),
    taskHref: taskHref(o.pid, { culprit: pid, owner: o.pid }),
    consoleCommand: o.pid !== null ? `bt ${o.pid}` : null,
    frames: [],
  });
  nodes.push({
    role: 'owner-does',
    caption: 'which is in',
    text: o.function ?? 'an unknown function',
    detail: o.function ? '' : 'no usable stack for the owner',
    taskHref: null,
    consoleCommand: o.pid !== null ? `bt ${o.pid}` : null,
    frames: (o.stack ?? []).slice(0, 12).map(hexOffset),
  });
  return nodes;
}

/** A chain in one sentence, for screen readers and the reports. */
export function chainSentence(t: HungTask): string {
  const w = t.waitsOn;
  const lock = w ? `${w.kind === 'unknown' ? 'a lock' : w.kind} ${w.symbol ?? '(unnamed)'}` : 'something the dump does not name';
  const head = `${t.comm} (pid ${t.pid ?? '?'}) waits for ${lock}`;
  const o = t.owner;
  if (!o) return `${head}; no owner is known.`;
  return `${head} held by ${o.comm ?? 'an unknown task'} (pid ${o.pid ?? '?'}${o.state ? `, ${o.state}` : ''}), which is in ${o.function ?? 'an unknown function'}.`;
}

/** One frame of a backtrace as the view shows it. */
export interface FrameView {
  level: number;
  function: string;
  module: string | null;
}

/** One CPU's row of the lockup table. */
export interface CpuRow {
  cpu: number;
  pid: number;
  comm: string;
  /** Where the CPU was stopped (`[exception RIP: ...]`), when crash printed one. */
  rip: string | null;
  /** The first frames after the exception (or from the top), at most `topN`. */
  frames: FrameView[];
  /** The CPU the watchdog reported. */
  lockup: boolean;
  /** The task that panicked. */
  panic: boolean;
}

/** The frames below a task's last kernel exception frame (crash's own NMI stop is above it). */
function framesAfterException(t: BtTask): BtTask['frames'] {
  const exc = [...t.exceptionFrames].reverse().find((e) => e.exceptionRip && !e.userMode);
  return exc ? t.frames.filter((f) => f.level > exc.afterLevel) : t.frames;
}

/** The per-CPU table from `bt -a`: each CPU's task, where it was and its top frames. */
export function cpuRows(bt: Partial<BtModel> | null | undefined, lockupCpu: number | null, topN = 4): CpuRow[] {
  return [...(bt?.tasks ?? [])]
    .sort((a, b) => a.cpu - b.cpu)
    .map((t) => ({
      cpu: t.cpu,
      pid: t.pid,
      comm: t.command,
      rip: [...t.exceptionFrames].reverse().find((e) => e.exceptionRip && !e.userMode)?.exceptionRip ?? null,
      frames: framesAfterException(t).slice(0, topN).map((f) => ({ level: f.level, function: f.function, module: f.module })),
      lockup: lockupCpu !== null && t.cpu === lockupCpu,
      panic: t.panic,
    }));
}

/** The panic task's backtrace (from `bt`), the task that panicked or the one with this pid. */
export function panicTaskTrace(bt: Partial<BtModel> | null | undefined, pid: number | null): BtTask | null {
  const tasks = bt?.tasks ?? [];
  return tasks.find((t) => pid !== null && t.pid === pid) ?? tasks.find((t) => t.panic) ?? tasks[0] ?? null;
}

/** The faulting instruction's address (RIP register of the kernel exception frame), for `dis -rl`. */
export function faultRipAddress(t: BtTask | null): string | null {
  const exc = t?.exceptionFrames.find((e) => e.exceptionRip && !e.userMode);
  const rip = exc?.registers.RIP;
  return rip && /^[0-9a-f]{8,16}$/i.test(rip) ? rip : null;
}

/** The console command that disassembles up to the fault with source lines. */
export function disassembleCommand(ripAddress: string | null, fn: string | null): string | null {
  if (ripAddress) return `dis -rl ${ripAddress}`;
  return fn && /^[\w.$]{1,128}$/.test(fn) ? `dis -l ${fn}` : null;
}

/** The console command for an evidence item, when its command runs as it stands (not a follow-up id that needs its argument). */
export function evidenceCommand(command: string): string | null {
  return /^(?:sys|sys -t|log|ps|mod|mod -t|bt|bt -a|bt \d{1,7}|foreach UN bt|foreach bt|kmem -[isVzfg]|vm \d{1,7}|struct (?:mutex|rw_semaphore) [\w.]{1,128}|sym [\w.]{1,128}|dis -rl (?:0x)?[0-9a-f]{1,16})$/.test(command) ? command : null;
}

/** Evidence items that carry a source line or disassembly (`dis`, `sym`, `mod -s`), for the Oops card. */
export function sourceEvidence(evidence: ReadonlyArray<{ command: string; row: string; detail: string }>): Array<{ command: string; row: string; detail: string }> {
  return evidence.filter((e) => /^(?:dis|sym|mod -s|gdb list|list)\b/.test(e.command));
}

/** Words for the Oops context ('syscall' → "in a system call (process context)"). */
export function contextText(context: string): string {
  switch (context) {
    case 'syscall': return 'in a system call (process context)';
    case 'kworker': return 'in a kernel worker (workqueue)';
    case 'irq': return 'in a hardware interrupt';
    case 'softirq': return 'in a softirq';
    case 'kthread': return 'in a kernel thread';
    default: return context === 'unknown' ? 'not known' : context;
  }
}
