/**
 * Which crash release each kernel needs: one table, used by the "crash too old" diagnosis, the
 * startup-failure classifier and `crashdeck doctor`.
 *
 * Measured on this project's fixtures (`crash -s VMLINUX VMCORE` with `sys`, `ps`, `vm`, and
 * `crash --osrelease`; tests/integration/crash/crash-requirements.test.ts repeats it):
 *
 * | crash | Debian 6.1.192 (panic-sysrq …) | Debian 6.12.118 (oops-syscall-6.12 …) |
 * |---|---|---|
 * | 8.0.2 (bookworm) | opens, but "active task … not found in PID hash", `ps` 3 of 68 tasks, `vm` fails (mm_struct_mmap) | does not start: "invalid structure member offset: module_core_size" (module_init) |
 * | 8.0.6 (trixie) | correct | correct |
 * | 9.0.2 (sid) | correct | correct |
 *
 * and on Debian sid's 7.2.13 (hung-mutex-7.2), which no crash release reads plainly:
 *
 * | crash | plain start | with options |
 * |---|---|---|
 * | 8.0.2 | stops in kmem_cache_init() (kmem_cache_s_num) | --no_kmem_cache --no_modules starts, but `ps` lists 2 of 78 tasks and `bt` fails |
 * | 8.0.6 | stops in kmem_cache_init() (kmem_cache_s_num); with --no_kmem_cache alone in module_init() | --no_kmem_cache --no_modules: sys, ps, bt, log right; kmem -s, mod, vm PID (dentry_d_iname), kmem -p (page_index) fail |
 * | 9.0.2 | stops in module_init() (module_num_gpl_syms) | --no_modules: sys, ps, bt, log right; kmem -s (kmem_cache_local_node), mod fail |
 *
 * Where no fixture exists the rows come from crash-utility/crash's history (commit subjects name
 * the kernel they fix) and say so (`basis: 'history'`). Read to learn; nothing copied.
 */

/** What one kernel range needs from crash. */
export interface CrashRequirement {
  /** First kernel (major.minor) the row covers; it ends where the next row starts. */
  fromKernel: readonly [number, number];
  /** Oldest crash release that reads these kernels' dumps correctly. */
  minimum: string;
  /** 'measured': a fixture of this range was read with the releases above; 'history': crash's commit log only. */
  basis: 'measured' | 'history';
  /** Why: what an older crash gets wrong, with the crash-utility/crash commits that fixed it. */
  why: string;
  /** Something no released crash fixes yet, or what is not known (said plainly, never guessed). */
  caveat?: string;
  /**
   * Measured: crash releases that start on these kernels only with these options and then read
   * sys, ps, bt and log right (start-options.ts says what each option costs). A crash older than
   * `minimum` that is listed here is still worth a session; one not listed is not trusted.
   */
  startOptions?: Readonly<Record<string, readonly CrashStartOption[]>>;
}

import type { CrashStartOption } from '../api/contract.ts';

/** crash releases crashdeck's tests run (the fixtures' transcripts): 8.0.6 and 9.0.2. */
export const verifiedCrashReleases = ['8.0.6', '9.0.2'] as const;

/**
 * The table, oldest kernels first. Kernels before 6.1 are left to the distribution's own crash
 * (crashdeck has no fixture older than 6.1 and does not judge them).
 */
