/**
 * The Memory map view's task chooser: user tasks from `ps` (kernel threads have no VMAs), one
 * entry per pid, biggest RSS first so the task most likely behind an OOM is at the top.
 */
import type { PsTask } from '../../../electron/parse/models.ts';

/** User tasks, unique by pid, sorted by RSS descending then pid. */
export function userTasksByRss(tasks: readonly PsTask[]): PsTask[] {
  const byPid = new Map<number, PsTask>();
  for (const t of tasks) {
    if (t.kernelThread || t.pid <= 0) continue;
    const prev = byPid.get(t.pid);
    if (!prev || t.rssKb > prev.rssKb) byPid.set(t.pid, t);
  }
  return [...byPid.values()].sort((a, b) => b.rssKb - a.rssKb || a.pid - b.pid);
}
