/**
 * What the exports show besides the verdict, read from the case's parsed results: the biggest
 * tasks and slab caches, and the annotations grouped by what they annotate.
 */
import type { KmemSlabModel, PsModel } from '../parse/models.ts';
import type { CaseAnnotation, CaseBundle, CaseResult } from './case-types.ts';

/** A case's completeness: the session's check when it was written, else its verdict's. */
export function caseCompleteness(c: Pick<CaseBundle, 'dump' | 'triage'>): CaseBundle['dump']['completeness'] {
  return c.dump.completeness ?? c.triage?.completeness;
}

/** The result of a command line, if the case holds it. */
/** "drgn 0.3.0 answered ps, kmem -s" when drgn answered some of the case's results (reports name the engine); null when crash answered all. */
export function drgnAnswered(c: Pick<CaseBundle, 'results'>): string | null {
  const byDrgn = c.results.filter((r) => r.engine === 'drgn');
  if (!byDrgn.length) return null;
  const versions = [...new Set(byDrgn.map((r) => r.engineVersion ?? '?'))].join(', ');
  return `drgn ${versions} answered ${byDrgn.map((r) => r.command).join(', ')}`;
}

export function caseResult(c: CaseBundle, command: string): CaseResult | undefined {
  return c.results.find((r) => r.command === command);
}

function model<T>(c: CaseBundle, command: string, parser: string): T | null {
  const r = caseResult(c, command);
  return r?.parsed && r.parsed.parser === parser && r.parsed.model ? (r.parsed.model as T) : null;
}

/** Tasks by RSS, largest first. */
export function topTasks(c: CaseBundle, n = 10): PsModel['tasks'] {
  const ps = model<PsModel>(c, 'ps', 'ps');
  return ps ? [...ps.tasks].sort((a, b) => b.rssKb - a.rssKb).slice(0, n) : [];
}

/** Slab caches by bytes, largest first. */
export function topCaches(c: CaseBundle, n = 10): KmemSlabModel['caches'] {
  const s = model<KmemSlabModel>(c, 'kmem -s', 'kmem -s');
  return s ? [...s.caches].sort((a, b) => b.totalBytes - a.totalBytes).slice(0, n) : [];
}

/** Annotations in the user's order. */
export function orderedNotes(c: CaseBundle): CaseAnnotation[] {
  return [...c.annotations].sort((a, b) => a.order - b.order || a.createdAt - b.createdAt);
}

/** The annotation target key of a triage evidence item (view 'evidence'). */
export function evidenceKey(e: { command: string; row: string }): string {
  return `${e.command}|${e.row}`;
}

/** Notes on one target. */
export function notesOn(c: CaseBundle, view: string, rowKey: string): CaseAnnotation[] {
  return orderedNotes(c).filter((a) => a.view === view && a.rowKey === rowKey);
}

/** Human names of the tags. */
export const tagLabels: Record<string, string> = { 'root-cause': 'Root cause', suspect: 'Suspect', 'ruled-out': 'Ruled out', question: 'Question' };

/** The fields of a trace summary (electron/api/trace-model.ts) the reports show; bundles carry it as plain JSON. */
export interface TraceSummaryFacts {
  file: string;
  format: string;
  events: number;
  skippedLines: number;
  firstTs: number | null;
  lastTs: number | null;
  callSites: Array<{ event: string; callSite: string; module: string | null; count: number; bytesReq: number }>;
}

/** Trace summaries of the case, read defensively (a hand-made bundle may hold anything). */
export function traceFacts(c: CaseBundle): TraceSummaryFacts[] {
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  return c.traces.filter((t): t is Record<string, unknown> => typeof t === 'object' && t !== null).map((t) => ({
    file: str(t.file).split('/').pop() ?? '',
    format: str(t.format),
    events: num(t.events),
    skippedLines: num(t.skippedLines),
    firstTs: typeof t.firstTs === 'number' ? t.firstTs : null,
    lastTs: typeof t.lastTs === 'number' ? t.lastTs : null,
    callSites: (Array.isArray(t.callSites) ? t.callSites : [])
      .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
      .map((x) => ({ event: str(x.event), callSite: str(x.callSite), module: typeof x.module === 'string' ? x.module : null, count: num(x.count), bytesReq: num(x.bytesReq) }))
      .sort((a, b) => b.bytesReq - a.bytesReq)
      .slice(0, 8),
  }));
}
