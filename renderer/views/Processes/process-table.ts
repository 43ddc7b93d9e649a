/**
 * Sorting and filtering the Processes table (pure functions over parsed `ps` rows, so they are
 * unit-tested and benchmarked on 100,000 tasks without a browser).
 */
import type { PsTask } from '../../../electron/parse/models.ts';

/** Columns the table sorts by. */
export const sortKeys = ['pid', 'ppid', 'cpu', 'state', 'memPercent', 'vszKb', 'rssKb', 'comm'] as const;
export type SortKey = (typeof sortKeys)[number];
export type SortDir = 'asc' | 'desc';

/** What the filter bar holds. */
export interface TaskFilter {
  /** Matches a pid exactly when numeric, and comm as a case-insensitive substring. */
  text: string;
  /** '' for all states, else a ps state code (RU, IN, UN, ...). */
  state: string;
  kernelThreads: boolean;
}

// Lower-cased comms per task array, computed once per `ps` result rather than on every keystroke.
const lowerComms = new WeakMap<readonly PsTask[], string[]>();
function lowerCommsOf(tasks: readonly PsTask[]): string[] {
  let l = lowerComms.get(tasks);
  if (!l) {
    l = tasks.map((t) => t.comm.toLowerCase());
    lowerComms.set(tasks, l);
  }
  return l;
}

// A sorted list remembers the list it came from (the `ps` result) and where each of its tasks
// sits there, so per-result work (below) is done once and serves every sort order.
const origins = new WeakMap<readonly PsTask[], { base: readonly PsTask[]; perm: Uint32Array }>();
function originOf(tasks: readonly PsTask[]): { base: readonly PsTask[]; perm: Uint32Array | null } {
  return origins.get(tasks) ?? { base: tasks, perm: null };
}

// All lower-cased comms of a `ps` result in one string: a text filter is then one native indexOf
// scan over contiguous memory instead of 100,000 `includes` on strings scattered by the sort
// (that scattered walk, plus lower-casing every comm again after each sort, was the filter's time).
const sep = '\u0000';
const joinedComms = new WeakMap<readonly PsTask[], { all: string; starts: Uint32Array }>();
function joinedOf(base: readonly PsTask[]): { all: string; starts: Uint32Array } {
  let j = joinedComms.get(base);
  if (!j) {
    const lower = lowerCommsOf(base);
    const starts = new Uint32Array(lower.length);
    let pos = 0;
    for (let i = 0; i < lower.length; i++) {
      starts[i] = pos;
      pos += lower[i]!.length + 1;
    }
    j = { all: lower.join(sep), starts };
    joinedComms.set(base, j);
  }
  return j;
}

/** 1 at each index of `base` whose lower-cased comm contains `text` (which holds no `sep`). */
function commMatches(base: readonly PsTask[], text: string): Uint8Array {
  const { all, starts } = joinedOf(base);
  const n = base.length;
  const mask = new Uint8Array(n);
  for (let at = all.indexOf(text); at >= 0; ) {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    mask[lo] = 1;
    at = lo + 1 < n ? all.indexOf(text, starts[lo + 1]!) : -1;
  }
  return mask;
}

/** Tasks that pass the filter, in their input order (the input itself when nothing filters). */
export function filterTasks(tasks: readonly PsTask[], f: TaskFilter): readonly PsTask[] {
  const text = f.text.trim().toLowerCase();
  if (!text && !f.state && f.kernelThreads) return tasks;
  const pid = /^\d+$/.test(text) ? Number(text) : null;
  const { base, perm } = originOf(tasks);
  const mask = text && !text.includes(sep) ? commMatches(base, text) : null;
  const lower = text && !mask ? lowerCommsOf(base) : null;
  const out: PsTask[] = [];
  for (let k = 0; k < tasks.length; k++) {
    if (text) {
      const i = perm ? perm[k]! : k;
      const commHit = mask ? mask[i] === 1 : lower![i]!.includes(text);
      if (!commHit && (pid === null || tasks[k]!.pid !== pid)) continue;
    }
    const t = tasks[k]!;
    if (!f.kernelThreads && t.kernelThread) continue;
    if (f.state && t.state !== f.state) continue;
    out.push(t);
  }
  return out;
}

/** Per `ps` result: each task's rank in (pid, cpu) order, and each task's comm rank. */
interface SortAux {
  tieRank: Float64Array;
  commRank?: Float64Array;
}
const aux = new WeakMap<readonly PsTask[], SortAux>();

function auxOf(tasks: readonly PsTask[]): SortAux {
  let a = aux.get(tasks);
  if (!a) {
    const order = tasks.map((_, i) => i).sort((x, y) => tasks[x]!.pid - tasks[y]!.pid || tasks[x]!.cpu - tasks[y]!.cpu);
    const tieRank = new Float64Array(tasks.length);
    order.forEach((taskIndex, rank) => (tieRank[taskIndex] = rank));
    a = { tieRank };
    aux.set(tasks, a);
  }
  return a;
}

function commRankOf(tasks: readonly PsTask[], a: SortAux): Float64Array {
  if (!a.commRank) {
    const lower = lowerCommsOf(tasks);
    const unique = [...new Set(lower)].sort();
    const rankOf = new Map(unique.map((c, i) => [c, i]));
    a.commRank = Float64Array.from(lower, (c) => rankOf.get(c)!);
  }
  return a.commRank;
}

