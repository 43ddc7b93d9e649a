/**
 * When drgn answered a command first and crash answered it later, what the user sees about the
 * two: the row count each engine gave (tasks, slab caches, zones, modules, frames), said side by
 * side — agreeing or not, never hidden.
 */
import type { ResultRecord } from './db.ts';

interface Counted {
  count: number;
  noun: string;
}

/** The row count of a parsed model, for the commands both engines answer. */
function countOf(command: string, rec: ResultRecord): Counted | null {
  const m = rec.parsed?.model as Record<string, unknown> | undefined;
  if (!m) return null;
  const len = (k: string): number | null => (Array.isArray(m[k]) ? (m[k] as unknown[]).length : null);
  const cmd = command.split(' ')[0];
  let count: number | null = null;
  let noun = '';
  if (command === 'ps') [count, noun] = [len('tasks'), 'tasks'];
  else if (command === 'kmem -s') [count, noun] = [len('caches'), 'slab caches'];
  else if (command === 'kmem -z') [count, noun] = [len('zones'), 'zones'];
  else if (command === 'mod') [count, noun] = [len('modules'), 'modules'];
  else if (cmd === 'bt') {
    const task = (m.tasks as { frames?: unknown[] }[] | undefined)?.[0];
    [count, noun] = [task?.frames?.length ?? null, 'stack frames'];
  }
  return count === null ? null : { count, noun };
}

/** What the two engines said, for a result crash produced after drgn; null when nothing to compare. */
export function engineDifference(command: string, drgn: ResultRecord, crash: ResultRecord): { agree: boolean; text: string } | null {
  const a = countOf(command, drgn);
  const b = countOf(command, crash);
  if (!a || !b) return null;
  const d = `drgn ${drgn.engineVersion ?? ''}`.trim();
  const c = `crash ${crash.crashVersion ?? ''}`.trim();
  if (a.count === b.count) return { agree: true, text: `${c} and ${d} agree: ${b.count} ${b.noun}.` };
  return { agree: false, text: `${c} lists ${b.count} ${b.noun}; ${d} listed ${a.count} before crash was ready. Shown: crash's.` };
}
