/**
 * Links between a trace and the dump of the same boot, as pure functions over plain data:
 * pid/comm <-> the dump's task list, kmalloc call sites <-> slab caches, trace time <-> the
 * uptime at panic. Whoever has parsed `ps`, `kmem -s`, `log` or `sys` feeds the minimal rows in;
 * nothing here runs crash or reads its text.
 */
import type { CacheLink, DumpSlabCache, DumpTask, PanicTime, TaskLink, TaskLinkReport, TimelineLink } from '../api/trace-links.ts';
import type { CallSiteAggregate, TraceSummary } from '../api/trace-model.ts';

/** Strip `ps`'s brackets around kernel threads: "[kworker/u4:0]" -> "kworker/u4:0". */
export function normalizeComm(comm: string): string {
  const c = comm.trim();
  return c.length > 2 && c.startsWith('[') && c.endsWith(']') ? c.slice(1, -1) : c;
}

const taskCommLen = 15;

/**
 * Whether two comms name the same task: equal; or one cut to TASK_COMM_LEN by a tool; or a
 * kworker whose workqueue suffix differs ("kworker/u4:1" vs "kworker/u4:1-ev" as perf prints it).
 */
export function commsMatch(a: string, b: string): boolean {
  const x = normalizeComm(a);
  const y = normalizeComm(b);
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  if (short.length >= taskCommLen && long.startsWith(short)) return true;
  if (long.startsWith(short) && long.charCodeAt(short.length) === 45 /* - */ && short.startsWith('kworker/')) return true;
  return false;
}

/** Link the trace's tasks to the dump's and judge whether they can be from the same boot. */
export function linkTasks(
  traceTasks: { pid: number; comm: string; comms?: string[]; count: number; firstTs: number; lastTs: number }[],
  dumpTasks: DumpTask[],
): TaskLinkReport {
  const dump = new Map<number, { comm: string; kthread: boolean }>();
  for (const t of dumpTasks) {
    if (dump.has(t.pid)) continue;
    const c = t.comm.trim();
    dump.set(t.pid, { comm: normalizeComm(c), kthread: t.kernelThread ?? (c.startsWith('[') && c.endsWith(']')) });
  }
  const links: TaskLink[] = [];
  const byDumpPid: TaskLinkReport['byDumpPid'] = {};
  let overlap = 0;
  let consistent = 0;
  let consistentUser = 0;
  let mismatched = 0;
  for (const t of traceTasks) {
    const d = dump.get(t.pid);
    const dumpComm = d?.comm ?? null;
    let match: TaskLink['match'] = 'absent';
    // pid 0 is the idle task on every CPU: it proves nothing about the boot.
    if (d && t.pid !== 0) {
      overlap++;
      const names = t.comms && t.comms.length ? t.comms : [t.comm];
      if (names.some((n) => commsMatch(n, d.comm))) {
        match = 'same';
        consistent++;
        if (!d.kthread) consistentUser++;
      } else {
        match = 'mismatch';
        mismatched++;
      }
    } else if (d) match = 'same';
    if (match === 'same') byDumpPid[String(t.pid)] = { events: t.count, firstTs: t.firstTs, lastTs: t.lastTs, traceComm: t.comm };
    links.push({ pid: t.pid, traceComm: t.comm, dumpComm, events: t.count, firstTs: t.firstTs, lastTs: t.lastTs, match });
  }
  links.sort((a, b) => b.events - a.events);
  const realTrace = traceTasks.filter((t) => t.pid !== 0).length;
  const mismatchText = (): string => links.filter((l) => l.match === 'mismatch').slice(0, 3).map((l) => `pid ${l.pid} is ${l.traceComm} in the trace but ${l.dumpComm} in the dump`).join('; ');
  let verdict: TaskLinkReport['verdict'];
  let warning: string | null = null;
  if (dump.size === 0 || realTrace === 0) {
    verdict = 'unknown';
  } else if (overlap === 0) {
    verdict = 'different-boot';
    warning = `None of the trace's ${realTrace} tasks exists in the dump: the trace cannot be matched to this dump and is probably from another boot.`;
  } else if (mismatched > consistentUser) {
    // User tasks disagree more than they agree (kernel threads agree on every boot, so they do not count).
    verdict = 'different-boot';
    warning = `The trace cannot be from the same boot as the dump: ${mismatched} of ${overlap} shared pids name different tasks (${mismatchText()}).`;
  } else if (consistentUser === 0) {
    verdict = 'weak';
    const absent = links.filter((l) => l.match === 'absent' && l.pid !== 0 && !l.traceComm.startsWith('kworker/')).slice(0, 3)
      .map((l) => `${l.traceComm} (pid ${l.pid}, ${l.events} events)`).join(', ');
    warning = `Only kernel threads link the trace to the dump (their pids repeat on every boot), so it is not confirmed that the trace comes from this boot${absent ? `; the trace's busiest user tasks ${absent} are not in the dump (they exited, or the trace is from another boot)` : ''}.`;
  } else {
    verdict = 'consistent';
    if (mismatched > 0) warning = `${mismatched} pid${mismatched === 1 ? '' : 's'} changed name between the trace and the dump (${mismatchText()}); an exec or pid reuse can explain a few.`;
  }
  return { links, byDumpPid, overlap, consistent, consistentUser, mismatched, verdict, warning };
}

