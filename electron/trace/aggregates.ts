/**
 * Aggregates computed while events stream in, so the summary (the views' first screen and the
 * OOM wizard's evidence) is ready the moment the import ends, with no second pass over the events.
 * Memory is bounded by the number of distinct keys (tasks, call sites, stacks), never by events.
 */
import { callSiteField, callSiteKey, fieldValue, functionOf, readAllocFields, type AllocFields } from './fields.ts';
import type {
  CallSiteAggregate, CallTreeNode, OomEventRecord, PageAllocAggregate, PerfStatCard, StackCallerAggregate,
  StallAggregate, StallRecord, TraceDiagnostic, TraceFormat, TraceSource, TraceSummary,
} from '../api/trace-model.ts';
import { HistogramBuilder } from './histogram.ts';
import { isRawAddress, type Symbolizer } from './symbols.ts';
import { detachString } from './ftrace-line.ts';

/** How an event is folded (looked up once per distinct event name). */
const Kind = { Other: 0, Kmalloc: 1, CacheAlloc: 2, PageAlloc: 3, Vmscan: 4, Compaction: 5, Oom: 6 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const oomEventNames = new Set([
  'oom_score_adj_update', 'reclaim_retry_zone', 'mark_victim', 'wake_reaper', 'start_task_reaping',
  'finish_task_reaping', 'skip_task_reaping', 'compact_retry',
]);
const maxOomEvents = 500;
const maxDistinctStacks = 100_000;
/** Distinct callchains are kept for the caller aggregate up to this much text. */
const maxStackBytes = 32 * 1024 * 1024;
const maxLongest = 50;

/** Frames that are the allocator itself; the caller of interest is the first frame after them. */
const allocatorFrameRe = /^(?:__?kmalloc\w*|kmalloc\w*|__?kmem_cache_alloc\w*|kmem_cache_alloc\w*|slab_alloc\w*|_{0,3}slab_alloc\w*|allocate_slab|new_slab|alloc_slab_page|__alloc_pages\w*|alloc_pages\w*|__folio_alloc\w*|folio_alloc\w*|vma_alloc_folio|__get_free_pages|get_zeroed_page|get_page_from_freelist|__do_kmalloc_node|kmalloc_order\w*|kmalloc_large\w*|perf_trace_\w+|trace_event_raw_event_\w+|__traceiter_\w+|rmqueue\w*|__rmqueue\w*|kvmalloc_node|__kvmalloc_node)$/;

/** A call site's aggregate while events come in: the sizes and pids in maps until the summary. */
interface CallSiteAcc extends Omit<CallSiteAggregate, 'sizes' | 'topPids'> {
  /** Count per bytes_alloc value, in holders so a memo can keep the one it bumps. */
  sizes: Map<number, { n: number }>;
  pids: Map<number, number>;
  /** Run-length cache in front of `pids`: one task usually allocates many times in a row. */
  lastPid: number;
  lastPidCount: number;
}

/**
 * What one kmem event's args gave (fields, site, size counter), kept for the next event whose
 * args are the same except for the `ptr=` value: most allocations repeat a site's line with a
 * new pointer, so a compare of two strings replaces the field search and the site lookup.
 */
interface AllocMemo {
  event: string;
  /** The args up to and including " ptr=". */
  head: string;
  /** The args from the end of the ptr value on. */
  tail: string;
  acc: CallSiteAcc;
  fields: AllocFields;
  size: { n: number } | null;
}

/** The same for mm_page_alloc, whose args vary before " order=" (page, pfn). */
interface PageMemo {
  /** The args from " order=" on. */
  tail: string;
  order: number;
  gfp: { n: number };
}

const memoSlots = 1024;

interface TaskAcc {
  comm: string;
  comms: string[];
  count: number;
  firstTs: number;
  lastTs: number;
}

interface OpenStall {
  ts: number;
  cpu: number;
  comm: string;
  detail: string;
}

class StallTracker {
  readonly open = new Map<number, OpenStall>();
  count = 0;
  total = 0;
  max = 0;
  longest: StallRecord[] = [];

  begin(pid: number, ts: number, cpu: number, comm: string, detail: string): void {
    // Kept past the read block they were cut from: copies, so they do not pin it.
    this.open.set(pid, { ts, cpu, comm: detachString(comm), detail: detachString(detail) });
  }

  end(pid: number, ts: number, result: string): void {
    const b = this.open.get(pid);
    if (!b) return;
    this.open.delete(pid);
    const latency = Math.max(0, ts - b.ts);
    this.count++;
    this.total += latency;
    if (latency > this.max) this.max = latency;
    if (this.longest.length < maxLongest || latency > this.longest[this.longest.length - 1]!.latency) {
      this.longest.push({ pid, comm: b.comm, cpu: b.cpu, start: b.ts, latency, result: detachString(result), detail: b.detail });
      this.longest.sort((x, y) => y.latency - x.latency);
      if (this.longest.length > maxLongest) this.longest.length = maxLongest;
    }
  }

  summary(): StallAggregate {
    return { count: this.count, totalLatency: this.total, maxLatency: this.max, unfinished: this.open.size, longest: this.longest };
  }
}

function kindOf(event: string): Kind {
  if (event === 'kmalloc' || event === 'kmalloc_node') return Kind.Kmalloc;
  if (event === 'kmem_cache_alloc' || event === 'kmem_cache_alloc_node') return Kind.CacheAlloc;
  if (event === 'mm_page_alloc') return Kind.PageAlloc;
  if (event.startsWith('mm_vmscan_')) return Kind.Vmscan;
  if (event.startsWith('mm_compaction_')) return Kind.Compaction;
  if (oomEventNames.has(event)) return Kind.Oom;
  return Kind.Other;
}

/** Folds events into the summary's aggregates. */
export class TraceAggregator {
  events = 0;
  firstTs = Infinity;
  lastTs = -Infinity;
  private readonly byEvent = new Map<string, { count: number; kind: Kind }>();
  // Consecutive events mostly share event name and task: skip the map lookups then.
  private lastEvent = '';
  private lastInfo: { count: number; kind: Kind } | null = null;
  private lastPid = -1;
  private lastTask: TaskAcc | null = null;
  private byCpu = new Float64Array(64);
  private cpuCount = 0;
  private readonly tasks = new Map<number, TaskAcc>();
  private readonly kmallocSites = new Map<string, CallSiteAcc>();
  private readonly cacheSites = new Map<string, CallSiteAcc>();
  private readonly pageGfp = new Map<string, { n: number }>();
  private readonly pageTasks = new Map<number, { count: number; pages: number }>();
  private pageTotal = 0;
  private pagePages = 0;
  private readonly reclaim = new StallTracker();
  private readonly compaction = new StallTracker();
  private readonly compactionEvents = new Map<string, number>();
  private readonly vmscan = new Map<string, number>();
  private readonly oom: OomEventRecord[] = [];
  private readonly stacks = new Map<string, number>();
  private stacksOverflow = 0;
  private stackBytes = 0;
  private lastSite: CallSiteAcc | null = null;
  private readonly histogram = new HistogramBuilder();
  private readonly allocMemo: (AllocMemo | undefined)[] = new Array<AllocMemo | undefined>(memoSlots);
  private readonly pageMemo: (PageMemo | undefined)[] = new Array<PageMemo | undefined>(memoSlots);
  private lastPageTask: { count: number; pages: number } | null = null;
  private lastPageTaskPid = -1;
  private readonly orderCounts = new Float64Array(64);
  private unknownOrder = 0;
  private readonly allocFields: AllocFields = { bytesReq: NaN, bytesAlloc: NaN, accounted: false, reclaimable: false, dma: false, name: null };
  callTree: CallTreeNode | null = null;
  perfStat: PerfStatCard | null = null;

  /** Fold one event. `stack` is the callchain (frames "addr sym+off (dso)", innermost first) or null. */
  add(ts: number, cpu: number, pid: number, comm: string, event: string, args: string, stack: string | null): void {
    this.events++;
    if (ts < this.firstTs) this.firstTs = ts;
    if (ts > this.lastTs) this.lastTs = ts;
    // One lookup per event gives both its count and how to fold it.
    let info = this.lastInfo;
    if (info === null || event !== this.lastEvent) {
      info = this.byEvent.get(event) ?? null;
      if (info === null) {
        info = { count: 0, kind: kindOf(event) };
        this.byEvent.set(detachString(event), info);
      }
      this.lastInfo = info;
      this.lastEvent = event;
    }
    info.count++;
    if (cpu >= this.byCpu.length) this.growCpus(cpu);
    this.byCpu[cpu]!++;
    if (cpu >= this.cpuCount) this.cpuCount = cpu + 1;
    let task = this.lastTask;
    if (task === null || pid !== this.lastPid) {
      task = this.tasks.get(pid) ?? null;
      if (task === null) {
        const kept = detachString(comm);
        task = { comm: kept, comms: [kept], count: 0, firstTs: ts, lastTs: ts };
        this.tasks.set(pid, task);
      }
      this.lastTask = task;
      this.lastPid = pid;
    }
    if (task.comm !== comm) {
      task.comm = detachString(comm);
      if (!task.comms.includes(comm) && task.comms.length < 8) task.comms.push(task.comm);
    }
    task.count++;
    task.lastTs = ts;

    switch (info.kind) {
      case Kind.Kmalloc: this.addAlloc(this.kmallocSites, 'kmalloc', ts, pid, args); this.histogram.add(ts, 1); break;
      case Kind.CacheAlloc: this.addAlloc(this.cacheSites, 'kmem_cache_alloc', ts, pid, args); this.histogram.add(ts, 2); break;
      case Kind.PageAlloc: this.addPage(pid, args); this.histogram.add(ts, 3); break;
      case Kind.Vmscan: this.addVmscan(ts, cpu, pid, comm, event, args); this.histogram.add(ts, event === 'mm_vmscan_direct_reclaim_begin' ? 4 : 0); break;
      case Kind.Compaction: this.addCompaction(ts, cpu, pid, comm, event, args); this.histogram.add(ts, 0); break;
      case Kind.Oom: if (this.oom.length < maxOomEvents) this.oom.push({ ts, event: detachString(event), pid, comm: detachString(comm), args: detachString(args) }); this.histogram.add(ts, 0); break;
      default: this.histogram.add(ts, 0); break;
    }
    if (stack !== null) {
      const key = event + '\u0000' + stack;
      const n = this.stacks.get(key);
      if (n !== undefined) this.stacks.set(key, n + 1);
      else if (this.stacks.size < maxDistinctStacks && this.stackBytes + key.length <= maxStackBytes) {
        this.stacks.set(detachString(key), 1);
        this.stackBytes += key.length;
      } else this.stacksOverflow++;
    }
  }

  private growCpus(cpu: number): void {
    const next = new Float64Array(Math.max(cpu + 1, this.byCpu.length * 2));
    next.set(this.byCpu);
    this.byCpu = next;
  }

  private addAlloc(sites: Map<string, CallSiteAcc>, event: string, ts: number, pid: number, args: string): void {
    // The ptr value is the only part of the args the fields and the site cannot depend on: every
    // key searched starts with a space (a ptr value has none), the flag words are searched inside
    // the gfp token, and a memo is only made when the call site lies before " ptr=".
    const pv = args.indexOf(' ptr=');
    let v1 = -1;
    let slot = 0;
    if (pv !== -1) {
      v1 = args.indexOf(' ', pv + 5);
      if (v1 === -1) v1 = args.length;
      const tailLen = args.length - v1;
      // Lengths and a few characters (the end of the call site, the start of bytes_req's value) tell sites apart.
      slot = (((((pv * 31 + tailLen) * 31 + event.length) * 31 + args.charCodeAt(pv - 1)) * 31 + args.charCodeAt(pv - 2)) * 31 + args.charCodeAt(pv - 3)) * 31 + args.charCodeAt(v1 + 12) + args.charCodeAt(v1 + 13) * 7;
      slot = (slot ^ (slot >>> 10)) & (memoSlots - 1);
      const m = this.allocMemo[slot];
      // Whole-string `===` (a memcmp), not startsWith, which compares a character at a time.
      if (m !== undefined && m.head.length === pv + 5 && m.tail.length === tailLen && m.event === event && args.slice(v1) === m.tail && args.slice(0, pv + 5) === m.head) {
        this.countAlloc(m.acc, ts, pid, m.fields, m.size);
        return;
      }
    }
    const f = this.allocFields;
    readAllocFields(args, f);
    const cacheName = f.name;
    // A run of allocations from one call site is common: recognise it in place, without cutting
    // the call-site string or hashing it.
    let acc = this.lastSite;
    if (acc === null || acc.event !== event || acc.cacheName !== cacheName || !sameCallSite(args, acc.callSite)) {
      const callSite = callSiteKey(args);
      if (callSite === null) return;
      const key = cacheName === null ? callSite : callSite + '|' + cacheName;
      acc = sites.get(key) ?? null;
      if (acc === null) acc = this.newSite(sites, detachString(key), event, detachString(callSite), cacheName === null ? null : detachString(cacheName), ts, args);
      this.lastSite = acc;
    }
    const size = this.countAlloc(acc, ts, pid, f, null);
    if (pv !== -1) {
      const at = args.indexOf('call_site=');
      if (at !== -1 && at < pv) {
        this.allocMemo[slot] = { event, head: detachString(args.slice(0, pv + 5)), tail: detachString(args.slice(v1)), acc, fields: { ...f, name: acc.cacheName }, size };
      }
    }
  }

  private newSite(sites: Map<string, CallSiteAcc>, key: string, event: string, callSite: string, cacheName: string | null, ts: number, args: string): CallSiteAcc {
    const site = callSiteField(args)!;
    const acc: CallSiteAcc = {
      event, callSite, fn: detachString(site.fn), module: site.module === null ? null : detachString(site.module), cacheName, count: 0, bytesReq: 0, bytesAlloc: 0,
      sizes: new Map(), accounted: 0, reclaimable: 0, dma: 0, firstTs: ts, lastTs: ts, pids: new Map(), lastPid: -1, lastPidCount: 0,
    };
    sites.set(key, acc);
    return acc;
  }

  /** Count one allocation; `size` is the holder of its bytes_alloc counter when known. Returns that holder. */
  private countAlloc(acc: CallSiteAcc, ts: number, pid: number, f: AllocFields, size: { n: number } | null): { n: number } | null {
    acc.count++;
    acc.lastTs = ts;
    if (f.bytesReq > 0) acc.bytesReq += f.bytesReq;
    const alloc = f.bytesAlloc;
    if (alloc > 0) {
      acc.bytesAlloc += alloc;
      if (size === null) {
        size = acc.sizes.get(alloc) ?? null;
        if (size === null) {
          size = { n: 0 };
          acc.sizes.set(alloc, size);
        }
      }
      size.n++;
    }
    if (f.accounted) acc.accounted++;
    if (f.reclaimable) acc.reclaimable++;
    if (f.dma) acc.dma++;
    if (pid === acc.lastPid) acc.lastPidCount++;
    else {
      if (acc.lastPid !== -1) acc.pids.set(acc.lastPid, (acc.pids.get(acc.lastPid) ?? 0) + acc.lastPidCount);
      acc.lastPid = pid;
      acc.lastPidCount = 1;
    }
    return size;
  }

  private addPage(pid: number, args: string): void {
    const orderAt = args.indexOf(' order=');
    const g = args.indexOf('gfp_flags=');
    let o = -1;
    let gfp: { n: number };
    // Both fields lie in the args from " order=" on: a repeat of that tail repeats them.
    let slot = -1;
    let m: PageMemo | undefined;
    if (orderAt !== -1 && g > orderAt) {
      const tailLen = args.length - orderAt;
      slot = (tailLen * 31 + args.charCodeAt(orderAt + 7)) & (memoSlots - 1);
      m = this.pageMemo[slot];
      if (m !== undefined && (m.tail.length !== tailLen || args.slice(orderAt) !== m.tail)) m = undefined;
    }
    if (m !== undefined) {
      o = m.order;
      gfp = m.gfp;
    } else {
      if (orderAt !== -1) {
        // One or two digits, read in place.
        const d0 = args.charCodeAt(orderAt + 7) - 48;
        const d1 = args.charCodeAt(orderAt + 8) - 48;
        if (d0 >= 0 && d0 <= 9) o = d1 >= 0 && d1 <= 9 ? d0 * 10 + d1 : d0;
        if (o > 63) o = -1;
      }
      let name = '?';
      if (g !== -1) {
        const start = g + 10;
        let end = args.indexOf(' ', start);
        if (end === -1) end = args.length;
        name = args.slice(start, end);
      }
      const known = this.pageGfp.get(name);
      if (known === undefined) {
        gfp = { n: 0 };
        this.pageGfp.set(detachString(name), gfp);
      } else gfp = known;
      if (slot !== -1) this.pageMemo[slot] = { tail: detachString(args.slice(orderAt)), order: o, gfp };
    }
    gfp.n++;
    const pages = o >= 0 ? 2 ** o : 0;
    this.pageTotal++;
    this.pagePages += pages;
    if (o >= 0) this.orderCounts[o]!++;
    else this.unknownOrder++;
    let t = this.lastPageTask;
    if (t === null || this.lastPageTaskPid !== pid) {
      t = this.pageTasks.get(pid) ?? null;
      if (t === null) {
        t = { count: 0, pages: 0 };
        this.pageTasks.set(pid, t);
      }
      this.lastPageTask = t;
      this.lastPageTaskPid = pid;
    }
    t.count++;
    t.pages += pages;
  }

  private addVmscan(ts: number, cpu: number, pid: number, comm: string, event: string, args: string): void {
    const seen = this.vmscan.get(event);
    if (seen === undefined) this.vmscan.set(detachString(event), 1);
    else this.vmscan.set(event, seen + 1);
    if (event === 'mm_vmscan_direct_reclaim_begin') {
      const detail = ['order=' + (fieldValue(args, 'order') ?? '?'), 'gfp_flags=' + (fieldValue(args, 'gfp_flags') ?? '?')].join(' ');
      this.reclaim.begin(pid, ts, cpu, comm, detail);
    } else if (event === 'mm_vmscan_direct_reclaim_end') {
      this.reclaim.end(pid, ts, 'nr_reclaimed=' + (fieldValue(args, 'nr_reclaimed') ?? '?'));
    }
  }

  private addCompaction(ts: number, cpu: number, pid: number, comm: string, event: string, args: string): void {
    const seen = this.compactionEvents.get(event);
    if (seen === undefined) this.compactionEvents.set(detachString(event), 1);
    else this.compactionEvents.set(event, seen + 1);
    if (event === 'mm_compaction_begin') this.compaction.begin(pid, ts, cpu, comm, args.slice(0, 200));
    else if (event === 'mm_compaction_end') this.compaction.end(pid, ts, 'status=' + (fieldValue(args, 'status') ?? '?'));
  }

  /** The summary; `symbols` resolves raw addresses (unsymbolised perf.data) when given. */
  finish(meta: {
    format: TraceFormat; source: TraceSource; file: string; bytes: number; lines: number; skippedLines: number;
    overlongLines: number; chunks: number; diagnostics: TraceDiagnostic[]; symbols?: Symbolizer | null;
  }): TraceSummary {
    const symbols = meta.symbols ?? null;
    const commOf = (pid: number): string => this.tasks.get(pid)?.comm ?? '?';
    const callSites: CallSiteAggregate[] = [];
    for (const a of [...this.kmallocSites.values(), ...this.cacheSites.values()]) {
      let { callSite, fn, module } = a;
      if (symbols && isRawAddress(callSite)) {
        const r = symbols.resolve(callSite);
        if (r) {
          callSite = `${r.symbol}+0x${r.offset.toString(16)}`;
          fn = r.symbol;
          module = r.module;
        }
      } else if (symbols && module === null) module = symbols.moduleOf(fn);
      if (a.lastPid !== -1) {
        a.pids.set(a.lastPid, (a.pids.get(a.lastPid) ?? 0) + a.lastPidCount);
        a.lastPid = -1;
      }
      const topPids = [...a.pids.entries()].sort((x, y) => y[1] - x[1]).slice(0, 5).map(([pid, count]) => ({ pid, comm: commOf(pid), count }));
      callSites.push({
        event: a.event, callSite, fn, module, cacheName: a.cacheName, count: a.count, bytesReq: a.bytesReq, bytesAlloc: a.bytesAlloc,
        sizes: Object.fromEntries([...a.sizes.entries()].sort((x, y) => y[1].n - x[1].n).map(([k, v]) => [String(k), v.n])),
        accounted: a.accounted, reclaimable: a.reclaimable, dma: a.dma, firstTs: a.firstTs, lastTs: a.lastTs, topPids,
      });
    }
    mergeResolvedCallSites(callSites);
    callSites.sort((x, y) => y.count - x.count || y.bytesAlloc - x.bytesAlloc);

    const pageAlloc: PageAllocAggregate = {
      total: this.pageTotal,
      pages: this.pagePages,
      byOrder: Object.fromEntries([
        ...[...this.orderCounts].map((v, k) => [String(k), v] as const).filter(([, v]) => v > 0),
        ...(this.unknownOrder ? [['?', this.unknownOrder] as const] : []),
      ]),
      byGfp: Object.fromEntries([...this.pageGfp.entries()].sort((x, y) => y[1].n - x[1].n).map(([k, v]) => [k, v.n])),
      byTask: [...this.pageTasks.entries()].sort((x, y) => y[1].pages - x[1].pages).slice(0, 200)
        .map(([pid, t]) => ({ pid, comm: commOf(pid), count: t.count, pages: t.pages })),
    };

    const diagnostics = [...meta.diagnostics];
    if (this.stacksOverflow > 0) {
      diagnostics.push({ code: 'stacks-capped', severity: 'info', message: `${this.stacksOverflow} events carried callchains beyond the first ${this.stacks.size} distinct ones (${Math.round(this.stackBytes / 1048576)} MB) and are not in the caller aggregate` });
    }

    return {
      format: meta.format,
      source: meta.source,
      file: meta.file,
      bytes: meta.bytes,
      lines: meta.lines,
      events: this.events,
      skippedLines: meta.skippedLines,
      overlongLines: meta.overlongLines,
      firstTs: this.events ? this.firstTs : null,
      lastTs: this.events ? this.lastTs : null,
      cpus: this.cpuCount || null,
      byEvent: Object.fromEntries([...this.byEvent.entries()].sort((x, y) => y[1].count - x[1].count).map(([k, v]) => [k, v.count])),
      byCpu: Object.fromEntries([...this.byCpu.subarray(0, this.cpuCount)].map((n, i) => [String(i), n] as const).filter(([, n]) => n > 0)),
      tasks: [...this.tasks.entries()].sort((x, y) => y[1].count - x[1].count).slice(0, 5000)
        .map(([pid, t]) => ({ pid, comm: t.comm, comms: t.comms, count: t.count, firstTs: t.firstTs, lastTs: t.lastTs })),
      callSites: callSites.slice(0, 2000),
      pageAlloc,
      directReclaim: this.reclaim.summary(),
      compaction: { ...this.compaction.summary(), byEvent: Object.fromEntries(this.compactionEvents) },
      vmscan: Object.fromEntries(this.vmscan),
      oomEvents: this.oom,
      stackCallers: this.stackCallers(symbols),
      histogram: this.histogram.finish(),
      callTree: this.callTree,
      perfStat: this.perfStat,
      chunks: meta.chunks,
      diagnostics,
    };
  }

  private stackCallers(symbols: Symbolizer | null): StackCallerAggregate[] {
    const acc = new Map<string, StackCallerAggregate>();
    for (const [key, count] of this.stacks) {
      const sep = key.indexOf('\u0000');
      const event = key.slice(0, sep);
      const caller = firstCallerFrame(key.slice(sep + 1), symbols);
      if (caller === null) continue;
      const k = event + '|' + caller.fn;
      const a = acc.get(k);
      if (a) a.count += count;
      else acc.set(k, { event, fn: caller.fn, module: caller.module, count });
    }
    return [...acc.values()].sort((x, y) => y.count - x.count).slice(0, 500);
  }
}

/** Whether `args` has `call_site=<site>` ending there (space, "/0xsize" or end). */
function sameCallSite(args: string, site: string): boolean {
  const at = args.indexOf('call_site=');
  if (at === -1 || args.slice(at + 10, at + 10 + site.length) !== site) return false;
  const next = args.charCodeAt(at + 10 + site.length);
  return Number.isNaN(next) || next === 32 || next === 47 /* / */;
}

/** Two raw addresses that resolve to the same site become one row. */
function mergeResolvedCallSites(rows: CallSiteAggregate[]): void {
  const seen = new Map<string, CallSiteAggregate>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const key = r.event + '|' + r.callSite + '|' + (r.cacheName ?? '');
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, r);
      continue;
    }
    prev.count += r.count;
    prev.bytesReq += r.bytesReq;
    prev.bytesAlloc += r.bytesAlloc;
    prev.accounted += r.accounted;
    prev.reclaimable += r.reclaimable;
    prev.dma += r.dma;
    prev.firstTs = Math.min(prev.firstTs, r.firstTs);
    prev.lastTs = Math.max(prev.lastTs, r.lastTs);
    for (const [s, n] of Object.entries(r.sizes)) prev.sizes[s] = (prev.sizes[s] ?? 0) + n;
    rows.splice(i--, 1);
  }
}

