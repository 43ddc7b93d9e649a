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

// Lower-cased comms per task array, computed once per `ps` result rather than on every keystroke,
// and carried through every sort as a permutation (a sort must not make the next keystroke
// lower-case 100,000 comms again: that was most of the filter's time after a sort).
const lowerComms = new WeakMap<readonly PsTask[], string[]>();
function lowerCommsOf(tasks: readonly PsTask[]): string[] {
  let l = lowerComms.get(tasks);
  if (!l) {
    l = tasks.map((t) => t.comm.toLowerCase());
    lowerComms.set(tasks, l);
  }
  return l;
}

// The last filter result per task array: typing one more character only narrows it, so the next
// keystroke scans the previous matches instead of all 100,000 tasks.
const lastFilter = new WeakMap<readonly PsTask[], { text: string; state: string; kernelThreads: boolean; out: readonly PsTask[]; at: Uint32Array }>();

/** Tasks that pass the filter, in their input order (the input itself when nothing filters). */
export function filterTasks(tasks: readonly PsTask[], f: TaskFilter): readonly PsTask[] {
  const text = f.text.trim().toLowerCase();
  if (!text && !f.state && f.kernelThreads) return tasks;
  const pid = /^\d+$/.test(text) ? Number(text) : null;
  const comms = text ? lowerCommsOf(tasks) : null;
  // A non-numeric text that extends the last one, same state and kernel-thread choice: every
  // match is among the last matches (a numeric text also matched pids, so it never narrows).
  const last = lastFilter.get(tasks);
  const narrow = last && pid === null && last.text !== '' && text.includes(last.text) && last.state === f.state && last.kernelThreads === f.kernelThreads;
  const candidates = narrow ? last.at : null;
  const n = candidates ? candidates.length : tasks.length;
  const out: PsTask[] = [];
  const at: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = candidates ? candidates[k]! : k;
    const t = tasks[i]!;
    if (!f.kernelThreads && t.kernelThread) continue;
    if (f.state && t.state !== f.state) continue;
    if (comms && t.pid !== pid && !comms[i]!.includes(text)) continue;
    out.push(t);
    at.push(i);
  }
  lastFilter.set(tasks, { text, state: f.state, kernelThreads: f.kernelThreads, out, at: Uint32Array.from(at) });
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
  const lower = lowerCommsOf(tasks);
  const outLower = new Array<string>(n);
  if (exact) {
    packed.sort();
    const byRank = new Uint32Array(n);
    for (let i = 0; i < n; i++) byRank[a.tieRank[i]!] = i;
    for (let i = 0; i < n; i++) {
      const rank = ((packed[i]! % rankBits) + rankBits) % rankBits;
      const from = byRank[rank]!;
      out[i] = tasks[from]!;
      outLower[i] = lower[from]!;
    }
  } else {
    const idx = Array.from({ length: n }, (_, i) => i);
    const keys = idx.map(keyOf);
    idx.sort((x, y) => sign * (keys[x]! - keys[y]!) || a.tieRank[x]! - a.tieRank[y]!);
    for (let i = 0; i < n; i++) {
      out[i] = tasks[idx[i]!]!;
      outLower[i] = lower[idx[i]!]!;
    }
  }
  lowerComms.set(out, outLower);
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
