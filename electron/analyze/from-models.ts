/**
 * Parsed models (electron/parse/models.ts) -> the facts the rules read. No crash text is read
 * here; only model fields are mapped, each with the command and row it came from.
 */
import type {
  KmemFreeModel, KmemInfoModel, KmemSlabModel, KmemVmStatModel, KmemZoneModel, LogModel, ModModel, ModTaintModel,
  OomReport, PsModel,
} from '../parse/models.ts';
import type { DumpFacts, HugepageFacts, MemCounters, MemcgFacts, ModuleFacts, OomFacts, SlabCacheFacts, ZoneFacts } from './facts.ts';
import { bootZones } from './boot-zones.ts';
import { moduleTaints, splitSymbol } from './panic-triage.ts';

/** Caches the kernel creates with SLAB_RECLAIM_ACCOUNT (their pages count as reclaimable slab). */
const RECLAIMABLE_CACHE = /^(?:dentry|inode_cache|\w*_inode_cache|\w*_inode|radix_tree_node|buffer_head|mbcache|ext4_extent_status|xfs_ili|bdev_cache|sock_inode_cache|proc_inode_cache|shmem_inode_cache)$/;

/** The OOM report to analyse: the last one (nearest the panic). */
export function lastOomReport(log: LogModel | null | undefined): OomReport | null {
  return log?.oomReports.at(-1) ?? null;
}

const n = (v: number | undefined): number | null => (v === undefined ? null : v);

