/**
 * Traces kept in the renderer's IndexedDB, per dump: the summary in `traces` and the events as
 * columnar chunks in `traceChunks`, so a trace reopens after a page reload or a host restart
 * (whose temp spool is gone) without importing the file again. A trace counts as stored only
 * once its last chunk is written: the record's `complete` flag is set in that same transaction.
 */
import type { TraceSummary } from '../../../electron/api/trace-model.ts';
import { dropTraceChunks, evictLru, type CrashdeckDb, type TraceChunkRecord, type TraceRecord } from '../../lib/db.ts';
import { checkStoredChunk, storedChunkBytes, type DecodedTraceChunk } from '../../lib/trace-chunk.ts';

/** A stored import as the view lists it. */
export interface StoredTrace {
  id: number;
  traceId: string;
  importedAt: number;
  summary: TraceSummary;
  /** Every event chunk is stored: the events show without the host. */
  complete: boolean;
}

function isStoredData(x: unknown): x is { traceId: string; summary: TraceSummary } {
  const d = x as { traceId?: unknown; summary?: { file?: unknown; events?: unknown; chunks?: unknown } } | null;
  return typeof d?.traceId === 'string' && typeof d.summary?.file === 'string' && typeof d.summary.events === 'number';
}

function toStored(r: TraceRecord): StoredTrace | null {
  if (r.id === undefined || !isStoredData(r.data)) return null;
  return { id: r.id, traceId: r.data.traceId, importedAt: r.importedAt, summary: r.data.summary, complete: r.complete === true };
}

/** The dump's stored imports, newest first; records of another shape are passed over. */
export async function loadStored(db: CrashdeckDb | null, fingerprint: string): Promise<StoredTrace[]> {
  if (!db) return [];
  try {
    const rows = await db.traces.where('fingerprint').equals(fingerprint).toArray();
    return rows
      .map(toStored)
      .filter((t): t is StoredTrace => t !== null)
      .sort((a, b) => b.importedAt - a.importedAt);
  } catch {
    return [];
  }
}

/**
 * Keep an import's summary for the dump and return its record id, reusing the record already
 * kept for the same trace (a reload while the host still has it). A trace without events is
 * complete at once; any other waits for its chunks (storeChunks).
 */
export async function rememberTrace(db: CrashdeckDb, fingerprint: string, r: { traceId: string; summary: TraceSummary }, now = Date.now()): Promise<StoredTrace> {
  return db.transaction('rw', db.traces, async () => {
    for (const row of await db.traces.where('fingerprint').equals(fingerprint).toArray()) {
      const t = toStored(row);
      if (t && t.traceId === r.traceId) return t;
    }
    const complete = r.summary.chunks === 0;
    const id = await db.traces.add({
      fingerprint, name: r.summary.file, format: r.summary.format, importedAt: now, bytes: r.summary.bytes,
      data: { traceId: r.traceId, summary: r.summary }, complete, lastUsed: now,
    });
    return { id, traceId: r.traceId, importedAt: now, summary: r.summary, complete };
  });
}

function chunkRange(id: number, from: number, to: number): [[number, number], [number, number]] {
  return [[id, from], [id, to]];
}

/**
 * Store a batch of a trace's chunks in one transaction; when that makes all `expected` chunks
 * present, the record is marked complete in the same transaction. Returns whether the trace is
 * now complete. A record deleted meanwhile (the dump's cache was cleared) takes no chunks.
 */
export async function storeChunks(db: CrashdeckDb, id: number, chunks: readonly DecodedTraceChunk[], expected: number, now = Date.now()): Promise<boolean> {
  return db.transaction('rw', db.traces, db.traceChunks, async () => {
    const rec = await db.traces.get(id);
    if (!rec) return false;
    const rows: TraceChunkRecord[] = chunks.map((chunk) => ({ trace: id, index: chunk.index, fingerprint: rec.fingerprint, bytes: storedChunkBytes(chunk), chunk }));
    await db.traceChunks.bulkPut(rows);
    const [lo, hi] = chunkRange(id, 0, expected);
    const have = await db.traceChunks.where('[trace+index]').between(lo, hi, true, false).count();
    const complete = have === expected;
    // Stored whole just now: it is the most recently used trace.
    if (complete !== (rec.complete === true)) await db.traces.update(id, complete ? { complete, lastUsed: now } : { complete });
    return complete;
  });
}

/**
 * Chunks from..to-1 of a stored trace, in order and checked. Throws when the trace is not
 * complete (never show part of a trace as the whole) or a chunk is missing or damaged.
 */
export async function readChunks(db: CrashdeckDb, id: number, from: number, to: number): Promise<DecodedTraceChunk[]> {
  return db.transaction('r', db.traces, db.traceChunks, async () => {
    const rec = await db.traces.get(id);
    if (!rec?.complete) throw new Error('this trace is not (or no longer) stored whole in this browser: import it again');
    const [lo, hi] = chunkRange(id, from, to);
    const rows = await db.traceChunks.where('[trace+index]').between(lo, hi, true, false).toArray();
    if (rows.length !== to - from) throw new Error(`only ${rows.length} of chunks ${from}..${to - 1} are stored: import the trace again`);
    return rows.map((r, k) => checkStoredChunk(r.chunk, from + k));
  });
}

/** Stamp a stored trace's LRU time (it was shown), so eviction takes older data first. */
export async function touchTrace(db: CrashdeckDb, id: number, now = Date.now()): Promise<void> {
  await db.traces.update(id, { lastUsed: now });
}

/** Where and within which budget a host trace's chunks are kept. */
export interface KeepIn {
  db: CrashdeckDb;
  /** The trace's record (rememberTrace). */
  id: number;
  /** The dump on screen: its data is evicted last. */
  fingerprint: string;
  /** The cache limit (bytes). */
  maxBytes: number;
}

/** The trace alone outgrew the cache limit: its stored chunks were dropped. */
export class TooBigForCache extends Error {
  constructor(readonly maxBytes: number) {
    super(`the trace is bigger than the cache limit (${maxBytes} bytes)`);
  }
}

/**
 * Store a host trace's chunks batch by batch (storeChunks), resolving true once it is whole;
 * then least recently used data of other dumps (then of this one) makes room for it. A trace
 * bigger than the whole limit is not kept: its chunks are dropped and TooBigForCache thrown,
 * rather than evicting everything else for it.
 */
export function chunkSaver(keep: KeepIn, expected: number): (batch: readonly DecodedTraceChunk[]) => Promise<boolean> {
  let bytes = 0;
  return async (batch) => {
    bytes += batch.reduce((n, c) => n + storedChunkBytes(c), 0);
    if (bytes > keep.maxBytes) {
      await keep.db.transaction('rw', keep.db.traces, keep.db.traceChunks, () => dropTraceChunks(keep.db, keep.id));
      throw new TooBigForCache(keep.maxBytes);
    }
    const complete = await storeChunks(keep.db, keep.id, batch, expected);
    if (complete) await evictLru(keep.db, keep.maxBytes, keep.fingerprint);
    return complete;
  };
}
