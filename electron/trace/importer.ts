/**
 * The streaming trace importer: sniff the file, convert binary recordings through their tool,
 * read the text line by line (bounded), fold events into aggregates and columnar chunks, report
 * progress, honour cancel. Runs in-process; import-worker.ts runs the same code in a worker thread.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ApiError } from '../api/contract.ts';
import { TraceAggregator } from './aggregates.ts';
import { ChunkBuilder } from './chunk-builder.ts';
import { kallsymsFromTraceDat, perfScript, traceCmdReport, type ToolRun, type TraceTools } from './external-tools.ts';
import { newFtraceHeader, parseFtraceAt } from './ftrace-line.ts';
import { FunctionGraphParser } from './function-graph.ts';
import { boundedLineBlocks, defaultMaxLineBytes, newLineStats, type LineBlock } from './line-reader.ts';
import type { TraceDiagnostic, TraceEventChunk, TraceFormat, TraceImportProgress, TraceSource, TraceSummary } from '../api/trace-model.ts';
import { PerfScriptParser } from './perf-script.ts';
import { PerfStatParser } from './perf-stat.ts';
import { sniffBytes, sniffTrace } from './sniff.ts';
import { parseKallsyms, type Symbolizer } from './symbols.ts';

/** What the caller may choose. */
export interface TraceImportOptions {
  /** Longest line kept; longer lines are skipped and counted. */
  maxLineBytes?: number;
  tools?: TraceTools;
  /** Debug vmlinux for perf.data kernel symbols. */
  vmlinux?: string;
  /** A kallsyms listing, or a trace.dat from the same boot (it carries one): resolves kernel and module addresses. */
  kallsyms?: string;
  /** Read the text as this format instead of sniffing it. */
  format?: TraceFormat;
}

/** How the caller hears about a running import. */
export interface TraceImportHooks {
  signal?: AbortSignal;
  onProgress?: (p: TraceImportProgress) => void;
  /**
   * Receives each full chunk; without it no chunks are built (the CLI needs only the summary).
   * A returned promise is backpressure: reading pauses while too many chunks are unsettled.
   */
  onChunk?: (chunk: TraceEventChunk) => void | Promise<void>;
}

const progressEveryMs = 200;
const maxChunksInFlight = 4;
const maxSkipSamples = 3;

