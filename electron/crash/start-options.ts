/**
 * crash's start-up options that trade a part of the analysis for a session at all, and what
 * each one costs. A crash older than the dump's kernel stops in a named start-up step
 * ("invalid structure member offset: module_num_gpl_syms ... FUNCTION: module_init()"); the
 * step names the option that skips it, so the second start is the right one instead of a
 * ladder of full start-ups by trial.
 *
 * crash's start-up order (main.c): vm_init() -> kmem_cache_init() ... task_init() ->
 * module_init(). A step that fails on a structure this crash does not know means this crash
 * does not know the kernel; the later steps read structures as version-specific, so they are
 * skipped at once too. Measured on the hung-mutex-7.2 fixture: crash 8.0.6 stops in
 * kmem_cache_init(), and with --no_kmem_cache alone then stops in module_init(); with
 * --no_kmem_cache --no_modules it reads sys, ps, bt and log. crash 9.0.2 stops in module_init()
 * and reads them with --no_modules.
 */

import { crashStartOptionNames } from '../api/contract.ts';

/** crash's option names (without the leading --), in the order the ladder adds them. */
export const crashStartOptions = crashStartOptionNames;
export type CrashStartOption = (typeof crashStartOptions)[number];

/** What a session started with one option cannot have. */
export interface OptionCost {
  option: CrashStartOption;
  /** Commands that fail or say nothing in such a session. */
  commands: string[];
  /** The facts missing, in words. */
  unavailable: string;
}

const costs: Record<CrashStartOption, Omit<OptionCost, 'option'>> = {
  no_modules: {
    commands: ['mod', 'mod -s', 'mod -t'],
    unavailable: 'no module list (mod) and no module symbols: bt, sym and bt -F cannot name functions or variables inside modules',
  },
  no_kmem_cache: {
    commands: ['kmem -s', 'kmem -S'],
    unavailable: 'no slab caches (kmem -s)',
  },
  zero_excluded: {
    commands: [],
    unavailable: 'pages missing from the dump read as zeros, so values read from them may be wrong',
  },
  minimal: {
    commands: ['bt', 'ps', 'mod', 'kmem', 'vm', 'files', 'foreach', 'struct', 'sys'],
    unavailable: 'only log, dis, rd, sym, eval and set work: no tasks, stacks, memory or module facts',
  },
};

/** The cost of each option of a session, in ladder order. */
export function costsOf(options: readonly CrashStartOption[]): OptionCost[] {
  return sortOptions(options).map((option) => ({ option, ...costs[option] }));
}

/** Options in ladder order, without duplicates. */
export function sortOptions(options: readonly CrashStartOption[]): CrashStartOption[] {
  return crashStartOptions.filter((o) => options.includes(o));
}

/** crash's argv words for the options. */
export function optionArgs(options: readonly CrashStartOption[]): string[] {
  return sortOptions(options).map((o) => `--${o}`);
}

/** "--no_kmem_cache --no_modules" (or "no options"). */
export function optionText(options: readonly CrashStartOption[]): string {
  return options.length ? optionArgs(options).join(' ') : 'no options';
}

/** The start-up step crash stopped in, with the structure it did not know. */
export interface StartupStop {
  /** crash's function: "module_init", "kmem_cache_init". */
  step: string;
  /** "invalid structure member offset: module_num_gpl_syms" (crash's own words). */
  error: string;
}

/** The step and error crash named when it stopped during start-up, or null. */
export function startupStop(output: string): StartupStop | null {
  const text = output.replace(/\r/g, '');
  const m = /(?:^|\n)\s*crash: (invalid structure (?:member offset|size): \S+|cannot resolve[^\n]*?)\s+FILE: \S+\s+LINE: \d+\s+FUNCTION: (\w+)\(\)/.exec(text);
  if (!m) return null;
  return { step: m[2] as string, error: (m[1] as string).trim() };
}

/** Start-up steps an option skips, with the later skippable steps (see the header comment). */
const stepOptions: Array<{ step: RegExp; member: RegExp; options: CrashStartOption[] }> = [
  { step: /^kmem_cache_(?:init|s_\w+)$|^vm_init_kmem|^kmem_cache_/, member: /^kmem_cache_/, options: ['no_kmem_cache', 'no_modules'] },
  { step: /^(?:module_init|store_module_symbols\w*|module_\w+)$/, member: /^module_/, options: ['no_modules'] },
];

/**
 * The options that get past where crash stopped: null when the failure names no step an option
 * skips (then only the dump-level fallbacks --zero_excluded / --minimal may help).
 */
export function optionsForStartupFailure(output: string): { options: CrashStartOption[]; stop: StartupStop } | null {
  const stop = startupStop(output);
  if (!stop) return null;
  const member = /: (\S+)$/.exec(stop.error)?.[1] ?? '';
  const row = stepOptions.find((r) => r.step.test(stop.step)) ?? stepOptions.find((r) => r.member.test(member));
  return row ? { options: [...row.options], stop } : null;
}

/** The next rung: the options to try after `current` failed with `output`, or null when none is left. */
export function nextOptions(current: readonly CrashStartOption[], output: string, dumpTrouble: boolean): { options: CrashStartOption[]; reason: string } | null {
  // --minimal skips every step an option names: nothing is left after it.
  if (current.includes('minimal')) return null;
  const mapped = optionsForStartupFailure(output);
  if (mapped) {
    const added = mapped.options.filter((o) => !current.includes(o));
    if (added.length) {
      return { options: sortOptions([...current, ...added]), reason: `crash stopped in ${mapped.stop.step}() (${mapped.stop.error})` };
    }
  }
  if (!dumpTrouble && !mapped) return null;
  if (!current.includes('zero_excluded') && !current.includes('minimal')) {
    return { options: sortOptions([...current, 'zero_excluded']), reason: 'crash could not open the dump; pages missing from it may read as zeros' };
  }
  return { options: ['minimal'], reason: 'crash could not open the dump even with --zero_excluded' };
}
