/**
 * Reopening a stored trace vs importing its text again, side by side in one run:
 *  - a 1,000,000-event `trace-cmd report` text built by repeating the oom-slab-leak fixture's
 *    events with shifted timestamps, imported by the real importer (electron/trace) on this thread;
 *  - its chunks put through the wire and decoded as the view does, then stored in IndexedDB the
 *    way the Traces view stores them (stored-traces.ts: batches of 8 chunks per transaction);
 *  - reopen: every chunk read back and checked (readChunks), as the view does on a reload or on a
 *    new host; vs re-import: the importer alone, and the importer plus wire encode / decode (what
 *    the view waits for when the host has to read the file again).
 * IndexedDB there is fake-indexeddb in Node (structured clone in memory). Then the same in
 * Chromium's own IndexedDB (on disk, /usr/bin/chromium via Playwright): the 62 chunks (one real
 * chunk of the import, stored under every index) written in the view's batches, the page
 * reloaded, and all read back; beside it, decoding the same chunks from their wire JSON in the
 * page (what a reopen through the host's trace.chunk costs the page, network and import aside).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { chromium } from 'playwright-core';
import type { TraceChunkWire } from '../../electron/api/contract.ts';
import { chunkToWire } from '../../electron/trace/chunk-wire.ts';
import { importTraceFile } from '../../electron/trace/importer.ts';
import type { TraceSummary } from '../../electron/api/trace-model.ts';
import { CrashdeckDb, usageByDump } from '../../renderer/lib/db.ts';
import { decodeTraceChunk, type DecodedTraceChunk } from '../../renderer/lib/trace-chunk.ts';
import { readChunks, rememberTrace, storeChunks } from '../../renderer/views/Traces/stored-traces.ts';
import { chromiumArgs, chromiumPath } from '../e2e/chromium.ts';
import { fixtureFile } from '../support/fixtures.ts';

const targetEvents = 1_000_000;
const runs = 3;
const batch = 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The fixture's events repeated with shifted timestamps up to `targetEvents` lines. */
function buildReport(file: string): number {
  const lines = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8').split('\n');
  const events = lines.map((l) => /^(.*\]\s+)(\d+\.\d+)(:.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const span = Math.ceil(Math.max(...events.map((m) => Number(m[2])))) + 1;
  const out: string[] = ['cpus=2'];
  for (let rep = 0; out.length - 1 < targetEvents; rep++) {
    for (const m of events) {
      if (out.length - 1 >= targetEvents) break;
      out.push(`${m[1]}${(Number(m[2]) + rep * span).toFixed(6)}${m[3]}`);
    }
  }
  writeFileSync(file, out.join('\n') + '\n');
  return out.length - 1;
}

/** Timings taken in Chromium (ms). */
interface BrowserTimes { store: number; reopen: number[]; firstBatch: number[]; whole: number[]; wireDecode: number[]; events: number }

/**
 * Store `count` copies of one wire chunk in Chromium's IndexedDB as the view does (decoded
 * typed-array columns, batches of 8 per transaction), reload, and time reading them all back.
 */
async function chromiumReopen(wire: TraceChunkWire, count: number): Promise<BrowserTimes> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage();
    // tsx compiles the page functions below with esbuild's keep-names helper; give the page one.
    await page.addInitScript('globalThis.__name = (f) => f;');
    // Any http origin has IndexedDB; this one is served by the route, no server needed.
    await page.route('http://bench.crashdeck.invalid/**', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
    await page.goto('http://bench.crashdeck.invalid/');
    const wireJson = JSON.stringify(wire);
    const stored = await page.evaluate(async ({ wireJson, count, batch }) => {
      const open = (): Promise<IDBDatabase> => new Promise((resolve, reject) => {
        const req = indexedDB.open('bench', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('traceChunks', { keyPath: ['trace', 'index'] });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const bytesOf = (b64: string): ArrayBuffer => {
        const bin = atob(b64);
        const out = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
        return out.buffer;
      };
      const w = JSON.parse(wireJson) as Record<string, unknown> & { count: number; comms: string[]; events: string[]; stacks: string[]; args: string };
      const chunk = {
        count: w.count,
        ts: new Float64Array(bytesOf(w.ts as string)), cpu: new Uint16Array(bytesOf(w.cpu as string)), pid: new Int32Array(bytesOf(w.pid as string)),
        comm: new Uint16Array(bytesOf(w.comm as string)), event: new Uint16Array(bytesOf(w.event as string)), stack: new Int32Array(bytesOf(w.stack as string)),
        argsEnd: new Uint32Array(bytesOf(w.argsEnd as string)), comms: w.comms, events: w.events, stacks: w.stacks, args: w.args,
      };
      const db = await open();
      const t0 = performance.now();
      for (let from = 0; from < count; from += batch) {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('traceChunks', 'readwrite');
          for (let i = from; i < Math.min(count, from + batch); i++) tx.objectStore('traceChunks').put({ trace: 1, index: i, chunk: { ...chunk, index: i } });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      }
      db.close();
      return performance.now() - t0;
    }, { wireJson, count, batch });

    const reopen: number[] = [];
    const firstBatch: number[] = [];
    const whole: number[] = [];
    const wireDecode: number[] = [];
    let events = 0;
    for (let run = 0; run < runs; run++) {
      await page.reload();
      const r = await page.evaluate(async ({ count, batch, wireJson }) => {
        const t0 = performance.now();
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open('bench', 1);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        const read = (from: number, to: number): Promise<Array<{ chunk: { count: number } }>> => new Promise((resolve, reject) => {
          const req = db.transaction('traceChunks', 'readonly').objectStore('traceChunks').getAll(IDBKeyRange.bound([1, from], [1, to - 1]));
          req.onsuccess = () => resolve(req.result as Array<{ chunk: { count: number } }>);
          req.onerror = () => reject(req.error);
        });
        let events = 0;
        let firstBatch = 0;
        for (let from = 0; from < count; from += batch) {
          for (const row of await read(from, Math.min(count, from + batch))) events += row.chunk.count;
          if (from === 0) firstBatch = performance.now() - t0;
        }
        const reopen = performance.now() - t0;
        // All chunks in one request, for comparison with the view's batches.
        const t2 = performance.now();
        const all = await read(0, count);
        const whole = performance.now() - t2;
        if (all.length !== count) throw new Error('short read');
        db.close();
        // The same chunks decoded from their wire JSON (the page's share of a reopen through the host).
        const t1 = performance.now();
        let wireEvents = 0;
        for (let i = 0; i < count; i++) {
          const w = JSON.parse(wireJson) as Record<string, string> & { count: number };
          for (const col of ['ts', 'cpu', 'pid', 'comm', 'event', 'stack', 'argsEnd']) {
            const bin = atob(w[col]!);
            const out = new Uint8Array(bin.length);
            for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
          }
          wireEvents += w.count;
        }
        return { reopen, firstBatch, whole, events, wireDecode: performance.now() - t1, wireEvents };
      }, { count, batch, wireJson });
      if (r.wireEvents !== r.events) throw new Error('wire decode count differs');
      reopen.push(r.reopen);
      firstBatch.push(r.firstBatch);
      whole.push(r.whole);
      wireDecode.push(r.wireDecode);
      events = r.events;
    }
    return { store: stored, reopen, firstBatch, whole, wireDecode, events };
  } finally {
    await browser.close();
  }
}

/** Import with the real importer; `decode`: also through the wire and the view's decoder. */
async function importText(file: string, decode: boolean): Promise<{ ms: number; summary: TraceSummary; chunks: DecodedTraceChunk[]; firstWire: TraceChunkWire | null }> {
  const chunks: DecodedTraceChunk[] = [];
  let firstWire: TraceChunkWire | null = null;
  const t0 = performance.now();
  const summary = await importTraceFile(file, {}, {
    onChunk: async (c) => {
      if (!decode) return;
      const w = JSON.parse(JSON.stringify(chunkToWire('bench', c))) as TraceChunkWire;
      firstWire ??= w;
      chunks.push(decodeTraceChunk(w));
    },
  });
  return { ms: performance.now() - t0, summary, chunks, firstWire };
}

export async function runBench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-bench-trace-reopen-'));
  try {
    const file = path.join(dir, 'report-1M.txt');
    const events = buildReport(file);
    const mb = statSync(file).size / 1e6;
    console.log(`input: ${events.toLocaleString('en-US')} events of trace-cmd report text, ${mb.toFixed(1)} MB (oom-slab-leak events repeated); IndexedDB: fake-indexeddb in Node; load average ${loadavg()[0]!.toFixed(2)} on this shared machine`);

    const plain: number[] = [];
    const full: number[] = [];
    let imported: Awaited<ReturnType<typeof importText>> | null = null;
    for (let i = 0; i < runs; i++) {
      plain.push((await importText(file, false)).ms);
      imported = await importText(file, true);
      full.push(imported.ms);
    }
    const { summary, chunks } = imported!;
    if (summary.events !== events) throw new Error(`imported ${summary.events} events, expected ${events}`);

    const db = new CrashdeckDb('bench-trace-reopen', { indexedDB: new IDBFactory(), IDBKeyRange });
    const kept = await rememberTrace(db, 'bench', { traceId: 'bench', summary });
    const s0 = performance.now();
    let complete = false;
    for (let i = 0; i < chunks.length; i += batch) complete = await storeChunks(db, kept.id, chunks.slice(i, i + batch), chunks.length);
    const storeMs = performance.now() - s0;
    if (!complete) throw new Error('the stored trace is not complete');
    const stored = (await usageByDump(db))[0]!.traceBytes;

    const reopen: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      let n = 0;
      for (let from = 0; from < chunks.length; from += batch) {
        for (const c of await readChunks(db, kept.id, from, Math.min(chunks.length, from + batch))) n += c.count;
      }
      reopen.push(performance.now() - t0);
      if (n !== events) throw new Error(`reopened ${n} events, expected ${events}`);
    }
    db.close();

    const r = median(reopen);
    const p = median(plain);
    const f = median(full);
    console.log(`stored: ${chunks.length} chunks, ${(stored / 1e6).toFixed(1)} MB in IndexedDB (${(stored / events).toFixed(0)} bytes per event; the text is ${(mb * 1e6 / events).toFixed(0)}); storing took ${storeMs.toFixed(0)} ms in ${Math.ceil(chunks.length / batch)} transactions`);
    console.log(`reopen (read all chunks from IndexedDB, checked): ${r.toFixed(0)} ms (median of ${runs}) = ${(events / (r / 1000) / 1e6).toFixed(2)} M events/s`);
    console.log(`re-import, importer only:                 ${p.toFixed(0)} ms = ${(mb / (p / 1000)).toFixed(0)} MB/s; reopen is ${(p / r).toFixed(1)}x as fast`);
    console.log(`re-import + wire encode/decode (the view): ${f.toFixed(0)} ms; reopen is ${(f / r).toFixed(1)}x as fast`);

    const b = await chromiumReopen(imported!.firstWire!, chunks.length);
    const br = median(b.reopen);
    const bw = median(b.wireDecode);
    console.log(`Chromium IndexedDB (on disk): ${chunks.length} copies of the first chunk = ${b.events.toLocaleString('en-US')} events stored in ${b.store.toFixed(0)} ms; reopen after a page reload: ${br.toFixed(0)} ms (median of ${runs}) = ${(b.events / (br / 1000) / 1e6).toFixed(2)} M events/s; first ${batch} chunks (first paint) after ${median(b.firstBatch).toFixed(0)} ms; all in one request ${median(b.whole).toFixed(0)} ms`);
    console.log(`  same chunks decoded from wire JSON in the page (host path, no import, no network): ${bw.toFixed(0)} ms; IndexedDB reopen is ${(bw / br).toFixed(1)}x as fast; vs re-import (importer only, Node) ${(p / br).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
