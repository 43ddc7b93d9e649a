/**
 * The typed models the crash output parsers produce (Parsed.model in electron/api/contract.ts).
 * Views, the OOM analyzer, reports and the CLI code against these shapes; fields are only ever
 * added. Numbers are null when crash printed something unreadable there (never NaN). Addresses
 * stay hex strings as crash printed them (64-bit values do not fit a JS number).
 */

// ---------------------------------------------------------------------------------------- sys

/** The task the dump panicked in, as the startup banner prints it (PID/COMMAND/TASK/CPU/STATE). */
export interface PanicTask {
  pid: number;
  command: string;
  task: string | null;
  cpu: number | null;
  state: string | null;
}

/** `sys` (and the same block in crash's startup banner). */
export interface SysModel {
  /** vmlinux path as crash printed it (without the `[TAINTED]` mark). */
  kernel: string | null;
  /** True when the KERNEL line carries `[TAINTED]`. */
  kernelTainted: boolean;
  dumpfile: string | null;
  /** `[PARTIAL DUMP]`: makedumpfile excluded pages (normal for kdump with -d 31). */
  partialDump: boolean;
  cpus: number | null;
  /** CPUs crash lists as offline/absent, e.g. "CPUS: 4 [OFFLINE: 2]". */
  offlineCpus: number | null;
  date: string | null;
  uptime: string | null;
  uptimeSeconds: number | null;
  loadAverage: [number, number, number] | null;
  tasks: number | null;
  nodename: string | null;
  release: string | null;
  version: string | null;
  machine: string | null;
  /** CPU clock in MHz from the MACHINE line ("x86_64  (2596 Mhz)"). */
  machineMhz: number | null;
  memory: string | null;
  memoryBytes: number | null;
  /** The panic string without the surrounding quotes. */
  panic: string | null;
  /** TAINTED_MASK hex as printed (also set when `sys` is followed by a `sys -t` line). */
  taintedMask: string | null;
  /** Present in the startup banner, not in `sys`. */
  panicTask: PanicTask | null;
  /** Every `KEY: value` seen, keys as printed ("LOAD AVERAGE"). */
  fields: Record<string, string>;
}

/** One taint flag (kernel/panic.c taint_flags[], Documentation/admin-guide/tainted-kernels.rst). */
export interface TaintFlag {
  bit: number;
  letter: string;
  /** Kernel constant, e.g. TAINT_OOT_MODULE. */
  name: string;
  description: string;
}

/** `sys -t`. */
export interface SysTaintModel {
  /** Hex as printed ("3000"), null when no TAINTED_MASK line was found. */
  mask: string | null;
  /** Mask value (taint bits fit easily in a double). */
  maskValue: number | null;
  /** Letters crash printed after the mask ("OE"). */
  letters: string;
  /** Flags decoded from the mask bits. */
  flags: TaintFlag[];
  tainted: boolean;
}

// ----------------------------------------------------------------------------------------- bt

/** One ` #N [sp] function at address [module]` line. */
export interface BtFrame {
  level: number;
  sp: string;
  /** Symbol as crash printed it ("out_of_memory.cold", "__alloc_pages_slowpath.constprop.0"). */
  function: string;
  address: string;
  /** `[module]` suffix for module text, else null. */
  module: string | null;
  /** `bt -l` source line ("/build/mm/oom_kill.c: 1100") when printed. */
  source: string | null;
}

/**
 * A register dump inside a backtrace: an exception frame (`[exception RIP: sym+off]` + registers)
 * or the user-mode registers at the bottom of a syscall stack.
 */
export interface BtExceptionFrame {
  /** Frame level this register block follows (-1 when it precedes all frames). */
  afterLevel: number;
  /** "native_safe_halt+11" from `[exception RIP: ...]`, null for plain user-mode registers. */
  exceptionRip: string | null;
  /** Register name -> hex value ("RIP", "RSP", "RFLAGS", "RAX", ..., "ORIG_RAX", "CS", "SS"). */
  registers: Record<string, string>;
  /** True when CS says ring 3 (user-mode registers at syscall entry). */
  userMode: boolean;
}

/** One task's backtrace. */
export interface BtTask {
  pid: number;
  task: string;
  cpu: number;
  command: string;
  frames: BtFrame[];
  exceptionFrames: BtExceptionFrame[];
  /** `--- <NMI exception stack> ---` style stack switches, in order. */
  stackTransitions: string[];
  /** True when a frame is panic()/crash_kexec (this is the task that panicked). */
  panic: boolean;
}

