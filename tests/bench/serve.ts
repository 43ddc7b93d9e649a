/**
 * What the serve host's WebSocket adds to an Api call: the same calls in-process
 * (ApiHost.dispatch) and over a real WebSocket to a real serve host on loopback, one at a time
 * and 16 in flight. Calls: app.info (tiny) and parse.reparse of the oom-slab-leak `ps` and
 * `kmem -s` transcripts (real parsers, result payloads of the size views fetch).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { createApi } from '../../electron/host/create-api.ts';
import type { WireReply } from '../../electron/api/wire.ts';
import { startServeHost } from '../../electron/serve/serve-host.ts';
import { transcript } from '../support/fixtures.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Run `fn` `n` times sequentially; median ms per call. */
async function seq(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** `n` calls with `width` in flight; ms per call overall. */
async function parallel(n: number, width: number, fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next++ < n) await fn();
    }),
  );
  return (performance.now() - t) / n;
}

/** Run the bench and print per-call times and ratios. */
export async function runBench(): Promise<void> {
  const api = createApi();
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-bench-serve-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  const host = await startServeHost({ api, port: 0, rendererDir: dir });
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const pending = new Map<number, (r: WireReply) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as WireReply;
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  let id = 0;
  const overWs = (method: string, params: unknown) =>
    new Promise<WireReply>((resolve) => {
      const i = ++id;
      pending.set(i, resolve);
      ws.send(JSON.stringify({ id: i, method, params }));
    });

  const cases: [string, string, unknown, number][] = [
    ['app.info', 'app.info', {}, 2000],
    ['reparse ps (oom-slab-leak)', 'parse.reparse', { command: 'ps', raw: transcript('oom-slab-leak', 'ps') }, 300],
    ['reparse kmem -s (oom-slab-leak)', 'parse.reparse', { command: 'kmem -s', raw: transcript('oom-slab-leak', 'kmem -s') }, 300],
  ];
  // On a shared machine the in-flight numbers swing with load; print it beside them.
  console.log(`load average ${loadavg()[0]!.toFixed(1)} (1 min)`);
  try {
    for (const [label, method, params, n] of cases) {
      // Warm up both paths.
      for (let i = 0; i < 20; i++) {
        await api.dispatch(method, params);
        await overWs(method, params);
      }
      const inProc = await seq(n, () => api.dispatch(method, params));
      const wsSeq = await seq(n, () => overWs(method, params));
      const wsPar = await parallel(n, 16, () => overWs(method, params));
      const bytes = JSON.stringify(await api.dispatch(method, params)).length;
      console.log(
        `${label.padEnd(34)} result ${String(bytes).padStart(7)} B | in-process ${inProc.toFixed(3)} ms | WebSocket ${wsSeq.toFixed(3)} ms (x${(wsSeq / inProc).toFixed(1)}) | 16 in flight ${wsPar.toFixed(3)} ms/call (x${(wsPar / inProc).toFixed(1)})`,
      );
    }
  } finally {
    ws.close();
    await host.close();
    await api.dispose();
  }
}
