/**
 * The OOM root-cause rules: is this an OOM, where did memory go, could it have been reclaimed,
 * who would be killed, and which culprit explains it, with a confidence that drops for every
 * missing input and every disagreement between sources. Pure: facts in, verdict out.
 */
import type { DumpFacts, MemCounters, ModuleFacts, OomFacts, Source, TraceEvidence } from './facts.ts';
import { decodeGfp, nodeList, type GfpInfo } from './gfp.ts';
import { accountMemory, bucketLabels, type Account, type BucketKey } from './memory-account.ts';
import { isTaintingModule, moduleForCache } from './module-owner.ts';
import { oomBadness, rulesFor, selectVictim, type OomTaskRow } from './oom-badness.ts';
import type { Confidence, CulpritKind, Evidence, FreeByZone, MemoryBucket, TriageCulprit, TriageOom, TriageVictim } from '../api/triage-report.ts';
import { freeByZone, unusableMatters, unusableZonesText } from './free-by-zone.ts';
import { checkZones, type ZoneSummary } from './zone-check.ts';

export interface OomInputs {
  facts: OomFacts;
  dump: DumpFacts | null;
  modules: ModuleFacts[];
  trace: TraceEvidence | null;
  /** Inputs the gatherer could not get, named for the user ("kmem -s", ...). */
  missing: string[];
}

const KB = 1024;

