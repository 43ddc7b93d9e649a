/**
 * Trace evidence for the verdict: an imported trace (electron/trace) linked to the dump's tasks,
 * slab caches and panic time, reduced to the plain TraceEvidence the OOM rules read. The trace
 * engine owns importing and linking; this only feeds it what triage already gathered.
 */
import { dumpFactsFromModels } from '../trace/dump-facts.ts';
import { toAnalyzerEvidence, traceOomEvidence } from '../trace/evidence.ts';
import { linkTraceToDump } from '../trace/links.ts';
import type { TraceSummary } from '../trace/model.ts';
import type { TraceEvidence } from './facts.ts';
import type { TriageReport } from './report-types.ts';
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
