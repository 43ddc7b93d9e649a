/**
 * Runs a trace import in a worker_thread, with progress events, chunks and cancel through an
 * AbortSignal. Same options and result as importTraceFile, which it runs on the other side.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../api/contract.ts';
import type { TraceImportHooks, TraceImportOptions } from './importer.ts';
import type { TraceSummary } from '../api/trace-model.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** After cancel, how long the worker may take to stop on its own before it is terminated. */
const cancelGraceMs = 2000;

/**
 * Start the worker. When this module runs from TypeScript source (tsx in the CLI, vitest in
 * tests) the worker gets tsx's loader first; a bundled build ships import-worker.js beside it.
 */
function startWorker(): Worker {
  const entry = new URL('./import-worker' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry);
  const tsxApi = tsxEsmApiUrl();
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); });
  `;
  return new Worker(bootstrap, { eval: true, workerData: { tsxApi, entry: entry.href } });
}

/** URL of tsx's ESM register API (the ESM build: its CJS build cannot load in an eval worker). */
function tsxEsmApiUrl(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(pkg), 'dist/esm/api/index.mjs')).href;
}

/** Import `file` in a worker thread; resolves with the summary, rejects with an ApiError. */
export function importTraceInWorker(file: string, options: TraceImportOptions = {}, hooks: TraceImportHooks = {}): Promise<TraceSummary> {
  return new Promise<TraceSummary>((resolve, reject) => {
    if (hooks.signal?.aborted) {
      reject(new ApiError('cancelled', 'trace import cancelled'));
      return;
    }
    const worker = startWorker();
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => {
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(() => finish(() => reject(new ApiError('cancelled', 'trace import cancelled'))), cancelGraceMs);
    };
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'progress') hooks.onProgress?.(msg.progress);
      else if (msg.type === 'chunk') {
        const index = msg.chunk.index;
        Promise.resolve(hooks.onChunk?.(msg.chunk)).then(
          () => {
            if (!settled) worker.postMessage({ type: 'ack', index } satisfies ToWorker);
          },
          (err: unknown) => finish(() => reject(new ApiError('internal', `storing trace chunk ${index} failed: ${(err as Error).message}`))),
        );
      }
      else if (msg.type === 'done') finish(() => resolve(msg.summary));
      else finish(() => reject(new ApiError(msg.error.code, msg.error.message, msg.error.hint)));
    });
    worker.on('error', (err) => finish(() => reject(new ApiError('internal', `trace import worker failed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new ApiError('internal', `trace import worker exited (code ${code}) before finishing`))));
    worker.postMessage({ type: 'start', file, options, wantChunks: hooks.onChunk !== undefined } satisfies ToWorker);
  });
}