/** `bt`, `bt -a`, `bt <pid>`, `foreach bt`. */
export interface BtModel {
  tasks: BtTask[];
}

// ----------------------------------------------------------------------------------------- ps

/** One `ps` row. */
export interface PsTask {
  pid: number;
  /** -1 when crash could not find the parent (old crash, broken task table). */
  ppid: number;
  cpu: number;
  task: string;
  /** RU, IN, UN, ZO, ST, TR, DE, SW, WA, PA, ID, NE (crash task_state_string). */
  state: string;
  memPercent: number;
  vszKb: number;
  rssKb: number;
  /** Command without the kernel-thread brackets. */
  comm: string;
  /** crash prints kernel threads' names in brackets. */
  kernelThread: boolean;
  /** `>` marker: the task active on its CPU at the time of the dump. */
  active: boolean;
}

/** `ps` (and `ps -G`, `ps -k`, `ps -u`, `ps <pid>`...: same columns). */
export interface PsModel {
  tasks: PsTask[];
}

/** One `ps -m` / `ps -l` row. */
export interface PsLastRunTask {
  pid: number;
  task: string;
  cpu: number;
  command: string;
  /** RU, IN, UN, ID, ... as in `ps`. */
  state: string;
  /** `ps -m`: time since the task last ran, in ms (crash: runqueue clock minus the task's last arrival); null for `ps -l`. */
  sinceLastRunMs: number | null;
  /** `ps -l`: the raw last-run timestamp in ns, as printed (may exceed 2^53); null for `ps -m`. */
  lastRunNs: string | null;
}

/** `ps -m` / `ps -l`: tasks, most recently run first (crash's order). */
export interface PsLastRunModel {
  /** Which form crash printed; null when no row was read. */
  format: 'since-last-run' | 'last-run-timestamp' | null;
  tasks: PsLastRunTask[];
}

/** `ps -S`: task count per state. */
export interface PsStatesModel {
  /** State (RU, IN, UN, ID, ...) -> number of tasks. */
  counts: Record<string, number>;
  /** Sum of the counts: the tasks crash found. */
  total: number;
}

// ---------------------------------------------------------------------------------------- log

/** One kernel log record. Continuation lines (no timestamp, indented) are folded into `text`. */
export interface LogRecord {
  /** Seconds since boot, null when the log has no timestamps (`log -t`) or the line lacks one. */
  timestamp: number | null;
  /** Syslog level 0-7 when printed (`log -m`: `<4>`), else null. */
  level: number | null;
  text: string;
  /** 0-based index of the record's first line in the output. */
  line: number;
  /** printk caller id (CONFIG_PRINTK_CALLER: "T302" task, "C1" CPU) when the text carried one. */
  caller?: string | null;
}

/** The `... invoked oom-killer: gfp_mask=..., order=..., oom_score_adj=...` line. */
export interface OomInvoker {
  comm: string;
  /** From the following `CPU: n PID: p Comm: c` line when present. */
  pid: number | null;
  cpu: number | null;
  /** "0x40cc0". */
  gfpMask: string;
  /** ["GFP_KERNEL", "__GFP_COMP"]. */
  gfpFlags: string[];
  order: number;
  oomScoreAdj: number;
}

/** A `Node N <Zone> free:..kB min:..kB ...` line: every counter in kB (present/managed too). */
export interface OomZone {
  node: number;
  zone: string;
  /** Counter name -> kB ("free", "boost", "min", "low", "high", "reserved_highatomic", "present", "managed", ...). */
  counters: Record<string, number>;
  freeKb: number | null;
  minKb: number | null;
  lowKb: number | null;
  highKb: number | null;
  presentKb: number | null;
  managedKb: number | null;
  /** From the `lowmem_reserve[]:` line that follows, in pages. */
  lowmemReserve: number[] | null;
}

/** The per-node `Node N active_anon:..kB ...` summary line. */
export interface OomNodeSummary {
  node: number;
  /** Counter name -> kB ("active_anon", "isolated(anon)", "shmem_thp", ...). */
  countersKb: Record<string, number>;
  allUnreclaimable: boolean | null;
}

/** A `Node 0 DMA32: 140*4kB (UME) ... = 1552kB` free_area line. */
export interface OomFreeArea {
  node: number;
  zone: string;
  /** Index = order. */
  orders: { count: number; sizeKb: number; migrateTypes: string }[];
  totalKb: number | null;
}