/** OomFacts from the log's OOM report (empty facts when there is none). */
export function oomFactsFromLog(log: LogModel | null | undefined): OomFacts {
  const r = lastOomReport(log);
  const facts: OomFacts = {
    reportFound: r !== null,
    reportSource: null,
    trigger: { pid: null, comm: null, gfpMask: null, order: null, oomScoreAdj: null },
    constraint: null,
    constraintSource: null,
    oomMemcg: null,
    panicOnOom: null,
    panicSource: null,
    allocTrace: [],
    counters: null,
    countersSource: null,
    allUnreclaimable: null,
    zones: [],
    hugepages: [],
    swapTotalKb: null,
    swapFreeKb: null,
    totalRamPages: null,
    totalRamSource: null,
    presentPages: null,
    allowedNodes: null,
    slabCaches: [],
    slabTableFromReport: false,
    tasks: [],
    tasksSource: null,
    memcg: null,
    killed: null,
    summaryVictim: null,
    pageSize: 4096,
    release: null,
  };
  facts.boot = bootZones(log);
  if (!r) return facts;
  const inv = r.invoker;
  facts.reportSource = { command: 'log', row: `${inv.comm} invoked oom-killer` };
  facts.trigger = {
    pid: inv.pid, comm: inv.comm,
    gfpMask: inv.gfpMask ? `${inv.gfpMask}${inv.gfpFlags.length ? `(${inv.gfpFlags.join('|')})` : ''}` : null,
    order: inv.order, oomScoreAdj: inv.oomScoreAdj,
  };
  facts.allocTrace = r.callTrace.map(splitSymbol);
  if (r.constraint) {
    facts.constraint = r.constraint.constraint;
    facts.constraintSource = { command: 'log', row: `oom-kill:constraint=${r.constraint.constraint}` };
    facts.oomMemcg = r.constraint.oomMemcg;
    facts.allowedNodes = r.constraint.constraint === 'CONSTRAINT_MEMORY_POLICY' ? r.constraint.nodemask : r.constraint.memsAllowed;
    if (r.constraint.task && r.constraint.pid !== null) facts.summaryVictim = { pid: r.constraint.pid, comm: r.constraint.task };
  }
  if (r.panicLine) {
    facts.panicOnOom = /compulsory/.test(r.panicLine) ? 2 : /panic_on_oom/.test(r.panicLine) ? 1 : null;
    facts.panicSource = { command: 'log', row: r.panicLine };
    // panic_on_oom == 1 panics only for CONSTRAINT_NONE (check_panic_on_oom), and prints no oom-kill: line.
    if (facts.constraint === null && facts.panicOnOom === 1) facts.constraint = 'CONSTRAINT_NONE';
  }
  const mi = r.memInfo;
  if (Object.keys(mi).length > 0) {
    const stackKb = r.nodes.length ? r.nodes.reduce((s, nd) => s + (nd.countersKb.kernel_stack ?? 0), 0) : null;
    facts.counters = {
      activeAnon: n(mi.active_anon), inactiveAnon: n(mi.inactive_anon), isolatedAnon: n(mi.isolated_anon),
      activeFile: n(mi.active_file), inactiveFile: n(mi.inactive_file), isolatedFile: n(mi.isolated_file),
      unevictable: n(mi.unevictable), dirty: n(mi.dirty), writeback: n(mi.writeback),
      slabReclaimable: n(mi.slab_reclaimable), slabUnreclaimable: n(mi.slab_unreclaimable),
      mapped: n(mi.mapped), shmem: n(mi.shmem), pagetables: n(mi.pagetables), secPagetables: n(mi.sec_pagetables),
      bounce: n(mi.bounce), kernelMiscReclaimable: n(mi.kernel_misc_reclaimable), free: n(mi.free),
      freePcp: n(mi.free_pcp), freeCma: n(mi.free_cma), kernelStackKb: stackKb,
    };
    facts.countersSource = { command: 'log', row: 'Mem-Info' };
  }
  if (r.nodes.length) facts.allUnreclaimable = r.nodes.some((nd) => nd.allUnreclaimable === true);
  facts.zones = r.zones.map((z): ZoneFacts => {
    const fa = r.freeAreas.find((f) => f.node === z.node && f.zone === z.zone);
    return {
      node: z.node, zone: z.zone, freeKb: z.freeKb, minKb: z.minKb, lowKb: z.lowKb, highKb: z.highKb,
      managedKb: z.managedKb, presentKb: z.presentKb, lowmemReserve: z.lowmemReserve,
      freeBlocksByOrder: fa ? fa.orders.map((o) => o.count) : null,
      freeCmaKb: z.counters.free_cma ?? null,
      source: { command: 'log', row: `Node ${z.node} ${z.zone} free:` },
    };
  });
  facts.hugepages = (r.hugepages ?? []).map((h): HugepageFacts => ({ node: h.node, total: h.total, free: h.free, sizeKb: h.sizeKb }));
  const t = r.totals;
  facts.swapTotalKb = n(t['Total swap kB']);
  facts.swapFreeKb = n(t['Free swap kB']);
  if (t['pages RAM'] !== undefined && t['pages reserved'] !== undefined) {
    facts.totalRamPages = t['pages RAM'] - t['pages reserved'];
    facts.totalRamSource = { command: 'log', row: 'pages RAM' };
  } else if (r.zones.some((z) => z.managedKb !== null)) {
    facts.totalRamPages = Math.round(r.zones.reduce((s, z) => s + (z.managedKb ?? 0), 0) / 4);
    facts.totalRamSource = { command: 'log', row: 'managed:' };
  }
  if (r.zones.some((z) => z.presentKb !== null)) facts.presentPages = Math.round(r.zones.reduce((s, z) => s + (z.presentKb ?? 0), 0) / 4);
  facts.slabCaches = r.unreclaimableSlab.map((s): SlabCacheFacts => ({
    name: s.cache, usedBytes: s.usedKb * 1024, totalBytes: s.totalKb * 1024, unreclaimable: true,
    source: { command: 'log', row: s.cache },
  }));
  facts.slabTableFromReport = r.unreclaimableSlab.length > 0;
  facts.tasks = r.tasks.map((tk) => ({ pid: tk.pid, uid: tk.uid, tgid: tk.tgid, comm: tk.comm, rssPages: tk.rssPages, swapents: tk.swapents, pgtablesBytes: tk.pgtablesBytes, oomScoreAdj: tk.oomScoreAdj }));
  if (r.tasks.length) facts.tasksSource = { command: 'log', row: 'Tasks state' };
  if (r.killed) {
    facts.killed = {
      pid: r.killed.pid, comm: r.killed.comm, anonRssKb: r.killed.anonRssKb, fileRssKb: r.killed.fileRssKb,
      shmemRssKb: r.killed.shmemRssKb, oomScoreAdj: r.killed.oomScoreAdj,
      reason: r.killed.memcg ? 'Memory cgroup out of memory' : 'Out of memory',
      source: { command: 'log', row: `Killed process ${r.killed.pid}` },
    };
  }
  if (r.memcg) {
    const m = r.memcg;
    const memcg: MemcgFacts = {
      path: facts.oomMemcg ?? m.statsFor ?? null, usageKb: m.usageKb, limitKb: m.limitKb, failcnt: m.failcnt,
      swapUsageKb: m.swapUsageKb, swapLimitKb: m.swapLimitKb, stats: m.stats,
      source: { command: 'log', row: 'memory: usage' },
    };
    facts.memcg = memcg;
  }
  return facts;
}

