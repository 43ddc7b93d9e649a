/**
 * Pure helpers of the Traces view: the dump facts trace.link needs, taken from the parsed `ps`,
 * `kmem -s`, `log` and `sys` results the view already has, and the timeline's geometry.
 */
import type { Params } from '../../../electron/api/contract.ts';
import type { KmemSlabModel, LogModel, PsModel, SysModel } from '../../../electron/parse/models.ts';
import type { EventHistogram } from '../../../electron/api/trace-model.ts';

/** The commands whose results link a trace to the dump. */
export const linkCommands = ['ps', 'kmem -s', 'log', 'sys'] as const;

/** trace.link's parameters without the trace id. */
export type DumpLinkFacts = Omit<Params<'trace.link'>, 'traceId'>;

/**
 * Minimal rows for trace.link from parsed models (any may be missing). The culprit hints follow
 * the Node side's rule: the biggest slab cache only when it holds most of the slab, and the
 * task with the most resident memory.
 */
export function linkFactsFromModels(m: { ps?: unknown; kmemS?: unknown; log?: unknown; sys?: unknown }): DumpLinkFacts {
  const ps = (m.ps as Partial<PsModel> | null | undefined)?.tasks ?? null;
  const caches = (m.kmemS as Partial<KmemSlabModel> | null | undefined)?.caches ?? null;
  const panics = (m.log as Partial<LogModel> | null | undefined)?.panics ?? null;
  const uptime = (m.sys as Partial<SysModel> | null | undefined)?.uptimeSeconds ?? null;
  const out: DumpLinkFacts = {};
  if (ps) out.tasks = ps.map((t) => ({ pid: t.pid, comm: t.comm, kernelThread: t.kernelThread }));
  if (caches) out.caches = caches.map((c) => ({ name: c.name, objsize: c.objSize, allocated: c.allocated, total: c.total, ssize: c.slabSizeText }));
  const panicTs = panics?.find((p) => p.timestamp !== null)?.timestamp ?? null;
  if (panicTs !== null) out.panicTs = panicTs;
  if (uptime !== null) out.uptimeSeconds = uptime;
  const culprit: { cache?: string | null; pid?: number | null; comm?: string | null } = {};
  if (caches && caches.length) {
    const total = caches.reduce((n, c) => n + c.totalBytes, 0);
    const top = caches.reduce((a, b) => (b.totalBytes > a.totalBytes ? b : a));
    if (top.totalBytes > total / 2) culprit.cache = top.name;
  }
  if (ps && ps.length) {
    const top = ps.reduce((a, b) => (b.rssKb > a.rssKb ? b : a));
    if (top.rssKb > 0) {
      culprit.pid = top.pid;
      culprit.comm = top.comm;
    }
  }
  if (Object.keys(culprit).length) out.culprit = culprit;
  return out;
}

/** Seconds as the view prints them ("9.540774 s" keeps microseconds, the trace's resolution). */
export function secondsText(s: number | null, digits = 6): string {
  return s === null ? '?' : `${s.toFixed(digits)} s`;
}

/** A duration in human units ("1.2 ms", "3.4 s"). */
export function durationText(seconds: number): string {
  const a = Math.abs(seconds);
  if (a < 0.001) return `${(seconds * 1e6).toFixed(0)} µs`;
  if (a < 1) return `${(seconds * 1e3).toFixed(1)} ms`;
  return `${seconds.toFixed(a < 100 ? 2 : 0)} s`;
}

/** One histogram bar of the timeline (x and width in SVG units, h as a 0..1 fraction). */
export interface TimelineBar {
  x: number;
  w: number;
  h: number;
  start: number;
  count: number;
}

/** Where everything sits on the timeline's x axis. */
export interface TimelineGeometry {
  t0: number;
  t1: number;
  bars: TimelineBar[];
  max: number;
  traceStartX: number;
  traceEndX: number;
  panicX: number | null;
  ticks: { x: number; label: string }[];
}

/**
 * Lay out the events histogram and the panic on one axis that covers both (the panic often
 * comes seconds after the last event, and that gap is the point of the picture).
 */
export function timelineGeometry(
  h: EventHistogram | null,
  span: { firstTs: number | null; lastTs: number | null },
  panicTs: number | null,
  width: number,
  series: keyof EventHistogram['series'] = 'all',
): TimelineGeometry | null {
  const first = span.firstTs ?? h?.start ?? null;
  const last = span.lastTs ?? (h ? h.start + h.bucketSeconds * h.series.all.length : null);
  if (first === null || last === null) return null;
  let t0 = Math.min(first, panicTs ?? first);
  let t1 = Math.max(last, panicTs ?? last);
  if (t1 - t0 < 1e-6) {
    t0 -= 0.5;
    t1 += 0.5;
  }
  const pad = (t1 - t0) * 0.02;
  t0 -= pad;
  t1 += pad;
  const x = (t: number): number => ((t - t0) / (t1 - t0)) * width;
  const counts = h?.series[series] ?? [];
  const max = counts.reduce((a, b) => Math.max(a, b), 0);
  const bars: TimelineBar[] = [];
  if (h) {
    counts.forEach((count, i) => {
      if (count === 0) return;
      const start = h.start + i * h.bucketSeconds;
      bars.push({ x: x(start), w: Math.max(1, x(start + h.bucketSeconds) - x(start)), h: max ? count / max : 0, start, count });
    });
  }
  const ticks: TimelineGeometry['ticks'] = [];
  const step = niceStep((t1 - t0) / 6);
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push({ x: x(t), label: `${Number(t.toFixed(6))} s` });
  return { t0, t1, bars, max, traceStartX: x(first), traceEndX: x(last), panicX: panicTs === null ? null : x(panicTs), ticks };
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Entries of a count record, largest first. */
export function topEntries(r: Record<string, number>, n = 20): [string, number][] {
  return Object.entries(r).sort((a, b) => b[1] - a[1]).slice(0, n);
}
