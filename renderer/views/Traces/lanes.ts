/**
 * Per-task and per-CPU lanes for the Traces timeline: events counted into time bins over a
 * (zoomable) window, straight from the decoded chunks' typed columns, one pass per redraw.
 */
import type { DecodedTraceChunk } from '../../lib/trace-chunk.ts';

/** One lane: a task (pid) or a CPU, with its events per bin inside the window. */
export interface Lane {
  key: number;
  /** The task's comm (last seen) or "CPU n". */
  label: string;
  /** Events inside the window. */
  total: number;
  counts: Uint32Array;
}

/** Count events per task or per CPU into `bins` bins over [t0, t1]; tasks busiest first, CPUs in order. */
export function buildLanes(chunks: readonly DecodedTraceChunk[], by: 'task' | 'cpu', t0: number, t1: number, bins: number, maxLanes: number): Lane[] {
  const lanes = new Map<number, Lane>();
  const span = t1 - t0;
  if (!(span > 0) || bins < 1) return [];
  for (const c of chunks) {
    for (let i = 0; i < c.count; i++) {
      const t = c.ts[i]!;
      if (t < t0 || t > t1) continue;
      const key = by === 'task' ? c.pid[i]! : c.cpu[i]!;
      let lane = lanes.get(key);
      if (!lane) {
        lane = { key, label: by === 'task' ? '' : `CPU ${key}`, total: 0, counts: new Uint32Array(bins) };
        lanes.set(key, lane);
      }
      if (by === 'task') lane.label = c.comms[c.comm[i]!] ?? '?';
      lane.total++;
      lane.counts[Math.min(bins - 1, Math.floor(((t - t0) / span) * bins))]!++;
    }
  }
  const out = [...lanes.values()];
  out.sort(by === 'task' ? (a, b) => b.total - a.total || a.key - b.key : (a, b) => a.key - b.key);
  return out.slice(0, maxLanes);
}

/** The window after zooming by `factor` (< 1 zooms in) around its centre, kept inside [min, max]. */
export function zoomWindow(w: { t0: number; t1: number }, factor: number, min: number, max: number): { t0: number; t1: number } {
  const mid = (w.t0 + w.t1) / 2;
  const half = Math.max(1e-6, ((w.t1 - w.t0) * factor) / 2);
  let t0 = mid - half;
  let t1 = mid + half;
  if (t0 < min) [t0, t1] = [min, Math.min(max, min + 2 * half)];
  if (t1 > max) [t0, t1] = [Math.max(min, max - 2 * half), max];
  return { t0, t1 };
}

/** The window moved by `fraction` of its width, kept inside [min, max]. */
export function panWindow(w: { t0: number; t1: number }, fraction: number, min: number, max: number): { t0: number; t1: number } {
  const width = w.t1 - w.t0;
  const t0 = Math.min(Math.max(min, w.t0 + width * fraction), Math.max(min, max - width));
  return { t0, t1: t0 + width };
}
