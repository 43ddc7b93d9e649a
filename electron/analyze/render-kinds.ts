/**
 * Terminal lines for the per-kind details of a triage report (Oops decode, the hung-task wait
 * chain, the lockup), kept apart from render.ts so the OOM rendering stays as it is. The caller
 * passes every string through its control-character filter.
 */
import type { TriageReport } from '../api/triage-report.ts';

/** The per-kind block of `crashdeck triage` text output (empty for kinds without details). */
export function kindLines(r: TriageReport, t: (s: string | null | undefined) => string): string[] {
  const out: string[] = [];
  const o = r.oops;
  if (o) {
    out.push('', `Oops:      ${t(o.function) || '?'}${t(o.offset)}${o.module ? ` [${t(o.module)}]` : ''} in ${t(o.context)} context`);
    if (o.faultAddress || o.errorCode) out.push(`Fault:     address ${t(o.faultAddress) || '?'}: ${t(o.errorCode) || '?'}`);
    if (o.source) out.push(`Source:    ${t(o.source)}`);
    else if (o.debugInfo) out.push(`Source:    unknown — ${t(o.debugInfo)}`);
    if (o.callTrace?.length) out.push(`Trace:     ${o.callTrace.map((f) => `${t(f.function)}${f.module ? ` [${t(f.module)}]` : ''}`).join(' <- ')}`);
  }
  if (r.hung?.tasks.length) out.push('');
  for (const h of r.hung?.tasks ?? []) {
    const lock = h.waitsOn?.symbol ?? (h.waitsOn && h.waitsOn.kind !== 'unknown' ? `a ${h.waitsOn.kind}` : 'something');
    const owner = h.owner ? ` held by ${t(h.owner.comm) || `task ${t(h.owner.task) || '?'}`}${h.owner.pid !== null ? ` (pid ${h.owner.pid})` : ''}${h.owner.function ? `, which sleeps in ${t(h.owner.function)}` : ''}` : '';
    out.push(`Blocked:   ${t(h.comm)} (pid ${h.pid ?? '?'}${h.blockedSeconds !== null ? `, blocked more than ${h.blockedSeconds} s` : ''}) in ${t(h.function) || '?'} waits for ${t(lock)}${owner}`);
    if (h.note) out.push(`           ${t(h.note)}`);
  }
  const l = r.lockup;
  if (l) {
    out.push('', `Lockup:    CPU ${l.cpu ?? '?'} ${t(l.comm) || '?'} (pid ${l.pid ?? '?'}) spinning in ${t(l.function) || '?'}${l.module ? ` [${t(l.module)}]` : ''}${l.seconds !== null ? ` for ${l.seconds} s` : ''}${l.lock ? `, lock ${t(l.lock)}` : ''}`);
    for (const c of l.otherCpus ?? []) out.push(`           CPU ${c.cpu}: ${t(c.comm)} (pid ${c.pid}) in ${t(c.function) || '?'}${c.module ? ` [${t(c.module)}]` : ''}`);
  }
  for (const f of r.panic.otherFaults ?? []) out.push(`Also:      ${t(f.kind)} at ${f.timestamp ?? '?'} s: ${t(f.summary)}`);
  return out;
}
