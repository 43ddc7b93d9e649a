/**
 * The triage result every front door shows: the `crashdeck.triage/1` JSON the CLI prints, the
 * `analyze.triage` Api method returns and the OOM wizard steps through. Plain data only.
 */

/** Panic kinds, in the vocabulary of the triage issue. */
export const panicKinds = ['oom', 'oops', 'bug', 'sysrq', 'hung-task', 'soft-lockup', 'hard-lockup', 'mce', 'other'] as const;
export type PanicKind = (typeof panicKinds)[number];

/** Culprit kinds, in the vocabulary of the triage issue. */
export const culpritKinds = ['user-anon', 'slab', 'shmem', 'memcg', 'pagecache', 'hugetlb', 'kernel-other', 'fragmentation', 'unknown'] as const;
export type CulpritKind = (typeof culpritKinds)[number];

/** How sure the engine is; 'low' always comes with the reason in the explanation. */
export type Confidence = 'high' | 'medium' | 'low';

/** One fact the verdict rests on: which command printed it, which row, and the numbers. */
export interface Evidence {
  /** The crash command whose output holds it ("log", "kmem -s", "ps", ...), or "trace". */
  command: string;
  /** The row the UI jumps to: a cache name, a pid, a zone, a log line's text. */
  row: string;
  /** The numbers and what they mean. */
  detail: string;
}

export interface TriageTask {
  pid: number | null;
  comm: string | null;
}

export interface TriageDump {
  release: string | null;
  panicMessage: string | null;
  /**
   * The line a reader names this panic by, the same on every surface: an Oops / BUG's first
   * fault line ("BUG: kernel NULL pointer dereference, address: …"), else the panic message
   * without crash's quoting. Absent in reports written before it existed (use panicMessage).
   */
  headline?: string | null;
  crashTime: string | null;
  /** Seconds since boot at the panic: the kernel log's own timestamp, else crash's `sys` (which assumes HZ 1000 on x86_64). */
  uptimeSeconds: number | null;
}

/** Beside the signature: facts that only some bases read (crash's `bt -F`, `struct mutex.owner`, `sym` on RDI). */
export interface SignatureDetail {
  /** The lock's symbol ("qdrv_cfg_mutex"), null when it lives in an allocated object or was not read. */
  lock: string | null;
  /** The task that holds it, when read. */
  owner: TriageTask | null;
  /** Where the owner sleeps or runs. */
  ownerFunction: string | null;
}

export interface TriagePanic {
  kind: PanicKind;
  task: TriageTask;
  /** Faulting function (RIP) or the first meaningful frame, without offset. */
  function: string | null;
  /** Module of that function, when it lives in one. */
  functionModule: string | null;
  /** Modules that taint the kernel (out-of-tree, unsigned, proprietary...). */
  modules: string[];
  /** Stable grouping id from facts every basis has (docs/signatures.md), e.g. "hung-task:qdrv!qdrv_sync<-mutex". */
  signature: string;
  /** What crash adds beside the signature (never part of it): the lock and its owner; null when none was read. */
  signatureDetail?: SignatureDetail | null;
  /** Taint letters of the running kernel, e.g. "OE", or "" when not tainted; null when unknown. */
  taint: string | null;
  evidence: Evidence[];
  /** Other fault reports in the log besides the one the verdict names (a second Oops, an earlier lockup), oldest first. */
  otherFaults?: Array<{ kind: PanicKind; timestamp: number | null; summary: string }>;
}

export interface TriageVictim {
  pid: number;
  comm: string;
  rssKb: number;
  /** True when the kernel killed it; false for the would-be victim under panic_on_oom. */
  killed: boolean;
  /** The oom_badness points the engine computed (null when taken from a `Killed process` line only). */
  points: number | null;
  oomScoreAdj: number | null;
}

export interface TriageCulprit {
  kind: CulpritKind;
  /** What to look at: a task ("ingestd (pid 179)"), a cache, a cgroup path, "tmpfs/shm", ... */
  name: string;
  /** Bytes the culprit holds (null when the inputs do not say). */
  bytes: number | null;
  module?: string;
  cgroup?: string;
  pid?: number;
}

/** One bucket of "where did memory go". */
export interface MemoryBucket {
  key: string;
  label: string;
  bytes: number;
}

/** Per-zone view of "could it be reclaimed". */
export interface ZoneVerdict {
  node: number;
  zone: string;
  /** Whether the allocation's gfp mask may take pages from this zone. */
  usable: boolean;
  freeKb: number;
  minKb: number;
  /** lowmem_reserve that applies to this allocation, in kB. */
  reserveKb: number;
  /** Largest order with a free block, or null when unknown. */
  largestFreeOrder: number | null;
  /** Free pages above min + reserve for an order-0 request. */
  aboveMin: boolean;
  /** A free block of the requested order or larger exists. */
  hasOrder: boolean | null;
}

