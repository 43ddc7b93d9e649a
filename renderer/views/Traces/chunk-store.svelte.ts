/**
 * The decoded chunks of the trace on screen, so the event table and the per-task / per-CPU lanes
 * share one copy (typed-array columns, not rows). They come from the analysis host through
 * trace.chunk (and are then kept in IndexedDB, batch by batch) or, for a trace stored earlier,
 * straight from IndexedDB without the host.
 */
import type { RendererApi } from '../../lib/api.ts';
import { toErrorShape } from '../../lib/api.ts';
import type { CrashdeckDb } from '../../lib/db.ts';
import { decodeTraceChunk, type DecodedTraceChunk } from '../../lib/trace-chunk.ts';
import { chunkSaver, readChunks, TooBigForCache, touchTrace, type KeepIn } from './stored-traces.ts';

/** Where the events on screen come from. */
export type ChunkOrigin = 'host' | 'browser';

/**
 * Keeping the host's chunks in this browser: not asked, under way, done, failed (e.g. quota), or
 * given up because the trace alone is bigger than the cache limit.
 */
export type SaveState = 'off' | 'saving' | 'saved' | 'failed' | 'too-big';


/** Reads chunks from..to-1 in order. */
type ChunkReader = (from: number, to: number) => Promise<DecodedTraceChunk[]>;

/** Stores a batch; resolves true once the whole trace is stored. */
type ChunkSaver = (batch: DecodedTraceChunk[]) => Promise<boolean>;

/** Chunks per read (and per IndexedDB write transaction); the view repaints after each. */
const batchSize = 8;

/** A trace's chunks as they arrive. */
export class TraceChunkStore {
  chunks = $state.raw<DecodedTraceChunk[]>([]);
  error = $state<string | null>(null);
  loading = $state(true);
  saved = $state<SaveState>('off');
  #stopped = false;

  constructor(
    readonly origin: ChunkOrigin,
    readonly chunkCount: number,
    private readonly read: ChunkReader,
    private readonly save?: ChunkSaver,
  ) {
    if (save) this.saved = 'saving';
  }

  /** Read every chunk in order, publishing after each batch; host chunks are stored as they come. */
  async load(): Promise<void> {
    const got: DecodedTraceChunk[] = [];
    // One write in flight while the next batch is fetched.
    let writing: Promise<unknown> = Promise.resolve();
    try {
      for (let i = 0; i < this.chunkCount && !this.#stopped; i += batchSize) {
        const part = await this.read(i, Math.min(this.chunkCount, i + batchSize));
        got.push(...part);
        if (this.#stopped) break;
        this.chunks = [...got];
        if (this.save && this.saved === 'saving') {
          await writing;
          writing = this.save(part).then(
            (complete) => { if (complete) this.saved = 'saved'; },
            (err: unknown) => { this.saved = err instanceof TooBigForCache ? 'too-big' : 'failed'; },
          );
        }
      }
      await writing;
      // Nothing to write (no events): the record was complete from the start.
      if (this.save && this.saved === 'saving' && !this.#stopped) this.saved = this.chunkCount === 0 ? 'saved' : 'failed';
    } catch (err) {
      if (!this.#stopped) this.error = toErrorShape(err).message;
    } finally {
      if (!this.#stopped) this.loading = false;
    }
  }

  /** Stop reading (another trace went on screen); a trace left half-stored stays incomplete. */
  stop(): void {
    this.#stopped = true;
  }
}

/** Chunks from the host's spool; with `keep`, each batch is also written to IndexedDB (stored-traces.ts chunkSaver). */
export function hostChunkStore(api: RendererApi, traceId: string, chunkCount: number, keep?: KeepIn): TraceChunkStore {
  const read: ChunkReader = async (from, to) => {
    const out: DecodedTraceChunk[] = [];
    for (let i = from; i < to; i++) out.push(decodeTraceChunk(await api.call('trace.chunk', { traceId, index: i })));
    return out;
  };
  return new TraceChunkStore('host', chunkCount, read, keep ? chunkSaver(keep, chunkCount) : undefined);
}

/** Chunks of a trace stored whole in IndexedDB (no host needed); stamps its LRU time. */
export function storedChunkStore(db: CrashdeckDb, id: number, chunkCount: number): TraceChunkStore {
  return new TraceChunkStore('browser', chunkCount, (from, to) => {
    if (from === 0) void touchTrace(db, id).catch(() => undefined);
    return readChunks(db, id, from, to);
  });
}
