/**
 * Trace evidence for the OOM wizard: short sentences with the numbers behind them, each pointing
 * at the trace view that shows it ("bufpool_refill called kmem_cache_alloc 2,464 times in the
 * last 18.8 s before the OOM"). Pure over the summary and the links.
 */
import type { TraceEvidence } from '../api/trace-links.ts';
import type { CacheLink, TaskLinkReport, TimelineLink } from '../api/trace-links.ts';
import type { CallSiteAggregate, TraceSummary } from '../api/trace-model.ts';

/** What the wizard already knows from the dump (all optional). */
export interface EvidenceContext {
  panicTs?: number | null;
  /** The dump's culprit: the slab cache that grew, or the task that did. */
  culprit?: { cache?: string | null; pid?: number | null; comm?: string | null } | null;
  cacheLinks?: CacheLink[] | null;
  taskLinks?: TaskLinkReport | null;
  timeline?: TimelineLink | null;
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtS = (s: number): string => `${s.toFixed(1)} s`;

/** Human bytes (KiB/MiB). */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function windowText(firstTs: number, lastTs: number, panicTs: number | null): string {
  if (panicTs !== null && panicTs >= lastTs) return `in the last ${fmtS(panicTs - firstTs)} before the OOM (from ${fmtS(firstTs)} to ${fmtS(lastTs)} after boot; the panic came at ${fmtS(panicTs)})`;
  return `between ${fmtS(firstTs)} and ${fmtS(lastTs)} after boot`;
}

function siteSentence(s: CallSiteAggregate, cache: string | null, panicTs: number | null): string {
  const size = Object.keys(s.sizes)[0];
  const rate = s.lastTs > s.firstTs ? ` (${fmtInt(s.count / (s.lastTs - s.firstTs))}/s)` : '';
  const where = cache ? ` from ${cache}` : '';
  const objects = size ? `, ${size}-byte objects${where}` : where;
  const by = s.topPids[0] && s.topPids[0].count > s.count / 2 ? `, mostly from ${s.topPids[0].comm} (pid ${s.topPids[0].pid})` : '';
  return `${s.fn}${s.module ? ` [${s.module}]` : ''} called ${s.event} ${fmtInt(s.count)} times${rate} ${windowText(s.firstTs, s.lastTs, panicTs)}: ${formatBytes(s.bytesAlloc)}${objects}${by}.`;
}

/** The evidence the trace gives for an OOM, strongest first. */
export function traceOomEvidence(summary: TraceSummary, ctx: EvidenceContext = {}): TraceEvidence[] {
  const out: TraceEvidence[] = [];
  const panicTs = ctx.panicTs ?? ctx.timeline?.panicTs ?? null;
  const culpritCache = ctx.culprit?.cache ?? null;

  // Slab: the call site that feeds the culprit cache, else the busiest one.
  const links = ctx.cacheLinks ?? null;
  let site: CallSiteAggregate | undefined;
  let siteCache: string | null = null;
  if (culpritCache && links) {
    const l = links.find((x) => x.cache === culpritCache);
    if (l) {
      site = summary.callSites.find((s) => s.event === l.event && s.callSite === l.callSite);
      siteCache = culpritCache;
    }
  }
  if (!site && summary.callSites.length) {
    site = summary.callSites[0];
    siteCache = site && links ? (links.find((x) => x.event === site!.event && x.callSite === site!.callSite)?.cache ?? null) : null;
  }
  if (site) {
    const totalAllocs = summary.callSites.reduce((n, s) => n + s.count, 0);
    out.push({
      id: 'slab-call-site',
      severity: culpritCache && siteCache === culpritCache ? 'warning' : 'info',
      text: siteSentence(site, siteCache, panicTs) + ` That is ${((100 * site.count) / Math.max(1, totalAllocs)).toFixed(0)}% of the slab allocations in the trace.`,
      ref: { view: 'trace', tab: 'call-sites', key: `${site.event}|${site.callSite}` },
      data: { fn: site.fn, callSite: site.callSite, event: site.event, count: site.count, bytesAlloc: site.bytesAlloc, cache: siteCache, firstTs: site.firstTs, lastTs: site.lastTs, panicTs },
    });
  }

  // Pages: the culprit task's share, else the biggest page consumer.
  const pa = summary.pageAlloc;
  if (pa.total > 0) {
    const culpritPid = ctx.culprit?.pid ?? null;
    const row = (culpritPid !== null ? pa.byTask.find((t) => t.pid === culpritPid) : undefined) ?? pa.byTask[0];
    if (row) {
      const task = summary.tasks.find((t) => t.pid === row.pid);
      const window = task ? ` ${windowText(task.firstTs, task.lastTs, panicTs)}` : '';
      out.push({
        id: 'task-page-alloc',
        severity: culpritPid !== null && row.pid === culpritPid ? 'warning' : 'info',
        text: `${row.comm} (pid ${row.pid}) allocated ${fmtInt(row.pages)} pages (${formatBytes(row.pages * 4096)}) in ${fmtInt(row.count)} mm_page_alloc events${window}: ${((100 * row.pages) / Math.max(1, pa.pages)).toFixed(0)}% of the pages allocated in the trace.`,
        ref: { view: 'trace', tab: 'page-alloc', key: String(row.pid) },
        data: { pid: row.pid, comm: row.comm, pages: row.pages, events: row.count, sharePct: Math.round((100 * row.pages) / Math.max(1, pa.pages)) },
      });
    }
  }

  // Callchains (perf -g): who sits under the allocator.
  const caller = summary.stackCallers[0];
  if (caller) {
    const ofEvent = summary.stackCallers.filter((c) => c.event === caller.event).reduce((n, c) => n + c.count, 0);
    out.push({
      id: 'stack-caller',
      severity: 'info',
      text: `${caller.fn}${caller.module ? ` [${caller.module}]` : ''} is the first caller above the allocator in ${fmtInt(caller.count)} of ${fmtInt(ofEvent)} ${caller.event} callchains.`,
      ref: { view: 'trace', tab: 'stacks', key: `${caller.event}|${caller.fn}` },
      data: { fn: caller.fn, event: caller.event, count: caller.count, of: ofEvent },
    });
  }

  const dr = summary.directReclaim;
  if (dr.count > 0 || dr.unfinished > 0) {
    const top = dr.longest[0];
    out.push({
      id: 'direct-reclaim',
      severity: dr.maxLatency > 0.1 || dr.unfinished > 0 ? 'warning' : 'info',
      text: `${fmtInt(dr.count)} direct-reclaim stalls took ${(dr.totalLatency * 1000).toFixed(1)} ms in total, the longest ${(dr.maxLatency * 1000).toFixed(1)} ms${top ? ` (${top.comm} pid ${top.pid} at ${fmtS(top.start)})` : ''}${dr.unfinished ? `; ${dr.unfinished} still running when the trace stopped` : ''}.`,
      ref: { view: 'trace', tab: 'reclaim', key: null },
      data: { count: dr.count, totalLatency: dr.totalLatency, maxLatency: dr.maxLatency, unfinished: dr.unfinished },
    });
  }

  if (summary.oomEvents.length) {
    const victims = summary.oomEvents.filter((e) => e.event === 'mark_victim');
    out.push({
      id: 'oom-events',
      severity: 'warning',
      text: `The trace holds ${summary.oomEvents.length} oom events${victims.length ? `, ${victims.length} mark_victim (${victims.slice(0, 3).map((v) => v.args).join('; ')})` : ''}, the first at ${fmtS(summary.oomEvents[0]!.ts)}.`,
      ref: { view: 'trace', tab: 'oom', key: null },
      data: { count: summary.oomEvents.length, victims: victims.length },
    });
  }

  const tl = ctx.timeline ?? null;
  if (tl && tl.gapSeconds !== null) {
    out.push({
      id: 'timeline',
      severity: tl.warnings.length ? 'warning' : 'info',
      text: tl.warnings.length ? tl.warnings.join(' ') : `The trace covers ${fmtS(tl.traceStart!)} to ${fmtS(tl.traceEnd!)} after boot and ends ${fmtS(tl.gapSeconds)} before the panic at ${fmtS(tl.panicTs!)}: what happened in that gap is not in the trace.`,
      ref: { view: 'trace', tab: 'timeline', key: null },
      data: { traceStart: tl.traceStart, traceEnd: tl.traceEnd, panicTs: tl.panicTs, gapSeconds: tl.gapSeconds },
    });
  }
  const tk = ctx.taskLinks ?? null;
  if (tk?.warning) {
    out.push({
      id: 'boot-mismatch',
      severity: tk.verdict === 'different-boot' ? 'warning' : 'info',
      text: tk.warning,
      ref: { view: 'trace', tab: 'tasks', key: null },
      data: { overlap: tk.overlap, consistent: tk.consistent, mismatched: tk.mismatched, verdict: tk.verdict },
    });
  }
  // What matches the dump's culprit (or warns) first; otherwise the order above.
  return out.map((e, i) => ({ e, i })).sort((a, b) => (a.e.severity === b.e.severity ? a.i - b.i : a.e.severity === 'warning' ? -1 : 1)).map((x) => x.e);
}