/** Why free memory was out of reach of the failing request. */
export type UnusableCause =
  /** ZONE_MOVABLE (movablecore=/kernelcore=, hot-plugged memory): movable pages only. */
  | 'movable'
  /** A zone above the gfp mask's highest zone (Normal for a GFP_DMA32 request). */
  | 'gfp-zone'
  /** CMA pageblocks: only movable allocations may take them. */
  | 'cma'
  /** A node outside the cpuset's mems_allowed or the mempolicy's nodemask. */
  | 'node'
  /** Not listed in the OOM report, zone unknown (the log had no boot lines naming it). */
  | 'unlisted';

/** One zone's free memory, judged against the failing request. */
export interface ZoneFree {
  /** Null when the figure covers memory outside the listed zones whose node is unknown. */
  node: number | null;
  zone: string;
  /** The request may take pages from this zone (its free pages may still be below the watermark). */
  usable: boolean;
  freeKb: number;
  /** Free above min + lowmem_reserve: what the request could take. */
  usableKb: number;
  /** Free up to min + lowmem_reserve: kept back from this request by the watermark. */
  belowWatermarkKb: number;
  /** Free that this request could not use at all (wrong zone, CMA, excluded node). */
  unusableKb: number;
  cause: UnusableCause | null;
  /** The reason in words, for the user ("movablecore=256M: ZONE_MOVABLE holds movable pages only"). */
  reason: string | null;
  /** Where the figure comes from ("kmem -z", "log" zone line, or Mem-Info free: minus the listed zones). */
  source: { command: string; row: string };
}

/** Free memory split against the failing request ("free, but not for you"). */
export interface FreeByZone {
  /** The request as a kernel engineer names it ("GFP_KERNEL", or the raw mask). */
  request: string;
  /** The highest zone its gfp mask allows (gfp_zone). */
  highestZone: string;
  zones: ZoneFree[];
  usableKb: number;
  belowWatermarkKb: number;
  unusableKb: number;
  /** `movablecore=` / `kernelcore=` from the command line, when given. */
  movableSetting: string | null;
}

export interface TriageOom {
  /** CONSTRAINT_NONE, CONSTRAINT_MEMCG, CONSTRAINT_CPUSET, CONSTRAINT_MEMORY_POLICY, or null if not printed. */
  constraint: string | null;
  /** 0, 1 or 2 when the report shows vm.panic_on_oom acted (1: system-wide, 2: compulsory), else null. */
  panicOnOom: number | null;
  trigger: { pid: number | null; comm: string | null; gfpMask: string | null; order: number | null; oomScoreAdj: number | null };
  victim: TriageVictim | null;
  culprit: TriageCulprit;
  confidence: Confidence;
  explanation: string;
  evidence: Evidence[];
  /** Where memory went, largest first. */
  memory: MemoryBucket[];
  /** The largest slab caches (report's unreclaimable table, else kmem -s), bytes held. */
  topCaches?: Array<{ name: string; bytes: number; unreclaimable: boolean | null; source: string }>;
  /** The largest processes by resident memory (OOM task table, else ps). */
  topTasks?: Array<{ pid: number; comm: string; rssKb: number; source: string }>;
  /** Total memory the buckets share (totalram + hugetlb accounting), bytes. */
  totalBytes: number | null;
  /** Per-zone watermark and order view. */
  zones: ZoneVerdict[];
  /** Free memory per zone split into usable / below watermark / unusable for this request; null without zone data. */
  freeByZone?: FreeByZone | null;
  /** Other tasks ranked by oom_badness (top 10), for the "who would be killed" step. */
  ranking: Array<{ pid: number; comm: string; points: number | null; rssKb: number; oomScoreAdj: number; eligible: boolean; why?: string }>;
  /** Inputs that were missing or unreadable; each lowers confidence. */
  missing: string[];
  /** Disagreements between sources, each stated plainly. */
  conflicts: string[];
  /** crash commands that would confirm or refute the verdict. */
  nextCommands: string[];
}

/** Where a verdict comes from: only the dump's own kernel log, crash's reading of the dump, or drgn's when crash could not start. */
export type TriageBasis = 'log' | 'crash' | 'drgn';