export const crashRequirements: readonly CrashRequirement[] = [
  {
    fromKernel: [6, 1],
    minimum: '8.0.4',
    basis: 'measured',
    why: "measured: 8.0.2 misreads Debian's 6.1.192, 8.0.6 and 9.0.2 read it (8.0.3/8.0.4 not built here; the 8.0.4 boundary is these commits'). 6.1's maple-tree VMAs need 8.0.3 (872cad2d63b3 \"Port the maple tree data structures and functions\", 9efc1f68a44f \"Introduce maple tree vma iteration to vm_area_dump()\"; without them `vm` fails with \"invalid structure member offset: mm_struct_mmap\"), and Debian's 6.1.1xx carries the flexible-array struct pid from 6.5, which needs 8.0.4 (88580068b7dd \"Fix failure of gathering task table on Linux 6.5-rc1 and later\"; without it \"active task ... not found in PID hash\" and `ps` lists 3 of 68 tasks)",
  },
  {
    fromKernel: [6, 4],
    minimum: '8.0.4',
    basis: 'history',
    why: '6.4 changed the module memory layout: 7750e61fdb2a "Support module memory layout change on Linux 6.4" (8.0.4); an older crash stops at startup with "invalid structure member offset: module_core_size"',
  },
  {
    fromKernel: [6, 9],
    minimum: '8.0.6',
    basis: 'history',
    why: '6.9 removed vmap_area_list: 7c2c90d0b06a "Fix \\"kmem -v\\" option on Linux 6.9 and later kernels" (8.0.6)',
  },
  {
    fromKernel: [6, 10],
    minimum: '8.0.6',
    basis: 'measured',
    why: '6.10 removed swap_info_struct.old_block_size: 3452fe802bf9 "Fix \\"kmem -i\\" and \\"swap\\" commands on Linux 6.10-rc1 and later kernels" (8.0.6); measured on Debian 6.12.118: 8.0.2 does not start ("invalid structure member offset: module_core_size", the 6.4 module layout), 8.0.6 and 9.0.2 read every 6.12 fixture; 8.0.4/8.0.5 were not measured (no build of them here), so the 8.0.6 boundary is that commit',
  },
  {
    fromKernel: [6, 13],
    minimum: '9.0.0',
    basis: 'history',
    why: '6.13/6.14 changed structures behind `net -a` (8eb5279fdd2e), `files` and `runq -g` (2795136a5154, 080b4baf5d5e) and `log -c` (3340224deb12), all fixed in 9.0.0',
  },
  {
    fromKernel: [6, 16],
    minimum: '9.0.1',
    basis: 'history',
    why: '6.16 changed what `kmem -p` reads: 7e8a2796580d "Fix \\"kmem -p\\" option on Linux 6.16-rc1 and later kernels" (9.0.1)',
  },
  {
    fromKernel: [6, 18],
    minimum: '9.0.2',
    basis: 'history',
    why: '6.18: 89e41397424a "Fix \\"timer -r\\" option on Linux 6.18 and later kernels" (9.0.2)',
    caveat: 'kmem -i swap usage on 6.18+ is fixed only after 9.0.2 (c894f05d3cdc, not in a release yet)',
  },
  {
    fromKernel: [7, 0],
    minimum: '9.0.2',
    basis: 'history',
    why: "no 7.x fixture: 9.0.2 is the newest crash release, and crash's history names no 7.0-specific fix",
    caveat: "for 7.1 and later crash's history has fixes that no release carries yet: d0ee428664f9 (x86_64 `bt` ORC register numbering — without it backtraces can be wrong), fa55e121672c (`bt -F`, compound_head), bb9a3fa67a79 (`kmem -s`), fdb94ed20ac8 (`swap`); treat `bt` on 7.1+ with care or build crash from its git master",
  },
  {
    fromKernel: [7, 2],
    minimum: '9.0.2',
    basis: 'measured',
    why: "measured on Debian sid's 7.2.13: no crash release reads it plainly. 9.0.2 stops in module_init() (\"invalid structure member offset: module_num_gpl_syms\") and reads sys, ps, bt and log with --no_modules; 8.0.6 stops in kmem_cache_init() (kmem_cache_s_num) and reads them with --no_kmem_cache --no_modules, but also fails `vm PID` and `kmem -p`; 8.0.2 misses almost every task even with those options",
    caveat: 'no crash release reads 7.2 fully yet: even 9.0.2 needs --no_modules (no `mod`, no module symbols in `bt`) and cannot run `kmem -s`; the fixes are in crash\'s git master only (bb9a3fa67a79 for `kmem -s`, d0ee428664f9 for `bt`)',
    startOptions: { '9.0.2': ['no_modules'], '8.0.6': ['no_kmem_cache', 'no_modules'] },
  },
];

/**
 * The options with which crash `crashVersion` was measured to read dumps of `release` (sys, ps,
 * bt, log), or null when this crash was not measured on that kernel.
 */
export function measuredStartOptions(crashVersion: string | null | undefined, release: string | null | undefined): readonly CrashStartOption[] | null {
  const row = crashRequirementFor(release);
  if (!row?.startOptions || !crashVersion) return null;
  const key = Object.keys(row.startOptions).find((v) => compareCrashVersions(v, crashVersion) === 0);
  return key ? (row.startOptions[key] ?? null) : null;
}

/** A kernel release's numbers ("6.12.118+deb13-cloud-amd64" -> 6, 12, 118); null when it is not one. */
export function kernelVersion(release: string | null | undefined): { major: number; minor: number; patch: number } | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release ?? '');
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** The requirement row for a dump's kernel release; null before 6.1 or when the release is unknown. */
export function crashRequirementFor(release: string | null | undefined): CrashRequirement | null {
  const k = kernelVersion(release);
  if (!k) return null;
  let found: CrashRequirement | null = null;
  for (const row of crashRequirements) {
    const [maj, min] = row.fromKernel;
    if (k.major > maj || (k.major === maj && k.minor >= min)) found = row;
  }
  return found;
}

/** Compare two crash versions ("8.0.4" < "8.0.10" < "9.0.2"; "8.0.6++" counts as 8.0.6). */
export function compareCrashVersions(a: string, b: string): number {
  const nums = (s: string): number[] => (/^\d+(?:\.\d+)*/.exec(s)?.[0] ?? '0').split('.').map(Number);
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Whether `crashVersion` is new enough for a dump of `release`: true / false, or null when
 * either is unknown or the kernel is older than anything the table covers.
 */
export function crashNewEnough(crashVersion: string | null | undefined, release: string | null | undefined): boolean | null {
  const req = crashRequirementFor(release);
  if (!req || !crashVersion || !/^\d/.test(crashVersion)) return null;
  return compareCrashVersions(crashVersion, req.minimum) >= 0;
}

/**
 * The crash release `native-tools/install-crash.sh` should install for a kernel: 8.0.6 (Debian
 * trixie) where that is enough, else 9.0.2 (Debian sid). The script installs only these two.
 */
export function installableCrashFor(release: string | null | undefined): '8.0.6' | '9.0.2' {
  const req = crashRequirementFor(release);
  return req && compareCrashVersions(req.minimum, '8.0.6') > 0 ? '9.0.2' : '8.0.6';
}
