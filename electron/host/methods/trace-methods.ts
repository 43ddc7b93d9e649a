/**
 * The trace.* methods of the Api contract. Imports run in a worker thread; their chunks are
 * spooled to a private temp directory (one JSON file each) so the main process holds only
 * summaries, however big the trace, and the renderer fetches chunks one at a time for IndexedDB.
 *
 * Wire into create-api.ts:
 *   const trace = createTraceMethods(ctx.bus);
 *   impls = { ...impls, ...trace.impls };   dispose: await trace.dispose();
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiError, type TraceChunkWire, type TraceListEntry } from '../../api/contract.ts';
import type { EventBus, MethodImpls } from '../../api/handlers.ts';
import { chunkToWire } from '../../trace/chunk-wire.ts';
import { traceOomEvidence } from '../../trace/evidence.ts';
import { importTraceFile, type TraceImportHooks, type TraceImportOptions } from '../../trace/importer.ts';
import { linkTraceToDump } from '../../trace/links.ts';
import type { TraceSummary } from '../../api/trace-model.ts';
import { importTraceInWorker } from '../../trace/worker-client.ts';

/** The contract methods this module implements. */
export type TraceMethodName = 'trace.import' | 'trace.cancel' | 'trace.list' | 'trace.summary' | 'trace.chunk' | 'trace.link' | 'trace.close';

/** Where spools go and whether imports use a worker thread. */
export interface TraceMethodsOptions {
  /** Where chunk spools go (default: a fresh directory under the OS temp dir). */
  spoolRoot?: string;
  /** Run imports on the calling thread (tests of the API surface); default is a worker thread. */
  inProcess?: boolean;
}

interface TraceRecord {
  entry: TraceListEntry;
  summary: TraceSummary;
  dir: string;
}

/** Build the trace.* method implementations and their cleanup. */
export function createTraceMethods(bus: EventBus, options: TraceMethodsOptions = {}): { impls: Pick<MethodImpls, TraceMethodName>; dispose(): Promise<void> } {
  const traces = new Map<string, TraceRecord>();
  const running = new Map<string, AbortController>();
  let root: Promise<string> | null = null;
  let counter = 0;
  const spoolRoot = (): Promise<string> => {
    root ??= options.spoolRoot
      ? mkdir(options.spoolRoot, { recursive: true }).then(() => mkdtemp(path.join(options.spoolRoot!, 'traces-')))
      : mkdtemp(path.join(tmpdir(), 'crashdeck-traces-'));
    return root;
  };
  const get = (traceId: string): TraceRecord => {
    const r = traces.get(traceId);
    if (!r) throw new ApiError('not-found', `no imported trace ${traceId}`, 'Import it again with trace.import.');
    return r;
  };
  const run = (file: string, opts: TraceImportOptions, hooks: TraceImportHooks): Promise<TraceSummary> =>
    options.inProcess ? importTraceFile(file, opts, hooks) : importTraceInWorker(file, opts, hooks);

  const impls: Pick<MethodImpls, TraceMethodName> = {
    'trace.import': async (p) => {
      const traceId = p.importId ?? `t${Date.now().toString(36)}${(counter++).toString(36)}`;
      if (running.has(traceId) || traces.has(traceId)) throw new ApiError('bad-request', `import id ${traceId} is already in use`);
      const controller = new AbortController();
      running.set(traceId, controller);
      const dir = path.join(await spoolRoot(), traceId);
      await mkdir(dir, { recursive: true });
      // The returned write promise is the import's backpressure: it waits for the disk.
      const opts: TraceImportOptions = {};
      if (p.vmlinux) opts.vmlinux = p.vmlinux;
      if (p.kallsyms) opts.kallsyms = p.kallsyms;
      if (p.format) opts.format = p.format;
      try {
        const summary = await run(p.file, opts, {
          signal: controller.signal,
          onProgress: (pr) => bus.emit('trace.progress', { importId: traceId, file: p.file, ...pr }),
          onChunk: (chunk) => writeFile(path.join(dir, `chunk-${chunk.index}.json`), JSON.stringify(chunkToWire(traceId, chunk))),
        });
        const entry: TraceListEntry = {
          traceId, file: p.file, format: summary.format, source: summary.source, events: summary.events, skippedLines: summary.skippedLines,
          firstTs: summary.firstTs, lastTs: summary.lastTs, chunks: summary.chunks, importedAt: Date.now(),
        };
        traces.set(traceId, { entry, summary, dir });
        return { traceId, summary };
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      } finally {
        running.delete(traceId);
      }
    },
    'trace.cancel': async (p) => {
      const c = running.get(p.importId);
      if (!c) return { cancelled: false };
      c.abort();
      return { cancelled: true };
    },
    'trace.list': async () => [...traces.values()].map((r) => r.entry),
    'trace.summary': async (p) => get(p.traceId).summary,
    'trace.chunk': async (p) => {
      const r = get(p.traceId);
      if (p.index >= r.summary.chunks) throw new ApiError('not-found', `trace ${p.traceId} has ${r.summary.chunks} chunks (asked for index ${p.index})`);
      return JSON.parse(await readFile(path.join(r.dir, `chunk-${p.index}.json`), 'utf8')) as TraceChunkWire;
    },
    'trace.link': async (p) => {
      // A restarted host lacks the trace; the renderer then sends the summary it stored.
      const summary = traces.get(p.traceId)?.summary ?? p.summary ?? get(p.traceId).summary;
      const panic = p.panicTs != null || p.uptimeSeconds != null ? { panicTs: p.panicTs ?? null, uptimeSeconds: p.uptimeSeconds ?? null } : null;
      const links = linkTraceToDump(summary, { tasks: p.tasks ?? null, caches: p.caches ?? null, panic });
      const evidence = traceOomEvidence(summary, {
        panicTs: links.timeline?.panicTs ?? null,
        culprit: p.culprit ?? null,
        cacheLinks: links.caches,
        taskLinks: links.tasks,
        timeline: links.timeline,
      });
      return { ...links, evidence };
    },
    'trace.close': async (p) => {
      const r = traces.get(p.traceId);
      if (!r) return { closed: false };
      traces.delete(p.traceId);
      await rm(r.dir, { recursive: true, force: true });
      return { closed: true };
    },
  };

  const dispose = async (): Promise<void> => {
    for (const c of running.values()) c.abort();
    traces.clear();
    if (root) await rm(await root, { recursive: true, force: true });
    root = null;
  };
  return { impls, dispose };
}
