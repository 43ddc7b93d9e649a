/**
 * Where two verdicts on one dump differ: the early one from the kernel log (`basis: 'log'`) and
 * crash's. Each difference is one plain sentence naming both answers, so the UI and the CLI can
 * show a correction instead of silently replacing the first answer.
 */
import type { TriageReport } from '../api/triage-report.ts';

/** The outcome of a comparison. */
export interface VerdictDiff {
  agree: boolean;
  differences: string[];
}

function task(t: TriageReport['panic']['task']): string {
  return t.comm === null && t.pid === null ? 'unknown' : `${t.comm ?? '?'} (pid ${t.pid ?? '?'})`;
}

/** Compare the facts a user reads first: panic kind, task, function, module and the OOM verdict line. */
export function compareVerdicts(log: TriageReport, crash: TriageReport): VerdictDiff {
  const out: string[] = [];
  const say = (what: string, a: string | null | undefined, b: string | null | undefined): void => {
    if ((a ?? null) !== (b ?? null)) out.push(`${what}: the kernel log says ${a ?? 'nothing'}, crash says ${b ?? 'nothing'}`);
  };
  say('panic kind', log.panic.kind, crash.panic.kind);
  // crash may know the task when the log only has a line without it; a gap is no disagreement.
  if (log.panic.task.pid !== null && crash.panic.task.pid !== null) say('panic task', task(log.panic.task), task(crash.panic.task));
  if (log.panic.function !== null && crash.panic.function !== null) say('function', log.panic.function, crash.panic.function);
  if (log.panic.functionModule !== null && crash.panic.functionModule !== null) say('module', log.panic.functionModule, crash.panic.functionModule);
  // Signatures are built from kind + function + module, compared above; one side knowing the
  // module when the other does not is a gap, not a different answer.
  const a = log.oom;
  const b = crash.oom;
  if (a && b) {
    say('OOM culprit', `${a.culprit.kind} ${a.culprit.name}`, `${b.culprit.kind} ${b.culprit.name}`);
    say('OOM constraint', a.constraint, b.constraint);
  } else if (a || b) {
    out.push(`OOM verdict: the kernel log ${a ? `names ${a.culprit.kind} ${a.culprit.name}` : 'has none'}, crash ${b ? `names ${b.culprit.kind} ${b.culprit.name}` : 'has none'}`);
  }
  return { agree: out.length === 0, differences: out };
}
