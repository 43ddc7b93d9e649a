/**
 * The trace.* Api methods behind the validating host: import with progress events, chunks that
 * decode back to the events, link with evidence, cancel and close.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../electron/api/contract.ts';
import { EventBus, createApiHost, type MethodImpls } from '../../../electron/api/handlers.ts';
import { createTraceMethods } from '../../../electron/host/methods/trace-methods.ts';
import { chunkFromWire } from '../../../electron/trace/chunk-wire.ts';
import { fixtureFile, fixtureMeta, transcript } from '../../support/fixtures.ts';

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function host() {
  const bus = new EventBus();
  const trace = createTraceMethods(bus, { inProcess: true });
  cleanup = trace.dispose;
  // Only the trace methods are under test; the host validates params for them like for any method.
  const api = createApiHost(trace.impls as unknown as MethodImpls, bus, trace.dispose);
  const progress: EventPayload<'trace.progress'>[] = [];
  bus.subscribe((event, payload) => {
    if (event === 'trace.progress') progress.push(payload as EventPayload<'trace.progress'>);
  });
  return { api, progress };
}

describe('trace.* methods', () => {
  it('imports with progress events and serves chunks that decode to the same events', async () => {
    const { api, progress } = host();
    const file = fixtureFile('oom-user-hog', 'trace-report.txt');
    const { traceId, summary } = await api.call('trace.import', { file, importId: 'hog-1' });
    expect(traceId).toBe('hog-1');
    expect(progress.at(-1)).toMatchObject({ importId: 'hog-1', phase: 'done', events: summary.events });
    expect(await api.call('trace.list', {})).toEqual([expect.objectContaining({ traceId, events: summary.events, format: 'trace-cmd-report' })]);
    let events = 0;
    let lastTs = -Infinity;
    const pid = Number(fixtureMeta('oom-user-hog').truth.guest_facts!.pid_ingestd);
    let hogEvents = 0;
    for (let i = 0; i < summary.chunks; i++) {
      const c = chunkFromWire(await api.call('trace.chunk', { traceId, index: i }));
      events += c.count;
      for (let j = 0; j < c.count; j++) {
        lastTs = Math.max(lastTs, c.ts[j]!);
        if (c.pid[j] === pid) hogEvents++;
      }
    }
    expect(events).toBe(summary.events);
    expect(lastTs).toBe(summary.lastTs);
    const text = readFileSync(file, 'utf8');
    expect(hogEvents).toBe(text.split('\n').filter((l) => new RegExp(`^\\s*ingestd-${pid}\\s`).test(l)).length);
    await expect(api.call('trace.chunk', { traceId, index: summary.chunks })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('links to dump rows and returns the evidence; close frees the trace', async () => {
    const { api } = host();
    const { traceId } = await api.call('trace.import', { file: fixtureFile('oom-slab-leak', 'trace-report.txt') });
    const tasks = transcript('oom-slab-leak', 'ps').split('\n').slice(1).flatMap((l) => {
      const f = l.replace(/^>/, ' ').trim().split(/\s+/);
      return f.length >= 9 && /^\d+$/.test(f[0]!) ? [{ pid: Number(f[0]), comm: f.slice(8).join(' ') }] : [];
    });
    const truth = fixtureMeta('oom-slab-leak').truth;
    const r = await api.call('trace.link', {
      traceId, tasks, caches: [{ name: String(truth.culprit.cache), objsize: Number(truth.culprit.object_size) }], panicTs: 28.384756,
      culprit: { cache: String(truth.culprit.cache) },
    });
    expect(r.caches?.[0]?.cache).toBe(truth.culprit.cache);
    expect(r.timeline?.placement).toBe('after-trace');
    expect(r.tasks?.byDumpPid[String(truth.panic_task.pid)]).toBeDefined();
    expect(r.evidence[0]?.id).toBe('slab-call-site');
    expect(await api.call('trace.close', { traceId })).toEqual({ closed: true });
    await expect(api.call('trace.summary', { traceId })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('links a trace a restarted host no longer holds from the summary the renderer kept', async () => {
    const first = host();
    const { traceId, summary } = await first.api.call('trace.import', { file: fixtureFile('oom-slab-leak', 'trace-report.txt') });
    const truth = fixtureMeta('oom-slab-leak').truth;
    const facts = { caches: [{ name: String(truth.culprit.cache), objsize: Number(truth.culprit.object_size) }], panicTs: 28.384756 };
    const live = await first.api.call('trace.link', { traceId, ...facts });
    await cleanup?.();
    // A fresh host: the trace id is unknown, so only the stored summary can link it.
    const { api } = host();
    await expect(api.call('trace.link', { traceId, ...facts })).rejects.toMatchObject({ code: 'not-found' });
    // What IndexedDB keeps is a structured clone of the summary.
    const stored = structuredClone(summary);
    const offline = await api.call('trace.link', { traceId, ...facts, summary: stored });
    expect(offline.caches?.[0]?.cache).toBe(truth.culprit.cache);
    expect(offline).toEqual(live);
    await expect(api.call('trace.link', { traceId, ...facts, summary: { tasks: 'x' } as never })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('rejects bad params and reports a non-trace with its own error code', async () => {
    const { api } = host();
    await expect(api.call('trace.import', { file: '' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.call('trace.import', { file: 'x', importId: '../../etc' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.call('trace.import', { file: fixtureFile('oom-slab-leak', 'meta.json') })).rejects.toMatchObject({ code: 'not-a-trace' });
    expect(await api.call('trace.list', {})).toEqual([]);
  });

  it('cancels a running import by its id', async () => {
    const { api } = host();
    const running = api.call('trace.import', { file: fixtureFile('oom-user-hog', 'perf-script.txt'), importId: 'slow' });
    expect(await api.call('trace.cancel', { importId: 'slow' })).toEqual({ cancelled: true });
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(await api.call('trace.cancel', { importId: 'slow' })).toEqual({ cancelled: false });
  });
});