/** Run every rule and return the OOM part of the triage report. */
export function analyzeOom(inp: OomInputs): TriageOom {
  const { facts, dump } = inp;
  const pageKb = facts.pageSize / KB;
  const evidence: Evidence[] = [];
  const conflicts: string[] = [];
  const missing = [...inp.missing];
  let penalty = 0;
  const ev = (src: Source | null, detail: string): void => {
    if (src) evidence.push({ command: src.command, row: src.row, detail });
  };

  // --- Is this an OOM? -------------------------------------------------------------------
  const gfp = decodeGfp(facts.trigger.gfpMask);
  // order -1 marks a SysRq-f manual OOM kill; it allocated nothing.
  const order = Math.max(0, facts.trigger.order ?? 0);
  if (facts.trigger.order === -1) {
    conflicts.push('the OOM killer was triggered by hand (SysRq-f), so memory was not necessarily short');
  }
  if (facts.reportFound) {
    ev(facts.reportSource, `${facts.trigger.comm ?? '?'}${facts.trigger.pid !== null ? ` (pid ${facts.trigger.pid})` : ''} invoked the OOM killer: gfp_mask=${facts.trigger.gfpMask ?? '?'}, order=${order}, oom_score_adj=${facts.trigger.oomScoreAdj ?? '?'}`);
  } else {
    missing.push('the OOM report in the kernel log');
    penalty += 1;
  }
  // A memcg OOM shows in the constraint line, the memcg block, the kill reason, or (when the
  // kernel panicked before printing those, panic_on_oom=2) the charge path in the stack.
  const memcgByStack = facts.allocTrace.some((f) => /^(?:mem_cgroup_out_of_memory|try_charge_memcg|try_charge|mem_cgroup_oom|mem_cgroup_oom_synchronize)$/.test(f.fn));
  const memcgOom = facts.constraint === 'CONSTRAINT_MEMCG' || facts.memcg !== null || facts.killed?.reason === 'Memory cgroup out of memory' || facts.oomMemcg !== null || memcgByStack;
  if (memcgByStack && facts.constraint === null) facts.constraint = 'CONSTRAINT_MEMCG';
  // dump_header() prints the memcg's own usage/limit/memory.stat instead of Mem-Info and the
  // zones for a memcg OOM: with that block, the global counters are not needed for the verdict.
  const memcgBlock = memcgOom && facts.memcg !== null && facts.memcg.usageKb !== null && facts.memcg.limitKb !== null;
  if (facts.constraint) ev(facts.constraintSource, `constraint ${facts.constraint}${facts.oomMemcg ? `, oom_memcg=${facts.oomMemcg}` : ''}`);
  if (facts.panicOnOom !== null) ev(facts.panicSource, `vm.panic_on_oom=${facts.panicOnOom}: the kernel panicked in check_panic_on_oom() before choosing a victim`);

  // --- Where did memory go? -----------------------------------------------------------------
  let counters: MemCounters | null = facts.counters;
  let countersSource = facts.countersSource;
  if (!counters && dump?.counters) {
    counters = fillCounters(dump.counters);
    countersSource = dump.countersSource;
    if (!memcgBlock) {
      missing.push('Mem-Info counters at the moment of the OOM (using the dump\'s counters at panic time instead)');
      // Without any report the missing report already cost a level; do not charge twice.
      if (facts.reportFound) penalty += 1;
    }
  }
  const totalRam = facts.totalRamPages ?? dump?.totalRamPages ?? sumManaged(facts, pageKb);
  const hugetlbPages = facts.hugepages.length > 0
    ? facts.hugepages.reduce((s, h) => s + Math.round((h.total * h.sizeKb) / pageKb), 0)
    : (dump?.hugeTotalPages ?? 0);
  let account: Account | null = null;
  if (counters && totalRam !== null) account = accountMemory(counters, totalRam, hugetlbPages, pageKb);
  else if (!memcgBlock) {
    if (!counters) missing.push('memory counters (Mem-Info, kmem -i, kmem -V)');
    if (totalRam === null) missing.push('total memory (pages RAM / kmem -i TOTAL MEM)');
    penalty += 2;
  }
  const memory: MemoryBucket[] = account
    ? (Object.keys(account.pages) as BucketKey[])
      .map((k) => ({ key: k as string, label: bucketLabels[k], bytes: (account as Account).pages[k] * facts.pageSize }))
      .filter((b) => b.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes)
    : [];
  if (account && countersSource) {
    ev(countersSource, describeAccount(account, facts.pageSize));
  }

  // --- Could it be reclaimed? -----------------------------------------------------------------
  // The report lists only the zones the request may use; crash's kmem -z adds the others.
  const listed = new Set(facts.zones.map((z) => `${z.node}/${z.zone}`));
  const zoneFacts = facts.zones.length > 0
    ? [...facts.zones, ...(dump?.zones ?? []).filter((z) => !listed.has(`${z.node}/${z.zone}`))]
    : (dump?.zones ?? []);
  const zs = checkZones(zoneFacts, gfp, order, pageKb);
  if (zoneFacts.length === 0 && !memcgBlock) missing.push('per-zone free pages and watermarks (zone lines of the OOM report, kmem -z)');
  for (const z of zs.zones) {
    const src = zoneFacts.find((f) => f.node === z.node && f.zone === z.zone)?.source ?? null;
    // The row (the log line or kmem -z row it points at) names the zone already: the detail does not repeat it.
    const named = src?.row.includes(z.zone) ? '' : `${z.zone}: `;
    ev(src, `${named}free ${z.freeKb} kB, min ${z.minKb} kB${z.reserveKb ? `, lowmem_reserve ${z.reserveKb} kB for this request` : ''}; ${z.usable ? (z.aboveMin ? 'above' : 'below') + ' the min watermark' : 'not usable by this gfp mask'}${z.largestFreeOrder !== null ? `; largest free block order ${z.largestFreeOrder}` : ''}`);
  }
  // --- Was memory really free (for this request)? ---------------------------------------------
  const free = memcgBlock ? null : freeByZone({
    reportZones: facts.zones, dumpZones: dump?.zones ?? [], verdicts: zs.zones, memInfoFreePages: facts.counters?.free ?? null,
    gfp, boot: facts.boot ?? { commandLine: null, movableSetting: null, movableNodes: [], zoneRanges: {} },
    constraint: facts.constraint, allowedNodes: facts.allowedNodes, pageKb, totalPages: totalRam,
  });
  const outOfReach = unusableMatters(free, totalRam, pageKb) ? (free as FreeByZone) : null;
  if (outOfReach) splitFree(memory, outOfReach);
  for (const z of free?.zones ?? []) {
    if (z.source.row === 'Mem-Info' && z.unusableKb > 0) {
      const listedKb = facts.zones.reduce((s, x) => s + (x.freeKb ?? 0), 0);
      ev(z.source, `free: ${facts.counters?.free ?? '?'} pages (${fmtBytes((facts.counters?.free ?? 0) * pageKb * KB)}) minus the ${fmtBytes(listedKb * KB)} free in the zones the report lists (${facts.zones.map((x) => x.zone).join(', ')}) leaves ${fmtBytes(z.unusableKb * KB)} free in ${z.zone === 'not listed in the OOM report' ? 'zones the report does not list' : `zone ${z.zone}`}, not usable by this request: ${z.reason ?? ''}`);
    } else if (z.cause === 'cma' && z.unusableKb > 0) {
      ev(z.source, `${z.zone}: ${z.unusableKb} kB of its free memory is CMA, not usable by this request (it is not movable)`);
    }
  }
  const swapTotalKb = facts.swapTotalKb ?? (dump?.swapTotalPages != null ? dump.swapTotalPages * pageKb : null);
  const swapFreeKb = facts.swapFreeKb ?? (dump?.swapFreePages != null ? dump.swapFreePages * pageKb : null);

  // --- Culprit ----------------------------------------------------------------------------------
  let culprit: TriageCulprit;
  let base: number; // 3 high, 2 medium, 1 low before penalties
  let why: string;
  const next: string[] = [];
  const tasks = facts.tasks;
  const taskRss = tasksByRss(tasks, dump);

  if (memcgOom) {
    ({ culprit, base, why } = memcgCulprit(facts, ev, conflicts));
    next.push('log', 'ps -G', 'kmem -V');
    if (taskRss.top) next.push(`vm ${taskRss.top.pid}`);
  } else if (zs.orderStarved) {
    // Fragmentation: the usable zones pass the order-0 test but hold no block of the order. Free
    // memory in zones the request may not use at all is a different story (freeByZone), never this.
    culprit = {
      kind: 'fragmentation',
      name: `no free block of order ${order} (${(2 ** order) * pageKb} kB) in the zones ${gfp ? gfpZoneText(gfp) : ''} can use`,
      // The free memory of the zones that passed the order-0 test (what fragmentation locked away).
      bytes: zs.zones.filter((z) => z.usable && z.aboveMin).reduce((s, z) => s + z.freeKb, 0) * KB,
    };
    base = 3;
    why = `The usable zones had ${zs.usableFreeKb} kB free (${zs.usableHeadroomKb} kB above min + reserve), enough for an order-0 page, but no free block of order ${order} or larger: memory was free but fragmented, and compaction could not assemble a ${(2 ** order) * pageKb} kB block.`;
    if (order > 3) {
      conflicts.push(`order ${order} is above PAGE_ALLOC_COSTLY_ORDER (3); the kernel does not invoke the OOM killer for such requests, so this report is unusual`);
    }
    if (account) {
      const top = topBucket(account, ['free']);
      why += ` The memory that was in use went mostly to ${bucketLabels[top.key]} (${fmtBytes(top.pages * facts.pageSize)}).`;
    }
    next.push('kmem -f', 'kmem -z', 'kmem -i');
  } else if (account) {
    const unusablePages = outOfReach ? Math.min(account.pages.free, Math.round(outOfReach.unusableKb / pageKb)) : 0;
    ({ culprit, base, why } = globalCulprit(account, facts, dump, inp, taskRss, gfp, ev, conflicts, next, swapTotalKb, swapFreeKb, unusablePages));
  } else {
    culprit = { kind: 'unknown', name: 'not enough data', bytes: null };
    base = 1;
    why = 'Without memory counters the engine cannot say where the memory went.';
    next.push('log', 'kmem -i', 'kmem -V', 'kmem -s');
  }

  // --- Victim ------------------------------------------------------------------------------------
  const { victim, ranking, victimText } = chooseVictim(facts, dump, totalRam, swapTotalKb, pageKb, memcgOom, conflicts, ev);

  // --- Consistency between sources -------------------------------------------------------------
  crossCheck(facts, dump, conflicts, pageKb);
  // Free memory moves between the failure and the printout; only a zone well above its high
  // watermark says the report does not show the pressure that caused the OOM.
  if (facts.reportFound && facts.zones.length > 0 && zs.anyUsableAboveHigh && !zs.orderStarved && culprit.kind !== 'fragmentation' && culprit.kind !== 'memcg') {
    conflicts.push('a zone the allocation may use was above its high watermark when the report was printed; memory was freed between the failure and the report, so the numbers may understate the pressure');
  }
  for (const note of inp.trace?.notes?.slice(0, 4) ?? []) evidence.push({ command: 'trace', row: 'evidence', detail: note });

  penalty += conflicts.length;
  const level = Math.max(1, Math.min(3, base - penalty));
  const confidence: Confidence = level >= 3 ? 'high' : level === 2 ? 'medium' : 'low';

  const explanation = [
    openingSentence(facts, gfp, order),
    outOfReach ? outOfReachSentence(outOfReach, culprit) : '',
    why,
    reclaimSentence(zs, gfp, swapTotalKb, swapFreeKb, facts.allUnreclaimable, outOfReach !== null),
    victimText,
    conflicts.length ? `Evidence conflicts: ${conflicts.join('; ')}.` : '',
    missing.length ? `Not available: ${[...new Set(missing)].join(', ')}.` : '',
    confidence !== 'high' ? `Confidence is ${confidence}${reasonForConfidence(base, conflicts.length, missing.length)}.` : '',
  ].filter(Boolean).join(' ');

  // Per cache and per task views of "where did memory go" (top 10 each, largest first).
  const caches = facts.slabCaches.length ? facts.slabCaches : (dump?.slabCaches ?? []);
  const topCaches = topN(caches, 10, (c) => c.totalBytes).map((c) => ({ name: c.name, bytes: c.totalBytes, unreclaimable: c.unreclaimable, source: c.source.command }));
  const topTasks = topN(taskRss.rows, 10, (t) => t.rssKb).map((t) => ({ pid: t.pid, comm: t.comm, rssKb: t.rssKb, source: taskRss.source?.command ?? 'log' }));

  return {
    constraint: facts.constraint,
    panicOnOom: facts.panicOnOom,
    topCaches,
    topTasks,
    trigger: { ...facts.trigger },
    victim,
    culprit,
    confidence,
    explanation,
    evidence,
    memory,
    totalBytes: account ? account.totalPages * facts.pageSize : null,
    zones: zs.zones,
    freeByZone: free,
    ranking,
    missing: [...new Set(missing)],
    conflicts,
    nextCommands: [...new Set(next)],
  };
}

