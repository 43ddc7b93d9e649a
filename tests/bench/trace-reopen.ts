/**
 * Reopening a stored trace vs importing its text again, side by side in one run:
 *  - a 1,000,000-event `trace-cmd report` text built by repeating the oom-slab-leak fixture's
 *    events with shifted timestamps, imported by the real importer (electron/trace) on this thread;
 *  - its chunks put through the wire and decoded as the view does, then stored in IndexedDB the
 *    way the Traces view stores them (stored-traces.ts: batches of 8 chunks per transaction);
 *  - reopen: every chunk read back and checked (readChunks), as the view does on a reload or on a
 *    new host; vs re-import: the importer alone, and the importer plus wire encode / decode (what
 *    the view waits for when the host has to read the file again).
 * IndexedDB here is fake-indexeddb in Node (structured clone in memory), not Chromium's on-disk
 * store: the ratio says what the columnar layout costs to read back, not the disk.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { TraceChunkWire } from '../../electron/api/contract.ts';
import { chunkToWire } from '../../electron/trace/chunk-wire.ts';
import { importTraceFile } from '../../electron/trace/importer.ts';
import type { TraceSummary } from '../../electron/trace/model.ts';
import { CrashdeckDb, usageByDump } from '../../renderer/lib/db.ts';
import { decodeTraceChunk, type DecodedTraceChunk } from '../../renderer/lib/trace-chunk.ts';
import { readChunks, rememberTrace, storeChunks } from '../../renderer/views/Traces/stored-traces.ts';
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

/** Import with the real importer; `decode`: also through the wire and the view's decoder. */
async function importText(file: string, decode: boolean): Promise<{ ms: number; summary: TraceSummary; chunks: DecodedTraceChunk[] }> {
  const chunks: DecodedTraceChunk[] = [];
  const t0 = performance.now();
  const summary = await importTraceFile(file, {}, {
    onChunk: async (c) => {
      if (decode) chunks.push(decodeTraceChunk(JSON.parse(JSON.stringify(chunkToWire('bench', c))) as TraceChunkWire));
    },
  });
  return { ms: performance.now() - t0, summary, chunks };
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