/** A row of the `Unreclaimable slab info:` table. */
export interface OomSlabRow {
  cache: string;
  usedKb: number;
  totalKb: number;
}

/** A row of the OOM `Tasks state (memory values in pages):` table. */
export interface OomTaskRow {
  pid: number;
  uid: number;
  tgid: number;
  totalVmPages: number;
  rssPages: number;
  /** Newer kernels (6.8+) split rss into anon/file/shmem columns. */
  rssAnon?: number;
  rssFile?: number;
  rssShmem?: number;
  pgtablesBytes: number;
  swapents: number;
  oomScoreAdj: number;
  comm: string;
}

/** The `oom-kill:constraint=...,nodemask=...,cpuset=...,mems_allowed=...,global_oom,task_memcg=...,task=...,pid=...,uid=...` line. */
export interface OomConstraint {
  constraint: string;
  nodemask: string | null;
  cpuset: string | null;
  memsAllowed: string | null;
  globalOom: boolean;
  /** oom_memcg=... when the OOM was a memcg OOM. */
  oomMemcg: string | null;
  taskMemcg: string | null;
  task: string | null;
  pid: number | null;
  uid: number | null;
}

/** `Out of memory: Killed process 123 (x) total-vm:..kB, anon-rss:..kB, ...`. */
export interface OomKilled {
  pid: number;
  comm: string;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  uid: number | null;
  pgtablesKb: number | null;
  oomScoreAdj: number | null;
  /** "Memory cgroup out of memory: Killed ..." vs "Out of memory: Killed ...". */
  memcg: boolean;
}

/** A `Node N hugepages_total=.. hugepages_free=.. hugepages_surp=.. hugepages_size=..kB` line (one per node and huge page size). */
export interface OomHugepages {
  node: number;
  total: number;
  free: number;
  surp: number;
  sizeKb: number;
}

/**
 * The memcg block a memcg OOM prints instead of Mem-Info (mm/memcontrol.c
 * mem_cgroup_print_oom_meminfo): `memory: usage ..kB, limit ..kB, failcnt ..`, `swap: ...`
 * (cgroup v2) and `Memory cgroup stats for <path>:` followed by memory.stat lines.
 */
export interface OomMemcg {
  usageKb: number | null;
  limitKb: number | null;
  failcnt: number | null;
  /** cgroup v2 `swap:` line; null on v1 (which prints `memory+swap:` and `kmem:` instead). */
  swapUsageKb: number | null;
  swapLimitKb: number | null;
  /** The path after "Memory cgroup stats for" (the cgroup that hit its limit). */
  statsFor: string | null;
  /** memory.stat: sizes in bytes (v1 "name:NKB" tokens converted to bytes), events as counts. */
  stats: Record<string, number>;
}

/** One OOM report (dump_header and what follows, up to the next report). */
export interface OomReport {
  /** Record index of the `invoked oom-killer` line. */
  recordIndex: number;
  timestamp: number | null;
  invoker: OomInvoker;
  /** Kernel taint and version from the `CPU: n PID: p Comm: ...` line. */
  taint: string | null;
  /** Call trace function names (with `? ` unreliable entries left out). */
  callTrace: string[];
  /** Mem-Info counters, in pages ("active_anon", "free", "slab_unreclaimable", ...). */
  memInfo: Record<string, number>;
  nodes: OomNodeSummary[];
  zones: OomZone[];
  freeAreas: OomFreeArea[];
  /** "N total pagecache pages", "Free swap", "pages RAM", "pages reserved" ... */
  totals: Record<string, number>;
  unreclaimableSlab: OomSlabRow[];
  tasks: OomTaskRow[];
  /** Which Tasks table header was seen: 'rss' (classic) or 'rss_split' (rss_anon/rss_file/rss_shmem). */
  tasksFormat: 'rss' | 'rss_split' | null;
  constraint: OomConstraint | null;
  killed: OomKilled | null;
  /** "Out of memory: system-wide panic_on_oom is enabled", "Out of memory: compulsory panic_on_oom" ... */
  panicLine: string | null;
  /** Per-node hugetlb pool lines of show_mem (empty when none were printed). */
  hugepages?: OomHugepages[];
  /** The memcg usage/limit/stat block of a memcg OOM; null for a global OOM. */
  memcg?: OomMemcg | null;
}

