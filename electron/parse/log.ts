/**
 * `log` (and vmcore-dmesg.txt): kernel log records, plus the structured reports found in them —
 * OOM reports (mm/oom_kill.c dump_header, show_mem, dump_unreclaimable_slab, dump_tasks,
 * dump_oom_summary, __oom_kill_process), Oops/BUG reports, `Kernel panic - not syncing`,
 * hung task and soft lockup reports.
 *
 * Formats handled across kernels: the oom-killer line with or without `nodemask=` and with or
 * without GFP flag names (pre-4.10), Tasks tables with `rss` or `rss_anon rss_file rss_shmem`
 * columns and with `nr_ptes`/`pgtables_bytes`, old `Kill process .. or sacrifice child` +
 * `Killed process` pairs and the 5.x+ single `Out of memory: Killed process` line, the memcg
 * block of a memcg OOM (mm/memcontrol.c mem_cgroup_print_oom_meminfo: usage/limit lines and
 * memory.stat, printed as one multi-line record up to 6.4 and one record per line from 6.5, or
 * v1's inline `name:NKB` tokens before 5.x), and the per-node hugetlb pool lines.
 */
import { Diagnostics, fields, guarded, int, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type {
  HungTaskReport, LogModel, LogRecord, OomConstraint, OomFreeArea, OomKilled, OomMemcg, OomReport, OomTaskRow,
  OomZone, OopsReport, PanicRecord, SoftLockupReport,
} from './models.ts';

/** 2: OOM reports gained `hugepages` and `memcg`, soft lockups `rip`; 3: printk caller ids, journal text, Oops fault decode, hung-task state/blocker, hard lockups. */
export const LOG_PARSER_VERSION = 3;

const TS_LINE = /^\[ {0,12}(\d{1,10}\.\d{1,9})\] ?(?:<([0-9a-fA-F]{1,3})>)?(.*)$/;
// log -T: "[Thu Nov 26 04:35:31 UTC 2026] text"
const HUMAN_TS_LINE = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [^\]]{0,12}\d{4}\] ?(?:<([0-9a-fA-F]{1,3})>)?(.*)$/;

/** An empty LogModel. */
export function emptyLog(): LogModel {
  return { records: [], oomReports: [], oopses: [], panics: [], hungTasks: [], softLockups: [] };
}

/** Parse `log` output (with or without timestamps, `log -m` levels, `log -T` times) or vmcore-dmesg.txt. */
export function parseLog(text: string): ParseResult<LogModel> {
  return guarded('log', emptyLog, () => {
    const diags = new Diagnostics('log');
    const records = toRecords(text, diags);
    const model = emptyLog();
    model.records = records;
    analyse(model, diags);
    if (records.length === 0) {
      diags.add(text.trim() === '' ? 'empty-output' : 'no-data', 'warning', 'log: no log records found');
    }
    return { model, diagnostics: diags.finish() };
  });
}

/** printk caller id after the timestamp (makedumpfile 1.7.6+ --dump-dmesg, dmesg on CONFIG_PRINTK_CALLER kernels). */
const CALLER = /^\[ {0,8}([TC]\d{1,7})\] ?/;
// journalctl -k (short / short-iso / short-precise): "Dec 04 13:15:15 host kernel: text".
const JOURNAL_LINE = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?) \S{1,64} (\S{1,64}?)(?:\[\d{1,10}\])?: ?(.*)$/;

/** Journal text: keep only the kernel's lines, without the journal's own prefix. */
function unjournal(lines: string[]): string[] | null {
  let journal = 0;
  let probed = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    if (JOURNAL_LINE.test(l)) journal++;
    if (++probed >= 200) break;
  }
  if (journal === 0 || journal * 2 < probed) return null;
  const out: string[] = [];
  for (const l of lines) {
    const m = JOURNAL_LINE.exec(l);
    if (!m) out.push(l);
    else if (m[1] === 'kernel') out.push(m[2] as string);
    else out.push('');
  }
  return out;
}

function withCaller(rec: LogRecord): LogRecord {
  const c = CALLER.exec(rec.text);
  if (!c) return rec;
  rec.caller = c[1] as string;
  rec.text = rec.text.slice(c[0].length);
  return rec;
}

