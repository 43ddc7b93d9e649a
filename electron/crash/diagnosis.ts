/**
 * Turns what crash printed into findings a user can act on: startup failures become ApiErrors
 * with a next step; a crash too old for the dump's kernel becomes a 'crash-too-old' Diagnosis.
 */
import { ApiError, type Diagnosis } from '../api/contract.ts';
import { crashNewEnough, crashRequirementFor, installableCrashFor, verifiedCrashReleases } from './crash-requirements.ts';

/**
 * The oldest crash release that reads Debian's 6.1 dumps (see crash-requirements.ts for every
 * kernel, with the crash-utility/crash commits and what was measured on the fixtures).
 */
export const minimumCrashForNewKernels = '8.0.4';

/** The crash release crashdeck's tests first verified against the fixtures (9.0.2 too). */
export const verifiedCrash = '8.0.6';

/**
 * The exact way to get a crash that reads a dump of `release`: locally the project's
 * native-tools/install-crash.sh (Debian/Ubuntu; it records the path in settings.json); on a
 * remote host (its label), the same script copied there and run, its printed path passed as
 * --crash. Other distributions: their package manager (the script prints the command).
 */
export function installCrashCommand(release: string | null, host: string | null = null): string {
  const version = installableCrashFor(release);
  const arg = version === '8.0.6' ? '' : ` ${version}`;
  if (!host) return `bash native-tools/install-crash.sh${arg}`;
  const m = /^(.*):(\d+)$/.exec(host);
  const target = m ? (m[1] as string) : host;
  const port = m && m[2] !== '22' ? m[2] : null;
  return `scp ${port ? `-P ${port} ` : ''}native-tools/install-crash.sh ${target}: && ssh ${port ? `-p ${port} ` : ''}${target} bash install-crash.sh${arg}`;
}

/** "Use crash X or newer ... run: CMD" for a dump of `release` (on `host` when remote). */
export function newerCrashHint(release: string | null, host: string | null = null): string {
  const req = crashRequirementFor(release);
  const minimum = req?.minimum ?? minimumCrashForNewKernels;
  const kernel = release ? `kernel ${release}` : 'this kernel';
  const basis = req?.basis === 'history' ? ' (from crash\'s history; no fixture of this kernel was measured)' : '';
  const caveat = req?.caveat ? ` Note: ${req.caveat}.` : '';
  const where = host
    ? `On ${host} (Debian/Ubuntu) run: ${installCrashCommand(release, host)} — it prints the new crash's path there; open again with --crash THAT_PATH (or CRASHDECK_CRASH). Other distributions: install their newest crash package (dnf/zypper/pacman).`
    : `Run: ${installCrashCommand(release)} (Debian/Ubuntu: installs it privately and records it in crashdeck's settings; elsewhere it prints your package manager's command), then open the dump again.`;
  return `${kernel} needs crash ${minimum} or newer${basis} (${verifiedCrashReleases.join(' and ')} verified on Debian 6.1 and 6.12 dumps). ${where}${caveat}`;
}

/** What crashdeck knows when classifying a failed start. */
export interface StartupContext {
  vmcore: string;
  vmlinux: string | null;
  release: string | null;
  /** The dump is shorter than its own header says (see dump-format.ts). */
  truncated: boolean;
  /** Short description of the dump format, when it could not be recognised. */
  notADump: boolean;
  /** `crash --version` of the crash that failed, when known. */
  crashVersion?: string | null;
  /** The remote host's label when crash ran over SSH (hints say what to run there). */
  host?: string | null;
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
  if (crashNewEnough(ctx.crashVersion, ctx.release) === false || (/invalid structure member offset/.test(text) && crashNewEnough(ctx.crashVersion, ctx.release) !== true)) {
    return new ApiError('crash-too-old', `crash ${ctx.crashVersion ?? '(unknown version)'} is too old for kernel ${ctx.release ?? 'of this dump'} and could not open it${quote}`, newerCrashHint(ctx.release, ctx.host ?? null));
  }
  if (ctx.truncated) {
    return new ApiError('dump-truncated', `${ctx.vmcore} is truncated (shorter than its header says)${quote}`, 'Copy the dump again completely (check free space where kdump wrote it); crashdeck tried --zero_excluded and --minimal.');
  }
  return new ApiError('dump-unreadable', `crash could not open the dump${quote || ' (it exited without a message)'}`, 'Check that the vmlinux matches the dump; crashdeck tried --zero_excluded and --minimal too.');
}

