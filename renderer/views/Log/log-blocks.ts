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

/** Syslog level names (0-7). */
export const levelNames = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;
