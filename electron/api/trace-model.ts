/**
 * The trace event model: compact columnar chunks plus the aggregates computed on import.
 *
 * A million events must reopen fast and fit in the renderer's IndexedDB, so events are never one
 * object per row: each chunk holds typed-array columns (ts, cpu, pid, indexes into small string
 * tables) and one concatenated args string. Chunks are self-contained (their own string tables),
 * so the renderer can store and load each one independently.
 */


/** Text formats the importer understands (binary files are converted to one of these first). */
export const traceFormats = [
  'trace-cmd-report', 'tracefs', 'function-graph', 'perf-script', 'perf-stat',
] as const;
export type TraceFormat = (typeof traceFormats)[number];

/** Where the text came from: read directly, or produced by a tool from a binary recording. */
export type TraceSource = 'text' | 'trace.dat' | 'perf.data';

/** Events per chunk: small enough to post between threads cheaply, big enough to be few. */
export const chunkCapacity = 16384;

/** One columnar slice of events, in file order. */
export interface TraceEventChunk {
  /** 0-based position of this chunk in the import. */
  index: number;
  /** Number of events held (columns may be longer; only the first `count` entries count). */
  count: number;
  /** Seconds since boot (the trace clock). */
  ts: Float64Array;
  cpu: Uint16Array;
  pid: Int32Array;
  /** Index into `comms`. */
  comm: Uint16Array;
  /** Index into `events`. */
  event: Uint16Array;
  /** Index into `stacks`, -1 when the event has no callchain. */
  stack: Int32Array;
  comms: string[];
  /** Event names without the subsystem prefix ("kmalloc", not "kmem:kmalloc"). */
  events: string[];
  /** Callchains, frames joined by "\n", innermost first. */
  stacks: string[];
  /** All events' argument text concatenated; event i spans argsEnd[i-1] (or 0) .. argsEnd[i]. */
  args: string;
  argsEnd: Uint32Array;
}

/** Progress of a running import. */
export interface TraceImportProgress {
  bytesRead: number;
  /** Total bytes of the text when known (null while a tool is converting a binary file). */
  totalBytes: number | null;
  events: number;
  skippedLines: number;
  phase: 'converting' | 'reading' | 'done';
}

/** A finding about the import (skipped lines, truncation, tool warnings). */
export interface TraceDiagnostic {
  code: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
}

/** kmalloc / kmem_cache_alloc grouped by call site. */
export interface CallSiteAggregate {
  /** "kmalloc" or "kmem_cache_alloc" (node variants fold into these). */
  event: string;
  /** As printed, without the "/0xsize" suffix: "bufpool_refill+0x46" or a raw address. */
  callSite: string;
  /** Function part of callSite ("bufpool_refill"), or the raw address when unresolved. */
  fn: string;
  /** Module name when the trace said so ("[bufpool]"), else null. */
  module: string | null;
  /** Cache name from the event's `name=` field (newer kernels), else null. */
  cacheName: string | null;
  count: number;
  bytesReq: number;
  bytesAlloc: number;
  /** Count per bytes_alloc value (the slab size class). */
  sizes: Record<string, number>;
  /** Count of events whose gfp flags / `accounted` say the kmalloc-cg / -rcl / dma variant. */
  accounted: number;
  reclaimable: number;
  dma: number;
  firstTs: number;
  lastTs: number;
  /** The pids that allocated most, up to 5. */
  topPids: { pid: number; comm: string; count: number }[];
}

/** Counts keyed by a label, with pages for page allocations. */
export interface PageAllocAggregate {
  total: number;
  pages: number;
  byOrder: Record<string, number>;
  byGfp: Record<string, number>;
  byTask: { pid: number; comm: string; count: number; pages: number }[];
}

/** One direct-reclaim (or compaction) stall: a begin/end pair on one task. */
export interface StallRecord {
  pid: number;
  comm: string;
  cpu: number;
  start: number;
  latency: number;
  /** nr_reclaimed for reclaim, status for compaction. */
  result: string;
  /** order / gfp_flags from the begin event. */
  detail: string;
}

/** Begin/end pairs of one kind of stall, summed up. */
export interface StallAggregate {
  count: number;
  totalLatency: number;
  maxLatency: number;
  /** Begins without an end before the trace stopped (a stall still running). */
  unfinished: number;
  /** The longest stalls, at most 50, longest first. */
  longest: StallRecord[];
}

/** An OOM-related event kept verbatim (there are few). */
export interface OomEventRecord {
  ts: number;
  event: string;
  pid: number;
  comm: string;
  args: string;
}

/** A function in the merged function_graph call tree. */
export interface CallTreeNode {
  name: string;
  calls: number;
  /** Microseconds. */
  totalUs: number;
  selfUs: number;
  children: CallTreeNode[];
}

/** One `perf stat` counter. */
export interface PerfCounter {
  event: string;
  /** null when perf printed <not counted> / <not supported>. */
  value: number | null;
  unit: string | null;
  /** What perf printed after '#' (its own derived metric), verbatim. */
  note: string | null;
  /** value / elapsed seconds, when both are known. */
  perSecond: number | null;
  status: 'counted' | 'not-counted' | 'not-supported';
}

/** A `perf stat` run as a card: what was measured, for how long, and the counters. */
export interface PerfStatCard {
  target: string | null;
  elapsedSeconds: number | null;
  userSeconds: number | null;
  sysSeconds: number | null;
  counters: PerfCounter[];
}

/** Callers found in callchains: the first frame outside the allocator, per event. */
export interface StackCallerAggregate {
  event: string;
  fn: string;
  /** The module the caller lives in (from the frame's dso or kallsyms), null for the core kernel. */
  module: string | null;
  count: number;
}

/** Everything computed on import; small, JSON-safe. */
export interface TraceSummary {
  format: TraceFormat;
  source: TraceSource;
  file: string;
  bytes: number;
  lines: number;
  events: number;
  skippedLines: number;
  /** Lines longer than the line limit (skipped without being buffered). */
  overlongLines: number;
  firstTs: number | null;
  lastTs: number | null;
  cpus: number | null;
  byEvent: Record<string, number>;
  byCpu: Record<string, number>;
  tasks: { pid: number; comm: string; comms: string[]; count: number; firstTs: number; lastTs: number }[];
  callSites: CallSiteAggregate[];
  pageAlloc: PageAllocAggregate;
  directReclaim: StallAggregate;
  compaction: StallAggregate & { byEvent: Record<string, number> };
  vmscan: Record<string, number>;
  oomEvents: OomEventRecord[];
  stackCallers: StackCallerAggregate[];
  /** Events over time (all, kmalloc, kmem_cache_alloc, mm_page_alloc, direct-reclaim starts) for the timeline overview. */
  histogram: EventHistogram | null;
  callTree: CallTreeNode | null;
  perfStat: PerfStatCard | null;
  chunks: number;
  diagnostics: TraceDiagnostic[];
}

/** Series the overview draws. */
export const histogramSeries = ['all', 'kmalloc', 'kmem_cache_alloc', 'mm_page_alloc', 'direct_reclaim'] as const;
export type HistogramSeries = (typeof histogramSeries)[number];

/** The finished histogram. */
export interface EventHistogram {
  /** Seconds since boot of the first bucket's start. */
  start: number;
  bucketSeconds: number;
  /** Counts per bucket for each series (all the same length). */
  series: Record<HistogramSeries, number[]>;
}
