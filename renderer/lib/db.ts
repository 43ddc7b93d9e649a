/**
 * The renderer's IndexedDB cache (Dexie): dumps, command results, annotations and traces, keyed
 * on the dump's fingerprint so a reopened dump renders at once without a crash process.
 *
 * The schema is versioned; every past version stays in `schemaHistory` so a test can create a
 * database the way an older build left it and check that today's build upgrades it. Node tests
 * inject fake-indexeddb through the constructor.
 */
import { Dexie, type Table, type Transaction } from 'dexie';
import type { Diagnosis, Parsed, Result } from '../../electron/api/contract.ts';
import type { DecodedTraceChunk } from './trace-chunk.ts';

/** A dump the user has opened. */
export interface DumpRecord {
  fingerprint: string;
  vmcore: string;
  vmlinux: string | null;
  /** "local" or "user@host:port". */
  host: string;
  release: string | null;
  crashVersion: string | null;
  firstOpened: number;
  lastOpened: number;
  /** Views the user opened for this dump (the ones that come back from the cache). */
  visitedViews: string[];
  /** The dump's own facts, kernel log and log-based verdict (dump.identify) and when they were read. Not indexed. */
  early?: { result: Result<'dump.identify'>; at: number };
}

/** One command's output for one dump, as the Api returned it. */
export interface ResultRecord {
  fingerprint: string;
  /** The command line ("sys", "vm 251"). */
  command: string;
  raw: string;
  parsed: Parsed | null;
  /** parsed.parserVersion, kept as a column so stale parses can be found. */
  parserVersion: number | null;
  crashVersion: string | null;
  /** Which engine produced it (absent in records cached before drgn: crash). A drgn record has no raw text. */
  engine?: 'crash' | 'drgn';
  /** That engine's release (drgn's "0.3.0"). */
  engineVersion?: string;
  /** When crash produced it (ms since epoch). */
  at: number;
  durationMs: number;
  warnings: string[];
  error: string | null;
  /** The session's findings about this output (e.g. crash-too-old: do not trust it). Not indexed. */
  diagnoses?: Diagnosis[];
  /** Last time a view read it (LRU eviction order). */
  lastUsed: number;
  /** Approximate stored size, for usage per dump and eviction. */
  bytes: number;
}

/** A user's note on a row of a view (issue 9 builds the editor). */
export interface AnnotationRecord {
  id?: number;
  fingerprint: string;
  view: string;
  rowKey: string;
  text: string;
  createdAt: number;
  updatedAt: number;
}

/** An imported trace for a dump: its summary, and whether all its event chunks are stored. */
export interface TraceRecord {
  id?: number;
  fingerprint: string;
  name: string;
  format: string;
  importedAt: number;
  /** The trace file's size. */
  bytes: number;
  data: unknown;
  /**
   * True only once every chunk is in `traceChunks` (set in the transaction that stores the last
   * one), so a write cut short never passes for a whole trace. Absent before schema 4.
   */
  complete?: boolean;
  /** Last time the Traces view showed it (LRU eviction order of its chunks). */
  lastUsed?: number;
}

/**
 * One chunk of a trace's events as typed-array columns (structured clone: binary, not one row
 * per event), under its trace record's id and its position in the import.
 */
export interface TraceChunkRecord {
  /** The TraceRecord's id. */
  trace: number;
  index: number;
  fingerprint: string;
  /** Stored size (columns plus strings), for usage per dump and eviction. */
  bytes: number;
  chunk: DecodedTraceChunk;
}

/** One schema version: Dexie store specs and the upgrade from the previous version. */
export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

