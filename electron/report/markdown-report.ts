/**
 * The Markdown report for tickets and chat: the triage summary (analyze/render.ts, which escapes
 * dump text), the notes in the user's order, key tables and the raw outputs in fences they cannot
 * close. Dump text is escaped; the user's own notes keep their Markdown but not raw HTML.
 */
import { fmtBytes } from '../analyze/oom-rules.ts';
import { renderMarkdown } from '../analyze/render.ts';
import { completenessNotice } from '../analyze/completeness-text.ts';
import { caseCompleteness, drgnAnswered, orderedNotes, tagLabels, topCaches, topTasks, traceFacts } from './case-facts.ts';
import type { CaseBundle } from './case-types.ts';
import { escapeMarkdown as m, markdownFence, stripControls } from './escape.ts';
import { verdictLine } from './html-report.ts';
import { panicSectionsMarkdown } from './panic-sections.ts';
import { noteTargetText } from '../../renderer/components/annotations/trace-span.ts';

/** A note's Markdown with HTML neutralised (ticket systems render raw HTML in Markdown). */
function noteMarkdown(text: string): string {
  return stripControls(text).replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

/** The whole report as Markdown. */
export function renderMarkdownReport(c: CaseBundle): string {
  const d = c.dump;
  const out: string[] = [];
  out.push(`# crashdeck report — ${m(d.release ?? 'unknown kernel')}`, '');
  out.push(`Dump ${m(d.vmcoreName)}, fingerprint \`${d.fingerprint.replace(/`/g, "'")}\`, crash ${m(d.crashVersion ?? '?')}${drgnAnswered(c) ? ` (${m(drgnAnswered(c) as string)})` : ''}; written ${m(c.manifest.createdAt)} by crashdeck ${m(c.manifest.appVersion)}.`, '');
  // Before the verdict and any table: whether the tables come from the whole task table.
  const n = completenessNotice(caseCompleteness(c));
  if (n) {
    out.push(`> **${m(n.level === 'incomplete' ? `Warning — ${n.title}` : n.title)}:** ${m(n.text)}`);
    if (n.fix) out.push('>', `> Fix: ${m(n.fix)}`);
    out.push('');
  }
  out.push(`**Verdict:** ${m(verdictLine(c.triage))}`, '');
  // The triage section's own copy of the warning is left out: it was said once, above.
  if (c.triage) out.push(renderMarkdown(c.triage, { completeness: false }).replace(/^# /, '## '), '', panicSectionsMarkdown(c, c.triage));
  const notes = orderedNotes(c);
  if (notes.length) {
    out.push('## Notes', '');
    for (const a of notes) {
      out.push(`### ${a.tag ? `${tagLabels[a.tag] ?? m(a.tag)}: ` : ''}${m(noteTargetText(a))}`, '', noteMarkdown(a.text), '');
    }
  }
  const tasks = topTasks(c);
  if (tasks.length) {
    out.push('## Largest tasks', '', '| PID | State | RSS kB | Command |', '|---:|---|---:|---|');
    for (const t of tasks) out.push(`| ${t.pid} | ${m(t.state)} | ${t.rssKb} | ${m(t.comm)} |`);
    out.push('');
  }
  const caches = topCaches(c);
  if (caches.length) {
    out.push('## Largest slab caches', '', '| Cache | Object size | Allocated | Bytes |', '|---|---:|---:|---:|');
    for (const x of caches) out.push(`| ${m(x.name)} | ${x.objSize} | ${x.allocated} | ${fmtBytes(x.totalBytes)} |`);
    out.push('');
  }
  const traces = traceFacts(c);
  if (traces.length) {
    out.push('## Traces', '');
    for (const t of traces) {
      out.push(`- ${m(t.file)} (${m(t.format)}): ${t.events} events${t.firstTs !== null && t.lastTs !== null ? `, ${t.firstTs.toFixed(3)}–${t.lastTs.toFixed(3)} s since boot` : ''}`);
      for (const s of t.callSites.slice(0, 5)) out.push(`  - ${m(s.event)} at ${m(s.callSite)}${s.module ? ` \\[${m(s.module)}\\]` : ''}: ${s.count} calls, ${fmtBytes(s.bytesReq)}`);
    }
    out.push('');
  }
  out.push('## Raw command outputs', '');
  for (const r of c.results) out.push(`### \`${r.command.replace(/`/g, "'")}\``, '', markdownFence(r.raw), '');
  return out.join('\n');
}