function toRecords(text: string, diags: Diagnostics): LogRecord[] {
  const raw = splitLines(text);
  const lines = unjournal(raw) ?? raw;
  // Timestamped logs print continuation lines of a record indented and without a timestamp.
  let stamped = 0;
  let probed = 0;
  for (const l of lines) {
    if (l.trim() === '') continue;
    if (TS_LINE.test(l) || HUMAN_TS_LINE.test(l)) stamped++;
    if (++probed >= 200) break;
  }
  const timestamped = stamped > 0 && stamped * 2 >= probed;
  const records: LogRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('log: ')) {
      diags.add('crash-error', 'error', line);
      continue;
    }
    if (timestamped) {
      const m = TS_LINE.exec(line);
      if (m) {
        records.push(withCaller({ timestamp: Number(m[1]), level: level(m[2]), text: m[3] as string, line: i }));
        continue;
      }
      const h = HUMAN_TS_LINE.exec(line);
      if (h) {
        records.push(withCaller({ timestamp: null, level: level(h[1]), text: h[2] as string, line: i }));
        continue;
      }
      const prev = records[records.length - 1];
      if (prev && line.trim() !== '') {
        prev.text += `\n${line.trim()}`;
        continue;
      }
      if (line.trim() === '') continue;
      records.push(withCaller({ timestamp: null, level: null, text: line, line: i }));
      continue;
    }
    if (line.trim() === '') continue;
    const lm = /^<([0-9a-fA-F]{1,3})>(.*)$/.exec(line);
    records.push(withCaller({ timestamp: null, level: lm ? level(lm[1]) : null, text: lm ? (lm[2] as string) : line, line: i }));
  }
  return records;
}

function level(hex: string | undefined): number | null {
  if (hex === undefined) return null;
  return parseInt(hex, 16) & 7;
}

/** A report the following `CPU: ... PID: ... Comm:` line and `Call Trace:` belong to. */
interface Open {
  startedAt: number;
  pid: number | null;
  comm: string | null;
  cpu: number | null;
  taint: string | null;
  callTrace: string[];
  traceDone: boolean;
  oops?: OopsReport;
  panic?: PanicRecord;
  oom?: OomReport;
  lockup?: SoftLockupReport;
  hung?: HungTaskReport;
}

type Section = 'none' | 'meminfo' | 'slab' | 'tasks' | 'memcgstat';

/** Mutable scan state (an object, so helper closures and TS narrowing agree). */
interface State {
  open: Open | null;
  oom: OomReport | null;
  section: Section;
  taskCols: string[];
  inTrace: boolean;
  /** The likely lock owner's sched_show_task() printed after a hung-task blocker line (6.15+). */
  owner: { blockedOn: NonNullable<HungTaskReport['blockedOn']>; at: number; inTrace: boolean } | null;
}

