/**
 * The Traces view's own reasoning: the dump facts it sends to trace.link, taken from the parsed
 * fixture transcripts, where the timeline puts the trace and the panic, and the lanes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceChunkWire } from '../../../electron/api/contract.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { chunkToWire } from '../../../electron/trace/chunk-wire.ts';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { decodeTraceChunk, type DecodedTraceChunk } from '../../../renderer/lib/trace-chunk.ts';
import { buildLanes, panWindow, zoomWindow } from '../../../renderer/views/Traces/lanes.ts';
import { dumpFactsFromModels } from '../../../electron/trace/dump-facts.ts';
import { linkFactsFromModels, timelineGeometry } from '../../../renderer/views/Traces/trace-model.ts';
import { fixtureFile, fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';

/** meta.json truth's culprit, as strings and numbers. */
function culpritOf(s: Scenario): { module: string; cache: string; comm: string; pid: number } {
  const c = fixtureMeta(s).truth.culprit;
  return { module: String(c.module ?? ''), cache: String(c.cache ?? ''), comm: String(c.comm ?? ''), pid: Number(c.pid ?? -1) };
}

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
    const truth = { culprit: culpritOf('oom-slab-leak') };
    const m = models('oom-slab-leak');
    const f = linkFactsFromModels(m);
    expect(f.culprit?.cache).toBe(truth.culprit.cache);
    expect(f.panicTs).toBeCloseTo(panicStamp('oom-slab-leak'), 6);
    expect(f.caches?.find((c) => c.name === truth.culprit.cache)?.objsize).toBe(512);
    const psRows = transcript('oom-slab-leak', 'ps').split('\n').filter((l) => /^\s*>?\s*\d+\s+-?\d+\s+\d+\s+[0-9a-f]{16}/.test(l)).length;
    expect(f.tasks?.length).toBe(psRows);
  });

  it('oom-user-hog: the hog is the task culprit; the same facts the Node side gathers for the CLI', () => {
    const truth = { culprit: culpritOf('oom-user-hog') };
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

describe('Traces view: per-task and per-CPU lanes', () => {
  const file = fixtureFile('oom-slab-leak', 'trace-report.txt');
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => /^\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):/.exec(l)).filter((m) => m !== null);

  async function chunks(): Promise<DecodedTraceChunk[]> {
    const out: DecodedTraceChunk[] = [];
    await importTraceFile(file, {}, { onChunk: async (c) => { out.push(decodeTraceChunk(JSON.parse(JSON.stringify(chunkToWire('t', c))) as TraceChunkWire)); } });
    return out;
  }

  it('counts each task\'s events inside the window, busiest first, and labels it with its comm', async () => {
    const t0 = 12;
    const t1 = 17;
    const want = new Map<number, number>();
    for (const m of lines) if (Number(m[4]) >= t0 && Number(m[4]) <= t1) want.set(Number(m[2]), (want.get(Number(m[2])) ?? 0) + 1);
    const lanes = buildLanes(await chunks(), 'task', t0, t1, 100, 50);
    expect(lanes.map((l) => [l.key, l.total])).toEqual([...want.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]));
    const kw = lanes.find((l) => l.key === 29)!;
    expect(kw.label).toBe('kworker/u4:1');
    expect(kw.counts.reduce((a, b) => a + b, 0)).toBe(kw.total);
  });

  it('has one lane per CPU the report names, covering every event over the whole span', async () => {
    const cpus = new Set(lines.map((m) => Number(m[3])));
    const lanes = buildLanes(await chunks(), 'cpu', 0, 100, 10, 64);
    expect(lanes.map((l) => l.key)).toEqual([...cpus].sort((a, b) => a - b));
    expect(lanes.reduce((n, l) => n + l.total, 0)).toBe(lines.length);
  });

  it('zooms around the centre and pans without leaving the trace', () => {
    expect(zoomWindow({ t0: 10, t1: 20 }, 0.5, 10, 30)).toEqual({ t0: 12.5, t1: 17.5 });
    expect(zoomWindow({ t0: 10, t1: 20 }, 4, 10, 30)).toEqual({ t0: 10, t1: 30 });
    expect(panWindow({ t0: 10, t1: 20 }, 0.5, 10, 22)).toEqual({ t0: 12, t1: 22 });
    expect(panWindow({ t0: 12, t1: 22 }, -5, 10, 22)).toEqual({ t0: 10, t1: 20 });
  });
});
