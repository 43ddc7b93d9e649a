/**
 * The Panic view's sections in the exported reports: the decoded Oops with the faulting task's
 * call trace, each hung task's wait chain (task → lock → owner → what the owner does), and the
 * lockup with every CPU's task and top frames from `bt -a`. HTML (also the PDF) and Markdown;
 * every dump string is escaped (a comm may be `<img src=x>`).
 */
import type { TriageReport } from '../api/triage-report.ts';
import type { BtModel } from '../parse/models.ts';
import { chainSentence, contextText, cpuRows, kindLabel, panicTaskTrace, sourceEvidence } from '../../renderer/views/Panic/panic-model.ts';
import { caseResult } from './case-facts.ts';
import type { CaseBundle } from './case-types.ts';
import { escapeHtml as e, escapeMarkdown as m, markdownFence } from './escape.ts';

function btModel(c: CaseBundle, command: string): BtModel | null {
  const r = caseResult(c, command);
  return r?.parsed && r.parsed.parser === 'bt' && r.parsed.model ? (r.parsed.model as BtModel) : null;
}

const fnText = (fn: string | null, module: string | null, offset = ''): string => `${fn ?? '?'}${offset}${module ? ` [${module}]` : ''}`;

type HungTask = NonNullable<TriageReport['hung']>['tasks'][number];
type Lockup = NonNullable<TriageReport['lockup']>;

const waitsOnText = (t: HungTask): string => (t.waitsOn ? `${t.waitsOn.kind} ${t.waitsOn.symbol ?? '(unnamed)'}` : 'not known');
const ownerText = (t: HungTask): string => (t.owner ? `${t.owner.comm ?? '?'} (pid ${t.owner.pid ?? '?'})` : 'no owner known');

