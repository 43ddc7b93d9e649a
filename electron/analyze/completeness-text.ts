/**
 * The dump's completeness in words, the same on every surface (CLI, Markdown, HTML, PDF, fleet
 * lines, buckets): an incomplete dump is a warning that comes before anything else; a verdict
 * from the log alone says plainly that completeness needs crash; a complete dump says nothing.
 */
import type { TriageCompleteness } from '../api/triage-report.ts';

/** What to show about completeness, or null when there is nothing to warn about (complete). */
export interface CompletenessNotice {
  level: 'incomplete' | 'unknown';
  /** Short title: "Incomplete dump: 38 of 75 tasks". */
  title: string;
  /** The reason, one sentence. */
  text: string;
  /** What to do. */
  fix: string | null;
}

/** "38 of 75 tasks" when both counts are known. */
export function taskShare(c: Pick<TriageCompleteness, 'tasksRead' | 'tasksInKernel'>): string | null {
  return c.tasksRead !== null && c.tasksInKernel !== null ? `${c.tasksRead} of ${c.tasksInKernel} tasks` : null;
}

/** The notice for a report's completeness; null for a complete dump (or a report without the field). */
export function completenessNotice(c: TriageCompleteness | null | undefined): CompletenessNotice | null {
  if (!c || c.state === 'complete') return null;
  const share = taskShare(c);
  if (c.state === 'incomplete') {
    return { level: 'incomplete', title: `Incomplete dump${share ? `: ${share}` : ''}`, text: c.reason ?? 'crash could not read every task', fix: c.fix };
  }
  return { level: 'unknown', title: 'Completeness unknown', text: c.reason ?? 'not checked', fix: c.fix };
}

/** One terminal line (or none): "INCOMPLETE DUMP: 38 of 75 tasks — …" / "Completeness unknown: …". */
export function completenessLine(c: TriageCompleteness | null | undefined): string | null {
  const n = completenessNotice(c);
  if (!n) return null;
  if (n.level === 'unknown') return `Completeness unknown: ${n.text}`;
  const share = c ? taskShare(c) : null;
  return `INCOMPLETE DUMP${share ? ` (${share})` : ''}: ${n.text}`;
}
