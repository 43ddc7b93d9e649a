/**
 * Turns what crash printed into findings a user can act on: startup failures become ApiErrors
 * with a next step; a crash too old for the dump's kernel becomes a 'crash-too-old' Diagnosis.
 */
import { ApiError, type Diagnosis } from '../api/contract.ts';

/** The crash release known to read kernels with the flexible-array `struct pid` and maple trees. */
export const minimumCrashForNewKernels = '8.0.4';

/** What crashdeck knows when classifying a failed start. */
export interface StartupContext {
  vmcore: string;
  vmlinux: string | null;
  release: string | null;
  /** The dump is shorter than its own header says (see dump-format.ts). */
  truncated: boolean;
  /** Short description of the dump format, when it could not be recognised. */
  notADump: boolean;
}

function lastLines(text: string, n: number): string {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !/^\s*(Usage:|crash \[OPTION\]|Enter "crash -h")/.test(l));
  return lines.slice(-n).join('\n');
}

function debugPackageHint(release: string | null): string {
  const rel = release ?? '<release>';
  return `Install the debug vmlinux for ${rel} (Debian/Ubuntu: linux-image-${rel}-dbg or -dbgsym; RHEL/Fedora: kernel-debuginfo-${rel}) or pass --vmlinux with its path.`;
}

/** Map crash's output from a start that never reached the prompt to an ApiError with a hint. */
export function classifyStartupFailure(output: string, ctx: StartupContext): ApiError {
  const text = output.replace(/\r/g, '');
  const said = lastLines(text, 6);
  const quote = said ? `: ${said}` : '';
  const mentions = (p: string | null): boolean => p !== null && text.includes(p);
  if (/Permission denied/.test(text)) {
    const which = mentions(ctx.vmlinux) && !text.includes(`${ctx.vmcore}: Permission denied`) && !text.includes(`${ctx.vmcore}: open: Permission denied`) ? 'vmlinux' : 'dump';
    return new ApiError('dump-unreadable', `crash cannot read the ${which}${quote}`, 'Give your user read access (e.g. add it to the group owning the file, or copy the dump) or open it over SSH with sudo.');
  }
  if (ctx.vmlinux !== null && new RegExp(`${escapeRe(ctx.vmlinux)}: No such file or directory`).test(text)) {
    return new ApiError('vmlinux-not-found', `vmlinux not found: ${ctx.vmlinux}`, debugPackageHint(ctx.release));
  }
  if (/no debugging data available|not a supported file format/.test(text) && mentions(ctx.vmlinux) && new RegExp(`${escapeRe(ctx.vmlinux ?? '')}: (no debugging data|not a supported)`).test(text)) {
    return new ApiError('vmlinux-mismatch', `${ctx.vmlinux} is not a debug vmlinux${quote}`, debugPackageHint(ctx.release));
  }
  if (/do not match|kernel version inconsistency|cannot resolve "init_task"|cannot determine base kernel version/.test(text)) {
    return new ApiError('vmlinux-mismatch', `the vmlinux does not match the dump${quote}`, debugPackageHint(ctx.release));
  }
  if (ctx.notADump || /not a supported file format/.test(text)) {
    return new ApiError('not-a-dump', `${ctx.vmcore} is not a crash dump crash can read${quote}`, 'Pick the vmcore / dump.<stamp> file kdump wrote under /var/crash, not the dmesg text beside it.');
  }
  if (ctx.truncated) {
    return new ApiError('dump-truncated', `${ctx.vmcore} is truncated (shorter than its header says)${quote}`, 'Copy the dump again completely (check free space where kdump wrote it); crashdeck tried --zero_excluded and --minimal.');
  }
  return new ApiError('dump-unreadable', `crash could not open the dump${quote || ' (it exited without a message)'}`, 'Check that the vmlinux matches the dump; crashdeck tried --zero_excluded and --minimal too.');
}

/** Findings from crash's startup output (with -s only warnings precede the prompt). */
export function diagnoseStartup(startupText: string, crashVersion: string | null, release: string | null): Diagnosis[] {
  const out: Diagnosis[] = [];
  if (/WARNING: active task \S+ on cpu \d+ not found in PID hash/.test(startupText)) out.push(tooOld(crashVersion, release, 'its task table misses almost every task ("active task ... not found in PID hash")'));
  if (/kernel version inconsistency between vmlinux and dumpfile/.test(startupText)) {
    out.push({
      code: 'vmlinux-mismatch',
      severity: 'error',
      message: 'crash says the vmlinux and the dump come from different kernel builds ("kernel version inconsistency"); structures may be read wrongly.',
      hint: `Use the debug vmlinux of exactly ${release ?? 'the dump\'s kernel'}.`,
    });
  }
  return out;
}

/** Findings from one command's output (an error that only an outdated crash produces). */
export function diagnoseCommand(raw: string, crashVersion: string | null, release: string | null): Diagnosis[] {
  const m = /invalid structure member offset: (\S+)/.exec(raw);
  return m ? [tooOld(crashVersion, release, `it does not know this kernel's structures ("invalid structure member offset: ${m[1]}")`)] : [];
}

/** The 'crash-too-old' finding, naming the version needed. */
export function tooOld(crashVersion: string | null, release: string | null, why: string): Diagnosis {
  return {
    code: 'crash-too-old',
    severity: 'error',
    message: `crash ${crashVersion ?? '(unknown version)'} is too old for kernel ${release ?? 'of this dump'}: ${why}. Its output is incomplete or wrong; do not trust it.`,
    hint: `Use crash ${minimumCrashForNewKernels} or newer (8.0.6 is verified with Debian 6.1 kernels), e.g. Debian trixie's crash package, and point CRASHDECK_CRASH or --crash at it.`,
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The ApiError for a crash binary that does not exist. */
export function crashMissing(crashPath: string): ApiError {
  return new ApiError(
    'crash-missing',
    `crash not found (${crashPath})`,
    'Install it (Debian/Ubuntu: apt-get install crash; RHEL/Fedora: dnf install crash) — kernels 6.1+ need crash 8.0.4 or newer — or set CRASHDECK_CRASH to its path.',
  );
}
