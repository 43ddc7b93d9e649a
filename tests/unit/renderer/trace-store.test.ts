/**
 * Trace events kept in IndexedDB (Dexie over fake-indexeddb): a real fixture trace imported by
 * electron/trace and decoded as the view decodes it is stored as columnar chunks, reads back with
 * equal columns, counts as stored only once its last chunk is written, goes with its dump's cache,
 * shows in the usage per dump, and loses its chunks (not its summary) to LRU eviction.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { TraceChunkWire } from '../../../electron/api/contract.ts';
import { chunkToWire } from '../../../electron/trace/chunk-wire.ts';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import type { TraceSummary } from '../../../electron/api/trace-model.ts';
import { CrashdeckDb, deleteDump, evictLru, putResult, usageByDump } from '../../../renderer/lib/db.ts';
import { decodeTraceChunk, eventAt, storedChunkBytes, type DecodedTraceChunk } from '../../../renderer/lib/trace-chunk.ts';
import { chunkSaver, loadStored, readChunks, rememberTrace, storeChunks, TooBigForCache } from '../../../renderer/views/Traces/stored-traces.ts';
import { fixtureFile } from '../../support/fixtures.ts';
import { reportEventLines } from '../../support/trace-report.ts';

let n = 0;
function freshDb(): CrashdeckDb {
  return new CrashdeckDb(`crashdeck-traces-${n++}`, { indexedDB: new IDBFactory(), IDBKeyRange });
}

/** Import a file as the host does and decode its chunks as the view does (through the wire). */
async function importDecoded(file: string): Promise<{ traceId: string; summary: TraceSummary; chunks: DecodedTraceChunk[] }> {
  const wires: TraceChunkWire[] = [];
  const traceId = `t-${path.basename(file)}`;
  const summary = await importTraceFile(file, {}, { onChunk: async (c) => { wires.push(JSON.parse(JSON.stringify(chunkToWire(traceId, c))) as TraceChunkWire); } });
  return { traceId, summary, chunks: wires.map(decodeTraceChunk) };
}


const fixture = fixtureFile('oom-slab-leak', 'trace-report.txt');
let dir = '';
/** The fixture's events repeated 5 times with shifted timestamps: several chunks. */
let bigFile = '';
let bigEvents = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trace-store-'));
  const lines = reportEventLines(readFileSync(fixture, 'utf8'));
  const out = ['cpus=2'];
  for (let rep = 0; rep < 5; rep++) {
    for (const l of lines) out.push(l.replace(/(\]\s+)(\d+\.\d+):/, (_m, pre: string, ts: string) => `${pre}${(Number(ts) + rep * 1000).toFixed(6)}:`));
  }
  bigFile = path.join(dir, 'big-report.txt');
  writeFileSync(bigFile, out.join('\n') + '\n');
  bigEvents = out.length - 1;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every column of two chunk lists, compared entry by entry. */
function expectSameChunks(got: readonly DecodedTraceChunk[], want: readonly DecodedTraceChunk[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    const w = want[k]!;
    expect(g.index).toBe(w.index);
    expect(g.count).toBe(w.count);
    for (const col of ['ts', 'cpu', 'pid', 'comm', 'event', 'stack', 'argsEnd'] as const) {
      expect(g[col].constructor).toBe(w[col].constructor);
      expect(Array.from(g[col])).toEqual(Array.from(w[col]));
    }
    expect([g.comms, g.events, g.stacks, g.args]).toEqual([w.comms, w.events, w.stacks, w.args]);
  });
}

