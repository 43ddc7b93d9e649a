/**
 * Folds the kernel log into segments for the Log view: plain runs of records, and blocks for
 * each report the parser found (OOM, Oops, panic, hung task, soft lockup). Works on the parsed
 * model's record indexes and timestamps only; the text itself is never parsed here.
 */
import type { LogModel, LogRecord } from '../../../electron/parse/models.ts';

/** Kinds of folded block. */
export type BlockKind = 'oom' | 'oops' | 'panic' | 'hung-task' | 'soft-lockup';

/** A run of records [from, to] (inclusive), plain or a report block. */
export type LogSegment = { kind: 'lines'; from: number; to: number } | { kind: BlockKind; from: number; to: number; index: number };

/** A report's records are printed together: a gap longer than this (seconds) ends its block. */
export const blockGapSeconds = 2;

/**
 * Split `records` into plain runs and report blocks. A block starts at its report's record and
 * runs until the next report starts, or until the log goes quiet for more than `blockGapSeconds`
 * (reports are printed in one burst), or the end of the log.
 */
export function foldLog(model: Pick<LogModel, 'records' | 'oomReports' | 'oopses' | 'panics' | 'hungTasks' | 'softLockups'>): LogSegment[] {
  const n = model.records.length;
  const starts: Array<{ kind: BlockKind; at: number; index: number }> = [];
  const add = (kind: BlockKind, list: ReadonlyArray<{ recordIndex: number }> | undefined): void => {
    (list ?? []).forEach((r, index) => {
      if (r.recordIndex >= 0 && r.recordIndex < n) starts.push({ kind, at: r.recordIndex, index });
    });
  };
  add('oom', model.oomReports);
  add('oops', model.oopses);
  add('panic', model.panics);
  add('hung-task', model.hungTasks);
  add('soft-lockup', model.softLockups);
  starts.sort((a, b) => a.at - b.at);

  const segments: LogSegment[] = [];
  let pos = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    if (s.at < pos) continue; // two reports on one record: the first wins
    if (s.at > pos) segments.push({ kind: 'lines', from: pos, to: s.at - 1 });
    const limit = (starts.slice(i + 1).find((x) => x.at > s.at)?.at ?? n) - 1;
    const to = burstEnd(model.records, s.at, limit);
    segments.push({ kind: s.kind, from: s.at, to, index: s.index });
    pos = to + 1;
  }
  if (pos < n) segments.push({ kind: 'lines', from: pos, to: n - 1 });
  return segments;
}

function burstEnd(records: readonly LogRecord[], from: number, limit: number): number {
  let last = records[from]?.timestamp ?? null;
  for (let i = from + 1; i <= limit; i++) {
    const t = records[i]?.timestamp ?? null;
    if (t !== null && last !== null && t - last > blockGapSeconds) return i - 1;
    if (t !== null) last = t;
  }
  return limit;
}

/** Indexes of records whose text contains `query` (case-insensitive). */
export function searchLog(records: readonly LogRecord[], query: string): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const out: number[] = [];
  records.forEach((r, i) => {
    if (r.text.toLowerCase().includes(q)) out.push(i);
  });
  return out;
}

/** Split text around case-insensitive matches of `query`, for <mark> highlighting as text nodes. */
export function highlightParts(text: string, query: string): Array<{ text: string; match: boolean }> {
  const q = query.trim().toLowerCase();
  if (!q) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const parts: Array<{ text: string; match: boolean }> = [];
  let pos = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    if (i > pos) parts.push({ text: text.slice(pos, i), match: false });
    parts.push({ text: text.slice(i, i + q.length), match: true });
    pos = i + q.length;
  }
  if (pos < text.length) parts.push({ text: text.slice(pos), match: false });
  return parts;
}

/**
 * The rows of the Log view's virtual list, in order, as one Int32Array (200,000 records stay one
 * compact array): a record index (>= 0) for a line, or -(k + 1) for the header of segment k.
 * Without `hits`: every segment's lines, each block as its header followed by its lines when
 * `open(k)`; with `hits` (a search): only those records. `maxLevel` hides quieter records.
 */
export function logItems(
  records: readonly LogRecord[],
  segments: readonly LogSegment[],
  opts: { maxLevel: number; open: (k: number) => boolean; hits: readonly number[] | null },
): Int32Array {
  const shown = (i: number): boolean => {
    const lv = records[i]!.level;
    return lv === null || lv <= opts.maxLevel;
  };
  const out = new Int32Array(opts.hits ? opts.hits.length : records.length + segments.length);
  let n = 0;
  if (opts.hits) {
    for (const i of opts.hits) if (shown(i)) out[n++] = i;
    return out.slice(0, n);
  }
  segments.forEach((seg, k) => {
    if (seg.kind !== 'lines') {
      out[n++] = -(k + 1);
      if (!opts.open(k)) return;
    }
    for (let i = seg.from; i <= seg.to; i++) if (shown(i)) out[n++] = i;
  });
  return out.slice(0, n);
}

/** For each record, the segment index of the block holding it, or -1 for plain lines. */
export function blockOfRecords(count: number, segments: readonly LogSegment[]): Int32Array {
  const out = new Int32Array(count).fill(-1);
  segments.forEach((seg, k) => {
    if (seg.kind !== 'lines') out.fill(k, seg.from, seg.to + 1);
  });
  return out;
}

/** Position of record `record` in `items` (from logItems), or -1 when it is not listed. */
export function itemOfRecord(items: Int32Array, record: number): number {
  // Records appear in increasing order; headers (negative) sit between them.
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    let j = mid;
    while (j <= hi && items[j]! < 0) j++;
    if (j > hi) {
      hi = mid - 1;
      continue;
    }
    if (items[j] === record) return j;
    if (items[j]! < record) lo = j + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Syslog level names (0-7). */
export const levelNames = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;
