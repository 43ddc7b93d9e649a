/**
 * Messages between the trace import worker and its client (types only).
 */
import type { ApiErrorShape } from '../api/contract.ts';
import type { TraceImportOptions } from './importer.ts';
import type { TraceEventChunk, TraceImportProgress, TraceSummary } from '../api/trace-model.ts';

/** Client -> worker. */
export type ToWorker =
  | { type: 'start'; file: string; options: TraceImportOptions; wantChunks: boolean }
  | { type: 'cancel' }
  /** The client has handled chunk `index` (backpressure: the worker keeps only a few unacknowledged). */
  | { type: 'ack'; index: number };

/** Worker -> client. */
export type FromWorker =
  | { type: 'progress'; progress: TraceImportProgress }
  | { type: 'chunk'; chunk: TraceEventChunk }
  | { type: 'done'; summary: TraceSummary }
  | { type: 'error'; error: ApiErrorShape };