/** The Panic sections as HTML (empty when the report has no per-kind details). */
export function panicSectionsHtml(c: CaseBundle, t: TriageReport): string {
  const out: string[] = [];
  if (t.oops) {
    const o = t.oops;
    out.push(`<h2 id="panic-fault">${e(kindLabel(t.panic.kind))}: the fault</h2><table><tbody>`);
    out.push(`<tr><th scope="row">Faulting function</th><td><code>${e(fnText(o.function, o.module, o.offset ?? ''))}</code></td></tr>`);
    if (o.rip) out.push(`<tr><th scope="row">RIP</th><td><code>${e(o.rip)}</code>${o.ripAddress ? ` at <code>${e(o.ripAddress)}</code>` : ''}</td></tr>`);
    out.push(`<tr><th scope="row">Fault address</th><td><code>${e(o.faultAddress ?? 'not printed')}</code></td></tr>`);
    out.push(`<tr><th scope="row">Error code</th><td>${e(o.errorCode ?? 'not printed')}</td></tr>`);
    out.push(`<tr><th scope="row">Context</th><td>${e(contextText(o.context))}</td></tr>`);
    out.push(`<tr><th scope="row">Task</th><td>${e(t.panic.task.comm ?? '?')} (pid ${e(t.panic.task.pid ?? '?')})</td></tr>`);
    if (o.source) out.push(`<tr><th scope="row">Source line</th><td><code>${e(o.source)}</code></td></tr>`);
    if (o.debugInfo) out.push(`<tr><th scope="row">Debug info</th><td>${e(o.debugInfo)}</td></tr>`);
    out.push('</tbody></table>');
    if (o.disassembly?.length) out.push(`<h3>Disassembly up to the fault (dis -rl)</h3><pre>${e(o.disassembly.join('\n'))}</pre>`);
    for (const s of sourceEvidence(t.panic.evidence)) out.push(`<h3>Source: <code>${e(s.command)}</code> ${e(s.row)}</h3><pre>${e(s.detail)}</pre>`);
    const trace = panicTaskTrace(btModel(c, 'bt'), t.panic.task.pid);
    if (!trace && o.callTrace?.length) {
      out.push('<h3>Call trace (kernel log)</h3><ol>');
      for (const f of o.callTrace) out.push(`<li><code>${e(f.function)}${e(f.offset ?? '')}</code>${f.module ? ` <strong>[module ${e(f.module)}]</strong>` : ''}</li>`);
      out.push('</ol>');
    }
    if (trace) {
      out.push(`<h3>Call trace of ${e(trace.command)} (pid ${e(trace.pid)})</h3><ol start="0">`);
      for (const f of trace.frames) out.push(`<li value="${e(f.level)}"><code>${e(f.function)}</code>${f.module ? ` <strong>[module ${e(f.module)}]</strong>` : ''}</li>`);
      out.push('</ol>');
    }
  }
  if (t.hung) {
    out.push('<h2 id="panic-hung">Who waits for whom</h2>');
    if (!t.hung.tasks.length) out.push('<p class="muted">No blocked task could be named from the dump.</p>');
    else {
      out.push('<table><thead><tr><th>Blocked task</th><th class="num">Blocked for</th><th>In</th><th>Waits on</th><th>Held by</th><th>Owner state</th><th>Owner is in</th></tr></thead><tbody>');
      for (const h of t.hung.tasks) {
        out.push(`<tr><td>${e(h.comm)} (pid ${e(h.pid ?? '?')})</td><td class="num">${e(h.blockedSeconds === null ? '?' : `> ${h.blockedSeconds} s`)}</td><td><code>${e(h.function ?? '?')}</code></td>`
          + `<td>${e(waitsOnText(h))}</td><td>${e(ownerText(h))}</td><td>${e(h.owner?.state ?? '—')}</td><td><code>${e(h.owner?.function ?? '—')}</code></td></tr>`);
      }
      out.push('</tbody></table><ul>');
      for (const h of t.hung.tasks) out.push(`<li>${e(chainSentence(h))}${h.note ? ` <span class="muted">(${e(h.note)})</span>` : ''}</li>`);
      out.push('</ul>');
    }
  }
  if (t.lockup) {
    const l = t.lockup;
    out.push(`<h2 id="panic-lockup">${e(lockupTitle(l))}</h2><table><tbody>`);
    out.push(`<tr><th scope="row">Task</th><td>${e(l.comm ?? '?')} (pid ${e(l.pid ?? '?')})</td></tr>`);
    out.push(`<tr><th scope="row">Spinning in</th><td><code>${e(fnText(l.function, l.module))}</code></td></tr>`);
    out.push(`<tr><th scope="row">For</th><td>${e(l.seconds === null ? 'not reported' : `${l.seconds} s`)}</td></tr>`);
    if (l.lock) out.push(`<tr><th scope="row">Lock</th><td><code>${e(l.lock)}</code></td></tr>`);
    out.push('</tbody></table>');
    const rows = cpuRows(btModel(c, 'bt -a'), l.cpu);
    if (rows.length) {
      out.push('<h3>Every CPU (bt -a)</h3><table><thead><tr><th class="num">CPU</th><th>Task</th><th>Stopped at</th><th>Top frames</th></tr></thead><tbody>');
      for (const r of rows) {
        const frames = r.frames.map((f) => `<code>${e(f.function)}</code>${f.module ? ` [${e(f.module)}]` : ''}`).join('<br>');
        out.push(`<tr><td class="num">${e(r.cpu)}${r.lockup ? ' <strong>lockup</strong>' : ''}</td><td>${e(r.comm)} (pid ${e(r.pid)})</td><td><code>${e(r.rip ?? '—')}</code></td><td>${frames}</td></tr>`);
      }
      out.push('</tbody></table>');
    } else out.push('<p class="muted">No CPU table: this case holds no <code>bt -a</code>.</p>');
  }
  const others = t.panic.otherFaults ?? [];
  if (others.length) {
    out.push('<h3 id="panic-other-faults">Other faults in the log</h3><ul>');
    for (const f of others) out.push(`<li>${e(kindLabel(f.kind))}${f.timestamp === null ? '' : ` at ${e(f.timestamp)} s`}: ${e(f.summary)}</li>`);
    out.push('</ul>');
  }
  return out.join('\n');
}

function lockupTitle(l: Lockup): string {
  return `${l.kind === 'hard-lockup' ? 'Hard' : 'Soft'} lockup on CPU ${l.cpu ?? '?'}`;
}

