/**
 * Notes on a trace span: a time range picked on the Traces timeline, or one direct-reclaim stall
 * (an mm_vmscan_direct_reclaim_begin/end pair). The annotation's rowKey carries the trace file,
 * the span in seconds since boot at the trace's microsecond resolution and its event count, so
 * the Report view and the exported reports can say which span a note is about without the trace
 * itself (a .crashcase need not carry the trace files). Pure: used by the renderer and by
 * electron/report/ (HTML and Markdown exports).
 */

/** The annotation view of span notes. */
export const traceSpanView = 'trace-span';

/** What kind of span: a picked range, or a direct-reclaim stall pair. */
export type TraceSpanKind = 'range' | 'stall';

/** A span of a trace. */
export interface TraceSpan {
  kind: TraceSpanKind;
  /** The trace file as imported. */
  file: string;
  /** Seconds since boot (the trace clock), microsecond precision. */
  start: number;
  end: number;
  /** Events in [start, end]. */
  events: number;
  /** True when the count is estimated from the histogram (the events themselves were not at hand). */
  approx?: boolean;
}

const prefix = `${traceSpanView}|v1|`;
// Everything before the file is fixed-format, so a file name with any characters (even '|') is kept whole.
const keyPattern = /^trace-span\|v1\|(range|stall)\|(\d{1,12}\.\d{6})\|(\d{1,12}\.\d{6})\|(~?)(\d{1,12})\|([\s\S]+)$/;

/** Seconds rounded to the microsecond (the resolution of ftrace and perf timestamps). */
export function toMicros(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** The annotation rowKey of a span. */
export function encodeTraceSpan(s: TraceSpan): string {
  const a = Math.min(s.start, s.end);
  const b = Math.max(s.start, s.end);
  const events = Math.max(0, Math.round(s.events));
  return `${prefix}${s.kind}|${Math.max(0, a).toFixed(6)}|${Math.max(0, b).toFixed(6)}|${s.approx ? '~' : ''}${events}|${s.file}`;
}

/** The span a rowKey names, or null when it is not a span key. */
export function decodeTraceSpan(rowKey: string): TraceSpan | null {
  const m = keyPattern.exec(rowKey);
  if (!m) return null;
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!(end >= start)) return null;
  return { kind: m[1] as TraceSpanKind, start, end, events: Number(m[5]), ...(m[4] ? { approx: true } : {}), file: m[6]! };
}

/** A span's length in human units, to the precision that matters at that length. */
export function spanDurationText(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 0.001) return `${Math.round(s * 1e6)} µs`;
  if (s < 0.01) return `${(s * 1e3).toFixed(1)} ms`;
  if (s < 1) return `${Math.round(s * 1e3)} ms`;
  return `${s.toFixed(3)} s`;
}

/** "trace <file>: 1234.567890–1234.890123 s (322 ms, 42 events)". */
export function traceSpanText(s: TraceSpan): string {
  const n = `${s.approx ? '≈' : ''}${s.events.toLocaleString('en-US')} event${s.events === 1 ? '' : 's'}`;
  return `trace ${s.file}: ${s.start.toFixed(6)}–${s.end.toFixed(6)} s (${spanDurationText(toMicros(s.end - s.start))}, ${n})`;
}

/**
 * What a note is about, as the Report view and the exports print it: a span's own words (with
 * the stall's task from the label), else "view · label".
 */
export function noteTargetText(a: { view: string; rowKey: string; label: string }): string {
  const span = a.view === traceSpanView ? decodeTraceSpan(a.rowKey) : null;
  if (span) return span.kind === 'stall' && a.label ? `${traceSpanText(span)} — ${a.label}` : traceSpanText(span);
  return `${a.view} · ${a.label || a.rowKey}`;
}

/** Columns of a trace chunk that counting needs (renderer/lib/trace-chunk.ts DecodedTraceChunk fits). */
export interface TimestampColumn {
  count: number;
  ts: Float64Array;
}

/** Events with start ≤ ts ≤ end, counted exactly over the trace's chunks. */
export function eventsInSpan(chunks: readonly TimestampColumn[], start: number, end: number): number {
  // Compared at microsecond resolution so an edge event printed as the span's end is inside it.
  const a = toMicros(Math.min(start, end)) - 5e-7;
  const b = toMicros(Math.max(start, end)) + 5e-7;
  let n = 0;
  for (const c of chunks) {
    const ts = c.ts;
    for (let i = 0; i < c.count; i++) {
      const t = ts[i]!;
      if (t >= a && t <= b) n++;
    }
  }
  return n;
}

/** Events in a span estimated from a histogram (buckets counted by their overlap with the span). */
export function eventsInSpanEstimate(h: { start: number; bucketSeconds: number; series: { all: readonly number[] } } | null, start: number, end: number): number {
  if (!h || h.bucketSeconds <= 0) return 0;
  const a = Math.min(start, end);
  const b = Math.max(start, end);
  let n = 0;
  h.series.all.forEach((count, i) => {
    const s = h.start + i * h.bucketSeconds;
    const e = s + h.bucketSeconds;
    const overlap = Math.min(b, e) - Math.max(a, s);
    if (overlap > 0) n += (count * overlap) / h.bucketSeconds;
  });
  return Math.round(n);
}
