/**
 * The normalized facts the OOM rules reason over. They are filled from the parsed models
 * (electron/parse) by from-models.ts; keeping the rules on this one shape lets a fact come from
 * whichever source the dump still has (the OOM report in the log at the moment of the OOM, or
 * crash's own `kmem -i` / `kmem -z` / `kmem -s` / `ps` at the moment of the dump), and lets every
 * fact carry the command and row that proves it.
 */
import type { BootZones } from './boot-zones.ts';
import type { OomTaskRow } from './oom-badness.ts';

/** Where a fact was read: the command and the row the UI should jump to. */
export interface Source {
  command: string;
  row: string;
}

/** Global page counters (the Mem-Info block of an OOM report, or the same counters from a dump). */
export interface MemCounters {
  activeAnon: number | null;
  inactiveAnon: number | null;
  isolatedAnon: number | null;
  activeFile: number | null;
  inactiveFile: number | null;
  isolatedFile: number | null;
  unevictable: number | null;
  dirty: number | null;
  writeback: number | null;
  slabReclaimable: number | null;
  slabUnreclaimable: number | null;
  mapped: number | null;
  shmem: number | null;
  pagetables: number | null;
  secPagetables: number | null;
  bounce: number | null;
  kernelMiscReclaimable: number | null;
  free: number | null;
  freePcp: number | null;
  freeCma: number | null;
  /** Kernel stacks, kB (from the per-node line). */
  kernelStackKb: number | null;
}

export interface ZoneFacts {
  node: number;
  zone: string;
  freeKb: number | null;
  minKb: number | null;
  lowKb: number | null;
  highKb: number | null;
  managedKb: number | null;
  presentKb: number | null;
  /** lowmem_reserve[] in pages, one slot per compiled-in zone type. */
  lowmemReserve: number[] | null;
  /** Free blocks per order (index = order), all migrate types together. */
  freeBlocksByOrder: number[] | null;
  /** Free pages in CMA pageblocks, kB (only movable allocations may take them); absent when not printed. */
  freeCmaKb?: number | null;
  source: Source;
}

export interface HugepageFacts {
  node: number;
  total: number;
  free: number;
  sizeKb: number;
}

export interface SlabCacheFacts {
  name: string;
  /** Bytes in use (objects allocated x object size, or the report's Used). */
  usedBytes: number;
  /** Bytes held by the cache's slabs. */
  totalBytes: number;
  /** True when known to be an unreclaimable cache (listed in "Unreclaimable slab info"). */
  unreclaimable: boolean | null;
  objSize?: number | null;
  allocated?: number | null;
  source: Source;
}

export interface MemcgFacts {
  /** The cgroup that hit its limit (oom_memcg=, or "Memory cgroup stats for <path>"). */
  path: string | null;
  usageKb: number | null;
  limitKb: number | null;
  failcnt: number | null;
  swapUsageKb: number | null;
  swapLimitKb: number | null;
  /** memory.stat of the cgroup in bytes (anon, file, shmem, slab_unreclaimable, ...). */
  stats: Record<string, number>;
  source: Source;
}

export interface KilledFacts {
  pid: number;
  comm: string;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  oomScoreAdj: number | null;
  /** "Out of memory" or "Memory cgroup out of memory" (the reason prefix). */
  reason: string | null;
  source: Source;
}

export interface Frame {
  fn: string;
  module: string | null;
  /** A '?' frame: a stale stack word, not a real caller. */
  unreliable: boolean;
}

/** Everything the OOM rules read. Any field may be null/empty: each gap lowers confidence. */
export interface OomFacts {
  /** The OOM report was found (the `invoked oom-killer` line). */
  reportFound: boolean;
  reportSource: Source | null;
  trigger: { pid: number | null; comm: string | null; gfpMask: string | null; order: number | null; oomScoreAdj: number | null };
  constraint: string | null;
  constraintSource: Source | null;
  /** The cgroup from oom-kill's oom_memcg=, or task_memcg=. */
  oomMemcg: string | null;
  /** 1 ("system-wide"), 2 ("compulsory") when panic_on_oom fired; null otherwise. */
  panicOnOom: number | null;
  panicSource: Source | null;
  /** The report's allocation stack, innermost first. */
  allocTrace: Frame[];
  counters: MemCounters | null;
  countersSource: Source | null;
  /** "all_unreclaimable? yes" on any node. */
  allUnreclaimable: boolean | null;
  zones: ZoneFacts[];
  hugepages: HugepageFacts[];
  swapTotalKb: number | null;
  swapFreeKb: number | null;
  /** totalram_pages(): managed pages (pages RAM - reserved, or kmem -i TOTAL MEM). */
  totalRamPages: number | null;
  totalRamSource: Source | null;
  /** Present pages of all nodes (for cpuset / mempolicy totalpages). */
  presentPages: number | null;
  /** Nodes the OOM was confined to: mems_allowed for a cpuset, the nodemask for a mempolicy ("0-1"). */
  allowedNodes: string | null;
  /** The report's "Unreclaimable slab info" table, or kmem -s. */
  slabCaches: SlabCacheFacts[];
  slabTableFromReport: boolean;
  tasks: OomTaskRow[];
  tasksSource: Source | null;
  memcg: MemcgFacts | null;
  killed: KilledFacts | null;
  /** The chosen victim from the oom-kill: summary line (task=, pid=). */
  summaryVictim: { pid: number; comm: string } | null;
  pageSize: number;
  /** Kernel release when known (selects the oom_badness variant). */
  release: string | null;
  /** Boot lines about the zones (command line, ZONE_MOVABLE starts); absent when not read. */
  boot?: BootZones;
}

/** Facts about the dump as crash sees it now (after the OOM, at the panic). */
export interface DumpFacts {
  counters: Partial<MemCounters> | null;
  countersSource: Source | null;
  totalRamPages: number | null;
  freePages: number | null;
  slabPages: number | null;
  hugeTotalPages: number | null;
  hugeFreePages: number | null;
  swapTotalPages: number | null;
  swapFreePages: number | null;
  zones: ZoneFacts[];
  slabCaches: SlabCacheFacts[];
  /** ps rows: pid, comm, RSS in kB. */
  tasks: Array<{ pid: number; comm: string; rssKb: number; kernelThread: boolean }>;
}

/** A module loaded in the dump and whether (and how) it taints the kernel. */
export interface ModuleFacts {
  name: string;
  /** Taint letters for this module (O out-of-tree, E unsigned, P proprietary, ...), "" when clean, null when unknown. */
  taints: string | null;
  source: Source;
}

/** Optional evidence from the trace engineer's summary (electron/trace): plain data. */
export interface TraceEvidence {
  /** Top slab/kmalloc call sites: function, module, bytes or count, cache when linked. */
  callSites?: Array<{ fn: string; module?: string | null; cache?: string | null; bytes?: number | null; count?: number | null }>;
  /** Top tasks by page allocations. */
  tasks?: Array<{ pid: number; comm: string; pages?: number | null; count?: number | null }>;
  /** A sentence the trace engine wants shown with the verdict. */
  notes?: string[];
}
