/**
 * Trace evidence for the verdict: an imported trace (electron/trace) linked to the dump's tasks,
 * slab caches and panic time, reduced to the plain TraceEvidence the OOM rules read. The trace
 * engine owns importing and linking; this only feeds it what triage already gathered.
 */
import { dumpFactsFromModels } from '../trace/dump-facts.ts';
import { traceOomEvidence } from '../trace/evidence.ts';
import { linkTraceToDump } from '../trace/links.ts';
import type { TraceSummary } from '../api/trace-model.ts';
import type { CacheLink, TraceEvidence as TraceOomEvidence } from '../api/trace-links.ts';
import type { TraceEvidence } from './facts.ts';
import type { TriageReport } from '../api/triage-report.ts';
import type { Gathered } from './triage.ts';

/** Merge several traces' evidence (call sites, tasks, sentences) into one. */
function merge(all: TraceEvidence[]): TraceEvidence {
  return {
    callSites: all.flatMap((t) => t.callSites ?? []),
    tasks: all.flatMap((t) => t.tasks ?? []),
    notes: all.flatMap((t) => t.notes ?? []),
  };
}

/**
 * Link trace summaries to the gathered dump and to a first verdict (whose culprit tells the trace
 * engine which call site or task to look for), and return the evidence for a second triage pass.
 */
export function traceEvidenceFor(summaries: readonly TraceSummary[], g: Gathered, first: TriageReport): TraceEvidence {
  const dump = dumpFactsFromModels({ ps: g.ps ?? null, kmemS: g.kmemS ?? null, log: g.log ?? null, sys: g.sys ?? null });
  const c = first.oom?.culprit;
  const culprit = {
    cache: c?.kind === 'slab' ? c.name : dump.culprit.cache,
    pid: c?.pid ?? dump.culprit.pid,
    comm: c?.pid !== undefined ? (first.oom?.ranking.find((r) => r.pid === c.pid)?.comm ?? dump.culprit.comm) : dump.culprit.comm,
  };
  return merge(summaries.map((summary) => {
    const links = linkTraceToDump(summary, { tasks: dump.tasks, caches: dump.caches, panic: dump.panic });
    const evidence = traceOomEvidence(summary, { panicTs: links.timeline?.panicTs ?? null, culprit, cacheLinks: links.caches, taskLinks: links.tasks, timeline: links.timeline });
    return toAnalyzerEvidence(summary, links.caches, evidence);
  }));
}

/**
 * The trace in the shape the OOM analyzer takes (electron/analyze/facts.ts TraceEvidence):
 * top call sites with their linked cache, top page-allocating tasks, and the evidence sentences.
 * Pass it as `traces` to triageSession().
 */
export function toAnalyzerEvidence(summary: TraceSummary, cacheLinks: CacheLink[] | null, evidence: TraceOomEvidence[]): TraceEvidence {
  const cacheOf = (event: string, callSite: string): string | null =>
    cacheLinks?.find((l) => l.event === event && l.callSite === callSite)?.cache ?? null;
  return {
    callSites: summary.callSites.slice(0, 20).map((s) => ({ fn: s.fn, module: s.module, cache: s.cacheName ?? cacheOf(s.event, s.callSite), bytes: s.bytesAlloc, count: s.count })),
    tasks: summary.pageAlloc.byTask.slice(0, 20).map((t) => ({ pid: t.pid, comm: t.comm, pages: t.pages, count: t.count })),
    notes: evidence.map((e) => e.text),
  };
}
