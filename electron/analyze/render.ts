/**
 * The triage report as terminal text and as Markdown. Dump text is hostile: terminal output
 * drops control characters (escape sequences could rewrite the screen), Markdown escapes the
 * characters that would turn a process name into markup or a link.
 */
import { fmtBytes } from './oom-rules.ts';
import { kindLines } from './render-kinds.ts';
import type { TriageReport, ZoneFree } from '../api/triage-report.ts';
import { completenessLine, completenessNotice } from './completeness-text.ts';

/** Remove control characters (C0, DEL, C1) so dump text cannot drive the terminal. */
export function safeText(s: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  return String(s ?? '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

/** Escape text for Markdown (inline): markup characters, HTML and pipes for tables. */
export function mdEscape(s: string | null | undefined): string {
  // Only what can start markup inline: emphasis, code, links/images ([ and ]), raw HTML (<, &),
  // table cells (|), strike (~), headings (#); a leading + or - would start a list.
  return safeText(s).replace(/\n/g, ' ').replace(/[\\`*_[\]<>#|~&]/g, (c) => `\\${c}`).replace(/^([+-])/, '\\$1');
}

const bytes = (b: number | null | undefined): string => (b === null || b === undefined ? '?' : fmtBytes(b));
const kb = (k: number): string => fmtBytes(k * 1024);

/** "Node 0 Movable", or the zone label alone when the node is not known. */
export function zoneName(z: ZoneFree): string {
  return z.node === null ? z.zone : `Node ${z.node} ${z.zone}`;
}

/** Human-readable summary for a terminal. */
export function renderText(r: TriageReport): string {
  const t = safeText;
  const out: string[] = [];
  // Before anything else: whether the figures below come from the whole task table.
  const whole = completenessLine(r.completeness);
  if (whole) {
    out.push(t(whole));
    if (r.completeness?.state === 'incomplete' && r.completeness.fix) out.push(`  Fix: ${t(r.completeness.fix)}`);
    out.push('');
  }
  out.push(`Panic:     ${t(r.panic.kind)} — ${t(r.dump.headline ?? r.dump.panicMessage) || '(no panic message)'}`);
  out.push(`Task:      ${t(r.panic.task.comm) || '?'} (pid ${r.panic.task.pid ?? '?'})`);
  out.push(`Function:  ${t(r.panic.function) || '?'}${r.panic.functionModule ? ` [${t(r.panic.functionModule)}]` : ''}`);
  out.push(`Signature: ${t(r.panic.signature)}${detailText(r)}`);
  if (r.panic.modules.length) out.push(`Tainting modules: ${r.panic.modules.map(t).join(', ')}`);
  out.push(`Kernel:    ${t(r.dump.release) || '?'}   crash time: ${t(r.dump.crashTime) || '?'}   uptime: ${r.dump.uptimeSeconds ?? '?'} s`);
  if (r.basis === 'drgn') out.push('Read by:   drgn (crash could not start; crash has not confirmed this verdict)');
  for (const l of r.limits ?? []) out.push(`Session:   crash ran with --${t(l.option)}: ${t(l.unavailable)}. Why: ${t(l.why)}`);
  out.push(...kindLines(r, t));
  const o = r.oom;
  if (o) {
    out.push('', `OOM verdict: ${o.culprit.kind} — ${t(o.culprit.name)}${o.culprit.module ? ` (module ${t(o.culprit.module)})` : ''}${o.culprit.cgroup ? ` (cgroup ${t(o.culprit.cgroup)})` : ''}, ${bytes(o.culprit.bytes)}; confidence ${o.confidence}`);
    out.push(`Trigger:   ${t(o.trigger.comm)} (pid ${o.trigger.pid ?? '?'}) gfp ${t(o.trigger.gfpMask)} order ${o.trigger.order ?? '?'}; constraint ${t(o.constraint) || '?'}`);
    if (o.victim) out.push(`Victim:    ${t(o.victim.comm)} (pid ${o.victim.pid}), ${o.victim.rssKb} kB RSS, ${o.victim.killed ? 'killed' : 'not killed (would-be victim)'}`);
    out.push('', wrap(t(o.explanation), 96));
    if (o.memory.length) {
      out.push('', 'Where memory went:');
      for (const b of o.memory.slice(0, 8)) out.push(`  ${b.label.padEnd(56)} ${bytes(b.bytes).padStart(10)}`);
    }
    const f = o.freeByZone;
    if (f && f.zones.length) {
      out.push('', `Free memory against this request (${t(f.request)}, zones up to ${t(f.highestZone)}):`);
      out.push(`  ${'zone'.padEnd(16)} ${'free'.padStart(10)} ${'usable'.padStart(10)} ${'below wmark'.padStart(11)} ${'not usable'.padStart(10)}`);
      for (const z of f.zones) {
        out.push(`  ${t(zoneName(z)).padEnd(16)} ${kb(z.freeKb).padStart(10)} ${kb(z.usableKb).padStart(10)} ${kb(z.belowWatermarkKb).padStart(11)} ${kb(z.unusableKb).padStart(10)}${z.reason ? `  ${t(z.reason)}` : ''}`);
      }
    }
    if (o.evidence.length) {
      out.push('', 'Evidence:');
      for (const e of o.evidence) out.push(`  [${t(e.command)}] ${t(evidenceLine(e))}`);
    }
    if (o.nextCommands.length) out.push('', `Next: ${o.nextCommands.map(t).join(' | ')}`);
  } else {
    out.push('', 'No OOM report in the log.');
  }
  if (r.missing.length) out.push('', `Not available: ${r.missing.map(t).join(', ')}`);
  return out.join('\n') + '\n';
}

/** Markdown report (for tickets and chat); `completeness: false` when the caller said it already. */
export function renderMarkdown(r: TriageReport, opts: { completeness?: boolean } = {}): string {
  const m = mdEscape;
  const out: string[] = [];
  out.push(`# Triage: ${m(r.panic.kind)} — \`${r.panic.signature.replace(/`/g, "'")}\``, '');
  // The warning comes before any table: the tables below are read from the dump's task table.
  const n = opts.completeness === false ? null : completenessNotice(r.completeness);
  if (n) {
    out.push(`> **${m(n.level === 'incomplete' ? `Warning — ${n.title}` : n.title)}:** ${m(n.text)}`);
    if (n.fix) out.push('>', `> Fix: ${m(n.fix)}`);
    out.push('');
  }
  out.push('| | |', '|---|---|');
  out.push(`| Panic | ${m(r.dump.headline ?? r.dump.panicMessage)} |`);
  out.push(`| Task | ${m(r.panic.task.comm)} (pid ${r.panic.task.pid ?? '?'}) |`);
  out.push(`| Function | ${m(r.panic.function)}${r.panic.functionModule ? ` \\[${m(r.panic.functionModule)}\\]` : ''} |`);
  if (signatureDetailText(r)) out.push(`| Beside the signature | ${m(signatureDetailText(r))} |`);
  out.push(`| Tainting modules | ${r.panic.modules.map(m).join(', ') || 'none'} |`);
  out.push(`| Kernel | ${m(r.dump.release)} |`, `| Crash time | ${m(r.dump.crashTime)} |`);
  if (r.basis === 'drgn') out.push('| Read by | drgn (crash could not start; crash has not confirmed this verdict) |');
  for (const l of r.limits ?? []) out.push(`| crash ran with --${m(l.option)} | ${m(l.unavailable)}. Why: ${m(l.why)} |`);
  const o = r.oom;
  if (o) {
    out.push('', `## OOM verdict: ${m(o.culprit.kind)} — ${m(o.culprit.name)} (confidence ${o.confidence})`, '');
    out.push(m(o.explanation), '');
    if (o.memory.length) {
      out.push('| Where memory went | Size |', '|---|---:|');
      for (const b of o.memory) out.push(`| ${m(b.label)} | ${bytes(b.bytes)} |`);
      out.push('');
    }
    const f = o.freeByZone;
    if (f && f.zones.length) {
      out.push(`| Free memory against this request (${m(f.request)}) | Free | Usable | Below watermark | Not usable | Why not |`, '|---|---:|---:|---:|---:|---|');
      for (const z of f.zones) out.push(`| ${m(zoneName(z))} | ${kb(z.freeKb)} | ${kb(z.usableKb)} | ${kb(z.belowWatermarkKb)} | ${kb(z.unusableKb)} | ${m(z.reason ?? '')} |`);
      out.push('');
    }
    if (o.evidence.length) {
      out.push('| Command | Row | Detail |', '|---|---|---|');
      for (const e of o.evidence) out.push(`| ${m(e.command)} | ${m(e.row)} | ${m(e.detail)} |`);
      out.push('');
    }
    if (o.nextCommands.length) out.push(`Next commands: ${o.nextCommands.map((c) => `\`${c.replace(/`/g, "'")}\``).join(', ')}`, '');
  }
  if (r.missing.length) out.push(`Not available: ${r.missing.map(m).join(', ')}`, '');
  return out.join('\n');
}

/** "lock qdrv_cfg_mutex, held by qholder pid 304 in qdrv_hold_locked" — crash's detail beside the signature, or ''. */
export function signatureDetailText(r: Pick<TriageReport, 'panic'>): string {
  const d = r.panic.signatureDetail;
  if (!d) return '';
  const owner = d.owner ? `held by ${safeText(d.owner.comm) || '?'}${d.owner.pid !== null ? ` pid ${d.owner.pid}` : ''}${d.ownerFunction ? ` in ${safeText(d.ownerFunction)}` : ''}` : '';
  return [d.lock ? `lock ${safeText(d.lock)}` : '', owner].filter(Boolean).join(', ');
}

function detailText(r: TriageReport): string {
  const t = signatureDetailText(r);
  return t ? `   (${t})` : '';
}

function wrap(s: string, width: number): string {
  const words = s.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length + w.length + 1 > width && cur) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.join('\n');
}

/** An evidence item as one line: its row, then what it shows, without saying the row twice. */
function evidenceLine(e: { row: string; detail: string }): string {
  const row = e.row.replace(/:+$/, '');
  return e.detail.startsWith(row) ? e.detail : `${row} — ${e.detail}`;
}