const stateOrder = ['RU', 'IN', 'UN', 'ID', 'ZO', 'ST', 'TR', 'DE', 'SW', 'WA', 'PA', 'NE'];
const rankBits = 2 ** 21;

/**
 * A sorted copy; ties keep pid (then CPU) order so the table does not jump between refreshes.
 * Each task becomes one number, key * 2^21 + its rank in pid order, and a Float64Array is sorted
 * natively (no comparator): 100,000 tasks in a few ms. Keys that would not stay exact in a
 * double fall back to a comparator sort.
 */
export function sortTasks(tasks: readonly PsTask[], key: SortKey, dir: SortDir): PsTask[] {
  const n = tasks.length;
  const a = auxOf(tasks);
  const sign = dir === 'asc' ? 1 : -1;
  const keyOf: (i: number) => number =
    key === 'comm' ? ((r) => (i: number) => r[i]!)(commRankOf(tasks, a))
    : key === 'state' ? (i) => { const k = stateOrder.indexOf(tasks[i]!.state); return k < 0 ? stateOrder.length : k; }
    : key === 'memPercent' ? (i) => Math.round(tasks[i]!.memPercent * 10)
    : (i) => tasks[i]![key];
  const packed = new Float64Array(n);
  let exact = n < rankBits;
  for (let i = 0; i < n && exact; i++) {
    const k = keyOf(i);
    if (!Number.isInteger(k) || Math.abs(k) >= 2 ** 31) exact = false;
    else packed[i] = sign * k * rankBits + a.tieRank[i]!;
  }
  const out = new Array<PsTask>(n);
  // Where each output task sits in the original `ps` result (composed when re-sorting a sorted list).
  const src = originOf(tasks);
  const perm = new Uint32Array(n);
  if (exact) {
    packed.sort();
    const byRank = new Uint32Array(n);
    for (let i = 0; i < n; i++) byRank[a.tieRank[i]!] = i;
    for (let i = 0; i < n; i++) {
      const rank = ((packed[i]! % rankBits) + rankBits) % rankBits;
      const from = byRank[rank]!;
      out[i] = tasks[from]!;
      perm[i] = src.perm ? src.perm[from]! : from;
    }
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    const keys = idx.map(keyOf);
    idx.sort((x, y) => sign * (keys[x]! - keys[y]!) || a.tieRank[x]! - a.tieRank[y]!);
    for (let i = 0; i < n; i++) {
      const from = idx[i]!;
      out[i] = tasks[from]!;
      perm[i] = src.perm ? src.perm[from]! : from;
    }
  }
  origins.set(out, { base: src.base, perm });
  return out;
}

/** The default direction when a column is first clicked: biggest first for sizes. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'memPercent' || key === 'vszKb' || key === 'rssKb' ? 'desc' : 'asc';
}

/** Row identity: pid alone is not unique (idle tasks are pid 0 on every CPU). */
export function taskKey(t: PsTask): string {
  return `${t.pid}:${t.cpu}:${t.task}`;
}

/** The states present, for the state filter's options. */
export function statesOf(tasks: readonly PsTask[]): string[] {
  return [...new Set(tasks.map((t) => t.state))].sort();
}

/**
 * Tasks in parent -> child order (depth-first, children by pid), with each task's depth. Idle
 * tasks (pid 0, one per CPU) are roots and the first one adopts pid 0's children; a task whose
 * parent is unknown (ppid -1 from an old crash, or not listed) is a root too. Never loops.
 */
export function treeOrder(tasks: readonly PsTask[]): { order: PsTask[]; depth: Map<PsTask, number> } {
  const byPid = new Map<number, PsTask>();
  for (const t of tasks) if (!byPid.has(t.pid)) byPid.set(t.pid, t);
  const children = new Map<PsTask, PsTask[]>();
  const roots: PsTask[] = [];
  for (const t of tasks) {
    const parent = t.pid === 0 ? undefined : byPid.get(t.ppid);
    if (!parent || parent === t) roots.push(t);
    else {
      const list = children.get(parent) ?? [];
      list.push(t);
      children.set(parent, list);
    }
  }
  const byPidCpu = (a: PsTask, b: PsTask): number => a.pid - b.pid || a.cpu - b.cpu;
  const order: PsTask[] = [];
  const depth = new Map<PsTask, number>();
  const stack: Array<[PsTask, number]> = roots.sort(byPidCpu).reverse().map((t) => [t, 0]);
  while (stack.length > 0) {
    const [t, d] = stack.pop()!;
    if (depth.has(t)) continue;
    depth.set(t, d);
    order.push(t);
    const kids = (children.get(t) ?? []).slice().sort(byPidCpu);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, d + 1]);
  }
  // Anything unreachable (a parent cycle in a corrupt dump) still appears, at the top level.
  for (const t of tasks) if (!depth.has(t)) {
    depth.set(t, 0);
    order.push(t);
  }
  return { order, depth };
}

/** What a deep link says about tasks: `culprit=N` (the task the verdict names) and `owner=M` (the lock it waits for is M's). */
export function taskMarks(params: URLSearchParams): Map<number, 'culprit' | 'owner'> {
  const out = new Map<number, 'culprit' | 'owner'>();
  for (const role of ['owner', 'culprit'] as const) {
    for (const v of (params.get(role) ?? '').split(',')) {
      if (/^\d{1,7}$/.test(v) && Number(v) > 0) out.set(Number(v), role);
    }
  }
  return out;
}