/** Every schema version ever shipped, oldest first. Never edit a shipped entry; append. */
export const schemaHistory: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      dumps: 'fingerprint, lastOpened',
      results: '[fingerprint+command], fingerprint, at',
    },
  },
  {
    version: 2,
    stores: {
      dumps: 'fingerprint, lastOpened',
      results: '[fingerprint+command], fingerprint, at, lastUsed, parserVersion',
      annotations: '++id, fingerprint, [fingerprint+view]',
      traces: '++id, fingerprint',
    },
    // v1 had no LRU column, no size and no record of visited views.
    upgrade: async (tx) => {
      await tx.table('results').toCollection().modify((r: Partial<ResultRecord> & { raw?: string; at?: number; parsed?: Parsed | null }) => {
        r.lastUsed ??= r.at ?? 0;
        r.parserVersion ??= r.parsed?.parserVersion ?? null;
        r.bytes ??= approxBytes(r);
        r.warnings ??= [];
        r.error ??= null;
      });
      await tx.table('dumps').toCollection().modify((d: Partial<DumpRecord>) => {
        d.visitedViews ??= [];
        d.host ??= 'local';
      });
    },
  },
  {
    version: 3,
    // Sizes readable from an index alone: usage and eviction never load (and deserialise) a
    // result's raw text and parsed model, which for a big `ps` is megabytes.
    stores: {
      results: '[fingerprint+command], fingerprint, at, lastUsed, parserVersion, [fingerprint+command+bytes]',
    },
  },
  {
    version: 4,
    // A trace's events kept beside its summary, so a trace reopens without the host's spool.
    // Sizes per trace come from the [fingerprint+trace+bytes] index without loading a chunk.
    stores: {
      traceChunks: '[trace+index], fingerprint, [fingerprint+trace+bytes]',
    },
    // Traces stored before v4 kept only their summary: say so, and give them an LRU time.
    upgrade: async (tx) => {
      await tx.table('traces').toCollection().modify((t: Partial<TraceRecord>) => {
        t.complete ??= false;
        t.lastUsed ??= t.importedAt ?? 0;
      });
    },
  },
];

/** The current schema version. */
export const schemaVersion = schemaHistory[schemaHistory.length - 1]!.version;

/** Apply schema versions 1..upTo to a Dexie instance (the app uses all; tests stop early to build old databases). */
export function applySchema(db: Dexie, upTo = schemaVersion): void {
  for (const s of schemaHistory) {
    if (s.version > upTo) break;
    const v = db.version(s.version).stores(s.stores);
    if (s.upgrade) v.upgrade(s.upgrade);
  }
}

/** IndexedDB implementation to use (fake-indexeddb in Node tests). */
export interface IdbDeps {
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
}

/** The typed database. */
export class CrashdeckDb extends Dexie {
  dumps!: Table<DumpRecord, string>;
  results!: Table<ResultRecord, [string, string]>;
  annotations!: Table<AnnotationRecord, number>;
  traces!: Table<TraceRecord, number>;
  traceChunks!: Table<TraceChunkRecord, [number, number]>;

  constructor(name = 'crashdeck', deps?: IdbDeps) {
    // A cache: 'relaxed' commits without waiting for the disk flush (Chromium's default waits,
    // which on a busy disk puts hundreds of ms between opening a dump and seeing its verdict).
    super(name, { ...deps, chromeTransactionDurability: 'relaxed' });
    applySchema(this);
  }

  /** Drop everything (the Storage panel's "clear all", and tests). */
  async reset(): Promise<void> {
    await this.transaction('rw', [this.dumps, this.results, this.annotations, this.traces, this.traceChunks], async () => {
      await Promise.all([this.dumps.clear(), this.results.clear(), this.annotations.clear(), this.traces.clear(), this.traceChunks.clear()]);
    });
  }
}

/** Approximate bytes a result takes (UTF-16 strings, as the browser accounts them). */
export function approxBytes(r: { raw?: string; parsed?: unknown }): number {
  let parsedLen = 0;
  try {
    parsedLen = r.parsed == null ? 0 : JSON.stringify(r.parsed).length;
  } catch {
    parsedLen = 0;
  }
  return 2 * ((r.raw?.length ?? 0) + parsedLen);
}

/** Record that a dump was opened (creating it the first time), keeping first-opened and visited views. */
export async function touchDump(db: CrashdeckDb, d: Omit<DumpRecord, 'firstOpened' | 'lastOpened' | 'visitedViews'>, now = Date.now()): Promise<DumpRecord> {
  return db.transaction('rw', db.dumps, async () => {
    const old = await db.dumps.get(d.fingerprint);
    const rec: DumpRecord = {
      ...d,
      release: d.release ?? old?.release ?? null,
      crashVersion: d.crashVersion ?? old?.crashVersion ?? null,
      firstOpened: old?.firstOpened ?? now,
      lastOpened: now,
      visitedViews: old?.visitedViews ?? [],
      ...(old?.early ? { early: old.early } : {}),
    };
    await db.dumps.put(rec);
    return rec;
  });
}

