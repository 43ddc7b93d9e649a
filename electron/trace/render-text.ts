/**
 * Plain-text rendering of an import summary and its dump links, for `crashdeck trace import`.
 * Trace text is hostile like dump text: control characters are made visible before printing.
 */
import { formatBytes } from './evidence.ts';
import type { TraceEvidence } from '../api/trace-links.ts';
import type { CacheLink, TaskLinkReport, TimelineLink } from '../api/trace-links.ts';
import type { TraceSummary } from '../api/trace-model.ts';

const n = (x: number): string => x.toLocaleString('en-US');

/** Replace terminal control characters (escape sequences in a comm could repaint the screen). */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The summary and links as the CLI prints them. */
export function renderTraceText(
  s: TraceSummary,
  links: { tasks: TaskLinkReport | null; caches: CacheLink[] | null; timeline: TimelineLink | null } | null,
  evidence: TraceEvidence[] | null,
  top = 10,
): string {
  const out: string[] = [];
  out.push(`trace: ${safeText(s.file)} (${s.format}${s.source !== 'text' ? `, converted from ${s.source}` : ''}, ${formatBytes(s.bytes)})`);
  out.push(`events: ${n(s.events)}   skipped lines: ${n(s.skippedLines)}${s.overlongLines ? ` (${n(s.overlongLines)} over the line limit)` : ''}   lines: ${n(s.lines)}`);
  if (s.firstTs !== null && s.lastTs !== null) {
    out.push(`time span: ${s.firstTs.toFixed(6)} s .. ${s.lastTs.toFixed(6)} s after boot (${(s.lastTs - s.firstTs).toFixed(3)} s), ${s.cpus ?? '?'} CPU${s.cpus === 1 ? '' : 's'}`);
  } else out.push('time span: none (no timestamped events)');
  const byEvent = Object.entries(s.byEvent);
  if (byEvent.length) out.push(`events by name: ${byEvent.slice(0, top).map(([k, v]) => `${safeText(k)} ${n(v)}`).join(', ')}${byEvent.length > top ? `, … (${byEvent.length} names)` : ''}`);

  if (s.callSites.length) {
    out.push('', `top call sites (kmalloc / kmem_cache_alloc), of ${n(s.callSites.length)}:`);
    out.push(`  ${'count'.padStart(9)}  ${'requested'.padStart(10)}  ${'allocated'.padStart(10)}  event             call site`);
    for (const c of s.callSites.slice(0, top)) {
      const link = links?.caches?.find((l) => l.event === c.event && l.callSite === c.callSite);
      const cache = c.cacheName ?? link?.cache ?? null;
      const cacheText = cache ? ` -> ${safeText(cache)}${link && link.how !== 'event-name' ? ` (${link.how})` : ''}` : link?.how === 'ambiguous' ? ` -> one of ${link.candidates.slice(0, 4).map(safeText).join(', ')}` : link?.how === 'page-allocator' ? ' -> page allocator' : '';
      out.push(`  ${n(c.count).padStart(9)}  ${formatBytes(c.bytesReq).padStart(10)}  ${formatBytes(c.bytesAlloc).padStart(10)}  ${c.event.padEnd(16)}  ${safeText(c.callSite)}${c.module ? ` [${safeText(c.module)}]` : ''}${cacheText}`);
    }
  }
  const pa = s.pageAlloc;
  if (pa.total) {
    out.push('', `page allocations: ${n(pa.total)} events, ${n(pa.pages)} pages (${formatBytes(pa.pages * 4096)}); by order: ${Object.entries(pa.byOrder).map(([k, v]) => `${k}: ${n(v)}`).join(', ')}`);
    out.push(`  by gfp: ${Object.entries(pa.byGfp).slice(0, 3).map(([k, v]) => `${safeText(k)} ${n(v)}`).join('; ')}`);
    out.push(`  by task: ${pa.byTask.slice(0, 5).map((t) => `${safeText(t.comm)} (${t.pid}) ${n(t.pages)} pages`).join(', ')}`);
  }
  const dr = s.directReclaim;
  out.push('', dr.count || dr.unfinished ? `direct reclaim: ${n(dr.count)} stalls, ${(dr.totalLatency * 1000).toFixed(2)} ms total, longest ${(dr.maxLatency * 1000).toFixed(2)} ms${dr.unfinished ? `, ${dr.unfinished} unfinished` : ''}` : 'direct reclaim: no stalls in the trace');
  const vm = Object.entries(s.vmscan);
  if (vm.length) out.push(`  vmscan events: ${vm.map(([k, v]) => `${k} ${n(v)}`).join(', ')}`);
  const ce = Object.entries(s.compaction.byEvent);
  out.push(ce.length ? `compaction: ${ce.map(([k, v]) => `${k} ${n(v)}`).join(', ')}${s.compaction.count ? `; ${s.compaction.count} begin/end pairs, longest ${(s.compaction.maxLatency * 1000).toFixed(2)} ms` : ''}` : 'compaction: none');
  out.push(s.oomEvents.length ? `oom events: ${s.oomEvents.length} (${s.oomEvents.slice(0, 3).map((e) => `${e.event} ${safeText(e.args)}`).join('; ')})` : 'oom events: none');
  if (s.stackCallers.length) out.push(`callers above the allocator (callchains): ${s.stackCallers.slice(0, 5).map((c) => `${safeText(c.fn)}${c.module ? ` [${safeText(c.module)}]` : ''} ${n(c.count)} (${c.event})`).join(', ')}`);
  if (s.tasks.length) out.push(`top tasks: ${s.tasks.slice(0, top).map((t) => `${safeText(t.comm)} (${t.pid}) ${n(t.count)}`).join(', ')}`);
  if (s.callTree) {
    out.push('', `call tree (function_graph): ${n(s.callTree.calls)} top-level calls, ${s.callTree.totalUs.toFixed(1)} us`);
    const walk = (node: TraceSummary['callTree'], depth: number): void => {
      if (!node || depth > 4) return;
      for (const c of node.children.slice(0, 5)) {
        out.push(`  ${'  '.repeat(depth)}${safeText(c.name)}  calls ${n(c.calls)}  total ${c.totalUs.toFixed(3)} us  self ${c.selfUs.toFixed(3)} us`);
        walk(c, depth + 1);
      }
    };
    walk(s.callTree, 0);
  }
  if (s.perfStat) {
    const ps = s.perfStat;
    out.push('', `perf stat${ps.target ? ` of '${safeText(ps.target)}'` : ''}${ps.elapsedSeconds !== null ? `, ${ps.elapsedSeconds.toFixed(3)} s elapsed` : ''}:`);
    for (const c of ps.counters) {
      const v = c.value === null ? `<${c.status}>` : `${n(c.value)}${c.unit ? ` ${c.unit}` : ''}`;
      out.push(`  ${safeText(c.event).padEnd(24)} ${v.padStart(18)}${c.perSecond !== null ? `  ${n(Math.round(c.perSecond))}/s` : ''}${c.note ? `  # ${safeText(c.note)}` : ''}`);
    }
  }
  if (s.diagnostics.length) {
    out.push('', 'notes:');
    for (const d of s.diagnostics) out.push(`  [${d.severity}] ${safeText(d.message)}`);
  }
  if (links) {
    out.push('', 'linked to the dump:');
    const tl = links.timeline;
    if (tl) {
      out.push(tl.panicTs !== null ? `  panic at ${tl.panicTs.toFixed(6)} s after boot (from ${tl.source === 'log' ? 'the log' : 'sys uptime'}); ${tl.gapSeconds !== null ? (tl.gapSeconds >= 0 ? `the trace ends ${tl.gapSeconds.toFixed(3)} s before it` : `the trace runs ${(-tl.gapSeconds).toFixed(3)} s past it`) : ''}` : '  panic time: unknown');
      for (const w of tl.warnings) out.push(`  WARNING: ${w}`);
    }
    const tk = links.tasks;
    if (tk) {
      out.push(`  tasks: ${tk.overlap} trace pids are in the dump (${tk.consistent} same task, ${tk.mismatched} different); verdict: ${tk.verdict}`);
      const shown = tk.links.filter((l) => l.match === 'same' && l.pid !== 0).slice(0, 5);
      if (shown.length) out.push(`    ${shown.map((l) => `${safeText(l.traceComm)} (${l.pid}) ${n(l.events)} events`).join(', ')}`);
      if (tk.warning) out.push(`  ${tk.verdict === 'different-boot' ? 'WARNING' : 'note'}: ${safeText(tk.warning)}`);
    }
  }
  if (evidence && evidence.length) {
    out.push('', 'evidence for the OOM analysis:');
    for (const e of evidence) out.push(`  - ${safeText(e.text)}`);
  }
  return out.join('\n') + '\n';
}