/** An Oops / BUG / general protection fault, decoded. */
export interface TriageOops {
  /** Faulting function (RIP) without offset. */
  function: string | null;
  module: string | null;
  /** "+0x15/0x60" as printed after the function. */
  offset: string | null;
  /** The address the kernel could not access (CR2 / "unable to handle ... at"), hex. */
  faultAddress: string | null;
  /** The page fault error code decoded ("supervisor read access in kernel mode, not-present page"), or the raw code. */
  errorCode: string | null;
  /** Where it ran: 'syscall' | 'kworker' | 'irq' | 'softirq' | 'kthread' | 'unknown'. */
  context: string;
  /** The RIP as printed ("qdrv_submit.constprop.0+0x5/0x30 [qdrv]"), and its address when crash read it. */
  rip?: string | null;
  ripAddress?: string | null;
  /** The call trace innermost first, module frames carrying their module. */
  callTrace?: Array<{ function: string; module: string | null; offset: string | null }>;
  /** "qdrv.c: 43" from the debug info (`sym` on RIP), null when there is none. */
  source?: string | null;
  /** `dis -rl` up to the faulting instruction (last lines), when crash could disassemble it. */
  disassembly?: string[];
  /** What is missing for the source line (module debuginfo, crash), or null. */
  debugInfo?: string | null;
}

/** A task the hung-task detector (or crash's `ps`) found blocked in D state. */
export interface TriageHungTask {
  pid: number | null;
  comm: string;
  blockedSeconds: number | null;
  /** The function it is blocked in (first frame below the scheduler / lock primitives). */
  function: string | null;
  /** What it waits on: kind 'mutex' | 'rwsem' | 'completion' | 'folio-lock' | 'io' | 'unknown'; symbol when named. */
  waitsOn: { kind: string; symbol: string | null } | null;
  /** The lock's owner read from the dump (mutex.owner with flag bits masked), or null when unknown. */
  owner: { pid: number | null; comm: string | null; state: string | null; function: string | null; task?: string | null; stack?: string[] } | null;
  /** Task state (crash `ps`: UN; log: D) and the blocked stack, innermost first. */
  state?: string | null;
  stack?: string[];
  /** What could not be established and why ("owner needs crash", "owner task not in the task list"). */
  note?: string | null;
}

/** A soft or hard lockup: which CPU spun in what, for how long. */
export interface TriageLockup {
  kind: 'soft-lockup' | 'hard-lockup';
  cpu: number | null;
  pid: number | null;
  comm: string | null;
  function: string | null;
  module: string | null;
  seconds: number | null;
  /** The lock the spinning code holds or wants, when a register names one (`sym` on RDI). */
  lock?: string | null;
  /** The spinning task's stack, innermost first. */
  stack?: string[];
  /** What the other CPUs were doing (`bt -a`). */
  otherCpus?: Array<{ cpu: number; pid: number; comm: string; function: string | null; module: string | null }>;
}

/**
 * Whether the dump holds every task the kernel had (electron/crash/incomplete-dump.ts): crash's
 * task table against the kernel's own count (nr_threads + one idle task per CPU). The kernel log
 * alone cannot tell ('unknown': needs crash to check); crash fills it in.
 */
export interface TriageCompleteness {
  state: 'complete' | 'incomplete' | 'unknown';
  /** Tasks crash read from the dump (`sys` TASKS), null when not counted. */
  tasksRead: number | null;
  /** Tasks the kernel had: nr_threads + one idle task per CPU, null when not read. */
  tasksInKernel: number | null;
  /** Why incomplete or unknown, one sentence; null when complete. */
  reason: string | null;
  /** What to do about it; null when complete. */
  fix: string | null;
}

/** The whole `crashdeck.triage/1` document. */
export interface TriageReport {
  schema: 'crashdeck.triage/1';
  /** "log" when only the kernel log was read, "crash" when crash confirmed (or produced) the verdict, "drgn" when crash could not start and drgn read the dump. */
  basis: TriageBasis;
  /** Whether the dump holds every task: shown before anything else wherever the verdict goes. */
  completeness: TriageCompleteness;
  dump: TriageDump;
  panic: TriagePanic;
  oom: TriageOom | null;
  /** Oops / BUG / GPF details, when the panic is one. */
  oops?: TriageOops | null;
  /** Hung-task details: every blocked task with its wait chain. */
  hung?: { tasks: TriageHungTask[] } | null;
  /** Soft / hard lockup details. */
  lockup?: TriageLockup | null;
  /** Inputs the engine did not have (a degraded dump, an old crash, `--dmesg` mode). */
  missing: string[];
  /**
   * What the crash session could not read because of its start-up options (--no_modules ...)
   * and why it was started so; absent for a plain start. Said once here, not per finding.
   */
  limits?: Array<{ option: string; unavailable: string; why: string }>;
}
