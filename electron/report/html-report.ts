/**
 * The self-contained HTML report: one file, no network (a CSP that allows nothing but inline
 * styles and data: images), no script, no external font; inline CSS and SVG charts; summary and
 * verdict, panic triage, the evidence with the user's notes, key tables, the notes in the user's
 * order, and every raw command output folded in <details>. Every dump string is escaped.
 */
import { fmtBytes } from '../analyze/oom-rules.ts';
import { zoneName } from '../analyze/render.ts';
import type { Evidence, TriageReport } from '../api/triage-report.ts';
import { barChartSvg } from './chart-svg.ts';
import { completenessNotice } from '../analyze/completeness-text.ts';
import { signatureDetailText } from '../analyze/render.ts';
import { caseCompleteness, drgnAnswered, evidenceKey, notesOn, orderedNotes, tagLabels, topCaches, topTasks, traceFacts } from './case-facts.ts';
import type { CaseAnnotation, CaseBundle } from './case-types.ts';
import { escapeHtml as e } from './escape.ts';
import { noteHtml } from './note-html.ts';
import { panicSectionsHtml } from './panic-sections.ts';
import { decodeTraceSpan, noteTargetText, traceSpanView } from '../../renderer/components/annotations/trace-span.ts';

const css = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b5cad;--hot:#b42318;--bg2:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);margin:0 auto;max-width:980px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:16px 0 6px}.muted{color:var(--muted)}.verdict{border-left:4px solid var(--hot);background:#fff5f4;padding:10px 14px;margin:12px 0}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg2);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace}pre{background:var(--bg2);padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
details{border:1px solid var(--line);border-radius:4px;margin:6px 0;padding:4px 8px}summary{cursor:pointer;font-weight:600}
.tag{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;background:#eaeef2}.tag.root-cause{background:#ffd8d3;color:#7a1200}
.tag.suspect{background:#fff1c2;color:#5c4200}.tag.ruled-out{background:#dcf5e3;color:#0f5132}.tag.question{background:#dbeafe;color:#1e3a8a}
.note{border:1px solid var(--line);border-radius:4px;padding:6px 10px;margin:6px 0;background:#fff}.note .target{font-size:12px;color:var(--muted)}
.chart .bar{fill:#7aa7d8}.chart .bar.hot{fill:var(--hot)}.chart text{font:12px system-ui,sans-serif;fill:var(--fg)}
.url{color:var(--muted);word-break:break-all}
.incomplete{border:2px solid var(--hot);background:#fff5f4;color:#7a1200;border-radius:4px;padding:10px 14px;margin:12px 0}.completeness-unknown{border-left:4px solid var(--line);padding:6px 12px;color:var(--muted)}
@media print{body{max-width:none;padding:0}details{break-inside:avoid}details>*:not(summary){display:block}}
`;

/** The meta tags that make the file inert: nothing may load or run. */
export const reportCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

function row(label: string, value: string): string {
  return `<tr><th scope="row">${e(label)}</th><td>${value}</td></tr>`;
}

function noteBlock(a: CaseAnnotation, withTarget: boolean): string {
  const tag = a.tag ? `<span class="tag ${e(a.tag)}">${e(tagLabels[a.tag] ?? a.tag)}</span> ` : '';
  const target = withTarget ? `<div class="target">${e(noteTargetText(a))}</div>` : '';
  return `<div class="note">${target}${tag}${noteHtml(a.text)}</div>`;
}

function evidenceTable(c: CaseBundle, items: readonly Evidence[]): string {
  if (!items.length) return '<p class="muted">No evidence items.</p>';
  const rows = items.map((ev) => {
    const notes = notesOn(c, 'evidence', evidenceKey(ev)).map((a) => noteBlock(a, false)).join('');
    return `<tr><td><code>${e(ev.command)}</code></td><td>${e(ev.row)}</td><td>${e(ev.detail)}${notes}</td></tr>`;
  });
  return `<table><thead><tr><th>Command</th><th>Row</th><th>Detail and notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One line verdict: what the engine concluded (also what the PDF test looks for). */
export function verdictLine(t: TriageReport | null): string {
  if (!t) return 'No triage verdict in this case.';
  const o = t.oom;
  if (o) {
    const where = o.culprit.module ? ` (module ${o.culprit.module})` : '';
    return `OOM: ${o.culprit.kind} — ${o.culprit.name}${where}, ${o.culprit.bytes === null ? '?' : fmtBytes(o.culprit.bytes)}; confidence ${o.confidence}`;
  }
  const p = t.panic;
  const where = p.function ? ` in ${p.function}${p.functionModule ? ` [${p.functionModule}]` : ''}` : '';
  const who = p.task.comm !== null || p.task.pid !== null ? `; culprit ${p.task.comm ?? '?'} (pid ${p.task.pid ?? '?'})${where}` : '';
  return `Panic: ${p.kind} — ${t.dump.headline ?? t.dump.panicMessage ?? p.signature}${who}`;
}

function triageSection(c: CaseBundle, t: TriageReport): string {
  const p = t.panic;
  const out: string[] = [];
  out.push('<h2 id="panic">Panic triage</h2><table><tbody>');
  out.push(row('Kind', e(p.kind)), row('Panic', e(t.dump.headline ?? t.dump.panicMessage ?? '—')), row('Task', `${e(p.task.comm ?? '?')} (pid ${e(p.task.pid ?? '?')})`));
  out.push(row('Function', `<code>${e(p.function ?? '?')}</code>${p.functionModule ? ` [${e(p.functionModule)}]` : ''}`), row('Signature', `<code>${e(p.signature)}</code>${signatureDetailText(t) ? ` <span class="muted">(${e(signatureDetailText(t))})</span>` : ''}`));
  out.push(row('Taint', e(p.taint === null ? 'unknown' : p.taint || 'not tainted')), row('Tainting modules', e(p.modules.join(', ') || 'none')));
  for (const l of t.limits ?? []) out.push(row(`crash ran with --${e(l.option)}`, `${e(l.unavailable)}. Why: ${e(l.why)}`));
  out.push('</tbody></table><h3>Panic evidence</h3>', evidenceTable(c, p.evidence));
  out.push(panicSectionsHtml(c, t));
  const o = t.oom;
  if (o) {
    out.push('<h2 id="oom">OOM root cause</h2>');
    out.push(`<p>${e(o.explanation)}</p><table><tbody>`);
    out.push(row('Culprit', `${e(o.culprit.kind)} — ${e(o.culprit.name)}${o.culprit.module ? ` (module ${e(o.culprit.module)})` : ''}`));
    out.push(row('Culprit size', e(o.culprit.bytes === null ? '?' : fmtBytes(o.culprit.bytes))), row('Confidence', e(o.confidence)));
    out.push(row('Trigger', `${e(o.trigger.comm ?? '?')} (pid ${e(o.trigger.pid ?? '?')}), gfp ${e(o.trigger.gfpMask ?? '?')}, order ${e(o.trigger.order ?? '?')}`));
    out.push(row('Constraint', e(o.constraint ?? '?')));
    if (o.victim) out.push(row('Victim', `${e(o.victim.comm)} (pid ${e(o.victim.pid)}), ${e(o.victim.rssKb)} kB RSS, ${o.victim.killed ? 'killed' : 'not killed (would-be victim)'}`));
    out.push('</tbody></table>');
    if (o.memory.length) {
      out.push('<h3>Where memory went</h3>');
      out.push(barChartSvg('Where memory went', o.memory.slice(0, 12).map((b, i) => ({ label: b.label, value: b.bytes, valueText: fmtBytes(b.bytes), emphasis: i === 0 }))));
    }
    out.push('<h3>OOM evidence</h3>', evidenceTable(c, o.evidence));
    if (o.zones.length) {
      out.push('<h3>Zones at the OOM</h3><table><thead><tr><th>Node</th><th>Zone</th><th class="num">Free kB</th><th class="num">Min kB</th><th>Above min</th><th>Usable</th></tr></thead><tbody>');
      for (const z of o.zones) out.push(`<tr><td>${e(z.node)}</td><td>${e(z.zone)}</td><td class="num">${e(z.freeKb)}</td><td class="num">${e(z.minKb)}</td><td>${z.aboveMin ? 'yes' : 'no'}</td><td>${z.usable ? 'yes' : 'no'}</td></tr>`);
      out.push('</tbody></table>');
    }
    const f = o.freeByZone;
    if (f && f.zones.length) {
      out.push(`<h3>Free memory against this request</h3><p class="muted">${e(f.request)} may use zones up to ${e(f.highestZone)}.</p>`);
      out.push('<table><thead><tr><th>Zone</th><th class="num">Free</th><th class="num">Usable</th><th class="num">Below watermark</th><th class="num">Not usable</th><th>Why not</th></tr></thead><tbody>');
      for (const z of f.zones) out.push(`<tr><td>${e(zoneName(z))}</td><td class="num">${e(fmtBytes(z.freeKb * 1024))}</td><td class="num">${e(fmtBytes(z.usableKb * 1024))}</td><td class="num">${e(fmtBytes(z.belowWatermarkKb * 1024))}</td><td class="num">${e(fmtBytes(z.unusableKb * 1024))}</td><td>${e(z.reason ?? '')}</td></tr>`);
      out.push('</tbody></table>');
    }
    if (o.ranking.length) {
      out.push('<h3>Who the OOM killer would pick</h3><table><thead><tr><th class="num">PID</th><th>Command</th><th class="num">Points</th><th class="num">RSS kB</th><th class="num">oom_score_adj</th></tr></thead><tbody>');
      for (const r of o.ranking) out.push(`<tr><td class="num">${e(r.pid)}</td><td>${e(r.comm)}</td><td class="num">${e(r.points ?? '—')}</td><td class="num">${e(r.rssKb)}</td><td class="num">${e(r.oomScoreAdj)}</td></tr>`);
      out.push('</tbody></table>');
    }
    if (o.conflicts.length) out.push(`<h3>Conflicts</h3><ul>${o.conflicts.map((x) => `<li>${e(x)}</li>`).join('')}</ul>`);
    if (o.nextCommands.length) out.push(`<h3>Next commands</h3><ul>${o.nextCommands.map((x) => `<li><code>${e(x)}</code></li>`).join('')}</ul>`);
  }
  if (t.missing.length) out.push(`<p class="muted">Not available: ${e(t.missing.join(', '))}</p>`);
  return out.join('\n');
}

function keyTables(c: CaseBundle): string {
  const out: string[] = [];
  const tasks = topTasks(c);
  if (tasks.length) {
    out.push('<h3>Largest tasks (ps)</h3><table><thead><tr><th class="num">PID</th><th class="num">PPID</th><th>State</th><th class="num">RSS kB</th><th>Command</th><th>Notes</th></tr></thead><tbody>');
    for (const t of tasks) {
      const notes = notesOn(c, 'processes', String(t.pid)).map((a) => noteBlock(a, false)).join('');
      out.push(`<tr><td class="num">${e(t.pid)}</td><td class="num">${e(t.ppid)}</td><td>${e(t.state)}</td><td class="num">${e(t.rssKb)}</td><td>${e(t.kernelThread ? `[${t.comm}]` : t.comm)}</td><td>${notes}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  const caches = topCaches(c);
  if (caches.length) {
    out.push('<h3>Largest slab caches (kmem -s)</h3>');
    out.push(barChartSvg('Largest slab caches', caches.map((x, i) => ({ label: x.name, value: x.totalBytes, valueText: fmtBytes(x.totalBytes), emphasis: i === 0 }))));
    out.push('<table><thead><tr><th>Cache</th><th class="num">Object size</th><th class="num">Allocated</th><th class="num">Total</th><th class="num">Bytes</th><th>Notes</th></tr></thead><tbody>');
    for (const x of caches) {
      const notes = notesOn(c, 'slab', x.name).map((a) => noteBlock(a, false)).join('');
      out.push(`<tr><td>${e(x.name)}</td><td class="num">${e(x.objSize)}</td><td class="num">${e(x.allocated)}</td><td class="num">${e(x.total)}</td><td class="num">${e(fmtBytes(x.totalBytes))}</td><td>${notes}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  return out.length ? `<h2 id="tables">Key tables</h2>${out.join('\n')}` : '';
}

function tracesSection(c: CaseBundle): string {
  const traces = traceFacts(c);
  if (!traces.length) return '';
  const out = ['<h2 id="traces">Traces</h2>'];
  for (const t of traces) {
    const span = t.firstTs !== null && t.lastTs !== null ? `${t.firstTs.toFixed(3)} s – ${t.lastTs.toFixed(3)} s since boot` : 'no timestamps';
    const notes = notesOn(c, 'traces', t.file).map((a) => noteBlock(a, false)).join('');
    // Notes on spans of this trace, each saying which span.
    const spanNotes = orderedNotes(c).filter((a) => a.view === traceSpanView && decodeTraceSpan(a.rowKey)?.file === t.file).map((a) => noteBlock(a, true)).join('');
    out.push(`<h3>${e(t.file)}</h3><p>${e(t.format)}: ${e(t.events)} events, ${span}${t.skippedLines ? `, ${e(t.skippedLines)} lines skipped` : ''}</p>${notes}${spanNotes}`);
    if (t.callSites.length) {
      out.push('<table><thead><tr><th>Event</th><th>Call site</th><th class="num">Count</th><th class="num">Bytes requested</th></tr></thead><tbody>');
      for (const s of t.callSites) out.push(`<tr><td>${e(s.event)}</td><td><code>${e(s.callSite)}</code>${s.module ? ` [${e(s.module)}]` : ''}</td><td class="num">${e(s.count)}</td><td class="num">${e(fmtBytes(s.bytesReq))}</td></tr>`);
      out.push('</tbody></table>');
    }
  }
  return out.join('\n');
}

/** The incomplete-dump warning (or the note that completeness is unknown); empty for a complete dump. */
export function completenessHtml(c: Pick<CaseBundle, 'dump' | 'triage'>): string {
  const n = completenessNotice(caseCompleteness(c));
  if (!n) return '';
  const fix = n.fix ? `<p><strong>Fix:</strong> ${e(n.fix)}</p>` : '';
  if (n.level === 'unknown') return `<div class="completeness-unknown" data-completeness="unknown"><p><strong>${e(n.title)}:</strong> ${e(n.text)}</p></div>`;
  return `<div class="incomplete" role="alert" data-completeness="incomplete"><p><strong>${e(n.title)}.</strong> ${e(n.text)}</p>${fix}</div>`;
}

/** The whole report as one HTML document string. */
export function renderHtmlReport(c: CaseBundle): string {
  const t = c.triage;
  const d = c.dump;
  const title = `crashdeck report — ${d.release ?? 'unknown kernel'}`;
  const notes = orderedNotes(c);
  const body: string[] = [];
  body.push(`<header><h1>${e(title)}</h1><p class="muted">Dump ${e(d.vmcoreName)} · fingerprint <code>${e(d.fingerprint)}</code> · crash ${e(d.crashVersion ?? '?')}${drgnAnswered(c) ? ` · ${e(drgnAnswered(c) as string)}` : ''} · written ${e(c.manifest.createdAt)} by crashdeck ${e(c.manifest.appVersion)}</p></header>`);
  // Before any table: whether the tables come from the whole task table.
  body.push(completenessHtml(c));
  body.push('<h2 id="summary">Summary</h2><table><tbody>');
  body.push(row('Kernel', e(d.release ?? '?')), row('Crash time', e(t?.dump.crashTime ?? '?')), row('Uptime', e(t?.dump.uptimeSeconds === null || t?.dump.uptimeSeconds === undefined ? '?' : `${t.dump.uptimeSeconds} s`)));
  body.push(row('Panic', e(t?.dump.headline ?? t?.dump.panicMessage ?? '?')), row('Host', e(d.host)));
  body.push('</tbody></table>');
  body.push(`<div class="verdict"><strong>Verdict.</strong> ${e(verdictLine(t))}</div>`);
  const rootCause = notes.filter((a) => a.tag === 'root-cause');
  if (rootCause.length) body.push(`<h3>The analyst's root cause</h3>${rootCause.map((a) => noteBlock(a, true)).join('')}`);
  if (t) body.push(triageSection(c, t));
  if (notes.length) body.push(`<h2 id="notes">Notes</h2>${notes.map((a) => noteBlock(a, true)).join('')}`);
  body.push(keyTables(c));
  body.push(tracesSection(c));
  if (c.dump.diagnoses.length || c.dump.startupWarnings.length) {
    body.push('<h2 id="session">Session findings</h2><ul>');
    for (const x of c.dump.diagnoses) body.push(`<li><strong>${e(x.severity)}</strong> ${e(x.message)}${x.hint ? ` — ${e(x.hint)}` : ''}</li>`);
    for (const w of c.dump.startupWarnings) body.push(`<li>${e(w)}</li>`);
    body.push('</ul>');
  }
  body.push('<h2 id="raw">Raw command outputs</h2>');
  for (const r of c.results) {
    body.push(`<details><summary><code>${e(r.command)}</code> <span class="muted">${e(r.raw.split('\n').length)} lines${r.error ? ' · failed' : ''}</span></summary><pre>${e(r.raw)}</pre></details>`);
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(reportCsp)}">`,
    '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title><style>${css}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
