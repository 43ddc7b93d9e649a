/**
 * Worker-thread side of the trace import: runs importTraceFile off the main thread, so a
 * gigabyte of text never stalls the Electron main process or the serve host. Messages are
 * described in worker-protocol.ts; chunks travel as transferred ArrayBuffers (no copy).
 */
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../api/contract.ts';
import { importTraceFile } from './importer.ts';
import type { TraceEventChunk } from '../api/trace-model.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('import-worker.ts must run in a worker thread');

const controller = new AbortController();

function transferList(c: TraceEventChunk): ArrayBuffer[] {
  return [c.ts, c.cpu, c.pid, c.comm, c.event, c.stack, c.argsEnd].map((a) => a.buffer as ArrayBuffer);
}

// Chunks posted and not yet acknowledged by the client (it acks once it has stored one).
const unacked = new Map<number, () => void>();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controller.abort();
    for (const release of unacked.values()) release();
    return;
  }
  if (msg.type === 'ack') {
    unacked.get(msg.index)?.();
    unacked.delete(msg.index);
    return;
  }
  const send = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  importTraceFile(msg.file, msg.options, {
    signal: controller.signal,
    onProgress: (progress) => send({ type: 'progress', progress }),
    onChunk: msg.wantChunks
      ? (chunk) => new Promise<void>((resolve) => {
        unacked.set(chunk.index, resolve);
        send({ type: 'chunk', chunk }, transferList(chunk));
      })
      : undefined,
  }).then(
    (summary) => send({ type: 'done', summary }),
    (err: unknown) => {
      const e = err instanceof ApiError ? err.toJSON() : { code: 'internal' as const, message: err instanceof Error ? err.message : String(err) };
      send({ type: 'error', error: e });
    },
  );
});