function analyse(model: LogModel, diags: Diagnostics): void {
  const recs = model.records;
  const st: State = { open: null, oom: null, section: 'none', taskCols: [], inTrace: false, owner: null };
  const startOpen = (i: number, extra: Partial<Open>): Open => {
    const o: Open = { startedAt: i, pid: null, comm: null, cpu: null, taint: null, callTrace: [], traceDone: false, ...extra };
    st.open = o;
    st.inTrace = false;
    return o;
  };

  for (let i = 0; i < recs.length; i++) {
    const rec = recs[i] as LogRecord;
    const text = rec.text;
    const t = text.trimStart();

    // Call trace lines continue until something that is not a trace entry.
    if (st.inTrace && st.open) {
      const entry = traceEntry(t);
      if (entry !== undefined) {
        if (entry !== null && !st.open.traceDone) st.open.callTrace.push(entry);
        continue;
      }
      st.inTrace = false;
      st.open.traceDone = st.open.callTrace.length > 0;
    }

    const invoked = text.indexOf(' invoked oom-killer: ');
    if (invoked > 0) {
      finishOom(st.oom, diags);
      const oom = newOom(i, rec, text.slice(0, invoked), text.slice(invoked + ' invoked oom-killer: '.length), diags);
      st.oom = oom;
      model.oomReports.push(oom);
      startOpen(i, { comm: oom.invoker.comm, callTrace: oom.callTrace, oom });
      st.section = 'none';
      continue;
    }

    if (t.startsWith('CPU: ') && st.open && st.open.pid === null && i - st.open.startedAt <= 12) {
      const c = cpuLine(t);
      if (c) {
        const o = st.open;
        o.pid = c.pid;
        o.cpu = c.cpu;
        o.taint = c.taint;
        if (o.comm === null) o.comm = c.comm;
        applyOpen(o);
      }
      continue;
    }
    if (st.owner && ownerDetail(t, i, st)) continue;
    if (t.startsWith('Call Trace:')) {
      if (st.open && !st.open.traceDone) st.inTrace = true;
      continue;
    }
    if (t.startsWith('RIP: ') && st.open?.oops && st.open.oops.rip === null) {
      st.open.oops.rip = ripText(t);
      continue;
    }
    if (st.open?.oops && oopsDetail(t, st.open.oops)) continue;
    if (st.open?.hung && hungDetail(t, st.open.hung)) continue;
    const blocker = /^INFO: task (.{1,64}):(\d{1,10}) is blocked on an? ([\w-]{1,32})\b(?:.*?owned by task (.{1,64}):(\d{1,10}))?/.exec(t);
    if (blocker) {
      // hung_task.c debug_show_blocker() (6.15+), printed after the blocked task's stack.
      const h = model.hungTasks.findLast((x) => x.pid === Number(blocker[2]));
      if (h) {
        h.blockedOn = { kind: blocker[3] as string, ownerComm: blocker[4] ?? null, ownerPid: blocker[5] ? Number(blocker[5]) : null };
        if (h.blockedOn.ownerComm !== null) st.owner = { blockedOn: h.blockedOn, at: i, inTrace: false };
      }
      continue;
    }
    // A soft lockup report prints the interrupted registers (show_regs) when the watchdog had them.
    if (t.startsWith('RIP: ') && st.open?.lockup && st.open.lockup.rip === null) {
      st.open.lockup.rip = ripText(t);
      continue;
    }

    if (st.oom && oomLine(t, st, diags)) continue;

    // --- panics, oopses, lockups
    const p = t.indexOf('Kernel panic - not syncing: ');
    if (p >= 0) {
      const message = t.slice(p + 'Kernel panic - not syncing: '.length).trim();
      const panic: PanicRecord = { recordIndex: i, timestamp: rec.timestamp, message, pid: null, comm: null, cpu: null, callTrace: [] };
      model.panics.push(panic);
      // mm/oom_kill.c panics: "Out of memory: <system-wide|compulsory> panic_on_oom is enabled",
      // "Out of memory and no killable processes...", "System is deadlocked on memory".
      if (st.oom && (message.startsWith('Out of memory') || message.startsWith('System is deadlocked on memory'))) {
        st.oom.panicLine = message;
        finishOom(st.oom, diags);
        st.oom = null;
      }
      startOpen(i, { callTrace: panic.callTrace, panic });
      st.section = 'none';
      continue;
    }
    const hung = /^INFO: task (.{1,64}):(\d{1,10}) blocked for more than (\d{1,10}) seconds\./.exec(t);
    if (hung) {
      const h: HungTaskReport = {
        recordIndex: i, timestamp: rec.timestamp, comm: hung[1] as string, pid: Number(hung[2]), seconds: Number(hung[3]), callTrace: [],
      };
      model.hungTasks.push(h);
      startOpen(i, { callTrace: h.callTrace, pid: h.pid, comm: h.comm, hung: h });
      continue;
    }
    const lock = /^(?:watchdog: )?BUG: soft lockup - CPU#(\d{1,5}) stuck for (\d{1,10})s! \[(.{1,64}):(\d{1,10})\]/.exec(t);
    if (lock) {
      const l: SoftLockupReport = {
        recordIndex: i, timestamp: rec.timestamp, cpu: Number(lock[1]), seconds: Number(lock[2]),
        comm: lock[3] as string, pid: Number(lock[4]), callTrace: [], rip: null,
      };
      model.softLockups.push(l);
      startOpen(i, { callTrace: l.callTrace, pid: l.pid, comm: l.comm, cpu: l.cpu, lockup: l });
      continue;
    }
    // kernel/watchdog.c watchdog_hardlockup_check(): the task comes from the CPU: line that follows.
    const hard = /^(?:NMI watchdog: )?Watchdog detected hard LOCKUP on cpu (\d{1,5})/.exec(t);
    if (hard) {
      const l: SoftLockupReport = {
        recordIndex: i, timestamp: rec.timestamp, cpu: Number(hard[1]), seconds: 0, comm: '', pid: 0, callTrace: [], rip: null, kind: 'hard',
      };
      model.softLockups.push(l);
      startOpen(i, { callTrace: l.callTrace, cpu: l.cpu, lockup: l });
      continue;
    }
    if (isOopsHeader(t)) {
      const prev = st.open;
      // "Oops: ..." right after a BUG: header belongs to that header.
      // (6.x prints #PF: lines and the page table walk between them.)
      if (t.startsWith('Oops: ') && prev?.oops && prev.oops.oopsLine === null && i - prev.startedAt <= 8) {
        prev.oops.oopsLine = t;
        oopsLineDetail(t, prev.oops);
        continue;
      }
      const oops: OopsReport = {
        recordIndex: i, timestamp: rec.timestamp, header: t, oopsLine: t.startsWith('Oops: ') ? t : null,
        pid: null, comm: null, cpu: null, taint: null, rip: null, callTrace: [],
        dieCount: null, faultAddress: faultAddressOf(t), pfAccess: null, errorCode: null, pfReason: null,
      };
      if (oops.oopsLine !== null || t.startsWith('general protection fault')) oopsLineDetail(t, oops);
      model.oopses.push(oops);
      startOpen(i, { callTrace: oops.callTrace, oops });
    }
  }
  finishOom(st.oom, diags);
}

