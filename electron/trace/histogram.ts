/**
 * Events over time in a bounded number of buckets, built while streaming (the span is unknown
 * until the end): buckets start at 1 ms and double in width whenever the trace outgrows them.
 * Gives the timeline view its overview (allocation rate, with the panic marked) before any
 * chunk is loaded.
 */
import { histogramSeries, type EventHistogram, type HistogramSeries } from '../api/trace-model.ts';

const maxFineBuckets = 65536;
const maxOutBuckets = 1000;

/** Streaming builder. */
export class HistogramBuilder {
  private t0 = NaN;
  private width = 0.001;
  private used = 0;
  private readonly counts: Float64Array[] = histogramSeries.map(() => new Float64Array(maxFineBuckets));

  /** Count one event of series `s` (0 = all only) at `ts`. */
  add(ts: number, s: number): void {
    if (Number.isNaN(this.t0)) this.t0 = ts;
    let i = Math.floor((ts - this.t0) / this.width);
    if (i < 0) i = 0;
    while (i >= maxFineBuckets) {
      this.coarsen();
      i = Math.floor((ts - this.t0) / this.width);
    }
    if (i >= this.used) this.used = i + 1;
    this.counts[0]![i]!++;
    if (s > 0) this.counts[s]![i]!++;
  }

  private coarsen(): void {
    for (const c of this.counts) {
      for (let j = 0; j < maxFineBuckets / 2; j++) c[j] = c[2 * j]! + c[2 * j + 1]!;
      c.fill(0, maxFineBuckets / 2);
    }
    this.width *= 2;
    this.used = Math.ceil(this.used / 2);
  }

  /** At most `maxOutBuckets` buckets over the events' span; null when nothing was counted. */
  finish(): EventHistogram | null {
    if (Number.isNaN(this.t0) || this.used === 0) return null;
    const merge = Math.max(1, Math.ceil(this.used / maxOutBuckets));
    const n = Math.ceil(this.used / merge);
    const series = {} as Record<HistogramSeries, number[]>;
    histogramSeries.forEach((name, k) => {
      const src = this.counts[k]!;
      const out = new Array<number>(n).fill(0);
      for (let j = 0; j < this.used; j++) out[Math.floor(j / merge)]! += src[j]!;
      series[name] = out;
    });
    return { start: this.t0, bucketSeconds: this.width * merge, series };
  }
}