/** Keep a dump's dump.identify answer beside it (the verdict shows at once on the next open). */
export async function storeEarly(db: CrashdeckDb, fingerprint: string, result: Result<'dump.identify'>, at = Date.now()): Promise<void> {
  await db.dumps.update(fingerprint, { early: { result, at } });
}

/** Remember that a view was opened for a dump, so a later offline reopen knows what to show. */
export async function markVisited(db: CrashdeckDb, fingerprint: string, view: string): Promise<void> {
  await db.transaction('rw', db.dumps, async () => {
    const d = await db.dumps.get(fingerprint);
    if (!d || d.visitedViews.includes(view)) return;
    await db.dumps.update(fingerprint, { visitedViews: [...d.visitedViews, view] });
  });
}

/**
 * Read a cached result and stamp its LRU time. The stamp is written after the read returns (the
 * view paints first); `stamped` resolves when it is stored.
 */
export async function getResult(db: CrashdeckDb, fingerprint: string, command: string, now = Date.now()): Promise<ResultRecord | undefined> {
  const r = await db.results.get([fingerprint, command]);
  if (r) lastStamp = db.results.update([fingerprint, command], { lastUsed: now }).catch(() => 0);
  return r;
}

let lastStamp: Promise<unknown> = Promise.resolve();
/** Resolves when the latest LRU stamp from getResult is stored (tests, eviction). */
export function stamped(): Promise<unknown> {
  return lastStamp;
}

/**
 * Store a result in one transaction with its dump's bookkeeping, then evict least-recently-used
 * results of other dumps beyond `maxBytes`. A write cut short by closing the app rolls back whole.
 */
export async function putResult(db: CrashdeckDb, r: Omit<ResultRecord, 'bytes' | 'lastUsed' | 'parserVersion'>, maxBytes = defaultMaxBytes, now = Date.now()): Promise<ResultRecord> {
  const rec: ResultRecord = { ...r, parserVersion: r.parsed?.parserVersion ?? null, lastUsed: now, bytes: approxBytes(r) };
  await db.transaction('rw', db.results, db.dumps, async () => {
    await db.results.put(rec);
    const d = await db.dumps.get(r.fingerprint);
    if (d) await db.dumps.update(r.fingerprint, { lastOpened: Math.max(d.lastOpened, now), crashVersion: r.crashVersion ?? d.crashVersion });
  });
  await evictLru(db, maxBytes, r.fingerprint);
  return rec;
}

/** Default cache budget: 200 MB. */
export const defaultMaxBytes = 200 * 1024 * 1024;

/** (fingerprint, command, bytes) of every result, from the size index only. */
async function sizes(db: CrashdeckDb): Promise<Array<[string, string, number]>> {
  return (await db.results.orderBy('[fingerprint+command+bytes]').keys()) as unknown as Array<[string, string, number]>;
}

/** (fingerprint, trace record id, bytes) of every stored trace chunk, from its size index only. */
async function traceChunkSizes(db: CrashdeckDb): Promise<Array<[string, number, number]>> {
  return (await db.traceChunks.orderBy('[fingerprint+trace+bytes]').keys()) as unknown as Array<[string, number, number]>;
}

/** One dump's share of the cache: results and trace events (with how many traces hold events). */
export interface DumpUsage {
  fingerprint: string;
  bytes: number;
  results: number;
  /** Traces with stored event chunks. */
  traces: number;
  /** Of `bytes`, what the traces' event chunks take. */
  traceBytes: number;
}

/** Bytes used per dump, largest first (read from indexes: no result or chunk is loaded). */
export async function usageByDump(db: CrashdeckDb): Promise<DumpUsage[]> {
  const by = new Map<string, DumpUsage>();
  const of = (fingerprint: string): DumpUsage => {
    let u = by.get(fingerprint);
    if (!u) by.set(fingerprint, (u = { fingerprint, bytes: 0, results: 0, traces: 0, traceBytes: 0 }));
    return u;
  };
  for (const [fingerprint, , bytes] of await sizes(db)) {
    const u = of(fingerprint);
    u.bytes += bytes;
    u.results += 1;
  }
  const traces = new Set<string>();
  for (const [fingerprint, trace, bytes] of await traceChunkSizes(db)) {
    const u = of(fingerprint);
    u.bytes += bytes;
    u.traceBytes += bytes;
    const key = `${fingerprint}\u0000${trace}`;
    if (!traces.has(key)) {
      traces.add(key);
      u.traces += 1;
    }
  }
  return [...by.values()].sort((a, b) => b.bytes - a.bytes);
}