/** Import one trace file and return its summary (chunks go to `hooks.onChunk`). */
export async function importTraceFile(file: string, options: TraceImportOptions = {}, hooks: TraceImportHooks = {}): Promise<TraceSummary> {
  const { signal } = hooks;
  const cancelled = (): ApiError => new ApiError('cancelled', 'trace import cancelled');
  if (signal?.aborted) throw cancelled();

  let size: number;
  let head: Buffer;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new ApiError('not-a-trace', `${file} is not a regular file`);
    size = st.size;
    head = await readHead(file);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError(code === 'ENOENT' ? 'not-found' : code === 'EACCES' || code === 'EPERM' ? 'refused' : 'internal', `cannot read ${file}: ${(err as Error).message}`);
  }
  const sniffed = sniffTrace(head);
  if (sniffed.kind === 'not-a-trace' && options.format === undefined) {
    throw new ApiError('not-a-trace', `${path.basename(file)} is not a trace: ${sniffed.reason}`, 'Import `trace-cmd report` or tracefs `trace` text, function_graph text, `perf script` or `perf stat` output, a trace.dat or a perf.data.');
  }

  const diagnostics: TraceDiagnostic[] = [];
  let symbols = options.kallsyms ? await loadSymbols(options.kallsyms, options.tools, signal) : null;
  if (!symbols && sniffed.kind === 'trace.dat') {
    // A trace.dat carries the box's kallsyms: it names the module behind each call site.
    symbols = await loadSymbols(file, options.tools, signal).catch(() => null);
  }
  let tool: ToolRun | null = null;
  let tmpDir: string | null = null;
  let source: TraceSource = 'text';
  let format: TraceFormat;
  let input: Readable;
  if (sniffed.kind === 'trace.dat') {
    source = 'trace.dat';
    format = 'trace-cmd-report';
    tool = traceCmdReport(file, options.tools, signal);
    input = tool.stdout;
  } else if (sniffed.kind === 'perf.data') {
    source = 'perf.data';
    format = 'perf-script';
    let kallsymsFile: string | undefined;
    if (symbols && options.kallsyms) {
      tmpDir = await mkdtemp(path.join(tmpdir(), 'crashdeck-kallsyms-'));
      kallsymsFile = path.join(tmpDir, 'kallsyms');
      await writeFile(kallsymsFile, symbols.text);
    }
    tool = perfScript(file, { vmlinux: options.vmlinux, kallsyms: kallsymsFile }, options.tools, signal);
    input = tool.stdout;
  } else {
    format = options.format ?? (sniffed.kind === 'text' ? sniffed.format : 'trace-cmd-report');
    input = createReadStream(file, { highWaterMark: 1 << 20 });
  }
  // A tool that cannot start rejects `done` at once; surface that instead of an empty import.
  const toolDone = tool?.done;
  toolDone?.catch(() => undefined);

  const agg = new TraceAggregator();
  // Chunks handed over but not yet stored: the reader waits when there are too many, so a slow
  // consumer (disk, another thread) cannot make memory grow with the trace.
  const inFlight = new Set<Promise<void>>();
  let chunkError: Error | null = null;
  const onChunk = hooks.onChunk;
  const chunks = new ChunkBuilder(onChunk ? (chunk) => {
    const r = onChunk(chunk);
    if (r instanceof Promise) {
      const p: Promise<void> = r.then(
        () => undefined,
        (err: unknown) => {
          chunkError ??= err instanceof Error ? err : new Error(String(err));
        },
      ).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  } : null);
  const checkChunks = (): void => {
    if (chunkError) throw new ApiError('internal', `storing trace chunks failed: ${chunkError.message}`);
  };
  const stats = newLineStats();
  const skipSamples: string[] = [];
  let skipped = 0;
  let lost = 0;
  const skip = (line: string): void => {
    skipped++;
    if (skipSamples.length < maxSkipSamples) skipSamples.push(line.length > 160 ? line.slice(0, 160) + '…' : line);
  };
  const emit = (ts: number, cpu: number, pid: number, comm: string, event: string, args: string, stack: string | null): void => {
    agg.add(ts, cpu, pid, comm, event, args, stack);
    chunks.add(ts, cpu, pid, comm, event, args, stack);
  };

  let handle: (line: string) => void;
  // Formats read in place override this; the others get each line as a string.
  let handleBlock = (b: LineBlock): void => {
    const { text, starts, ends } = b;
    for (let i = 0; i < b.count; i++) handle(text.slice(starts[i], ends[i]));
  };
  let finishParser: () => void = () => undefined;
  let parserSkipped: () => number = () => 0;
  let graph: FunctionGraphParser | null = null;
  let stat_: PerfStatParser | null = null;
  if (format === 'trace-cmd-report' || format === 'tracefs') {
    const hdr = newFtraceHeader();
    handle = (line) => {
      if (line.length === 0 || line.charCodeAt(0) === 35 /* # */) return;
      const lostM = /\[LOST (\d+) EVENTS\]/.exec(line);
      if (lostM) lost += Number(lostM[1]);
      else if (!/^(cpus=\d+|version = \d+|CPU \d+ is empty|\s*$)/.test(line)) skip(line);
    };
    handleBlock = (b) => {
      const { text, starts, ends } = b;
      for (let i = 0; i < b.count; i++) {
        const start = starts[i]!;
        const end = ends[i]!;
        if (parseFtraceAt(text, start, end, hdr)) emit(hdr.ts, hdr.cpu, hdr.pid, hdr.comm, hdr.event, text.slice(hdr.argsStart, end), null);
        else handle(text.slice(start, end));
      }
    };
  } else if (format === 'perf-script') {
    const p = new PerfScriptParser(emit);
    handle = (line) => p.line(line);
    finishParser = () => p.flush();
    parserSkipped = () => p.skipped;
  } else if (format === 'function-graph') {
    graph = new FunctionGraphParser((ts, cpu, pid, comm, event, args) => emit(ts, cpu, pid, comm, event, args, null));
    const g = graph;
    handle = (line) => g.line(line);
    parserSkipped = () => g.skipped;
  } else {
    stat_ = new PerfStatParser();
    const s = stat_;
    handle = (line) => s.line(line);
    parserSkipped = () => s.skipped;
  }

  const progress = (phase: TraceImportProgress['phase']): void => {
    hooks.onProgress?.({ bytesRead: stats.bytes, totalBytes: tool ? null : size, events: agg.events, skippedLines: skipped + parserSkipped() + stats.overlong, phase });
  };
  let lastProgress = Date.now();
  progress(tool ? 'converting' : 'reading');
  try {
    for await (const block of boundedLineBlocks(input, stats, { maxLineBytes: options.maxLineBytes ?? defaultMaxLineBytes, signal })) {
      handleBlock(block);
      while (inFlight.size > maxChunksInFlight) await Promise.race(inFlight);
      checkChunks();
      const now = Date.now();
      if (now - lastProgress >= progressEveryMs) {
        lastProgress = now;
        progress(tool ? 'converting' : 'reading');
      }
    }
    finishParser();
    chunks.flush();
    await Promise.all(inFlight);
    checkChunks();
  } catch (err) {
    tool?.kill();
    input.destroy();
    if (signal?.aborted || (err as Error).name === 'AbortError') throw cancelled();
    throw err;
  } finally {
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }

  if (tool && toolDone) {
    const name = source === 'trace.dat' ? 'trace-cmd report' : 'perf script';
    let ended: { code: number | null; stderr: string };
    try {
      ended = await toolDone;
    } catch (err) {
      if (signal?.aborted) throw cancelled();
      throw err;
    }
    if (ended.code !== 0) {
      const msg = `${name} exited with status ${ended.code}: ${firstLines(ended.stderr)}`;
      if (agg.events === 0) throw new ApiError('not-a-trace', `${path.basename(file)} could not be converted: ${msg}`);
      diagnostics.push({ code: 'tool-failed', severity: 'warning', message: `${msg} (the events read before it stopped are kept)` });
    } else if (ended.stderr.trim()) {
      diagnostics.push({ code: 'tool-stderr', severity: 'info', message: `${name} said: ${firstLines(ended.stderr)}` });
    }
    if (source === 'perf.data' && !options.vmlinux && !options.kallsyms) {
      diagnostics.push({ code: 'kernel-symbols-unresolved', severity: 'info', message: 'perf.data was read without --vmlinux or a kallsyms copy: kernel call sites and frames may be raw addresses or [unknown]. Give the debug vmlinux, or the trace.dat of the same boot as kallsyms, to name them.' });
    }
  }

  const totalSkipped = skipped + parserSkipped();
  if (totalSkipped > 0) {
    diagnostics.push({ code: 'skipped-lines', severity: 'warning', message: `${totalSkipped} line${totalSkipped === 1 ? '' : 's'} could not be read as ${format} and were skipped, e.g. ${skipSamples.map((s) => JSON.stringify(s)).join(', ') || '(not kept)'}` });
  }
  if (stats.overlong > 0) {
    diagnostics.push({ code: 'overlong-lines', severity: 'warning', message: `${stats.overlong} line${stats.overlong === 1 ? '' : 's'} longer than ${options.maxLineBytes ?? defaultMaxLineBytes} bytes were skipped without being read into memory` });
  }
  if (stats.endedWithoutNewline && source === 'text') {
    diagnostics.push({ code: 'no-final-newline', severity: 'info', message: 'the file does not end with a newline: it may be truncated (its last line was read if it was complete)' });
  }
  if (lost > 0) diagnostics.push({ code: 'lost-events', severity: 'warning', message: `the tracer lost ${lost} events (ring buffer overruns): counts are lower bounds` });
  if (graph && graph.unmatchedExits > 0) {
    diagnostics.push({ code: 'unmatched-exits', severity: 'info', message: `${graph.unmatchedExits} function exits had no entry (the trace started inside those calls)` });
  }

  agg.callTree = graph ? graph.tree() : null;
  agg.perfStat = stat_ ? stat_.card() : null;
  const hasContent = agg.events > 0 || (agg.callTree?.children.length ?? 0) > 0 || (agg.perfStat?.counters.length ?? 0) > 0;
  if (!hasContent && source !== 'text') {
    const name = source === 'trace.dat' ? 'trace-cmd report' : 'perf script';
    const said = diagnostics.find((d) => d.code === 'tool-stderr')?.message;
    throw new ApiError('not-a-trace', `${name} printed no events from ${path.basename(file)}: the recording is empty or truncated${said ? ` (${said})` : ''}`, 'Check the file was copied completely (compare its size with the original), or record again.');
  }
  if (!hasContent) {
    const why = stats.overlong > 0 && stats.lines === stats.overlong ? 'every line was longer than the line limit' : `no ${format} event could be read`;
    throw new ApiError('not-a-trace', `${path.basename(file)} holds no trace events: ${why}${skipSamples.length ? ` (first line read: ${JSON.stringify(skipSamples[0])})` : ''}`);
  }
  progress('done');
  return agg.finish({
    format, source, file, bytes: source === 'text' ? size : stats.bytes, lines: stats.lines, skippedLines: totalSkipped + stats.overlong,
    overlongLines: stats.overlong, chunks: chunks.emitted, diagnostics, symbols,
  });
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(sniffBytes);
    const { bytesRead } = await fh.read(buf, 0, sniffBytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A kallsyms text file, or the table inside a trace.dat. */
async function loadSymbols(file: string, tools: TraceTools | undefined, signal?: AbortSignal): Promise<Symbolizer & { text: string }> {
  const head = await readHead(file);
  const sniffed = sniffTrace(head);
  let text: string;
  if (sniffed.kind === 'trace.dat') text = await kallsymsFromTraceDat(file, tools, signal);
  else {
    const st = await stat(file);
    if (st.size > 256 * 1024 * 1024) throw new ApiError('bad-request', `${file} is too large to be a kallsyms listing`);
    text = await readFile(file, 'utf8');
  }
  const sym = parseKallsyms(text);
  if (sym.size === 0) throw new ApiError('bad-request', `${file} holds no kallsyms entries (expected /proc/kallsyms text or a trace.dat)`);
  return Object.assign(sym, { text });
}

function firstLines(s: string): string {
  return s.trim().split('\n').slice(0, 3).join(' / ').slice(0, 400);
}
