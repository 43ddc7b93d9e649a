/**
 * The decoded chunks of the trace on screen, fetched one at a time through trace.chunk so the
 * event table and the per-task / per-CPU lanes share one copy (typed-array columns, not rows).
 */
import type { RendererApi } from '../../lib/api.ts';
import { toErrorShape } from '../../lib/api.ts';
import { decodeTraceChunk, type DecodedTraceChunk } from '../../lib/trace-chunk.ts';

/** A trace's chunks as they arrive. */
export class TraceChunkStore {
  chunks = $state.raw<DecodedTraceChunk[]>([]);
  error = $state<string | null>(null);
  loading = $state(true);
  #stopped = false;

  constructor(
    private readonly api: RendererApi,
    readonly traceId: string,
    readonly chunkCount: number,
  ) {}

  /** Fetch every chunk in order, publishing progress every few chunks. */
  async load(): Promise<void> {
    const got: DecodedTraceChunk[] = [];
    try {
      for (let i = 0; i < this.chunkCount && !this.#stopped; i++) {
        got.push(decodeTraceChunk(await this.api.call('trace.chunk', { traceId: this.traceId, index: i })));
        if (!this.#stopped && (i % 8 === 7 || i === this.chunkCount - 1)) this.chunks = [...got];
      }
    } catch (err) {
      if (!this.#stopped) this.error = toErrorShape(err).message;
    } finally {
      if (!this.#stopped) this.loading = false;
    }
  }

  /** Stop fetching (another trace went on screen). */
  stop(): void {
    this.#stopped = true;
  }
}