/** An Oops / BUG / general protection fault report. */
export interface OopsReport {
  recordIndex: number;
  timestamp: number | null;
  /** The header line ("BUG: kernel NULL pointer dereference, address: 0000000000000000"). */
  header: string;
  /** "Oops: 0002 [#1] PREEMPT SMP PTI" when printed. */
  oopsLine: string | null;
  pid: number | null;
  comm: string | null;
  cpu: number | null;
  taint: string | null;
  /** "RIP: 0010:sysrq_handle_crash+0x16/0x20" -> "sysrq_handle_crash+0x16/0x20". */
  rip: string | null;
  callTrace: string[];
  /** The die counter of the Oops line ("[#2]"): 1 for the first Oops since boot. */
  dieCount?: number | null;
  /** The address that faulted (NULL dereference / page fault / non-canonical GP address, else CR2), hex. */
  faultAddress?: string | null;
  /** "#PF: supervisor read access in kernel mode" -> "supervisor read access in kernel mode". */
  pfAccess?: string | null;
  /** The page fault error code ("0x0000" from `#PF: error_code(0x0000)` or the Oops line's code). */
  errorCode?: string | null;
  /** "#PF: error_code(0x0000) - not-present page" -> "not-present page". */
  pfReason?: string | null;
}

/** A `Kernel panic - not syncing: ...` line. */
export interface PanicRecord {
  recordIndex: number;
  timestamp: number | null;
  message: string;
  /** From the `CPU: n PID: p Comm: c` line after the panic line. */
  pid: number | null;
  comm: string | null;
  cpu: number | null;
  callTrace: string[];
}

/** `INFO: task x:123 blocked for more than 120 seconds.` */
export interface HungTaskReport {
  recordIndex: number;
  timestamp: number | null;
  comm: string;
  pid: number;
  seconds: number;
  callTrace: string[];
  /** "task:backupd state:D stack:0 pid:307 ..." -> "D". */
  state?: string | null;
  /** 6.15+ CONFIG_DETECT_HUNG_TASK_BLOCKER: "is blocked on a mutex likely owned by task qholder:304". */
  blockedOn?: {
    kind: string;
    ownerComm: string | null;
    ownerPid: number | null;
    /** The owner's "task:qholder state:S" printed after the blocker line, when it was. */
    ownerState?: string | null;
    /** The owner's call trace printed after it ("qdrv_hold_locked+0x27/0x30 [qdrv]", innermost first). */
    ownerTrace?: string[];
  } | null;
}

/** `watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [x:123]`. */
export interface SoftLockupReport {
  recordIndex: number;
  timestamp: number | null;
  cpu: number;
  seconds: number;
  comm: string;
  pid: number;
  callTrace: string[];
  /** "RIP: 0010:native_safe_halt+0xb/0x10" of the report's registers -> "native_safe_halt+0xb/0x10". */
  rip?: string | null;
  /** 'hard' for "Watchdog detected hard LOCKUP on cpu N" (seconds then 0: the report prints none). */
  kind?: 'soft' | 'hard';
}

/** `log` (also vmcore-dmesg.txt, which has the same `[ seconds] text` form). */
export interface LogModel {
  records: LogRecord[];
  oomReports: OomReport[];
  oopses: OopsReport[];
  panics: PanicRecord[];
  hungTasks: HungTaskReport[];
  softLockups: SoftLockupReport[];
}

// --------------------------------------------------------------------------------------- kmem

/** A `kmem -i` row. */
export interface KmemInfoRow {
  /** Row label as printed ("TOTAL MEM", "FREE", "SLAB", "COMMIT LIMIT", ...). */
  label: string;
  pages: number | null;
  /** TOTAL column in bytes (crash prints human units; this is that value, rounded). */
  bytes: number | null;
  bytesText: string;
  /** Percentage, null for `----`. */
  percent: number | null;
  /** What the percentage is of ("TOTAL MEM", "TOTAL SWAP", "TOTAL LIMIT"). */
  percentOf: string | null;
  /** Set on COMMITTED 0: crash reads only the global part of vm_committed_as, so this is a lower bound. */
  lowerBound?: true;
}

/** `kmem -i`. */
export interface KmemInfoModel {
  rows: KmemInfoRow[];
  /** Rows by label for convenience (same objects). */
  byLabel: Record<string, KmemInfoRow>;
  /**
   * Rows this crash release did not print (unknown, not zero): SHARED from crash 9.0 on. Absent
   * in models cached by an older parser.
   */
  notPrinted?: string[];
}

