/**
 * Turns what crash printed into findings a user can act on: startup failures become ApiErrors
 * with a next step; a crash too old for the dump's kernel becomes a 'crash-too-old' Diagnosis.
 */
import { ApiError, type Diagnosis } from '../api/contract.ts';

/**
 * The oldest crash release that reads Linux 6.1 dumps correctly, Debian's 6.1.1xx included
 * (from crash-utility/crash's history):
 * - 8.0.3 walks 6.1's maple-tree VMAs: 872cad2d63b3 "Port the maple tree data structures and
 *   functions" and 9efc1f68a44f "Introduce maple tree vma iteration to vm_area_dump()" (without
 *   them `vm` fails with "invalid structure member offset: mm_struct_mmap"); also 120d6e89fc14
 *   (kmem -s|-S on 6.1) and 41d4b85ea50e (kmem -i SLAB).
 * - 8.0.4 reads the task table when `struct pid.numbers` is a flexible array: 88580068b7dd "Fix
 *   failure of gathering task table on Linux 6.5-rc1 and later" (kernel b69f0aeb0689, which
 *   Debian backported into 6.1.1xx; without it crash warns "active task ... not found in PID
 *   hash" and `ps` lists only the active tasks, 3 of 68 on our fixture).
 * 8.0.6 is the release we verify against the fixtures.
 */
export const minimumCrashForNewKernels = '8.0.4';

/** The crash release crashdeck's tests run against the Debian 6.1 fixtures. */
export const verifiedCrash = '8.0.6';

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
    hint: `Use crash ${minimumCrashForNewKernels} or newer (${verifiedCrash} verified with Debian 6.1 kernels; 8.0.3 reads 6.1's maple-tree VMAs but still misses most tasks where struct pid has a flexible array, as in Debian's 6.1.1xx), e.g. Debian trixie's crash package, and point CRASHDECK_CRASH or --crash at it.`,
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
    `Install it (Debian/Ubuntu: apt-get install crash; RHEL/Fedora: dnf install crash) — kernels 6.1+ need crash ${minimumCrashForNewKernels} or newer (${verifiedCrash} verified) — or set CRASHDECK_CRASH to its path.`,
  );
}