/** One record inside an OOM report: Mem-Info, node/zone lines, totals, slab and task tables, victim. */
function oomLine(t: string, st: State, diags: Diagnostics): boolean {
  const oom = st.oom as OomReport;
  if (st.section === 'memcgstat') {
    if (memcgStatRecord(t, oom)) return true;
    st.section = 'none';
  }
  if (memcgLine(t, oom)) {
    if (t.startsWith('Memory cgroup stats for ')) st.section = 'memcgstat';
    return true;
  }
  if (t === 'Mem-Info:') {
    st.section = 'meminfo';
    return true;
  }
  if (st.section === 'meminfo' && memInfoRecord(t, oom)) return true;
  if (t.startsWith('Node ') && oomNodeLine(t, oom, diags)) {
    st.section = 'none';
    return true;
  }
  if (t.startsWith('lowmem_reserve[]:')) {
    const z = oom.zones[oom.zones.length - 1];
    if (z) z.lowmemReserve = fields(t.slice('lowmem_reserve[]:'.length)).map((x) => int(x) ?? 0);
    return true;
  }
  if (totalsLine(t, oom)) return true;
  if (t === 'Unreclaimable slab info:') {
    st.section = 'slab';
    return true;
  }
  if (st.section === 'slab') {
    if (/^Name\s+Used\s+Total$/.test(t)) return true;
    const f = fields(t);
    const used = f.length >= 3 ? kbValue(f[f.length - 2]) : null;
    const total = f.length >= 3 ? kbValue(f[f.length - 1]) : null;
    if (used !== null && total !== null) {
      oom.unreclaimableSlab.push({ cache: f.slice(0, -2).join(' '), usedKb: used, totalKb: total });
      return true;
    }
    st.section = 'none';
  }
  if (t.startsWith('Tasks state (memory values in pages)')) {
    st.section = 'tasks';
    return true;
  }
  if (t.startsWith('[') && /^\[\s*pid\s*\]/.test(t) && t.includes('uid')) {
    st.taskCols = fields(t.replace(/^\[\s*pid\s*\]/, 'pid'));
    oom.tasksFormat = st.taskCols.includes('rss_anon') ? 'rss_split' : 'rss';
    if (st.taskCols.includes('nr_ptes')) {
      diags.add('oom-nr-ptes', 'info', 'log: this kernel prints page-table pages (nr_ptes); pgtablesBytes assumes 4 KiB pages');
    }
    st.section = 'tasks';
    return true;
  }
  if (st.section === 'tasks') {
    if (t.startsWith('[')) {
      const row = taskRow(t, st.taskCols);
      if (row) oom.tasks.push(row);
      else diags.add('oom-task-row', 'warning', `log: cannot read OOM task row ${JSON.stringify(t.slice(0, 120))}`);
      return true;
    }
    st.section = 'none';
  }
  if (t.startsWith('oom-kill:')) {
    oom.constraint = constraintLine(t.slice('oom-kill:'.length));
    return true;
  }
  const killed = killedLine(t);
  if (killed) {
    oom.killed = killed;
    finishOom(oom, diags);
    st.oom = null;
    return true;
  }
  // pre-5.x "Out of memory: Kill process N (x) score S or sacrifice child"; the Killed line follows.
  return /^(?:Memory cgroup out of memory|Out of memory): Kill process /.test(t);
}

/** Copy pid/cpu/comm/taint from the CPU: line to the report that opened it. */
function applyOpen(o: Open): void {
  if (o.oops) Object.assign(o.oops, { pid: o.pid, comm: o.comm, cpu: o.cpu, taint: o.taint });
  if (o.panic) Object.assign(o.panic, { pid: o.pid, comm: o.comm, cpu: o.cpu });
  if (o.lockup && o.lockup.kind === 'hard' && o.pid !== null) Object.assign(o.lockup, { pid: o.pid, comm: o.comm ?? '' });
  if (o.oom) {
    o.oom.invoker.pid = o.pid;
    o.oom.invoker.cpu = o.cpu;
    o.oom.taint = o.taint;
  }
}

function isOopsHeader(t: string): boolean {
  if (t.startsWith('BUG: ')) return !t.startsWith('BUG: soft lockup') && !t.startsWith('BUG: workqueue lockup');
  return t.startsWith('kernel BUG at ') || t.startsWith('general protection fault') || t.startsWith('Oops: ') ||
    t.startsWith('Unable to handle kernel ');
}

/**
 * A call trace entry without the `? ` unreliable ones: string for a frame, null for a marker or
 * an unreliable frame (still part of the trace), undefined when the line ends the trace.
 */