describe('trace chunks in IndexedDB', () => {
  it('stores the oom-slab-leak report as typed-array columns and reads back every event of the file', async () => {
    const db = freshDb();
    const t = await importDecoded(fixture);
    const kept = await rememberTrace(db, 'fp', t);
    expect(kept.complete).toBe(false);
    expect(await storeChunks(db, kept.id, t.chunks, t.summary.chunks)).toBe(true);

    // One record per chunk holding binary columns, not one row per event.
    const rows = await db.traceChunks.toArray();
    expect(rows.length).toBe(t.summary.chunks);
    expect(rows[0]!.chunk.ts).toBeInstanceOf(Float64Array);

    // A new connection (the page reloaded) reads the same columns, and the file's own events.
    db.close();
    await db.open();
    const [stored] = await loadStored(db, 'fp');
    expect(stored).toMatchObject({ id: kept.id, traceId: t.traceId, complete: true });
    expect(stored!.summary.events).toBe(t.summary.events);
    const back = await readChunks(db, kept.id, 0, t.summary.chunks);
    expectSameChunks(back, t.chunks);
    const lines = reportEventLines(readFileSync(fixture, 'utf8'));
    const events = back.flatMap((c) => Array.from({ length: c.count }, (_, i) => eventAt(c, i)));
    expect(events.length).toBe(lines.length);
    const last = /^\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+(\w+):/.exec(lines.at(-1)!)!;
    expect([events.at(-1)!.comm.trim(), events.at(-1)!.pid, events.at(-1)!.cpu, events.at(-1)!.event]).toEqual([last[1]!.trim(), Number(last[2]), Number(last[3]), last[5]]);
    expect(events.at(-1)!.ts).toBeCloseTo(Number(last[4]), 6);
  });

  it('a trace written in part is not shown as stored: complete only with its last chunk, readable only then', async () => {
    const db = freshDb();
    const t = await importDecoded(bigFile);
    expect(t.summary.events).toBe(bigEvents);
    expect(t.chunks.length).toBeGreaterThanOrEqual(3);
    const kept = await rememberTrace(db, 'fp', t);
    // The last chunk first, then all but one: still not complete (a gap in the middle).
    expect(await storeChunks(db, kept.id, [t.chunks.at(-1)!], t.chunks.length)).toBe(false);
    expect(await storeChunks(db, kept.id, t.chunks.slice(0, -2), t.chunks.length)).toBe(false);
    expect((await loadStored(db, 'fp'))[0]!.complete).toBe(false);
    await expect(readChunks(db, kept.id, 0, t.chunks.length)).rejects.toThrow(/not .*stored whole/);
    // The missing one arrives: complete, in the same transaction.
    expect(await storeChunks(db, kept.id, [t.chunks.at(-2)!], t.chunks.length)).toBe(true);
    expect((await loadStored(db, 'fp'))[0]!.complete).toBe(true);
    const back = await readChunks(db, kept.id, 0, t.chunks.length);
    expectSameChunks(back, t.chunks);
    expect(back.reduce((s, c) => s + c.count, 0)).toBe(bigEvents);
    // Remembering the same trace again (a reload while the host still has it) reuses the record.
    expect((await rememberTrace(db, 'fp', t)).id).toBe(kept.id);
    expect(await db.traces.count()).toBe(1);
  });

  it('a damaged stored chunk is refused instead of shown', async () => {
    const db = freshDb();
    const t = await importDecoded(fixture);
    const kept = await rememberTrace(db, 'fp', t);
    await storeChunks(db, kept.id, t.chunks, t.summary.chunks);
    const row = (await db.traceChunks.get([kept.id, 0]))!;
    await db.traceChunks.put({ ...row, chunk: { ...row.chunk, pid: new Int32Array(1) } });
    await expect(readChunks(db, kept.id, 0, 1)).rejects.toThrow(/pid/);
    await db.traceChunks.put({ ...row, chunk: { ...row.chunk, ts: Array.from(row.chunk.ts) as unknown as Float64Array } });
    await expect(readChunks(db, kept.id, 0, 1)).rejects.toThrow(/ts is not a Float64Array/);
  });

  it('deleting a dump removes its traces and their chunks, and nothing of another dump', async () => {
    const db = freshDb();
    const t = await importDecoded(fixture);
    const a = await rememberTrace(db, 'a', t);
    const b = await rememberTrace(db, 'b', t);
    await storeChunks(db, a.id, t.chunks, t.summary.chunks);
    await storeChunks(db, b.id, t.chunks, t.summary.chunks);
    await deleteDump(db, 'a');
    expect(await loadStored(db, 'a')).toEqual([]);
    expect(await db.traceChunks.where('fingerprint').equals('a').count()).toBe(0);
    expect(await db.traceChunks.where('fingerprint').equals('b').count()).toBe(t.summary.chunks);
    expect((await readChunks(db, b.id, 0, t.summary.chunks)).length).toBe(t.summary.chunks);
    // A write still under way when its dump was deleted leaves no orphan chunks.
    expect(await storeChunks(db, a.id, t.chunks, t.summary.chunks)).toBe(false);
    expect(await db.traceChunks.where('trace').equals(a.id).count()).toBe(0);
  });

  it('usage per dump counts the stored events; eviction drops the oldest trace events first and keeps the summary', async () => {
    const db = freshDb();
    const t = await importDecoded(fixture);
    // The columns alone: 8 (ts) + 2 (cpu) + 4 (pid) + 2 (comm) + 2 (event) + 4 (stack) + 4 (argsEnd) bytes per event.
    const columnBytes = 26 * t.summary.events;
    // Stored whole at 100 and 200: the LRU time is when the last chunk was stored.
    const old = await rememberTrace(db, 'old', t, 1);
    await storeChunks(db, old.id, t.chunks, t.summary.chunks, 100);
    const cur = await rememberTrace(db, 'cur', t, 2);
    await storeChunks(db, cur.id, t.chunks, t.summary.chunks, 200);
    await putResult(db, { fingerprint: 'old', command: 'sys', raw: 'x'.repeat(50), parsed: null, crashVersion: null, at: 1, durationMs: 1, warnings: [], error: null }, Infinity, 300);

    const usage = await usageByDump(db);
    const u = Object.fromEntries(usage.map((x) => [x.fingerprint, x]));
    expect(u.old!.traces).toBe(1);
    expect(u.old!.results).toBe(1);
    expect(u.old!.traceBytes).toBeGreaterThan(columnBytes);
    expect(u.old!.bytes).toBe(u.old!.traceBytes + 100);
    expect(u.cur!.traceBytes).toBe(u.old!.traceBytes);

    // Room for one trace and the result: the older trace goes (the newer result stays).
    const evicted = await evictLru(db, u.old!.traceBytes + 100);
    expect(evicted).toBe(1);
    expect(await db.traceChunks.where('fingerprint').equals('old').count()).toBe(0);
    expect(await db.results.get(['old', 'sys'])).toBeDefined();
    const [oldKept] = await loadStored(db, 'old');
    expect(oldKept).toMatchObject({ traceId: t.traceId, complete: false });
    expect((await loadStored(db, 'cur'))[0]!.complete).toBe(true);
    // Within budget now: nothing more goes.
    expect(await evictLru(db, u.old!.traceBytes + 100)).toBe(0);
    // The dump on screen is spared until nothing else is left.
    expect(await evictLru(db, 1, 'cur')).toBe(2);
    expect(await db.traceChunks.count()).toBe(0);
  });

  it('storing as the view does: a whole trace makes room by evicting another dump\'s older trace; one bigger than the limit is not kept at all', async () => {
    const db = freshDb();
    const t = await importDecoded(fixture);
    const other = await rememberTrace(db, 'other', t, 1);
    await storeChunks(db, other.id, t.chunks, t.summary.chunks, 10);
    const size = (await usageByDump(db))[0]!.traceBytes;

    // Room for one trace and a half: the other dump's trace goes once this one is whole.
    const cur = await rememberTrace(db, 'cur', t);
    const save = chunkSaver({ db, id: cur.id, fingerprint: 'cur', maxBytes: Math.floor(size * 1.5) }, t.summary.chunks);
    expect(await save(t.chunks)).toBe(true);
    expect((await loadStored(db, 'cur'))[0]!.complete).toBe(true);
    expect((await loadStored(db, 'other'))[0]!.complete).toBe(false);
    expect(await db.traceChunks.where('fingerprint').equals('other').count()).toBe(0);

    // A limit the trace outgrows after its first chunk: nothing of it stays, nor is anything else evicted for it.
    const b = await importDecoded(bigFile);
    const big = await rememberTrace(db, 'big', b);
    const tooSmall = chunkSaver({ db, id: big.id, fingerprint: 'big', maxBytes: Math.floor(storedChunkBytes(b.chunks[0]!) * 1.5) }, b.summary.chunks);
    expect(await tooSmall(b.chunks.slice(0, 1))).toBe(false);
    expect(await db.traceChunks.where('trace').equals(big.id).count()).toBe(1);
    await expect(tooSmall(b.chunks.slice(1))).rejects.toBeInstanceOf(TooBigForCache);
    expect(await db.traceChunks.where('trace').equals(big.id).count()).toBe(0);
    expect((await loadStored(db, 'big'))[0]!.complete).toBe(false);
    expect((await loadStored(db, 'cur'))[0]!.complete).toBe(true);
  });

  it('a trace without events is stored whole at once', async () => {
    const db = freshDb();
    const stat = path.join(dir, 'stat.txt');
    writeFileSync(stat, ['', " Performance counter stats for 'sleep 2':", '', '             4,000      page-faults', '', '       2.000000000 seconds time elapsed', ''].join('\n'));
    const t = await importDecoded(stat);
    expect(t.summary.chunks).toBe(0);
    expect((await rememberTrace(db, 'fp', t)).complete).toBe(true);
  });
});
