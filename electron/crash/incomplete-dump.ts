/**
 * Notices a dump that lacks pages crash needs to read the task table — typically one written by a
 * makedumpfile older than the kernel (Debian bookworm's 1.7.2 under a 6.12 backports kernel),
 * which misjudges which pages are free/user/cache and leaves out kernel pages. crash then still
 * opens the dump, but its `ps`, `sys` TASKS, `foreach` and `vm <pid>` silently miss tasks.
 *
 * The evidence, all read from the dump itself:
 * - crash's startup text: "cannot read pid struct from xarray", "page excluded: ... type:
 *   \"fill_task_struct\"" (a task_struct page the dump does not have), "active task ... not found
 *   in PID hash" (only called this when crash is new enough for the kernel: the session skips the
 *   check when diagnosis.ts found crash too old, and replaces diagnosis.ts's own short
 *   'dump-incomplete' with this one, which has the counts);
 * - the kernel's own count: `nr_threads` (every thread but the per-CPU idle tasks) + CPUS against
 *   the TASKS crash found (`sys`); on a complete dump they are equal (the fixtures: 68+2=70,
 *   74+2=76, 75+2=77);
 * - `sys` DUMPFILE `[PARTIAL DUMP]` (makedumpfile filtered pages) and the dump header's release.
 */
import type { Diagnosis, DumpCompleteness } from '../api/contract.ts';
import { parseSys } from '../parse/sys.ts';
import { minimumMakedumpfileFor } from './makedumpfile-support.ts';

/** The Diagnosis code every view looks for. */
export const incompleteDumpCode = 'dump-incomplete';

/** Commands the session runs once after startup to count tasks both ways (cheap: ~0.1 s). */
export const taskCountCommands = ['sys', 'p nr_threads'] as const;

/** What crash's startup text says about tasks it could not read. */
export interface StartupTaskSignals {
  /** "cannot read pid struct from xarray": a struct pid on an excluded page. */
  pidStructsUnread: number;
  /** `page excluded: kernel virtual address: X  type: "fill_task_struct"`. */
  taskPagesExcluded: number;
  /** The first such excluded address, quoted in the message. */
  firstExcluded: string | null;
  /** "WARNING: active task X on cpu N not found in PID hash" (from a crash new enough for the kernel). */
  activeTasksMissing: number;
}

/** Count crash's startup complaints about the task table. */
export function startupTaskSignals(startupText: string): StartupTaskSignals {
  const text = typeof startupText === 'string' ? startupText : '';
  let pidStructsUnread = 0;
  let taskPagesExcluded = 0;
  let firstExcluded: string | null = null;
  let activeTasksMissing = 0;
  for (const line of text.split('\n')) {
    if (/cannot read pid struct from xarray/.test(line)) pidStructsUnread++;
    if (/WARNING: active task [0-9a-f]{1,16} on cpu \d{1,5} not found in PID hash/.test(line)) activeTasksMissing++;
    const m = /page excluded: kernel virtual address: ([0-9a-f]{1,16}) +type: "fill_task_struct"/.exec(line);
    if (m) {
      taskPagesExcluded++;
      firstExcluded ??= m[1] as string;
    }
  }
  return { pidStructsUnread, taskPagesExcluded, firstExcluded, activeTasksMissing };
}

/** `p nr_threads` output ("nr_threads = $1 = 73", or "$1 = 73") to the number, else null. */
export function parseNrThreads(raw: string): number | null {
  const m = /^(?:nr_threads = )?\$\d{1,6} = (\d{1,9})\s*$/m.exec(typeof raw === 'string' ? raw : '');
  return m ? Number(m[1]) : null;
}

/** Everything the check needs, as crash printed it. */
export interface TaskCheckInput {
  startupText: string;
  /** Raw `sys` output. */
  sysRaw: string;
  /** Raw `p nr_threads` output. */
  nrThreadsRaw: string;
  /** The dump's kernel release (header utsname / crash --osrelease). */
  release: string | null;
}

/** The tasks crash found against the tasks the kernel had, as read from the dump. */
export interface TaskCounts {
  crashTasks: number | null;
  kernelTasks: number | null;
  cpus: number | null;
  partialDump: boolean;
}

/** Read both task counts. kernelTasks = nr_threads + one idle task per CPU (crash counts those too). */
export function taskCounts(sysRaw: string, nrThreadsRaw: string): TaskCounts {
  const sys = parseSys(sysRaw).model;
  const threads = parseNrThreads(nrThreadsRaw);
  const kernelTasks = threads !== null && sys.cpus !== null ? threads + sys.cpus : null;
  return { crashTasks: sys.tasks, kernelTasks, cpus: sys.cpus, partialDump: sys.partialDump };
}

/** Not checked (yet): why, and how to get the answer. */
export function unknownCompleteness(reason: string, fix: string): DumpCompleteness {
  return { state: 'unknown', tasksRead: null, tasksInKernel: null, reason, fix };
}

/** What a verdict from the kernel log alone says: it cannot count the dump's tasks. */
export const logBasisCompleteness = (): DumpCompleteness => unknownCompleteness(
  'needs crash to check: the kernel log does not say whether the dump holds every task',
  'Open the dump with crash and its debug vmlinux (crashdeck triage <vmcore>, or triage --all --confirm) to count its tasks.',
);