/**
 * Drop a trace's stored event chunks (eviction, a re-store) and mark it incomplete in the same
 * transaction; its summary stays. Call inside a rw transaction over traces and traceChunks.
 */
export async function dropTraceChunks(db: CrashdeckDb, traceId: number): Promise<void> {
  await db.traceChunks.where('[trace+index]').between([traceId, Dexie.minKey], [traceId, Dexie.maxKey], true, true).delete();
  await db.traces.update(traceId, { complete: false });
}

/** Delete everything cached for one dump, atomically. */
export async function deleteDump(db: CrashdeckDb, fingerprint: string): Promise<void> {
  await db.transaction('rw', [db.dumps, db.results, db.annotations, db.traces, db.traceChunks], async () => {
    await db.results.where('fingerprint').equals(fingerprint).delete();
    await db.annotations.where('fingerprint').equals(fingerprint).delete();
    await db.traceChunks.where('fingerprint').equals(fingerprint).delete();
    await db.traces.where('fingerprint').equals(fingerprint).delete();
    await db.dumps.delete(fingerprint);
  });
}

/** Something eviction can delete: one result, or one trace's event chunks. */
type Evictable = { fingerprint: string; lastUsed: number; bytes: number } & ({ kind: 'result'; key: [string, string] } | { kind: 'trace'; id: number });

/**
 * Delete least-recently-used results and trace event chunks until the total is within
 * `maxBytes`. Those of `keep` (the dump on screen) go last. A trace loses its chunks as a whole
 * and keeps its summary (it shows as "summary only" until imported again). Annotations are never
 * evicted: they are the user's own work. Returns how many results and traces were evicted.
 */
export async function evictLru(db: CrashdeckDb, maxBytes: number, keep?: string): Promise<number> {
  await stamped();
  return db.transaction('rw', [db.results, db.traces, db.traceChunks], async () => {
    const size = new Map<string, number>();
    let total = 0;
    for (const [fp, cmd, bytes] of await sizes(db)) {
      size.set(JSON.stringify([fp, cmd]), bytes);
      total += bytes;
    }
    const traceBytes = new Map<number, { fingerprint: string; bytes: number }>();
    for (const [fingerprint, trace, bytes] of await traceChunkSizes(db)) {
      const t = traceBytes.get(trace) ?? { fingerprint, bytes: 0 };
      t.bytes += bytes;
      traceBytes.set(trace, t);
      total += bytes;
    }
    if (total <= maxBytes) return 0;
    const items: Evictable[] = [];
    await db.results.orderBy('lastUsed').eachKey((lastUsed, cursor) => {
      const key = cursor.primaryKey as [string, string];
      items.push({ kind: 'result', key, fingerprint: key[0], lastUsed: Number(lastUsed), bytes: size.get(JSON.stringify(key)) ?? 0 });
    });
    const ids = [...traceBytes.keys()];
    const records = ids.length ? await db.traces.bulkGet(ids) : [];
    ids.forEach((id, k) => {
      const t = records[k];
      // Chunks whose trace record is gone are of no use: they go first.
      items.push({ kind: 'trace', id, fingerprint: traceBytes.get(id)!.fingerprint, lastUsed: t ? (t.lastUsed ?? t.importedAt) : Number.MIN_SAFE_INTEGER, bytes: traceBytes.get(id)!.bytes });
    });
    // Stable: results keep their index order among equal times.
    items.sort((a, b) => a.lastUsed - b.lastUsed);
    const order = [...items.filter((i) => i.fingerprint !== keep), ...items.filter((i) => i.fingerprint === keep)];
    let deleted = 0;
    for (const item of order) {
      if (total <= maxBytes) break;
      if (item.kind === 'result') await db.results.delete(item.key);
      else await dropTraceChunks(db, item.id);
      total -= item.bytes;
      deleted++;
    }
    return deleted;
  });
}