/** Largest kmalloc served from a slab cache (SLUB, 4k pages); larger ones come from the page allocator. */
const kmallocMaxCacheSize = 8192;
const kmallocSizes = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];

/** The kmalloc-N size-class name for an allocation size, as the kernel names its caches. */
export function kmallocCacheName(bytes: number, variant: 'normal' | 'cg' | 'rcl' | 'dma' = 'normal'): string | null {
  const size = kmallocSizes.find((s) => s >= bytes);
  if (size === undefined) return null;
  const n = size >= 1024 ? `${size / 1024}k` : String(size);
  return variant === 'dma' ? `dma-kmalloc-${n}` : variant === 'cg' ? `kmalloc-cg-${n}` : variant === 'rcl' ? `kmalloc-rcl-${n}` : `kmalloc-${n}`;
}

const weakTokens = new Set(['alloc', 'allocate', 'get', 'new', 'create', 'init', 'kmem', 'cache', 'cachep', 'struct', 'entry', 'node', 'free', 'do', 'part', 'isra', 'constprop', 'flags', 'kmalloc', 'slab', 'x64', 'sys']);

function tokens(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length >= 2 && !weakTokens.has(t) && !/^\d+$/.test(t) && !/^0x/.test(t));
}

function tokenOverlap(fn: string, cache: string): number {
  const a = tokens(fn);
  const b = tokens(cache);
  let score = 0;
  for (const x of a) {
    for (const y of b) {
      if (x === y) score += 2;
      else if (x.length >= 4 && y.length >= 4 && (x.startsWith(y) || y.startsWith(x))) score += 1;
    }
  }
  return score;
}

function dominant(sizes: Record<string, number>): number {
  let best = 0;
  let bestN = -1;
  for (const [k, n] of Object.entries(sizes)) {
    if (n > bestN) {
      best = Number(k);
      bestN = n;
    }
  }
  return best;
}

/** Link each allocation call site to the slab cache its objects come from. */
export function linkCallSitesToCaches(callSites: CallSiteAggregate[], caches: DumpSlabCache[]): CacheLink[] {
  const byName = new Map(caches.map((c) => [c.name, c]));
  const isKmallocCache = (name: string): boolean => /^(dma-)?kmalloc-(cg-|rcl-)?\d+k?$/.test(name);
  return callSites.map((s): CacheLink => {
    const base = { event: s.event, callSite: s.callSite, fn: s.fn, count: s.count, bytesAlloc: s.bytesAlloc };
    const alloc = dominant(s.sizes);
    if (s.cacheName) {
      return { ...base, cache: s.cacheName, candidates: [], how: 'event-name', dumpCache: byName.get(s.cacheName) ?? null };
    }
    if (s.event === 'kmalloc') {
      if (alloc > kmallocMaxCacheSize) return { ...base, cache: null, candidates: [], how: 'page-allocator', dumpCache: null };
      const half = s.count / 2;
      const variant = s.dma > half ? 'dma' : s.reclaimable > half ? 'rcl' : s.accounted > half ? 'cg' : 'normal';
      let name = kmallocCacheName(alloc, variant);
      // A kernel without memcg (or without ZONE_DMA) has no such variant: the plain class serves it.
      if (name && caches.length && !byName.has(name)) {
        const plain = kmallocCacheName(alloc, 'normal');
        if (plain && byName.has(plain)) name = plain;
      }
      if (name === null) return { ...base, cache: null, candidates: [], how: 'none', dumpCache: null };
      return { ...base, cache: name, candidates: [], how: 'kmalloc-size-class', dumpCache: byName.get(name) ?? null };
    }
    // kmem_cache_alloc without a name: caches of that object size, told apart by the call site's symbol.
    const req = s.count ? Math.round(s.bytesReq / s.count) : 0;
    const sized = caches.filter((c) => !isKmallocCache(c.name) && (c.objsize === alloc || (req > 0 && c.objsize === req)));
    if (sized.length === 0) return { ...base, cache: null, candidates: [], how: 'none', dumpCache: null };
    const scored = sized.map((c) => ({ c, score: tokenOverlap(s.fn, c.name) })).sort((a, b) => b.score - a.score);
    const top = scored[0]!;
    const candidates = scored.map((x) => x.c.name);
    if (top.score > 0 && (scored.length === 1 || scored[1]!.score < top.score)) {
      return { ...base, cache: top.c.name, candidates, how: 'size-and-symbol', dumpCache: top.c };
    }
    if (sized.length === 1) return { ...base, cache: top.c.name, candidates, how: 'size-only', dumpCache: top.c };
    return { ...base, cache: null, candidates: candidates.slice(0, 12), how: 'ambiguous', dumpCache: null };
  });
}