function traceEntry(t: string): string | null | undefined {
  if (/^<\/?(TASK|IRQ|NMI|SOFTIRQ|EOI)>$/.test(t)) return null;
  if (t.startsWith('? ')) return /^\? [\w.$]{1,128}\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16}/.test(t) ? null : undefined;
  // 4.x and older: "[<ffffffff8106c62f>] machine_kexec+0x1f/0x30"
  const old = /^\[<[0-9a-f]{8,16}>\] (\??\s?[\w.$]{1,128}\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16}(?: \[[\w-]{1,64}\])?)$/.exec(t);
  if (old) return (old[1] as string).startsWith('?') ? null : (old[1] as string);
  if (/^[\w.$]{1,128}\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16}(?: \[[\w-]{1,64}\])?$/.test(t)) return t;
  return undefined;
}

/** "CPU: 1 PID: 29 Comm: kworker/u4:1 Kdump: loaded Tainted: G           OE      6.1.0-56 ..." */
function cpuLine(t: string): { cpu: number; pid: number; comm: string; taint: string | null } | null {
  const m = /^CPU: (\d{1,5}) (?:UID: \d{1,10} )?PID: (\d{1,10}) Comm: /.exec(t);
  if (!m) return null;
  const rest = t.slice(m[0].length);
  let end = rest.length;
  for (const stop of [' Kdump: ', ' Tainted: ', ' Not tainted']) {
    const k = rest.indexOf(stop);
    if (k >= 0 && k < end) end = k;
  }
  if (end === rest.length) end = rest.indexOf(' ') >= 0 ? rest.indexOf(' ') : rest.length;
  let taint: string | null = null;
  if (rest.includes(' Not tainted')) taint = 'Not tainted';
  else {
    const tm = /Tainted: ([A-Z](?:[A-Z ]{0,40}[A-Z])?)/.exec(rest);
    if (tm) taint = `Tainted: ${tm[1]}`;
  }
  return { cpu: Number(m[1]), pid: Number(m[2]), comm: rest.slice(0, end), taint };
}