// ------------------------------------------------------------------------------------------------

function fillCounters(c: Partial<MemCounters>): MemCounters {
  const keys: Array<keyof MemCounters> = ['activeAnon', 'inactiveAnon', 'isolatedAnon', 'activeFile', 'inactiveFile', 'isolatedFile', 'unevictable', 'dirty', 'writeback', 'slabReclaimable', 'slabUnreclaimable', 'mapped', 'shmem', 'pagetables', 'secPagetables', 'bounce', 'kernelMiscReclaimable', 'free', 'freePcp', 'freeCma', 'kernelStackKb'];
  const out = {} as MemCounters;
  for (const k of keys) out[k] = c[k] ?? null;
  return out;
}

function sumManaged(facts: OomFacts, pageKb: number): number | null {
  const managed = facts.zones.map((z) => z.managedKb).filter((x): x is number => x !== null);
  return managed.length ? Math.round(managed.reduce((a, b) => a + b, 0) / pageKb) : null;
}

/** "Where memory went": free split into what this request could use and what it could not. */
function splitFree(memory: MemoryBucket[], f: FreeByZone): void {
  const bucket = memory.find((b) => b.key === 'free');
  if (!bucket) return;
  const out = Math.min(bucket.bytes, f.unusableKb * KB);
  bucket.bytes -= out;
  bucket.label = 'free, in zones this request may use';
  memory.push({ key: 'freeUnusable', label: `free, not usable by this request (${unusableZonesText(f)})`, bytes: out });
  const keep = memory.filter((b) => b.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  memory.splice(0, memory.length, ...keep);
}

function describeAccount(a: Account, pageSize: number): string {
  const parts = (Object.keys(a.pages) as BucketKey[])
    .filter((k) => a.pages[k] > 0)
    .sort((x, y) => a.pages[y] - a.pages[x])
    .slice(0, 6)
    .map((k) => `${bucketLabels[k]} ${fmtBytes(a.pages[k] * pageSize)} (${pct(a.pages[k], a.totalPages)})`);
  return `of ${fmtBytes(a.totalPages * pageSize)}: ${parts.join(', ')}`;
}

function topBucket(a: Account, exclude: BucketKey[]): { key: BucketKey; pages: number } {
  let best: { key: BucketKey; pages: number } = { key: 'other', pages: -1 };
  for (const k of Object.keys(a.pages) as BucketKey[]) {
    if (exclude.includes(k)) continue;
    if (a.pages[k] > best.pages) best = { key: k, pages: a.pages[k] };
  }
  return best;
}

function gfpZoneText(g: GfpInfo): string {
  return `up to ${g.highestZone}`;
}

interface TaskRss {
  rows: Array<{ pid: number; comm: string; rssKb: number }>;
  top: { pid: number; comm: string; rssKb: number } | null;
  sumKb: number;
  source: Source | null;
}

function tasksByRss(tasks: readonly OomTaskRow[], dump: DumpFacts | null): TaskRss {
  let rows: TaskRss['rows'];
  let source: Source | null = null;
  if (tasks.length > 0) {
    rows = tasks.map((t) => ({ pid: t.pid, comm: t.comm, rssKb: t.rssPages * 4 }));
    source = { command: 'log', row: 'Tasks state' };
  } else if (dump && dump.tasks.length > 0) {
    rows = dump.tasks.filter((t) => !t.kernelThread).map((t) => ({ pid: t.pid, comm: t.comm, rssKb: t.rssKb }));
    source = { command: 'ps', row: 'RSS' };
  } else rows = [];
  let top: TaskRss['top'] = null;
  let sumKb = 0;
  for (const r of rows) {
    sumKb += r.rssKb;
    if (!top || r.rssKb > top.rssKb) top = r;
  }
  return { rows, top, sumKb, source };
}

function memcgCulprit(facts: OomFacts, ev: (s: Source | null, d: string) => void, conflicts: string[]): { culprit: TriageCulprit; base: number; why: string } {
  const m = facts.memcg;
  const path = m?.path ?? facts.oomMemcg ?? null;
  const where = path ?? 'a memory cgroup (path not printed)';
  const known = m !== null && m.usageKb !== null && m.limitKb !== null;
  // The name says path, usage and limit: the three facts a memcg verdict rests on.
  const name = known ? `${where}: usage ${fmtBytes((m.usageKb as number) * KB)} of limit ${fmtBytes((m.limitKb as number) * KB)}` : where;
  const culprit: TriageCulprit = { kind: 'memcg', name, bytes: m?.usageKb != null ? m.usageKb * KB : null };
  if (path) culprit.cgroup = path;
  let base = 3;
  let why: string;
  if (m && m.usageKb !== null && m.limitKb !== null) {
    ev(m.source, `memory: usage ${m.usageKb} kB, limit ${m.limitKb} kB, failcnt ${m.failcnt ?? '?'}`);
    why = `The memory cgroup ${path ?? ''} hit its limit: usage ${fmtBytes(m.usageKb * KB)} of a ${fmtBytes(m.limitKb * KB)} limit (failcnt ${m.failcnt ?? '?'}). The system as a whole may have had free memory; only this cgroup ran out.`;
    if (m.usageKb < 0.9 * m.limitKb) {
      conflicts.push(`the cgroup's usage (${m.usageKb} kB) is well below its limit (${m.limitKb} kB) in the report`);
    }
    const stats = Object.entries(m.stats).filter(([k]) => ['anon', 'file', 'shmem', 'kernel', 'slab_unreclaimable', 'slab_reclaimable', 'sock', 'kernel_stack', 'pagetables', 'percpu'].includes(k)).sort((a, b) => b[1] - a[1]);
    if (stats.length) {
      why += ` Inside it: ${stats.slice(0, 4).map(([k, v]) => `${k} ${fmtBytes(v)}`).join(', ')}.`;
      ev(m.source, `memory.stat: ${stats.slice(0, 6).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }
  } else {
    base = 2;
    why = `The OOM was confined to the memory cgroup ${path ?? '(path not printed)'}: it reached its limit; the report's usage/limit lines were not available, so its size is not known.`;
  }
  return { culprit, base, why };
}

function globalCulprit(
  a: Account, facts: OomFacts, dump: DumpFacts | null, inp: OomInputs, taskRss: TaskRss, gfp: GfpInfo | null,
  ev: (s: Source | null, d: string) => void, conflicts: string[], next: string[], swapTotalKb: number | null, swapFreeKb: number | null,
  unusablePages: number,
): { culprit: TriageCulprit; base: number; why: string } {
  const p = a.pages;
  const pageKb = facts.pageSize / KB;
  const mapped = facts.counters?.mapped ?? dump?.counters?.mapped ?? 0;
  const shmemUnmapped = Math.max(0, p.shmem - Math.min(p.shmem, mapped ?? 0));
  const scores: Array<{ kind: CulpritKind; pages: number }> = [
    { kind: 'user-anon', pages: p.userAnon + (p.shmem - shmemUnmapped) + p.unevictable },
    { kind: 'shmem', pages: shmemUnmapped },
    { kind: 'slab', pages: p.slabUnreclaimable + p.slabReclaimable },
    { kind: 'pagecache', pages: p.pagecache },
    { kind: 'hugetlb', pages: p.hugetlb },
    { kind: 'kernel-other', pages: p.other + p.pagetables + p.kernelStack },
  ];
  scores.sort((x, y) => y.pages - x.pages);
  const top = scores[0] as { kind: CulpritKind; pages: number };
  const topPages = top.pages;
  const second = scores[1] as { kind: CulpritKind; pages: number };
  const used = Math.max(1, a.totalPages - p.free);
  // Judged on the memory the request could reach: free memory in zones it may not use is no
  // competitor of the culprit (a 40% share of all RAM can be 76% of what GFP_KERNEL could take).
  const reach = Math.max(1, a.totalPages - unusablePages);
  const share = top.pages / reach;
  let base = share >= 0.5 ? 3 : share >= 0.3 ? 2 : 1;
  if (second.pages > 0 && top.pages < 1.5 * second.pages) {
    base -= 1;
    conflicts.push(`${top.kind} (${fmtBytes(top.pages * facts.pageSize)}) and ${second.kind} (${fmtBytes(second.pages * facts.pageSize)}) are close; either could be the cause`);
  }
  const head = unusablePages > 0
    ? `${kindText(top.kind)} held ${fmtBytes(top.pages * facts.pageSize)}, ${pct(top.pages, reach)} of the ${fmtBytes(reach * facts.pageSize)} this request could reach (${fmtBytes(a.totalPages * facts.pageSize)} less the free memory out of its reach; ${pct(top.pages, used)} of what was in use).`
    : `${kindText(top.kind)} held ${fmtBytes(top.pages * facts.pageSize)}, ${pct(top.pages, a.totalPages)} of ${fmtBytes(a.totalPages * facts.pageSize)} (${pct(top.pages, used)} of what was in use).`;
  const bytes = top.pages * facts.pageSize;

  switch (top.kind) {
    case 'slab': {
      const unrecl = p.slabUnreclaimable >= p.slabReclaimable;
      const caches = facts.slabCaches.length ? facts.slabCaches : (dump?.slabCaches ?? []);
      const fromReport = facts.slabCaches.length > 0 && facts.slabTableFromReport;
      const candidates = caches.filter((c) => (unrecl ? c.unreclaimable !== false : c.unreclaimable !== true));
      candidates.sort((x, y) => y.totalBytes - x.totalBytes);
      const topCache = candidates[0];
      const slabBytes = (unrecl ? p.slabUnreclaimable : p.slabReclaimable) * facts.pageSize;
      let why = `${head} ${unrecl ? 'Unreclaimable' : 'Reclaimable'} slab alone was ${fmtBytes(slabBytes)}${unrecl ? '; no shrinker can give it back, and reclaim and swap cannot touch it' : '; its shrinkers did not give it back'}.`;
      if (fromReport) why += ' The kernel printed its unreclaimable slab table because unreclaimable slab exceeded all LRU pages.';
      if (!topCache) {
        inp.missing.push('per-cache slab sizes (Unreclaimable slab info, kmem -s)');
        next.push('kmem -s', 'kmem -V');
        return { culprit: { kind: 'slab', name: unrecl ? 'unreclaimable slab (cache unknown)' : 'reclaimable slab (cache unknown)', bytes: slabBytes }, base: Math.max(1, base - 1), why };
      }
      ev(topCache.source, `${topCache.name}: ${fmtBytes(topCache.totalBytes)} in slabs${topCache.allocated != null && topCache.objSize != null ? `, ${topCache.allocated} objects of ${topCache.objSize} B` : ''} (${pct(topCache.totalBytes, slabBytes)} of ${unrecl ? 'unreclaimable' : 'reclaimable'} slab)`);
      const cacheShare = topCache.totalBytes / Math.max(1, slabBytes);
      if (cacheShare < 0.3) {
        base -= 1;
        why += ` No single cache dominates: the largest, ${topCache.name}, is ${pct(topCache.totalBytes, slabBytes)} of it.`;
      } else {
        why += ` The cache ${topCache.name} holds ${fmtBytes(topCache.totalBytes)} of it (${pct(topCache.totalBytes, slabBytes)}).`;
      }
      // The dump's kmem -s at panic time should agree with the report's table.
      if (fromReport && dump && dump.slabCaches.length) {
        const dumpTop = [...dump.slabCaches].sort((x, y) => y.totalBytes - x.totalBytes)[0];
        if (dumpTop && dumpTop.name !== topCache.name && dumpTop.totalBytes > 1.5 * (dump.slabCaches.find((c) => c.name === topCache.name)?.totalBytes ?? 0)) {
          conflicts.push(`the OOM report's largest unreclaimable cache is ${topCache.name} but kmem -s at panic time shows ${dumpTop.name} largest (${fmtBytes(dumpTop.totalBytes)})`);
        } else {
          const d = dump.slabCaches.find((c) => c.name === topCache.name);
          if (d) ev(d.source, `${d.name}: ${d.allocated ?? '?'} objects allocated, ${fmtBytes(d.totalBytes)} in slabs at panic time`);
        }
      }
      const culprit: TriageCulprit = { kind: 'slab', name: topCache.name, bytes: topCache.totalBytes };
      const owner = moduleForCache(topCache.name, inp.modules, facts.allocTrace, inp.trace);
      if (owner) {
        culprit.module = owner.module;
        why += ` It belongs to module ${owner.module}: ${owner.how}.`;
        const mod = inp.modules.find((m) => m.name === owner.module);
        if (mod) ev(mod.source, `module ${mod.name}${mod.taints ? ` taints the kernel: ${mod.taints}` : ''}`);
        next.push(`mod -s ${owner.module}`);
      } else if (/^(?:kmalloc|dma-kmalloc|kmalloc-cg|kmalloc-rcl)-\d+k?$/.test(topCache.name)) {
        why += ` ${topCache.name} is a generic kmalloc cache shared by all kmalloc() callers; the leaking caller is not named by the cache.`;
        const tainting = inp.modules.filter(isTaintingModule).map((m) => m.name);
        if (tainting.length) why += ` Out-of-tree or unsigned modules are loaded (${tainting.join(', ')}): suspects to check first.`;
        next.push('kmem -S ' + topCache.name);
      }
      next.push(`kmem -s ${topCache.name}`, 'kmem -V', 'mod -t');
      return { culprit, base, why };
    }
    case 'user-anon': {
      const rows = taskRss.rows;
      let why = `${head} That is anonymous memory of processes (heap, stack, private mappings${p.shmem - shmemUnmapped > 0.05 * topPages ? ', plus shmem they map' : ''}).`;
      if (swapTotalKb !== null && swapTotalKb === 0) why += ' There is no swap, so none of it could be reclaimed.';
      else if (swapFreeKb !== null && swapTotalKb !== null && swapFreeKb > 0.1 * swapTotalKb && swapFreeKb > 0.05 * a.totalPages * pageKb) {
        base -= 1;
        why += ` Swap still had ${fmtBytes(swapFreeKb * KB)} free, so anonymous memory could in principle have been swapped out; the OOM suggests reclaim could not keep up or the allocation could not wait for it.`;
      }
      if (rows.length === 0) {
        inp.missing.push('the task list (Tasks state table, ps)');
        next.push('ps', 'log');
        return { culprit: { kind: 'user-anon', name: 'user processes (task list not available)', bytes }, base: Math.max(1, base - 1), why };
      }
      const top = taskRss.top as { pid: number; comm: string; rssKb: number };
      const groups = new Map<string, { n: number; kb: number; pids: number[] }>();
      for (const r of rows) {
        const g = groups.get(r.comm) ?? { n: 0, kb: 0, pids: [] };
        g.n++;
        g.kb += r.rssKb;
        g.pids.push(r.pid);
        groups.set(r.comm, g);
      }
      const bestGroup = [...groups.entries()].sort((x, y) => y[1].kb - x[1].kb)[0] as [string, { n: number; kb: number; pids: number[] }];
      const sum = Math.max(1, taskRss.sumKb);
      let culprit: TriageCulprit;
      if (top.rssKb >= 0.5 * sum || bestGroup[1].n === 1 || top.rssKb >= 0.8 * bestGroup[1].kb) {
        culprit = { kind: 'user-anon', name: `${top.comm} (pid ${top.pid})`, bytes: top.rssKb * KB, pid: top.pid };
        why += ` The largest process is ${top.comm} (pid ${top.pid}) with ${fmtBytes(top.rssKb * KB)} resident, ${pct(top.rssKb, sum)} of all process RSS.`;
        if (top.rssKb < 0.5 * sum) base -= 1;
      } else {
        culprit = { kind: 'user-anon', name: `${bestGroup[0]} (${bestGroup[1].n} processes)`, bytes: bestGroup[1].kb * KB };
        why += ` No single process dominates; the ${bestGroup[1].n} processes named ${bestGroup[0]} together hold ${fmtBytes(bestGroup[1].kb * KB)} (${pct(bestGroup[1].kb, sum)} of all process RSS).`;
      }
      ev(taskRss.source, `${top.comm} pid ${top.pid}: rss ${fmtBytes(top.rssKb * KB)} of ${fmtBytes(sum * KB)} total process RSS`);
      // RSS must explain the anon pages; if it cannot, the memory belongs to something else.
      const anonKb = p.userAnon * pageKb;
      if (taskRss.source?.command === 'log' && anonKb > 0 && taskRss.sumKb < 0.5 * anonKb) {
        conflicts.push(`the listed processes' RSS (${fmtBytes(taskRss.sumKb * KB)}) explains less than half of the anonymous memory (${fmtBytes(anonKb * KB)})`);
      }
      if (inp.trace?.tasks?.length) {
        const t0 = inp.trace.tasks[0];
        if (t0 && t0.pid === culprit.pid) why += ` The trace agrees: ${t0.comm} (pid ${t0.pid}) allocated the most pages while recording.`;
        // A trace covers seconds, often long before the OOM, and its recorder allocates too:
        // a different top allocator there is not evidence against the dump's numbers.
        else if (t0 && culprit.pid !== undefined) why += ` (In the imported trace the busiest page allocator was ${t0.comm}, pid ${t0.pid}; a trace covers only its recording window.)`;
      }
      next.push(`vm ${top.pid}`, 'ps', 'kmem -i');
      return { culprit, base, why };
    }
    case 'shmem': {
      const why = `${head} shmem/tmpfs pages: at least ${fmtBytes(shmemUnmapped * facts.pageSize)} of the ${fmtBytes(p.shmem * facts.pageSize)} shmem is mapped by no process (shmem ${p.shmem} pages, all mapped file pages ${mapped ?? '?'}), so it is files in tmpfs or /dev/shm or SysV shared memory nobody maps, and killing a process would not free it. Without swap, shmem cannot be reclaimed at all.`;
      next.push('kmem -V', 'kmem -i', 'mount', 'ipcs');
      return { culprit: { kind: 'shmem', name: 'tmpfs / shm not mapped by any process', bytes }, base, why };
    }
    case 'pagecache': {
      const dirty = (facts.counters?.dirty ?? 0) + (facts.counters?.writeback ?? 0);
      let why = `${head} Those are file pages, which reclaim normally drops or writes back.`;
      const reasons: string[] = [];
      if (dirty > 0.3 * p.pagecache) reasons.push(`${fmtBytes(dirty * facts.pageSize)} of them were dirty or under writeback, which reclaim must wait for`);
      if (gfp && (!gfp.fs || !gfp.io)) reasons.push(`the allocation (${gfp.raw}) has no ${!gfp.io ? '__GFP_IO' : '__GFP_FS'}, so it could not write back or enter the filesystem to free them`);
      if (mapped !== null && mapped > 0.5 * p.pagecache) reasons.push(`${fmtBytes(mapped * facts.pageSize)} of file pages were mapped by processes`);
      if (reasons.length) why += ` They could not be reclaimed here: ${reasons.join('; ')}.`;
      else {
        base -= 1;
        why += ' Nothing in the report explains why these pages were not reclaimed (not dirty, allocation allowed I/O and FS); treat this verdict with care.';
      }
      next.push('kmem -V', 'dev -d', 'foreach UN bt');
      const culprit: TriageCulprit = { kind: 'pagecache', name: dirty > 0.3 * p.pagecache ? 'dirty / writeback file pages' : 'file page cache', bytes };
      if (dirty > 0) ev(facts.countersSource, `dirty ${facts.counters?.dirty ?? '?'} + writeback ${facts.counters?.writeback ?? '?'} pages of ${p.pagecache} file LRU pages`);
      return { culprit, base, why };
    }
    case 'hugetlb': {
      const free = facts.hugepages.length ? facts.hugepages.reduce((s, h) => s + Math.round((h.free * h.sizeKb) / pageKb), 0) : (dump?.hugeFreePages ?? 0);
      const sizes = [...new Set(facts.hugepages.filter((h) => h.total > 0).map((h) => h.sizeKb))];
      const count = facts.hugepages.reduce((s, h) => s + h.total, 0);
      let why = `${head} The hugetlb pool is reserved up front and is never reclaimed or used for ordinary allocations.`;
      if (free > 0) why += ` ${fmtBytes(free * facts.pageSize)} of the pool was unused (hugepages_free), memory set aside that nobody was using.`;
      if (a.hugetlbOutsideTotal) why += ' (The pool lies outside totalram: boot-time gigantic pages.)';
      for (const h of facts.hugepages.filter((x) => x.total > 0)) ev({ command: 'log', row: `hugepages_size=${h.sizeKb}kB` }, `node ${h.node}: hugepages_total=${h.total} hugepages_free=${h.free} of ${h.sizeKb} kB`);
      if (!facts.hugepages.length && dump?.hugeTotalPages) ev({ command: 'kmem -i', row: 'TOTAL HUGE' }, `hugetlb pool ${fmtBytes(dump.hugeTotalPages * facts.pageSize)}, ${fmtBytes((dump.hugeFreePages ?? 0) * facts.pageSize)} of it free`);
      next.push('kmem -h', 'kmem -i');
      const name = count > 0 ? `${count} huge pages of ${sizes.map((s) => `${s} kB`).join('/')}` : 'hugetlb pool';
      return { culprit: { kind: 'hugetlb', name, bytes }, base, why };
    }
    case 'kernel-other': {
      const parts: Array<[string, number]> = [['not accounted by any counter (vmalloc, percpu, pages drivers took with alloc_pages)', p.other], ['page tables', p.pagetables], ['kernel stacks', p.kernelStack]];
      parts.sort((x, y) => y[1] - x[1]);
      const main = parts[0] as [string, number];
      const why = `${head} Kernel memory outside slab and the LRU lists: ${parts.filter((x) => x[1] > 0).map(([k, v]) => `${k} ${fmtBytes(v * facts.pageSize)}`).join(', ')}.${main[0] === 'kernel stacks' ? ' Many kernel stacks mean many threads: look for a thread leak.' : ''}`;
      if (a.unknown.length) conflicts.push(`some counters were missing (${a.unknown.join(', ')}), so "not accounted" may include memory a counter would have placed`);
      next.push('kmem -V', 'kmem -v', 'mod', 'ps');
      return { culprit: { kind: 'kernel-other', name: main[0], bytes }, base, why };
    }
    default:
      return { culprit: { kind: 'unknown', name: 'no dominant consumer', bytes: null }, base: 1, why: head };
  }
}

function kindText(k: CulpritKind): string {
  switch (k) {
    case 'user-anon': return 'User processes';
    case 'slab': return 'Kernel slab';
    case 'shmem': return 'Unmapped shmem/tmpfs';
    case 'pagecache': return 'The page cache';
    case 'hugetlb': return 'The hugetlb pool';
    case 'kernel-other': return 'Kernel memory outside slab';
    default: return k;
  }
}

function chooseVictim(
  facts: OomFacts, dump: DumpFacts | null, totalRam: number | null, swapTotalKb: number | null, pageKb: number, memcgOom: boolean,
  conflicts: string[], ev: (s: Source | null, d: string) => void,
): { victim: TriageVictim | null; ranking: TriageOom['ranking']; victimText: string } {
  const swapPages = swapTotalKb !== null ? Math.round(swapTotalKb / pageKb) : 0;
  let totalPages: number | null = null;
  let totalWhy = '';
  if (memcgOom) {
    const m = facts.memcg;
    if (m?.limitKb != null) {
      const swapLimit = m.swapLimitKb != null ? Math.round(m.swapLimitKb / pageKb) : swapPages;
      totalPages = Math.round(m.limitKb / pageKb) + Math.min(swapLimit, swapPages);
      totalWhy = 'the cgroup limit plus its swap allowance';
    }
  } else if ((facts.constraint === 'CONSTRAINT_CPUSET' || facts.constraint === 'CONSTRAINT_MEMORY_POLICY') && facts.zones.some((z) => z.presentKb !== null)) {
    // constrained_alloc(): swap plus node_present_pages() of the allowed nodes.
    const allowed = nodeList(facts.allowedNodes);
    const present = facts.zones.filter((z) => allowed === null || allowed.has(z.node)).reduce((s, z) => s + (z.presentKb ?? 0), 0);
    totalPages = Math.round(present / pageKb) + swapPages;
    totalWhy = `present pages of ${allowed === null ? 'all nodes' : `nodes ${facts.allowedNodes}`} plus swap`;
  } else if (totalRam !== null) {
    totalPages = totalRam + swapPages;
    totalWhy = 'totalram + swap';
  }
  const tasks = facts.tasks;
  let computed: ReturnType<typeof selectVictim> | null = null;
  const rules = rulesFor(facts.release);
  if (tasks.length && totalPages !== null) computed = selectVictim(tasks, totalPages, facts.pageSize, 10, rules);
  // The ten highest scores, plus the exempt tasks (the user asks "why was X spared?").
  const ranking: TriageOom['ranking'] = (computed?.ranking ?? []).map((r) => {
    const row: TriageOom['ranking'][number] = { pid: r.pid, comm: r.comm, points: r.points, rssKb: r.rssPages * pageKb, oomScoreAdj: r.oomScoreAdj, eligible: r.points !== null };
    if (r.why) row.why = r.why;
    return row;
  });
  const rowOf = (pid: number): OomTaskRow | undefined => tasks.find((t) => t.pid === pid);

  if (facts.killed) {
    const k = facts.killed;
    const rssKb = (k.anonRssKb ?? 0) + (k.fileRssKb ?? 0) + (k.shmemRssKb ?? 0);
    const chosen = computed?.chosen;
    const krow = rowOf(k.pid);
    const points = krow && totalPages !== null ? oomBadness(krow, totalPages, facts.pageSize, rules).points : null;
    ev(k.source, `killed ${k.comm} (pid ${k.pid}): anon-rss ${k.anonRssKb ?? '?'} kB, file-rss ${k.fileRssKb ?? '?'} kB, shmem-rss ${k.shmemRssKb ?? '?'} kB`);
    if (chosen && chosen.pid !== k.pid) {
      conflicts.push(`the kernel killed ${k.comm} (pid ${k.pid}) but oom_badness over the task table picks ${chosen.comm} (pid ${chosen.pid}); oom_kill_allocating_task, memory.oom.group or a task exiting can explain it`);
    }
    return {
      victim: { pid: k.pid, comm: k.comm, rssKb, killed: true, points, oomScoreAdj: k.oomScoreAdj ?? rowOf(k.pid)?.oomScoreAdj ?? null },
      ranking,
      victimText: `The OOM killer killed ${k.comm} (pid ${k.pid}, ${fmtBytes(rssKb * KB)} resident).`,
    };
  }
  if (facts.summaryVictim) {
    const s = facts.summaryVictim;
    const row = rowOf(s.pid);
    return {
      victim: { pid: s.pid, comm: s.comm, rssKb: row ? row.rssPages * pageKb : 0, killed: true, points: row && totalPages !== null ? oomBadness(row, totalPages, facts.pageSize, rules).points : null, oomScoreAdj: row?.oomScoreAdj ?? null },
      ranking,
      victimText: `The OOM killer chose ${s.comm} (pid ${s.pid}); the "Killed process" line is missing from the log.`,
    };
  }
  if (!computed) {
    return { victim: null, ranking, victimText: tasks.length ? 'The would-be victim cannot be computed without total memory.' : 'No task table was printed, so the would-be victim is unknown.' };
  }
  const c = computed.chosen;
  if (!c) return { victim: null, ranking, victimText: 'Every task in the table is exempt from the OOM killer (oom_score_adj -1000 or init): the kernel would have found nothing to kill.' };
  const row = rowOf(c.pid);
  const adjNote = (() => {
    let byRss: OomTaskRow | undefined;
    for (const t of tasks) if (t.oomScoreAdj !== -1000 && t.pid !== 1 && (!byRss || t.rssPages > byRss.rssPages)) byRss = t;
    if (byRss && byRss.pid !== c.pid && byRss.rssPages > c.rssPages) return ` oom_score_adj changed the choice: ${byRss.comm} (pid ${byRss.pid}) has more RSS, but ${c.comm} has oom_score_adj ${c.oomScoreAdj}.`;
    const exempt = tasks.filter((t) => t.oomScoreAdj === -1000);
    const named = exempt.slice(0, 5).map((t) => `${t.comm} (pid ${t.pid})`).join(', ') + (exempt.length > 5 ? ` and ${exempt.length - 5} more` : '');
    return exempt.length ? ` ${named} ${exempt.length === 1 ? 'has' : 'have'} oom_score_adj -1000 and would never be chosen.` : '';
  })();
  const panicked = facts.panicOnOom !== null;
  ev(facts.tasksSource, `oom_badness (${totalWhy} = ${totalPages} pages): ${c.comm} (pid ${c.pid}) scores ${c.points} = rss ${c.rssPages} + swapents ${row?.swapents ?? 0} + pgtables ${Math.floor((row?.pgtablesBytes ?? 0) / facts.pageSize)} + adj ${c.oomScoreAdj} x ${Math.floor((totalPages ?? 0) / 1000)}`);
  return {
    victim: { pid: c.pid, comm: c.comm, rssKb: c.rssPages * pageKb, killed: false, points: c.points, oomScoreAdj: c.oomScoreAdj },
    ranking,
    victimText: `${panicked ? 'No process was killed: vm.panic_on_oom panicked before a victim was chosen. ' : 'No kill is recorded in the log. '}By the kernel's oom_badness, the OOM killer would have chosen ${c.comm} (pid ${c.pid}, ${c.points} points).${adjNote}`,
  };
}

function crossCheck(facts: OomFacts, dump: DumpFacts | null, conflicts: string[], pageKb: number): void {
  if (!dump || !facts.counters) return;
  const rSlab = (facts.counters.slabReclaimable ?? 0) + (facts.counters.slabUnreclaimable ?? 0);
  if (dump.slabPages !== null && rSlab > 0) {
    const ratio = dump.slabPages / rSlab;
    if (ratio > 2 || ratio < 0.5) conflicts.push(`slab at the OOM (${fmtBytes(rSlab * pageKb * KB)}) and in the dump (kmem -i SLAB ${fmtBytes(dump.slabPages * pageKb * KB)}) differ a lot: memory changed between the OOM report and the panic`);
  }
  if (dump.freePages !== null && dump.totalRamPages !== null && facts.counters.free !== null) {
    const f0 = facts.counters.free / dump.totalRamPages;
    const f1 = dump.freePages / dump.totalRamPages;
    if (f1 - f0 > 0.25) conflicts.push(`the dump shows ${fmtBytes(dump.freePages * pageKb * KB)} free but the OOM report only ${fmtBytes(facts.counters.free * pageKb * KB)}: memory was freed after the OOM (a victim died), so the dump's state is not the OOM's`);
  }
}

function openingSentence(facts: OomFacts, gfp: GfpInfo | null, order: number): string {
  if (!facts.reportFound) return 'The log holds no OOM report; the verdict rests on the dump\'s memory state alone.';
  if (facts.trigger.order === -1) return `The OOM killer was run by hand (SysRq-f, order=-1), not by a failed allocation: the memory state below may be ordinary.`;
  if (gfp === null && /^0x0\b/.test(facts.trigger.gfpMask ?? '')) return `${facts.trigger.comm ?? 'A task'} took a page fault that returned VM_FAULT_OOM (gfp_mask=0x0, pagefault_out_of_memory()): the failed allocation happened deeper, in a driver or filesystem fault handler.`;
  const who = `${facts.trigger.comm ?? 'A task'}${facts.trigger.pid !== null ? ` (pid ${facts.trigger.pid})` : ''}`;
  const what = `an order-${order} allocation (${(2 ** order) * 4} kB, ${gfp ? gfp.raw : 'gfp mask unknown'})`;
  const scope = facts.constraint && facts.constraint !== 'CONSTRAINT_NONE' ? ` under ${facts.constraint}` : '';
  return `${who} could not get ${what}${scope} and invoked the OOM killer.`;
}

function reclaimSentence(zs: ZoneSummary, gfp: GfpInfo | null, swapTotalKb: number | null, swapFreeKb: number | null, allUnreclaimable: boolean | null, zonesTold: boolean): string {
  const parts: string[] = [];
  // The out-of-reach sentence already told what the usable zones had free.
  if (zs.zones.length && !zonesTold) {
    const usable = zs.zones.filter((z) => z.usable);
    parts.push(`In the zones it may use (${usable.map((z) => z.zone).join(', ') || 'none'}) ${fmtBytes(zs.usableFreeKb * KB)} was free${zs.anyUsableAboveMin ? '' : ', all at or below min watermark plus lowmem reserve'}`);
  }
  if (swapTotalKb !== null) parts.push(swapTotalKb === 0 ? 'there was no swap' : `swap had ${fmtBytes((swapFreeKb ?? 0) * KB)} free of ${fmtBytes(swapTotalKb * KB)}`);
  if (allUnreclaimable) parts.push('the kernel had marked the node all_unreclaimable (reclaim made no progress)');
  if (gfp && !gfp.directReclaim) parts.push('the allocation could not reclaim directly');
  const text = parts.join('; ');
  return parts.length ? `Could it be reclaimed? ${text.charAt(0).toUpperCase()}${text.slice(1)}.` : '';
}

/**
 * "203.5 MiB were free in zone Movable (movablecore=256M), which GFP_KERNEL allocations cannot
 * use; the zones it may use (DMA, DMA32) had 2.1 MiB free, at their min watermark; bufpool_entry
 * held 163.2 MiB of them."
 */
function outOfReachSentence(f: FreeByZone, culprit: TriageCulprit): string {
  const main = [...f.zones].sort((a, b) => b.unusableKb - a.unusableKb)[0];
  const why = main?.cause === 'movable' && f.movableSetting ? ` (${f.movableSetting})`
    : main?.cause === 'node' ? ` (${main.reason ?? 'nodes outside the allowed set'})` : '';
  const usable = f.zones.filter((z) => z.usable);
  const usableFree = f.usableKb + f.belowWatermarkKb;
  const level = f.usableKb === 0 ? 'at their min watermark' : `${fmtBytes(f.usableKb * KB)} of it above min watermark plus lowmem reserve`;
  // Slab can never sit in the zones out of reach, so the culprit's bytes are all in the usable ones.
  const held = culprit.kind === 'slab' && culprit.bytes !== null ? `; ${culprit.name} held ${fmtBytes(culprit.bytes)} of them` : '';
  if (main?.cause === 'cma') {
    return `${fmtBytes(f.unusableKb * KB)} were free in CMA pageblocks of ${unusableZonesText(f)}, which ${requestName2(f)} cannot use (only movable allocations may); outside them the zones it may use (${usable.map((z) => z.zone).join(', ') || 'none'}) had ${fmtBytes(usableFree * KB)} free, ${level}${held}.`;
  }
  return `${fmtBytes(f.unusableKb * KB)} were free in ${unusableZonesText(f)}${why}, which ${requestName2(f)} cannot use; the zones it may use (${usable.map((z) => z.zone).join(', ') || 'none'}) had ${fmtBytes(usableFree * KB)} free, ${level}${held}.`;
}

function requestName2(f: FreeByZone): string {
  return /^GFP_/.test(f.request) ? `${f.request} allocations` : `an allocation with gfp mask ${f.request}`;
}

function reasonForConfidence(base: number, conflicts: number, missing: number): string {
  const r: string[] = [];
  if (base < 3) r.push('the culprit does not clearly dominate');
  if (conflicts) r.push(`${conflicts} conflict${conflicts > 1 ? 's' : ''} between sources`);
  if (missing) r.push('missing inputs');
  return r.length ? ` (${r.join(', ')})` : '';
}

/** Bytes as binary units with one decimal ("121.1 MiB"). */
export function fmtBytes(b: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${u[i]}`;
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '?%';
}

/** The n largest items by key, largest first, in one pass (tables can hold 100,000 rows). */
function topN<T>(items: readonly T[], n: number, key: (t: T) => number): T[] {
  const out: T[] = [];
  for (const it of items) {
    const k = key(it);
    if (out.length === n && k <= key(out[n - 1] as T)) continue;
    let i = out.length;
    while (i > 0 && key(out[i - 1] as T) < k) i--;
    out.splice(i, 0, it);
    if (out.length > n) out.pop();
  }
  return out;
}