/** Facts about the dump at panic time from kmem -i / -z / -f / -s / -V and ps. */
export function dumpFacts(m: {
  kmemI?: KmemInfoModel | null; kmemZ?: KmemZoneModel | null; kmemF?: KmemFreeModel | null; kmemS?: KmemSlabModel | null;
  kmemV?: KmemVmStatModel | null; ps?: PsModel | null; unreclaimableNames?: Set<string>;
}): DumpFacts | null {
  if (!m.kmemI && !m.kmemZ && !m.kmemS && !m.ps && !m.kmemV) return null;
  const row = (label: string): number | null => m.kmemI?.byLabel[label]?.pages ?? null;
  const bytesPages = (label: string): number | null => {
    const b = m.kmemI?.byLabel[label]?.bytes;
    return b === null || b === undefined ? row(label) : Math.round(b / 4096);
  };
  const out: DumpFacts = {
    counters: null, countersSource: null,
    totalRamPages: row('TOTAL MEM'), freePages: row('FREE'), slabPages: row('SLAB'),
    // Sizes from the byte column: crash's PAGES column for huge pages has meant different units across versions.
    hugeTotalPages: bytesPages('TOTAL HUGE'), hugeFreePages: bytesPages('HUGE FREE'), swapTotalPages: row('TOTAL SWAP'), swapFreePages: row('SWAP FREE'),
    zones: [], slabCaches: [], tasks: [],
  };
  // Global counters: kmem -V node stats when present, else the per-zone vm_stat of kmem -z.
  const vs = m.kmemV ? Object.assign({}, ...Object.values(m.kmemV.sections)) as Record<string, number> : null;
  const zsum = (k: string): number | null => {
    if (!m.kmemZ) return null;
    let s = 0;
    let seen = false;
    for (const z of m.kmemZ.zones) if (z.vmStat[k] !== undefined) { s += z.vmStat[k] as number; seen = true; }
    return seen ? s : null;
  };
  const pick = (vKey: string, zKey?: string): number | null => vs?.[vKey] ?? (zKey ? zsum(zKey) : null);
  if (vs || m.kmemZ) {
    const c: Partial<MemCounters> = {
      activeAnon: pick('NR_ACTIVE_ANON', 'NR_ZONE_ACTIVE_ANON'), inactiveAnon: pick('NR_INACTIVE_ANON', 'NR_ZONE_INACTIVE_ANON'),
      activeFile: pick('NR_ACTIVE_FILE', 'NR_ZONE_ACTIVE_FILE'), inactiveFile: pick('NR_INACTIVE_FILE', 'NR_ZONE_INACTIVE_FILE'),
      unevictable: pick('NR_UNEVICTABLE', 'NR_ZONE_UNEVICTABLE'), isolatedAnon: pick('NR_ISOLATED_ANON'), isolatedFile: pick('NR_ISOLATED_FILE'),
      dirty: pick('NR_FILE_DIRTY'), writeback: pick('NR_WRITEBACK'), mapped: pick('NR_FILE_MAPPED'),
      shmem: pick('NR_SHMEM') ?? (m.kmemI?.byLabel.SHARED?.pages ?? null),
      slabReclaimable: pick('NR_SLAB_RECLAIMABLE_B') ?? pick('NR_SLAB_RECLAIMABLE'),
      slabUnreclaimable: pick('NR_SLAB_UNRECLAIMABLE_B') ?? pick('NR_SLAB_UNRECLAIMABLE') ?? row('SLAB'),
      pagetables: pick('NR_PAGETABLE') ?? pick('NR_PAGETABLE_B'), secPagetables: pick('NR_SECONDARY_PAGETABLE'),
      kernelStackKb: pick('NR_KERNEL_STACK_KB', 'NR_KERNEL_STACK_KB'),
      free: pick('NR_FREE_PAGES', 'NR_FREE_PAGES') ?? row('FREE'), freePcp: null, freeCma: null, bounce: null, kernelMiscReclaimable: null,
    };
    out.counters = c;
    out.countersSource = { command: vs ? 'kmem -V' : 'kmem -z', row: 'VM_STAT' };
  }
  if (m.kmemZ) {
    for (const z of m.kmemZ.zones) {
      if (!z.populated) continue;
      const fz = m.kmemF?.zones.find((f) => f.name === z.name);
      out.zones.push({
        node: z.node, zone: z.name,
        freeKb: z.vmStat.NR_FREE_PAGES !== undefined ? z.vmStat.NR_FREE_PAGES * 4 : null,
        minKb: z.min !== null ? z.min * 4 : null, lowKb: z.low !== null ? z.low * 4 : null, highKb: z.high !== null ? z.high * 4 : null,
        managedKb: null, presentKb: z.present !== null ? z.present * 4 : null, lowmemReserve: null,
        freeBlocksByOrder: fz ? fz.blocksPerOrder : null,
        freeCmaKb: z.vmStat.NR_FREE_CMA_PAGES !== undefined ? z.vmStat.NR_FREE_CMA_PAGES * 4 : null,
        source: { command: 'kmem -z', row: z.name },
      });
    }
  }
  if (m.kmemS) {
    out.slabCaches = m.kmemS.caches.map((c): SlabCacheFacts => ({
      name: c.name,
      usedBytes: c.allocated * c.objSize,
      totalBytes: Math.max(c.totalBytes, c.slabs * c.slabSize),
      unreclaimable: m.unreclaimableNames?.has(c.name) ? true : RECLAIMABLE_CACHE.test(c.name) ? false : null,
      objSize: c.objSize, allocated: c.allocated,
      source: { command: 'kmem -s', row: c.name },
    }));
  }
  if (m.ps) out.tasks = m.ps.tasks.map((t) => ({ pid: t.pid, comm: t.comm, rssKb: t.rssKb, kernelThread: t.kernelThread }));
  return out;
}

/** Loaded modules with their taint letters (mod, mod -t, and the log's taint lines). */
export function moduleFacts(mod: ModModel | null | undefined, modT: ModTaintModel | null | undefined, log: LogModel | null | undefined): ModuleFacts[] {
  const taints = moduleTaints({ mod: mod ?? null, modT: modT ?? null, log: log ?? null });
  const names = new Set<string>([...(mod?.modules.map((m) => m.name) ?? []), ...taints.keys()]);
  return [...names].map((name) => ({
    name,
    taints: taints.get(name) ?? (modT ? '' : null),
    source: { command: modT?.modules.some((m) => m.name === name) ? 'mod -t' : mod?.modules.some((m) => m.name === name) ? 'mod' : 'log', row: name },
  }));
}