/**
 * The first frame of a callchain that is not the allocator or the tracing machinery: for a
 * slab page allocated under kmem_cache_alloc from bufpool_refill, that is bufpool_refill.
 */
export function firstCallerFrame(stack: string, symbols: Symbolizer | null): { fn: string; module: string | null } | null {
  let passedAllocator = false;
  for (const frame of stack.split('\n')) {
    const m = /^\s*([0-9a-fA-F]+)\s+(\S+)(?:\s+\(\[?([^)\]]*)\]?\))?/.exec(frame);
    if (!m) continue;
    let sym = m[2]!;
    // perf names the module as the frame's dso: "([bufpool])"; the core kernel is "[kernel.kallsyms]".
    let module: string | null = m[3] && m[3] !== 'kernel.kallsyms' && !m[3].includes('/') ? m[3] : null;
    if (sym === '[unknown]') {
      const r = symbols?.resolve(m[1]!);
      if (!r) {
        // Unnamed right above named allocator frames (a module with only a vmlinux): the address
        // still tells callers apart. Unnamed from the start: nothing can be said.
        return passedAllocator ? { fn: '0x' + m[1]!.toLowerCase(), module: null } : null;
      }
      sym = r.symbol;
      module = r.module;
    }
    const fn = functionOf(sym);
    if (allocatorFrameRe.test(fn)) {
      passedAllocator = true;
      continue;
    }
    return { fn, module };
  }
  return null;
}
