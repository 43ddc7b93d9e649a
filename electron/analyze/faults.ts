/**
 * The faults a kernel log reports (Oopses, BUGs, lockups, hung tasks) in the order they
 * happened, and which of them is the real one. A dump often carries more than its panic: a
 * second Oops caused by the first, a soft lockup the watchdog only warned about before something
 * else panicked. A developer fixes the first real fault; the rest are listed, not hidden.
 */
import type { HungTaskReport, LogModel, OopsReport, SoftLockupReport } from '../parse/models.ts';
import type { PanicKind } from '../api/triage-report.ts';

/** One fault report found in the log. */
export interface LogFault {
  kind: PanicKind;
  recordIndex: number;
  timestamp: number | null;
  /** One line for lists: the report's header. */
  summary: string;
  pid: number | null;
  comm: string | null;
  oops?: OopsReport;
  hung?: HungTaskReport;
  lockup?: SoftLockupReport;
}

/** "BUG: kernel NULL pointer dereference" is an oops; "kernel BUG at", "invalid opcode" and other BUG: lines are a BUG. */
export function oopsKind(o: OopsReport): 'oops' | 'bug' {
  const l = `${o.header}\n${o.oopsLine ?? ''}`.toLowerCase();
  if (/kernel bug at|^bug: (?!unable to handle|kernel null pointer|kernel paging request)|invalid opcode/m.test(l)) return 'bug';
  return 'oops';
}

/** Every fault report of the log, oldest first. */
export function logFaults(log: LogModel | null | undefined): LogFault[] {
  if (!log) return [];
  const out: LogFault[] = [];
  for (const o of log.oopses) {
    out.push({ kind: oopsKind(o), recordIndex: o.recordIndex, timestamp: o.timestamp, summary: o.oopsLine && o.oopsLine !== o.header ? `${o.header} (${o.oopsLine})` : o.header, pid: o.pid, comm: o.comm, oops: o });
  }
  for (const l of log.softLockups) {
    const hard = l.kind === 'hard';
    out.push({
      kind: hard ? 'hard-lockup' : 'soft-lockup', recordIndex: l.recordIndex, timestamp: l.timestamp,
      summary: hard ? `hard LOCKUP on CPU ${l.cpu}` : `soft lockup - CPU#${l.cpu} stuck for ${l.seconds}s [${l.comm}:${l.pid}]`,
      pid: hard && l.pid === 0 ? null : l.pid, comm: hard && l.comm === '' ? null : l.comm, lockup: l,
    });
  }
  for (const h of log.hungTasks) {
    out.push({ kind: 'hung-task', recordIndex: h.recordIndex, timestamp: h.timestamp, summary: `task ${h.comm}:${h.pid} blocked for more than ${h.seconds} seconds`, pid: h.pid, comm: h.comm, hung: h });
  }
  return out.sort((a, b) => a.recordIndex - b.recordIndex);
}

/** Panic kinds whose cause is a fault report in the log (not OOM, sysrq or a machine check). */
const FAULT_KINDS: ReadonlySet<PanicKind> = new Set(['oops', 'bug', 'hung-task', 'soft-lockup', 'hard-lockup', 'other']);

/**
 * The first real fault and the others. For a panic caused by a fault (Oops, lockup, hung task,
 * or an unexplained panic) the first fault report wins: a second Oops or a hung task is usually
 * the consequence of the first one. OOM, sysrq and machine-check panics keep their own cause;
 * earlier fault reports are then only listed.
 */
export function primaryFault(kind: PanicKind, log: LogModel | null | undefined): { primary: LogFault | null; others: LogFault[] } {
  const all = logFaults(log);
  if (!FAULT_KINDS.has(kind) || all.length === 0) return { primary: null, others: all };
  // Hung-task reports of several tasks are one fault: the first blocked task names it, the rest are its chain.
  const primary = all[0] as LogFault;
  return { primary, others: all.slice(1) };
}
