/**
 * The kernel's OOM victim choice, recomputed from the OOM report's task table. With
 * vm.panic_on_oom the kernel panics in check_panic_on_oom() before select_bad_process() runs, so
 * the dump never says who would have died; this answers it with the kernel's own arithmetic.
 *
 * mm/oom_kill.c (4.19 .. 6.x):
 *   oom_badness(): LONG_MIN for unkillable tasks (kernel threads, global init) and for
 *   oom_score_adj == OOM_SCORE_ADJ_MIN (-1000); else
 *     points = get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS) + mm_pgtables_bytes(mm) / PAGE_SIZE
 *     adj *= totalpages / 1000        (integer division first)
 *     points += adj
 *   oom_evaluate_task(): skips LONG_MIN and `points < chosen_points`, so on a tie the task met
 *   later in for_each_process() order (the order dump_tasks() prints) wins.
 *   Before 5.9 (9066e5cfb73c) oom_badness() returned unsigned long: 0 for exempt tasks and at
 *   least 1 for eligible ones; before 4.17 root (CAP_SYS_ADMIN) tasks also got a 3% bonus
 *   (points -= points * 3 / 100) before the adj; `rulesFor(release)` picks the variant.
 *   totalpages: totalram_pages() + total_swap_pages for CONSTRAINT_NONE; the memcg's limit
 *   (plus its swap allowance) for CONSTRAINT_MEMCG; present pages of the allowed nodes plus swap
 *   for CONSTRAINT_CPUSET / CONSTRAINT_MEMORY_POLICY.
 */

export const OOM_SCORE_ADJ_MIN = -1000;

/** One row of the OOM report's "Tasks state" table (values in pages, pgtables in bytes). */
export interface OomTaskRow {
  pid: number;
  /** uid (0 = root, the proxy for CAP_SYS_ADMIN in the pre-4.17 root bonus). */
  uid?: number | null;
  tgid?: number | null;
  comm: string;
  rssPages: number;
  swapents: number;
  pgtablesBytes: number;
  oomScoreAdj: number;
}

export interface BadnessRow {
  pid: number;
  comm: string;
  rssPages: number;
  oomScoreAdj: number;
  /** null when the task is never chosen (LONG_MIN in the kernel). */
  points: number | null;
  why?: string;
}

/** Which oom_badness() the kernel ran. */
export interface BadnessRules {
  /** Pre-5.9: an eligible task scores at least 1. */
  clampToOne: boolean;
  /** Pre-4.17: root tasks lose 3% of their points before the adj. */
  rootBonus: boolean;
}

export const modernRules: BadnessRules = { clampToOne: false, rootBonus: false };

/** The rules for a kernel release ("6.1.0-56-cloud-amd64", "4.18.0-553.el8_10.x86_64"); modern when unknown. */
export function rulesFor(release: string | null | undefined): BadnessRules {
  const m = /^(\d+)\.(\d+)/.exec(release ?? '');
  if (!m) return modernRules;
  const v = Number(m[1]) * 1000 + Number(m[2]);
  return { clampToOne: v < 5009, rootBonus: v < 4017 };
}

/** oom_badness() for one task; null stands for the kernel's LONG_MIN (never chosen). */
export function oomBadness(t: OomTaskRow, totalPages: number, pageSize = 4096, rules: BadnessRules = modernRules): { points: number | null; why?: string } {
  if (t.pid === 1) return { points: null, why: 'global init is never killed' };
  if (t.oomScoreAdj === OOM_SCORE_ADJ_MIN) return { points: null, why: 'oom_score_adj -1000 disables OOM killing' };
  let points = t.rssPages + t.swapents + Math.floor(t.pgtablesBytes / pageSize);
  if (rules.rootBonus && t.uid === 0) points -= Math.trunc((points * 3) / 100);
  points += t.oomScoreAdj * Math.floor(totalPages / 1000);
  if (rules.clampToOne && points <= 0) points = 1;
  return { points };
}

/**
 * select_bad_process() over the task table in its printed order: the highest points win, later
 * rows win ties. Returns the chosen row (or null when every task is exempt) and a ranking: the
 * `limit` highest scores (best first, later rows first on ties) followed by up to `limit` exempt
 * tasks. Linear in the table size (a big host prints 100,000 rows).
 */
export function selectVictim(tasks: readonly OomTaskRow[], totalPages: number, pageSize = 4096, limit = 10, rules: BadnessRules = modernRules): { chosen: BadnessRow | null; ranking: BadnessRow[] } {
  let chosen: BadnessRow | null = null;
  const top: BadnessRow[] = [];
  const exempt: BadnessRow[] = [];
  for (const t of tasks) {
    const { points, why } = oomBadness(t, totalPages, pageSize, rules);
    const row: BadnessRow = { pid: t.pid, comm: t.comm, rssPages: t.rssPages, oomScoreAdj: t.oomScoreAdj, points };
    if (why !== undefined) row.why = why;
    if (points === null) {
      if (exempt.length < limit) exempt.push(row);
      continue;
    }
    // Keep the best `limit` rows, a later row going before an equal earlier one.
    if (top.length < limit || points >= (top[top.length - 1]?.points ?? -Infinity)) {
      let i = top.length;
      while (i > 0 && (top[i - 1]?.points ?? -Infinity) <= points) i--;
      top.splice(i, 0, row);
      if (top.length > limit) top.pop();
    }
    if (chosen !== null && chosen.points !== null && points < chosen.points) continue;
    chosen = row;
  }
  return { chosen, ranking: [...top, ...exempt] };
}