/** The short "why" of an incomplete dump: the counts first, then what crash could not read. */
function incompleteReason(counts: TaskCounts, signals: StartupTaskSignals, release: string | null): string {
  const parts: string[] = [];
  if (counts.crashTasks !== null && counts.kernelTasks !== null && counts.kernelTasks > counts.crashTasks) {
    parts.push(`crash reads ${counts.crashTasks} of the ${counts.kernelTasks} tasks the kernel had (nr_threads ${counts.kernelTasks - (counts.cpus ?? 0)} + ${counts.cpus} idle tasks)`);
  }
  if (signals.pidStructsUnread > 0 || signals.taskPagesExcluded > 0 || signals.activeTasksMissing > 0) parts.push('task pages are missing from the dump');
  const needed = minimumMakedumpfileFor(release);
  const cause = counts.partialDump ? `most likely written by a makedumpfile older than the kernel${needed ? ` (${release ?? 'it'} needs ${needed} or newer)` : ''}` : 'pages crash needs are missing';
  return `${parts.join('; ')}: ${cause}. Task lists and memory figures are partial.`;
}

/**
 * The dump's completeness as data (the field every surface shows): complete when crash's task
 * table has the kernel's own count and crash complained about no task page; incomplete when it
 * has fewer or complained; unknown when the counts could not be read.
 */
export function assessCompleteness(input: TaskCheckInput): DumpCompleteness {
  const signals = startupTaskSignals(input.startupText);
  const counts = taskCounts(input.sysRaw, input.nrThreadsRaw);
  const missing = counts.crashTasks !== null && counts.kernelTasks !== null ? counts.kernelTasks - counts.crashTasks : null;
  const complained = signals.pidStructsUnread > 0 || signals.taskPagesExcluded > 0 || signals.activeTasksMissing > 0;
  if (complained || (missing !== null && missing > 0)) {
    const d = diagnoseIncompleteDump(input);
    return { state: 'incomplete', tasksRead: counts.crashTasks, tasksInKernel: counts.kernelTasks, reason: incompleteReason(counts, signals, input.release), fix: d?.hint ?? null };
  }
  if (missing === null) {
    return {
      ...unknownCompleteness(
        counts.crashTasks === null ? 'crash\'s task count (sys TASKS) could not be read' : 'the kernel\'s own task count (nr_threads) could not be read',
        'Run `sys` and `p nr_threads` in the console and compare TASKS with nr_threads + CPUS.',
      ),
      tasksRead: counts.crashTasks,
      tasksInKernel: counts.kernelTasks,
    };
  }
  return { state: 'complete', tasksRead: counts.crashTasks, tasksInKernel: counts.kernelTasks, reason: null, fix: null };
}

/**
 * The 'dump-incomplete' finding, or null when crash found every task the kernel had and
 * complained about none. Never a guess: each clause of the message is a fact read from the dump.
 */
export function diagnoseIncompleteDump(input: TaskCheckInput): Diagnosis | null {
  const signals = startupTaskSignals(input.startupText);
  const counts = taskCounts(input.sysRaw, input.nrThreadsRaw);
  const missing = counts.crashTasks !== null && counts.kernelTasks !== null ? counts.kernelTasks - counts.crashTasks : null;
  const complained = signals.pidStructsUnread > 0 || signals.taskPagesExcluded > 0 || signals.activeTasksMissing > 0;
  if (!complained && (missing === null || missing <= 0)) return null;
  const facts: string[] = [];
  if (missing !== null && missing > 0) {
    facts.push(`ps shows ${counts.crashTasks} of ${counts.kernelTasks} tasks (the kernel's nr_threads ${counts.kernelTasks! - counts.cpus!} + ${counts.cpus} idle tasks; crash's task table has ${counts.crashTasks})`);
  } else if (counts.crashTasks !== null) {
    facts.push(`crash's task table has ${counts.crashTasks} tasks${counts.kernelTasks === null ? ' (the kernel\'s own count could not be read)' : ''}`);
  }
  if (signals.pidStructsUnread > 0) facts.push(`crash could not read ${signals.pidStructsUnread} struct pid ("cannot read pid struct from xarray")`);
  if (signals.activeTasksMissing > 0) facts.push(`${signals.activeTasksMissing} task(s) running on a CPU are not in crash's PID hash ("active task ... not found in PID hash")`);
  if (signals.taskPagesExcluded > 0) facts.push(`a task_struct page is not in the dump ("page excluded: ${signals.firstExcluded}", fill_task_struct)`);
  const needed = minimumMakedumpfileFor(input.release);
  const kernel = input.release ?? 'this kernel';
  const byMakedumpfile = counts.partialDump
    ? `written by a makedumpfile that filtered out pages crash needs — kernel pages (task and pid structures) that a makedumpfile supporting ${kernel} keeps, so most likely a makedumpfile older than the kernel${needed ? ` (${needed} or newer handles ${kernel})` : ''}`
    : 'pages crash needs are missing';
  return {
    code: incompleteDumpCode,
    severity: 'error',
    message: `This dump is incomplete: ${byMakedumpfile}; ${facts.join('; ')}. Task lists, per-task views and memory figures from it are partial: do not read them as the whole system.`,
    hint: `On the crashed host, install makedumpfile ${needed ?? 'of the kernel\'s own distribution release'}${needed ? ' or newer' : ''} (crashdeck doctor checks it) so the next dump is complete; for this dump, read the log (complete) and treat every task list as a lower bound.`,
  };
}
