/**
 * The Traces view's own reasoning: the dump facts it sends to trace.link, taken from the parsed
 * fixture transcripts, and where the timeline puts the trace and the panic.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { dumpFactsFromModels } from '../../../electron/trace/dump-facts.ts';
import { linkFactsFromModels, timelineGeometry } from '../../../renderer/views/Traces/trace-model.ts';
import { fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';

function models(s: Scenario): { ps: unknown; kmemS: unknown; log: unknown; sys: unknown } {
  const m = (cmd: string): unknown => parseCommandOutput(cmd, transcript(s, cmd))?.model;
  return { ps: m('ps'), kmemS: m('kmem -s'), log: m('log'), sys: m('sys') };
}

/** The "Kernel panic" line's timestamp, read here from the log transcript. */
function panicStamp(s: Scenario): number {
  const line = transcript(s, 'log').split('\n').find((l) => l.includes('Kernel panic'))!;
  return Number(/\[\s*(\d+\.\d+)\]/.exec(line)![1]);
}

describe('Traces view: dump facts for trace.link', () => {
  it('oom-slab-leak: the dominating cache is the culprit, the panic time is the log line, ps rows are all there', () => {
    const truth = fixtureMeta('oom-slab-leak').truth as { culprit: { cache: string } };
    const m = models('oom-slab-leak');
    const f = linkFactsFromModels(m);
    expect(f.culprit?.cache).toBe(truth.culprit.cache);
    expect(f.panicTs).toBeCloseTo(panicStamp('oom-slab-leak'), 6);
    expect(f.caches?.find((c) => c.name === truth.culprit.cache)?.objsize).toBe(512);
    const psRows = transcript('oom-slab-leak', 'ps').split('\n').filter((l) => /^\s*>?\s*\d+\s+-?\d+\s+\d+\s+[0-9a-f]{16}/.test(l)).length;
    expect(f.tasks?.length).toBe(psRows);
  });

  it('oom-user-hog: the hog is the task culprit; the same facts the Node side gathers for the CLI', () => {
    const truth = fixtureMeta('oom-user-hog').truth as { culprit: { comm: string; pid: number } };
    const m = models('oom-user-hog');
    const f = linkFactsFromModels(m);
    expect(f.culprit).toMatchObject({ pid: truth.culprit.pid, comm: truth.culprit.comm });
    const node = dumpFactsFromModels({ ps: m.ps as never, kmemS: m.kmemS as never, log: m.log as never, sys: m.sys as never });
    expect(f.tasks).toEqual(node.tasks);
    expect(f.caches).toEqual(node.caches);
    expect(f.panicTs).toBe(node.panic?.panicTs);
    expect(f.culprit?.pid).toBe(node.culprit.pid);
  });

  it('sends nothing it does not know (no ps, no kmem -s, no log)', () => {
    expect(linkFactsFromModels({})).toEqual({});
  });
});

describe('Traces view: timeline geometry', () => {
  const hist = { start: 10, bucketSeconds: 1, series: { all: [5, 0, 10, 1], kmalloc: [0, 0, 0, 0], kmem_cache_alloc: [0, 0, 0, 0], mm_page_alloc: [0, 0, 0, 0], direct_reclaim: [0, 0, 0, 0] } };

  it('keeps a panic after the trace on the axis, to the right of the trace end', () => {
    const g = timelineGeometry(hist, { firstTs: 10, lastTs: 13.9 }, 30, 800)!;
    expect(g.panicX!).toBeGreaterThan(g.traceEndX);
    expect(g.panicX!).toBeLessThanOrEqual(800);
    expect(g.traceStartX).toBeGreaterThanOrEqual(0);
    // Empty buckets draw nothing; the fullest bucket is full height.
    expect(g.bars.map((b) => b.count)).toEqual([5, 10, 1]);
    expect(g.bars.find((b) => b.count === 10)!.h).toBe(1);
    // The axis (10 .. 30 s plus margins) puts 20 s in the middle.
    expect(g.ticks.find((t) => t.label === '20 s')!.x).toBeCloseTo(400, 0);
  });

  it('zoomed (no panic given) the trace fills the axis', () => {
    const g = timelineGeometry(hist, { firstTs: 10, lastTs: 13.9 }, null, 800)!;
    expect(g.panicX).toBeNull();
    expect(g.traceEndX - g.traceStartX).toBeGreaterThan(0.9 * 800);
  });

  it('has nothing to draw for a trace without timestamps', () => {
    expect(timelineGeometry(null, { firstTs: null, lastTs: null }, 28.4, 800)).toBeNull();
  });
});
