import { describe, expect, it } from 'vitest';
import { HistogramBuilder } from '../../../electron/trace/histogram.ts';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { fixtureFile } from '../../support/fixtures.ts';

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('event histogram', () => {
  it("covers the slab trace's span and counts every event in its series", async () => {
    const s = await importTraceFile(fixtureFile('oom-slab-leak', 'trace-report.txt'));
    const h = s.histogram!;
    expect(h.start).toBe(s.firstTs);
    const n = h.series.all.length;
    expect(n).toBeLessThanOrEqual(1000);
    expect(h.start + n * h.bucketSeconds).toBeGreaterThanOrEqual(s.lastTs!);
    expect(sum(h.series.all)).toBe(s.events);
    expect(sum(h.series.kmem_cache_alloc)).toBe(s.byEvent.kmem_cache_alloc);
    expect(sum(h.series.kmalloc)).toBe(s.byEvent.kmalloc);
    expect(sum(h.series.mm_page_alloc)).toBe(s.byEvent.mm_page_alloc);
  });

  it('widens its buckets for a long trace and keeps each event in the right place', () => {
    const b = new HistogramBuilder();
    // One event per second for an hour, and a burst of 100 at t = 1800 s.
    for (let t = 0; t < 3600; t++) b.add(100 + t, 0);
    for (let i = 0; i < 100; i++) b.add(1900.5, 3);
    const h = b.finish()!;
    expect(sum(h.series.all)).toBe(3700);
    expect(sum(h.series.mm_page_alloc)).toBe(100);
    const burst = Math.floor((1900.5 - h.start) / h.bucketSeconds);
    expect(h.series.mm_page_alloc[burst]).toBe(100);
    expect(h.series.all.length).toBeLessThanOrEqual(1000);
    expect(h.start + h.series.all.length * h.bucketSeconds).toBeGreaterThan(100 + 3599);
    expect(new HistogramBuilder().finish()).toBeNull();
  });
});