/** A `kmem -s` row. */
export interface SlabCache {
  address: string;
  name: string;
  objSize: number;
  allocated: number;
  total: number;
  slabs: number;
  /** Slab size in bytes (SSIZE "8k" -> 8192). */
  slabSize: number;
  slabSizeText: string;
  /** objSize * total. */
  totalBytes: number;
  /** crash printed "(unknown)": the name is on a page missing from the dump. */
  nameUnknown?: true;
}

/** `kmem -s` (also `kmem -s <cache>`). */
export interface KmemSlabModel {
  caches: SlabCache[];
}

/** One slab of a `kmem -S CACHE` listing (SLUB: the SLAB column is the slab's struct page). */
export interface SlabDetailSlab {
  /** Where crash found it: "CPU 0 SLAB", "CPU 1 PARTIAL", "NODE 0 PARTIAL", "NODE 0 FULL". */
  list: string;
  /** SLAB column: the struct page (struct slab) address, hex as printed; `kmem -p` takes it. */
  slab: string;
  /** MEMORY column: the slab's first object, a direct-map kernel virtual address. */
  memory: string;
  node: number | null;
  total: number | null;
  allocated: number | null;
  free: number | null;
  /** Objects crash listed under "FREE / [ALLOCATED]" for this slab. */
  objectsListed: number;
  /** Of those, the ones printed in brackets (allocated). */
  allocatedListed: number;
}

/** A `kmem -S CACHE` kmem_cache_node row. */
export interface SlabDetailNode {
  address: string;
  node: number | null;
  slabs: number | null;
  partial: number | null;
  perCpu: number | null;
}

/** `kmem -S CACHE`: the cache's `kmem -s` row, then its slabs per CPU and per node. */
export interface KmemSlabDetailModel {
  cache: SlabCache | null;
  slabs: SlabDetailSlab[];
  nodes: SlabDetailNode[];
  /** Lists crash said it cannot walk ("NODE 0 FULL" -> "(not tracked)" without SLUB debug). */
  untracked: string[];
}

/** One zone in `kmem -z`. */
export interface KmemZone {
  node: number;
  zone: number;
  address: string;
  name: string;
  populated: boolean;
  /** SIZE (spanned pages). */
  spanned: number | null;
  /** PRESENT; crash prints it only when below SIZE, so without it this is SIZE (null only when SIZE is unreadable). */
  present: number | null;
  min: number | null;
  low: number | null;
  high: number | null;
  /** VM_STAT counters (pages). */
  vmStat: Record<string, number>;
}

/** `kmem -z`. */
export interface KmemZoneModel {
  zones: KmemZone[];
}

/** One free_area row of `kmem -f`: an order and (on kernels with migrate types) one migrate list. */
export interface KmemFreeAreaRow {
  order: number;
  sizeText: string;
  sizeBytes: number | null;
  address: string;
  /** Index of this row within its order (= migrate type index on kernels with per-type lists). */
  migrateIndex: number;
  blocks: number;
  pages: number;
}

/** One zone block of `kmem -f`. */
export interface KmemFreeZone {
  zone: number;
  name: string;
  size: number;
  free: number;
  memMap: string;
  startPaddr: string;
  startMapnr: number | null;
  areas: KmemFreeAreaRow[];
  /** Blocks per order summed over migrate types. */
  blocksPerOrder: number[];
  pagesPerOrder: number[];
}

/** `kmem -f`. */
export interface KmemFreeModel {
  zones: KmemFreeZone[];
  /** `nr_free_pages: 604  (found 580)`. */
  nrFreePages: number | null;
  foundFreePages: number | null;
}

/** `kmem -V`: named vm_stat sections (VM_ZONE_STAT, VM_NODE_STAT, VM_NUMA_STAT, VM_EVENT_STATES...). */
export interface KmemVmStatModel {
  sections: Record<string, Record<string, number>>;
}

/** One `kmem -g` row: a page flag name, its bit, its mask. Aliases share a bit. */
export interface PageFlagBit {
  name: string;
  bit: number;
  value: string;
}

/** `kmem -g`: the dump's own page-flag table. */
export interface PageFlagsModel {
  flags: PageFlagBit[];
  /** bit -> every name that uses it (first-listed = primary name). */
  namesByBit: Record<number, string[]>;
}

/** One `kmem -p` row. */
export interface PageRow {
  page: string;
  physical: string;
  mapping: string;
  index: string;
  count: number | null;
  /** FLAGS hex as printed. */
  flags: string;
  /** Names crash printed after the flags ("reserved", "slab", "lru,active"). */
  flagNames: string[];
  /** Flag names decoded from the hex through the dump's own `kmem -g` table (primary names, no PG_). */
  decodedFlags: string[] | null;
}