/** Place the panic on the trace's time axis (both are seconds since boot on the default clock). */
export function linkTimeline(span: { firstTs: number | null; lastTs: number | null }, panic: PanicTime): TimelineLink {
  const fromLog = panic.panicTs ?? null;
  const fromUptime = panic.uptimeSeconds ?? null;
  const panicTs = fromLog ?? fromUptime;
  const source = fromLog !== null ? 'log' : fromUptime !== null ? 'uptime' : null;
  const precision = source === 'log' ? 0.000001 : source === 'uptime' ? 1 : null;
  const out: TimelineLink = { panicTs, source, precision, traceStart: span.firstTs, traceEnd: span.lastTs, gapSeconds: null, placement: 'unknown', warnings: [] };
  if (panicTs === null || span.lastTs === null || span.firstTs === null) return out;
  out.gapSeconds = panicTs - span.lastTs;
  const slack = precision ?? 0;
  if (span.lastTs <= panicTs + slack) out.placement = 'after-trace';
  else if (span.firstTs <= panicTs + slack) out.placement = 'inside-trace';
  else out.placement = 'before-trace';
  if (out.placement === 'before-trace') {
    out.warnings.push(`The whole trace (${span.firstTs.toFixed(3)} s to ${span.lastTs.toFixed(3)} s) lies after the panic at ${panicTs.toFixed(3)} s: it cannot be from this boot, or it uses another trace clock (use the default "local"/"global" clock, which counts seconds since boot).`);
  } else if (out.placement === 'inside-trace') {
    out.warnings.push(`The trace has events up to ${span.lastTs.toFixed(3)} s, after the panic at ${panicTs.toFixed(3)} s: it cannot be from this boot, or it uses another trace clock.`);
  } else if (fromLog !== null && fromUptime !== null && Math.abs(fromLog - fromUptime) > 2) {
    out.warnings.push(`The panic time in the log (${fromLog.toFixed(3)} s) and the uptime (${fromUptime} s) disagree.`);
  }
  return out;
}

/**
 * The panic's seconds-since-boot from kernel log text (`log` or vmcore-dmesg.txt): the
 * "Kernel panic - not syncing" line, else the last line that starts an oops/BUG report.
 */
export function panicTimeFromLog(logText: string): number | null {
  const lines = logText.split('\n');
  const stamp = (l: string): number | null => {
    const m = /^\s*(?:<\d+>)?\[\s*(\d+\.\d+)\]/.exec(l);
    return m ? Number(m[1]) : null;
  };
  for (const l of lines) if (/Kernel panic - not syncing/.test(l)) return stamp(l);
  let last: number | null = null;
  for (const l of lines) if (/\] (BUG: |Oops|sysrq: Trigger a crash|general protection fault)/.test(l)) last = stamp(l) ?? last;
  return last;
}

/** Seconds from `sys`'s UPTIME value ("00:00:28", "2 days, 01:02:03"). */
export function uptimeSecondsFromSys(uptime: string): number | null {
  const m = /^\s*(?:(\d+)\s+days?,\s*)?(\d+):(\d{2}):(\d{2})\s*$/.exec(uptime);
  if (!m) return null;
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** The three links at once, for the API and the CLI. */
export function linkTraceToDump(
  summary: TraceSummary,
  dump: { tasks?: DumpTask[] | null; caches?: DumpSlabCache[] | null; panic?: PanicTime | null },
): { tasks: TaskLinkReport | null; caches: CacheLink[] | null; timeline: TimelineLink | null } {
  return {
    tasks: dump.tasks ? linkTasks(summary.tasks, dump.tasks) : null,
    caches: dump.caches ? linkCallSitesToCaches(summary.callSites, dump.caches) : null,
    timeline: dump.panic ? linkTimeline({ firstTs: summary.firstTs, lastTs: summary.lastTs }, dump.panic) : null,
  };
}
