/**
 * What a trace is linked to in the dump, and the OOM evidence it gives: the shapes trace.link
 * and trace.summary return (the importer and linker in electron/trace/ fill them).
 */

/** A task as the dump knows it (a `ps` row). */
export interface DumpTask {
  pid: number;
  comm: string;
  /** Kernel thread (ps prints it in brackets); when absent, bracketed comms count as kernel threads. */
  kernelThread?: boolean;
}

/** A trace task with its best match in the dump. */
export interface TaskLink {
  pid: number;
  traceComm: string;
  /** The dump's comm for this pid, or null when the pid is not in the dump (the task exited). */
  dumpComm: string | null;
  events: number;
  firstTs: number;
  lastTs: number;
  /** same: pid and comm agree; mismatch: the pid is in the dump under another name; absent: not in the dump. */
  match: 'same' | 'mismatch' | 'absent';
}

/** All trace tasks linked to the dump, with the same-boot verdict. */
export interface TaskLinkReport {
  links: TaskLink[];
  /** For "a task shows its events": dump pid -> its trace activity (only pids with events). */
  byDumpPid: Record<string, { events: number; firstTs: number; lastTs: number; traceComm: string }>;
  /** Trace pids also present in the dump. */
  overlap: number;
  consistent: number;
  /** Of `consistent`, how many are user tasks (kernel threads get the same pids every boot). */
  consistentUser: number;
  mismatched: number;
  /**
   * consistent: user tasks agree; weak: only kernel threads agree (their pids repeat on every
   * boot, so that proves little); different-boot: pids name different tasks, or nothing overlaps.
   */
  verdict: 'consistent' | 'weak' | 'different-boot' | 'unknown';
  warning: string | null;
}

/** A slab cache as the dump knows it (a `kmem -s` row). */
export interface DumpSlabCache {
  name: string;
  objsize: number;
  allocated?: number;
  total?: number;
  ssize?: string;
}

/** Where a call site's objects live. */
export interface CacheLink {
  event: string;
  callSite: string;
  fn: string;
  count: number;
  bytesAlloc: number;
  /** The cache the objects come from, or null when it cannot be told. */
  cache: string | null;
  /** Plausible caches when the link is ambiguous (same object size). */
  candidates: string[];
  how: 'event-name' | 'kmalloc-size-class' | 'size-and-symbol' | 'size-only' | 'page-allocator' | 'ambiguous' | 'none';
  /** The dump's row for `cache`, when the dump has it. */
  dumpCache: DumpSlabCache | null;
}

/** The dump's idea of when it died: the panic line's timestamp, or the uptime `sys` prints. */
export interface PanicTime {
  /** Seconds since boot of the panic (the `[   28.384756] Kernel panic` line). */
  panicTs?: number | null;
  /** Uptime at the crash in seconds (`sys` UPTIME; whole seconds). */
  uptimeSeconds?: number | null;
}

/** The panic placed on the trace's time axis. */
export interface TimelineLink {
  panicTs: number | null;
  source: 'log' | 'uptime' | null;
  /** Uncertainty of panicTs in seconds (uptime is printed in whole seconds). */
  precision: number | null;
  traceStart: number | null;
  traceEnd: number | null;
  /** Seconds from the trace's last event to the panic. */
  gapSeconds: number | null;
  placement: 'after-trace' | 'inside-trace' | 'before-trace' | 'unknown';
  warnings: string[];
}

/** One piece of trace evidence. */
export interface TraceEvidence {
  id: 'slab-call-site' | 'task-page-alloc' | 'stack-caller' | 'direct-reclaim' | 'oom-events' | 'timeline' | 'boot-mismatch';
  severity: 'info' | 'warning';
  text: string;
  /** Where the UI opens it: a tab of the trace view and the row key there. */
  ref: { view: 'trace'; tab: 'call-sites' | 'page-alloc' | 'stacks' | 'reclaim' | 'oom' | 'timeline' | 'tasks'; key: string | null };
  data: Record<string, number | string | null>;
}