/**
 * Findings from crash's startup output (with -s only warnings precede the prompt). The PID-hash
 * warning means "crash too old" only when this crash is older than the kernel needs; from a crash
 * new enough for the kernel it means the dump itself lacks pages (e.g. written by a makedumpfile
 * older than the kernel, as the oops-syscall-6.12-mdf172 fixture is).
 */
export function diagnoseStartup(startupText: string, crashVersion: string | null, release: string | null, host: string | null = null): Diagnosis[] {
  const out: Diagnosis[] = [];
  if (/WARNING: active task \S+ on cpu \d+ not found in PID hash/.test(startupText)) {
    if (crashNewEnough(crashVersion, release) === true) {
      out.push({
        code: 'dump-incomplete',
        severity: 'warning',
        message: `crash ${crashVersion} reads kernel ${release}, yet it finds the active task outside the PID hash ("active task ... not found in PID hash"): the dump lacks pages crash needs, so task lists are incomplete.`,
        hint: 'Such dumps come from a makedumpfile older than the kernel (e.g. bookworm\'s 1.7.2 under a 6.12 kernel). Install a makedumpfile that supports the running kernel on the crashed host (crashdeck doctor checks it); this dump stays incomplete.',
      });
    } else {
      out.push(tooOld(crashVersion, release, 'its task table misses almost every task ("active task ... not found in PID hash")', host));
    }
  }
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
export function diagnoseCommand(raw: string, crashVersion: string | null, release: string | null, host: string | null = null): Diagnosis[] {
  const m = /invalid structure member offset: (\S+)/.exec(raw);
  if (!m) return [];
  if (crashNewEnough(crashVersion, release) === true) {
    // The newest crash for this kernel and still a structure it does not know: no release reads it fully.
    const caveat = crashRequirementFor(release)?.caveat;
    return [{
      code: 'crash-lacks-support',
      severity: 'warning',
      message: `crash ${crashVersion} does not know a structure of kernel ${release ?? 'of this dump'} this command needs ("invalid structure member offset: ${m[1]}"): its output is missing, not a fact about the kernel.`,
      ...(caveat ? { hint: `${caveat[0]?.toUpperCase() ?? ''}${caveat.slice(1)}.` } : {}),
    }];
  }
  return [tooOld(crashVersion, release, `it does not know this kernel's structures ("invalid structure member offset: ${m[1]}")`, host)];
}

/** The 'crash-too-old' finding: names the version the kernel needs and the command that gets it. */
export function tooOld(crashVersion: string | null, release: string | null, why: string, host: string | null = null): Diagnosis {
  return {
    code: 'crash-too-old',
    severity: 'error',
    message: `crash ${crashVersion ?? '(unknown version)'} is too old for kernel ${release ?? 'of this dump'}: ${why}. Its output is incomplete or wrong; do not trust it.`,
    hint: newerCrashHint(release, host),
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
    `Install it: on Debian/Ubuntu \`bash native-tools/install-crash.sh\` (a crash new enough for 6.1–6.12 kernels, recorded in crashdeck's settings; the distribution's own may be too old: kernels 6.1+ need crash ${minimumCrashForNewKernels} or newer, 6.9+ need 8.0.6, ${verifiedCrash} verified); RHEL/Fedora: dnf install crash; openSUSE: zypper install crash; Arch: pacman -S crash — or set CRASHDECK_CRASH to its path.`,
  );
}