function newOom(i: number, rec: LogRecord, comm: string, args: string, diags: Diagnostics): OomReport {
  const kv: Record<string, string> = {};
  for (const part of args.split(', ')) {
    const eq = part.indexOf('=');
    if (eq > 0) kv[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const gfp = /^(0x[0-9a-fA-F]{1,16})(?:\(([^)]*)\))?$/.exec(kv.gfp_mask ?? '');
  const order = int(kv.order);
  const adj = int(kv.oom_score_adj);
  if (!gfp || order === null || adj === null) {
    diags.add('oom-invoker', 'warning', `log: cannot read every field of the oom-killer line ${JSON.stringify(args.slice(0, 160))}`);
  }
  return {
    recordIndex: i, timestamp: rec.timestamp,
    invoker: {
      comm: comm.trim(), pid: null, cpu: null, gfpMask: gfp ? (gfp[1] as string) : (kv.gfp_mask ?? ''),
      gfpFlags: gfp && gfp[2] ? (gfp[2] as string).split('|').filter(Boolean) : [],
      order: order ?? 0, oomScoreAdj: adj ?? 0,
    },
    taint: null, callTrace: [], memInfo: {}, nodes: [], zones: [], freeAreas: [], totals: {},
    unreclaimableSlab: [], tasks: [], tasksFormat: null, constraint: null, killed: null, panicLine: null,
    hugepages: [], memcg: null,
  };
}

/** Say which parts of an OOM report were not found (info: kernels and sysctls legitimately omit some). */
function finishOom(oom: OomReport | null, diags: Diagnostics): void {
  if (!oom || finished.has(oom)) return;
  finished.add(oom);
  const missing: string[] = [];
  const memcg = oom.constraint?.constraint === 'CONSTRAINT_MEMCG' || Boolean(oom.memcg);
  if (!memcg && Object.keys(oom.memInfo).length === 0) missing.push('Mem-Info');
  if (!memcg && oom.zones.length === 0) missing.push('zone watermarks');
  if (oom.tasks.length === 0) missing.push('Tasks state table (vm.oom_dump_tasks=0?)');
  if (oom.killed === null && oom.panicLine === null) missing.push('victim / panic line');
  if (missing.length) {
    diags.add('oom-section-missing', 'info', `log: OOM report of ${oom.invoker.comm} has no ${missing.join(', ')}`);
  }
}
const finished = new WeakSet<OomReport>();

/** Mem-Info counters "active_anon:10 inactive_anon:7867 ..." (all name:number tokens). */
function memInfoRecord(t: string, oom: OomReport): boolean {
  const toks = t.split(/\s+/).filter(Boolean);
  if (toks.length === 0) return false;
  const found: [string, number][] = [];
  for (const tok of toks) {
    const m = /^([a-z_]{1,40}):(\d{1,16})$/.exec(tok);
    if (!m) return false;
    found.push([m[1] as string, Number(m[2])]);
  }
  for (const [k, v] of found) oom.memInfo[k] = v;
  return true;
}

const KB_TOKEN = /([A-Za-z_][\w()]{0,40}):\s?(\d{1,16})kB/gi;

/** "Node 0 active_anon:..kB" summary, "Node 0 DMA free:..kB" zone, "Node 0 DMA: 1*4kB ..." free areas, hugepages. */
function oomNodeLine(t: string, oom: OomReport, diags: Diagnostics): boolean {
  const m = /^Node (\d{1,5}) (\S{1,40})/.exec(t);
  if (!m) return false;
  const node = Number(m[1]);
  const second = m[2] as string;
  if (second.startsWith('hugepages_total=')) {
    // mm/hugetlb.c hugetlb_show_meminfo_node(): one line per node and huge page size.
    const h = /hugepages_total=(\d{1,16}) hugepages_free=(\d{1,16})(?: hugepages_surp=(\d{1,16}))? hugepages_size=(\d{1,16})kB/.exec(t);
    if (h) {
      (oom.hugepages ??= []).push({ node, total: Number(h[1]), free: Number(h[2]), surp: Number(h[3] ?? 0), sizeKb: Number(h[4]) });
    } else {
      diags.add('oom-hugepages', 'warning', `log: cannot read hugepages line ${JSON.stringify(t.slice(0, 120))}`);
    }
    return true;
  }
  if (second.endsWith(':')) {
    // free areas: "Node 0 DMA32: 140*4kB (UME) 32*8kB (ME) ... = 1552kB"
    const fa: OomFreeArea = { node, zone: second.slice(0, -1), orders: [], totalKb: null };
    for (const o of t.matchAll(/(\d{1,16})\*(\d{1,10})kB(?: \(([A-Z]{1,10})\))?/g)) {
      fa.orders.push({ count: Number(o[1]), sizeKb: Number(o[2]), migrateTypes: o[3] ?? '' });
    }
    const tot = /= (\d{1,16})kB\s*$/.exec(t);
    fa.totalKb = tot ? Number(tot[1]) : null;
    if (fa.orders.length === 0) {
      diags.add('oom-free-area', 'warning', `log: cannot read free area line ${JSON.stringify(t.slice(0, 120))}`);
    }
    oom.freeAreas.push(fa);
    return true;
  }
  if (second.includes(':')) {
    const countersKb: Record<string, number> = {};
    for (const k of t.matchAll(KB_TOKEN)) countersKb[k[1] as string] = Number(k[2]);
    const au = /all_unreclaimable\? (yes|no)/.exec(t);
    oom.nodes.push({ node, countersKb, allUnreclaimable: au ? au[1] === 'yes' : null });
    return true;
  }
  const counters: Record<string, number> = {};
  for (const k of t.matchAll(KB_TOKEN)) counters[k[1] as string] = Number(k[2]);
  if (Object.keys(counters).length === 0) return false;
  const zone: OomZone = {
    node, zone: second, counters,
    freeKb: counters.free ?? null, minKb: counters.min ?? null, lowKb: counters.low ?? null, highKb: counters.high ?? null,
    presentKb: counters.present ?? null, managedKb: counters.managed ?? null, lowmemReserve: null,
  };
  oom.zones.push(zone);
  return true;
}

/** "BUG: kernel NULL pointer dereference, address: 0000000000000004" and the older / GP forms -> the address. */
function faultAddressOf(t: string): string | null {
  const m = /(?:, address: |for address: |paging request at |dereference at |non-canonical address )(?:0x)?([0-9a-f]{1,16})\b/.exec(t);
  return m ? `0x${(m[1] as string).replace(/^0+(?=.)/, '')}` : null;
}

/** "Oops: 0002 [#1] ..." / "Oops: Oops: 0000 [#1]" / "general protection fault ...: 0000 [#1]": error code and die counter. */
function oopsLineDetail(t: string, oops: OopsReport): void {
  const m = /: ([0-9a-f]{4}) \[#(\d{1,6})\]/.exec(t);
  if (!m) return;
  oops.dieCount = Number(m[2]);
  oops.errorCode ??= `0x${m[1]}`;
}

/** Lines of an Oops report after its header: #PF decode, CR2. */
function oopsDetail(t: string, oops: OopsReport): boolean {
  let m = /^#PF: error_code\((0x[0-9a-f]{1,8})\)(?: - (.{1,80}))?$/.exec(t);
  if (m) {
    oops.errorCode = m[1] as string;
    oops.pfReason = m[2]?.trim() ?? null;
    return true;
  }
  m = /^#PF: (.{1,80})$/.exec(t);
  if (m) {
    oops.pfAccess = (m[1] as string).trim();
    return true;
  }
  m = /^CR2: ([0-9a-f]{1,16})\b/.exec(t);
  if (m) {
    oops.faultAddress ??= `0x${(m[1] as string).replace(/^0+(?=.)/, '')}`;
    return !t.includes('CR3:') && t.length < 30;
  }
  return false;
}

/** "task:backupd state:D stack:0 pid:307 tgid:307 ppid:174 flags:0x00000002" (sched_show_task). */
/**
 * The owner's "task:qholder state:S ..." line and call trace that debug_show_blocker() prints
 * right after "is blocked on a mutex likely owned by task qholder:269" (sched_show_task).
 */
function ownerDetail(t: string, i: number, st: State): boolean {
  const o = st.owner as NonNullable<State['owner']>;
  if (o.inTrace) {
    const entry = traceEntry(t);
    if (entry !== undefined) {
      if (entry !== null) (o.blockedOn.ownerTrace ??= []).push(entry);
      return true;
    }
    st.owner = null;
    return false;
  }
  const m = /^task:(.{1,64}?)\s+state:(\S{1,4})\s/.exec(t);
  if (m && m[1] === o.blockedOn.ownerComm && i - o.at <= 2) {
    o.blockedOn.ownerState = m[2] as string;
    return true;
  }
  if (t.startsWith('Call Trace:') && o.blockedOn.ownerState !== undefined && i - o.at <= 4) {
    o.inTrace = true;
    return true;
  }
  if (i - o.at > 4) st.owner = null;
  return false;
}

function hungDetail(t: string, h: HungTaskReport): boolean {
  const m = /^task:(.{1,64}?)\s+state:(\S{1,4})\s/.exec(t);
  if (!m) return false;
  h.state = m[2] as string;
  return true;
}

/** "RIP: 0010:sym+0x16/0x20" (4.x+) or "RIP: 0010:[<ffffffffa0...>]  [<ffffffffa0...>] sym+0x10/0x30" (3.x) -> "sym+0x16/0x20". */
function ripText(t: string): string {
  return t.slice(5).replace(/^[0-9a-f]{4}:/, '').replace(/\[<[0-9a-f]{1,16}>\]\s{0,8}/g, '').trim();
}

const MEMCG_COUNTER = /^(memory|swap|memory\+swap|kmem): usage (\d{1,20})kB, limit (\d{1,20})kB, failcnt (\d{1,20})$/;

/**
 * mem_cgroup_print_oom_meminfo(): "memory: usage 524288kB, limit 524288kB, failcnt 1873",
 * "swap: usage 0kB, limit 9007199254740988kB, failcnt 0" (v2) or "memory+swap:" / "kmem:" (v1),
 * then "Memory cgroup stats for /system.slice/x.service:" (v1 before 5.x: stats inline after it).
 */
function memcgLine(t: string, oom: OomReport): boolean {
  const c = MEMCG_COUNTER.exec(t);
  if (c) {
    const m = memcgOf(oom);
    const usage = Number(c[2]);
    const limit = Number(c[3]);
    if (c[1] === 'memory') {
      m.usageKb = usage;
      m.limitKb = limit;
      m.failcnt = Number(c[4]);
    } else if (c[1] === 'swap') {
      m.swapUsageKb = usage;
      m.swapLimitKb = limit;
    }
    return true;
  }
  const s = /^Memory cgroup stats for (.{0,4096}?):(?: (.*))?$/.exec(t);
  if (!s) return false;
  const m = memcgOf(oom);
  // Kernels before 4.19 print one such line per cgroup of the subtree; the first is the OOM memcg.
  if (m.statsFor !== null) return true;
  m.statsFor = s[1] as string;
  for (const kv of (s[2] ?? '').matchAll(/([a-z_]{1,64}):(\d{1,20})KB/g)) m.stats[kv[1] as string] = Number(kv[2]) * 1024;
  return true;
}

function memcgOf(oom: OomReport): OomMemcg {
  oom.memcg ??= { usageKb: null, limitKb: null, failcnt: null, swapUsageKb: null, swapLimitKb: null, statsFor: null, stats: {} };
  return oom.memcg;
}

/** memory.stat lines after "Memory cgroup stats for": "anon 529000000" (one record with embedded newlines up to 6.4). */
function memcgStatRecord(t: string, oom: OomReport): boolean {
  const found: [string, number][] = [];
  for (const line of t.split('\n')) {
    const m = /^([a-z][a-z0-9_]{0,63}) (\d{1,20})$/.exec(line.trim());
    if (!m) return false;
    found.push([m[1] as string, Number(m[2])]);
  }
  const m = memcgOf(oom);
  for (const [k, v] of found) m.stats[k] = v;
  return found.length > 0;
}

/** "18 total pagecache pages", "Free swap  = 0kB", "81787 pages RAM" ... (show_mem totals). */
function totalsLine(t: string, oom: OomReport): boolean {
  if (Object.keys(oom.memInfo).length === 0) return false;
  let m = /^(\d{1,16}) ((?:total pagecache pages|pages in swap cache|pages RAM|pages HighMem\/MovableOnly|pages reserved|pages cma reserved|pages hwpoisoned)\b.*)$/.exec(t);
  if (m) {
    oom.totals[m[2] as string] = Number(m[1]);
    return true;
  }
  m = /^(Free swap|Total swap) {1,4}= (\d{1,16})kB$/.exec(t);
  if (m) {
    oom.totals[`${m[1]} kB`] = Number(m[2]);
    return true;
  }
  return t.startsWith('Swap cache stats:');
}

function kbValue(s: string | undefined): number | null {
  const m = s === undefined ? null : /^(\d{1,16})KB$/i.exec(s);
  return m ? Number(m[1]) : null;
}

/** "[    139]     0   139      565       23    28672        0             0 sh" through the header's columns. */
function taskRow(t: string, cols: string[]): OomTaskRow | null {
  const close = t.indexOf(']');
  if (close < 0) return null;
  const pid = int(t.slice(1, close).trim());
  const rest = fields(t.slice(close + 1));
  const numericCols = cols.length > 0 ? cols.slice(1, cols.indexOf('name') >= 0 ? cols.indexOf('name') : cols.length) : [];
  if (pid === null || numericCols.length === 0 || rest.length < numericCols.length + 1) return null;
  const v: Record<string, number> = {};
  for (let k = 0; k < numericCols.length; k++) {
    const n = int(rest[k]);
    if (n === null) return null;
    v[numericCols[k] as string] = n;
  }
  const pageBytes = 4096;
  const pgtables = v.pgtables_bytes ?? (v.nr_ptes !== undefined ? (v.nr_ptes + (v.nr_pmds ?? 0)) * pageBytes : undefined);
  if (v.uid === undefined || v.tgid === undefined || v.total_vm === undefined || v.rss === undefined || pgtables === undefined ||
      v.swapents === undefined || v.oom_score_adj === undefined) return null;
  const row: OomTaskRow = {
    pid, uid: v.uid, tgid: v.tgid, totalVmPages: v.total_vm, rssPages: v.rss, pgtablesBytes: pgtables,
    swapents: v.swapents, oomScoreAdj: v.oom_score_adj, comm: rest.slice(numericCols.length).join(' '),
  };
  if (v.rss_anon !== undefined) row.rssAnon = v.rss_anon;
  if (v.rss_file !== undefined) row.rssFile = v.rss_file;
  if (v.rss_shmem !== undefined) row.rssShmem = v.rss_shmem;
  return row;
}

/** "constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=x,pid=1,uid=0" */
function constraintLine(s: string): OomConstraint {
  const kv: Record<string, string> = {};
  let globalOom = false;
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim() === 'global_oom') globalOom = true;
      continue;
    }
    kv[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return {
    constraint: kv.constraint ?? '', nodemask: kv.nodemask ?? null, cpuset: kv.cpuset ?? null,
    memsAllowed: kv.mems_allowed ?? null, globalOom, oomMemcg: kv.oom_memcg ?? null, taskMemcg: kv.task_memcg ?? null,
    task: kv.task ?? null, pid: int(kv.pid), uid: int(kv.uid),
  };
}

/** "Out of memory: Killed process 179 (ingestd) total-vm:166880kB, anon-rss:165372kB, ... UID:0 pgtables:372kB oom_score_adj:0" */
function killedLine(t: string): OomKilled | null {
  const m = /^(?:(Memory cgroup out of memory|Out of memory): )?Killed process (\d{1,10}) \((.{0,64})\)(.*)$/.exec(t);
  if (!m) return null;
  const rest = m[4] as string;
  const kb = (name: string): number | null => {
    const r = new RegExp(`${name}:(\\d{1,16})kB`).exec(rest);
    return r ? Number(r[1]) : null;
  };
  const uid = /UID:(\d{1,10})/.exec(rest);
  const adj = /oom_score_adj:(-?\d{1,5})/.exec(rest);
  return {
    pid: Number(m[2]), comm: m[3] as string, totalVmKb: kb('total-vm'), anonRssKb: kb('anon-rss'), fileRssKb: kb('file-rss'),
    shmemRssKb: kb('shmem-rss'), uid: uid ? Number(uid[1]) : null, pgtablesKb: kb('pgtables'),
    oomScoreAdj: adj ? Number(adj[1]) : null, memcg: m[1] === 'Memory cgroup out of memory',
  };
}