/** Page-state summary over the rows (counts of pages per state). */
export interface PageStateSummary {
  pages: number;
  dirty: number;
  writeback: number;
  lru: number;
  active: number;
  unevictable: number;
  slab: number;
  reserved: number;
  swapbacked: number;
  locked: number;
  mlocked: number;
  head: number;
  /** Every decoded state name -> count. */
  byFlag: Record<string, number>;
}

/** `kmem -p [addr]`. */
export interface PagesModel {
  pages: PageRow[];
  summary: PageStateSummary;
  /** Whether decodedFlags came from a `kmem -g` table. */
  decodedWith: 'kmem -g' | 'names-only';
}

// ----------------------------------------------------------------------------------------- vm

/** One VMA row of `vm`. */
export interface Vma {
  vma: string;
  start: string;
  end: string;
  /** End - start in bytes when it fits a double exactly (always for user space). */
  sizeBytes: number | null;
  flags: string;
  file: string | null;
}

/** `vm [pid]`. */
export interface VmModel {
  pid: number | null;
  task: string | null;
  cpu: number | null;
  command: string | null;
  /** MM address; "0" for kernel threads. */
  mm: string | null;
  pgd: string | null;
  rssKb: number | null;
  totalVmKb: number | null;
  /** True when the task has no mm (kernel thread): no VMAs expected. */
  kernelThread: boolean;
  vmas: Vma[];
}

// ---------------------------------------------------------------------------------------- mod

/** One `mod` row. */
export interface ModuleRow {
  module: string;
  name: string;
  /** BASE (or TEXT_BASE on 6.4+ kernels, where a module has separate text/data areas): the text start. */
  base: string | null;
  size: number;
  /** Path of the loaded debuginfo object, or null for "(not loaded)". */
  objectFile: string | null;
  /** Trailing bracketed note ("[CONFIG_KALLSYMS]"). */
  note: string | null;
  /** From `mod -t` when merged, else null. */
  taints: string | null;
}

/** `mod`. */
export interface ModModel {
  modules: ModuleRow[];
}

/** `mod -t`. */
export interface ModTaintModel {
  modules: { name: string; taints: string }[];
}

// ---------------------------------------------------------------------------------- follow-ups
// The small commands panic-kind triage sends after the first reading (kind-details.ts decides
// which): crash's text and drgn's answers both arrive as these models.

/** One frame of `bt -F PID` with the words of its stack. */
export interface StackWordsFrame {
  level: number;
  /** The frame's function as printed ("__mutex_lock.constprop.0"). */
  function: string;
  module: string | null;
  /**
   * The frame's stack words, each as crash's -F prints it: a symbol's bare name when the word is
   * that symbol's address (a static lock, a global object), `name+off` inside a symbol,
   * `[cache]` for a slab object when the engine knows it, else the word in hex.
   */
  words: string[];
}

/** `bt -F PID`: a task's frames with their stack words, symbolic where they name a symbol. */
export interface StackWordsModel {
  pid: number | null;
  command: string | null;
  frames: StackWordsFrame[];
  /** Why no stack was read (the engine's error line); null when frames were read. */
  error: string | null;
}

/** `struct mutex.owner X` / `struct rw_semaphore.owner X`: the lock's owner word. */
export interface LockOwnerWordModel {
  /** The atomic_long_t counter as unsigned 64-bit hex, 16 digits; null when not read. */
  word: string | null;
  /** Why it could not be read (the engine's error line); null when read. */
  error: string | null;
}

/** `sym ADDR`: the symbol an address falls in. */
export interface SymbolAtModel {
  /** The address asked about, hex without 0x. */
  address: string;
  /** "qdrv_submit.constprop.0"; null when no symbol holds the address. */
  name: string | null;
  /** Bytes past the symbol's start (0: the address is the symbol itself). */
  offset: number | null;
  /** nm-style type letter ("t", "d", "?" when unknown). */
  type: string | null;
  module: string | null;
  /** "/build/qdrv.c: 43" when debug info has a line for the address. */
  source: string | null;
  error: string | null;
}

/** `mod -s NAME [FILE]`: a module's debug info loaded (or why not). */
export interface ModuleLoadModel {
  module: string | null;
  /** The object file now loaded for it; null when loading failed. */
  objectFile: string | null;
  error: string | null;
}
