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

/** Tasks that pass the filter, in their input order. */
export function filterTasks(tasks: readonly PsTask[], f: TaskFilter): PsTask[] {
  const text = f.text.trim().toLowerCase();
  const pid = /^\d+$/.test(text) ? Number(text) : null;
  const out: PsTask[] = [];
  for (const t of tasks) {
    if (!f.kernelThreads && t.kernelThread) continue;
    if (f.state && t.state !== f.state) continue;
    if (text && t.pid !== pid && !t.comm.toLowerCase().includes(text)) continue;
    out.push(t);
  }
  return out;
}

/** A sorted copy; ties keep pid order so the table does not jump between refreshes. */
export function sortTasks(tasks: readonly PsTask[], key: SortKey, dir: SortDir): PsTask[] {
  const sign = dir === 'asc' ? 1 : -1;
  const copy = tasks.slice();
  if (key === 'comm' || key === 'state') {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    copy.sort((a, b) => sign * collator.compare(a[key], b[key]) || a.pid - b.pid || a.cpu - b.cpu);
  } else {
    copy.sort((a, b) => sign * (a[key] - b[key]) || a.pid - b.pid || a.cpu - b.cpu);
  }
  return copy;
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