/** The Panic sections as Markdown (empty when the report has no per-kind details). */
export function panicSectionsMarkdown(c: CaseBundle, t: TriageReport): string {
  const out: string[] = [];
  const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
  if (t.oops) {
    const o = t.oops;
    out.push(`## ${m(kindLabel(t.panic.kind))}: the fault`, '', '| | |', '|---|---|');
    out.push(`| Faulting function | ${m(fnText(o.function, o.module, o.offset ?? ''))} |`, `| Fault address | ${m(o.faultAddress ?? 'not printed')} |`);
    out.push(`| Error code | ${m(o.errorCode ?? 'not printed')} |`, `| Context | ${m(contextText(o.context))} |`);
    out.push(`| Task | ${m(t.panic.task.comm ?? '?')} (pid ${m(t.panic.task.pid ?? '?')}) |`);
    if (o.rip) out.push(`| RIP | ${m(o.rip)}${o.ripAddress ? ` at ${m(o.ripAddress)}` : ''} |`);
    if (o.source) out.push(`| Source line | ${m(o.source)} |`);
    if (o.debugInfo) out.push(`| Debug info | ${m(o.debugInfo)} |`);
    out.push('');
    if (o.disassembly?.length) out.push('Disassembly up to the fault (dis -rl):', '', markdownFence(o.disassembly.join('\n')), '');
    for (const s of sourceEvidence(t.panic.evidence)) out.push(`Source (${m(s.command)} ${m(s.row)}):`, '', markdownFence(s.detail), '');
    const trace = panicTaskTrace(btModel(c, 'bt'), t.panic.task.pid);
    if (trace) {
      out.push(`Call trace of ${m(trace.command)} (pid ${trace.pid}):`, '');
      for (const f of trace.frames) out.push(`- #${f.level} ${m(f.function)}${f.module ? ` **\\[module ${m(f.module)}\\]**` : ''}`);
      out.push('');
    }
  }
  if (t.hung) {
    out.push('## Who waits for whom', '');
    if (!t.hung.tasks.length) out.push('No blocked task could be named from the dump.', '');
    else {
      out.push('| Blocked task | Blocked for | In | Waits on | Held by | Owner state | Owner is in |', '|---|---:|---|---|---|---|---|');
      for (const h of t.hung.tasks) {
        out.push(`| ${m(h.comm)} (pid ${m(h.pid ?? '?')}) | ${m(h.blockedSeconds === null ? '?' : `> ${h.blockedSeconds} s`)} | ${m(h.function ?? '?')} | ${m(waitsOnText(h))} | ${m(ownerText(h))} | ${m(h.owner?.state ?? '—')} | ${m(h.owner?.function ?? '—')} |`);
      }
      out.push('');
      for (const h of t.hung.tasks) out.push(`- ${m(chainSentence(h))}${h.note ? ` (${m(h.note)})` : ''}`);
      out.push('');
    }
  }
  if (t.lockup) {
    const l = t.lockup;
    out.push(`## ${m(lockupTitle(l))}`, '', `${m(l.comm ?? '?')} (pid ${m(l.pid ?? '?')}) spinning in ${m(fnText(l.function, l.module))}${l.seconds === null ? '' : ` for ${l.seconds} s`}${l.lock ? `, lock ${m(l.lock)}` : ''}.`, '');
    const rows = cpuRows(btModel(c, 'bt -a'), l.cpu);
    if (rows.length) {
      out.push('| CPU | Task | Stopped at | Top frames |', '|---:|---|---|---|');
      for (const r of rows) out.push(`| ${r.cpu}${r.lockup ? ' **lockup**' : ''} | ${m(r.comm)} (pid ${r.pid}) | ${m(r.rip ?? '—')} | ${r.frames.map((f) => m(fnText(f.function, f.module))).join(', ')} |`);
      out.push('');
    } else out.push(`No CPU table: this case holds no ${code('bt -a')}.`, '');
  }
  const others = t.panic.otherFaults ?? [];
  if (others.length) {
    out.push('### Other faults in the log', '');
    for (const f of others) out.push(`- ${m(kindLabel(f.kind))}${f.timestamp === null ? '' : ` at ${f.timestamp} s`}: ${m(f.summary)}`);
    out.push('');
  }
  return out.join('\n');
}
