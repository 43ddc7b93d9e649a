/**
 * The first screen's plain logic: who reported the panic (the detector, not the culprit), the
 * lock a lockup spins on and whether the spinner holds it or waits for it, the other D-state
 * tasks, and `ps -m`'s time since each task last ran. Arranges what Node and crash computed.
 */
import type { TriageHungTask, TriageLockup, TriageReport } from '../../../electron/api/triage-report.ts';
import type { BtModel, LogModel, PsLastRunModel, PsModel } from '../../../electron/parse/models.ts';

/** ms since each task last ran (crash's `ps -m`: the runqueue clock minus the task's last arrival), by pid. */
export function sinceRanMap(model: Partial<PsLastRunModel> | null | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of model?.tasks ?? []) if (typeof t.sinceLastRunMs === 'number' && t.pid > 0) out.set(t.pid, t.sinceLastRunMs);
  return out;
}

const lockPrimitive = /(?:^|_)(?:spin_lock|queued_spin_lock|read_lock|write_lock|lock_slowpath|raw_spin_lock)/;

/** The lockup's lock in words: which lock, and whether the spinning task holds it or waits for it. */
export function lockRole(l: Pick<TriageLockup, 'lock' | 'function'>): string {
  const inPrimitive = l.function !== null && lockPrimitive.test(l.function);
  if (!l.lock) return inPrimitive ? 'waits for a spinlock the dump does not name' : 'no register names a lock (crash’s `sym` on the registers names one when there is)';
  return inPrimitive
    ? `${l.lock}: the spinning task waits for it (it spins inside ${l.function})`
    : `${l.lock}: held by the spinning task (it spins in its own code, ${l.function ?? 'not known'}, not in a lock primitive)`;
}

/** Tasks in D state (`ps` UN) that are not already in a wait chain, by pid. */
export function otherBlocked(ps: Partial<PsModel> | null | undefined, chains: readonly TriageHungTask[]): Array<{ pid: number; comm: string }> {
  const inChain = new Set<number>();
  for (const t of chains) {
    if (t.pid !== null) inChain.add(t.pid);
    if (t.owner?.pid != null) inChain.add(t.owner.pid);
  }
  return (ps?.tasks ?? []).filter((t) => t.state === 'UN' && !inChain.has(t.pid)).map((t) => ({ pid: t.pid, comm: t.comm }));
}

type Log = Partial<Pick<LogModel, 'panics'>> | null | undefined;

/**
 * Who raised the panic when it is not the culprit: khungtaskd for a hung task, the watchdog for
 * a lockup; null when the culprit itself died (an Oops, a BUG, a sysrq crash).
 */
export function reporterOf(report: Pick<TriageReport, 'panic' | 'lockup'>, log: Log, bt: Partial<BtModel> | null | undefined): string | null {
  const kind = report.panic.kind;
  if (kind === 'soft-lockup' || kind === 'hard-lockup') {
    const cpu = report.lockup?.cpu;
    return `the ${kind === 'soft-lockup' ? 'soft' : 'hard'}-lockup watchdog${cpu !== null && cpu !== undefined ? ` on CPU ${cpu}` : ''}, interrupting the culprit`;
  }
  const p = log?.panics?.at(-1);
  const btTask = bt?.tasks?.find((t) => t.panic) ?? null;
  const pid = p?.pid ?? btTask?.pid ?? null;
  const comm = p?.comm ?? btTask?.command ?? null;
  if (pid === null || pid === report.panic.task.pid) return null;
  const what = kind === 'hung-task' ? ', the hung-task detector' : '';
  return `${comm ?? '?'} (pid ${pid})${what}`;
}

/** Whether the verdict rests on an OOM report (the panic was an OOM, or the log holds one besides). */
export function hasOom(report: Pick<TriageReport, 'panic' | 'oom'> | null | undefined): boolean {
  return !!report && (report.panic.kind === 'oom' || report.oom !== null);
}

/** What the navigation says beside a view for this dump: the OOM wizard on a dump with no OOM report. */
export function navNotes(report: Pick<TriageReport, 'panic' | 'oom'> | null | undefined): Partial<Record<'oom-wizard', string>> {
  return report && !hasOom(report) ? { 'oom-wizard': 'no OOM report in this dump' } : {};
}
