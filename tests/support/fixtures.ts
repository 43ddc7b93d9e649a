/**
 * Locating the shared vmcore fixtures, the crash binaries and the debug vmlinux for tests.
 *
 * Fixtures come from CRASHDECK_FIXTURES (default ../shared/fixtures beside the repo). A missing
 * fixture throws: in CI that is a failure, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The fixtures directory (CRASHDECK_FIXTURES or ../shared/fixtures). */
export function fixturesDir(): string {
  const dir = process.env.CRASHDECK_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures');
  if (!existsSync(path.join(dir, 'README.md'))) {
    throw new Error(`vmcore fixtures not found at ${dir} (set CRASHDECK_FIXTURES)`);
  }
  return dir;
}

/** The public Debian 6.1 scenarios (one shared vmlinux). */
export const scenarios = ['panic-sysrq', 'oom-slab-leak', 'oom-user-hog'] as const;
/** The Debian 6.12 scenarios (their own shared vmlinux); the -mdf172 one is an incomplete dump. */
export const scenarios612 = ['oops-syscall-6.12', 'hung-mutex-6.12', 'softlockup-spin-6.12', 'oops-syscall-6.12-mdf172'] as const;
/** Every public scenario the shared test lists iterate (6.1 and 6.12). */
export const allScenarios = [...scenarios, ...scenarios612] as const;
/**
 * Newer scenarios kept out of those lists (each test that needs one names it): Linux 7.2, which
 * no crash release reads plainly, and the 6.12 OOM with free memory only in ZONE_MOVABLE.
 */
export const newerScenarios = ['hung-mutex-7.2', 'oom-zone-movable-6.12'] as const;
/** Every scenario directory in the fixtures. */
export const everyScenario = [...allScenarios, ...newerScenarios] as const;
export type Scenario = (typeof everyScenario)[number];
/** The 6.12 OOM with ZONE_MOVABLE (movablecore=256M): free memory the failing GFP_KERNEL request could not use. */
export const zoneMovable612 = 'oom-zone-movable-6.12' satisfies (typeof newerScenarios)[number];
/** The Debian sid 7.2 scenario no crash release reads plainly (only drgn 0.3.0 reads it whole). */
export const scenario72 = 'hung-mutex-7.2' as const;
/** Any fixture directory (kept for the drgn tests; every Scenario is one). */
export type FixtureName = Scenario;
/** crash versions with transcripts: 8.0.6 (`transcripts/`, all), 9.0.2 (6.12 ones), 8.0.2. */
export type TranscriptCrash = '8.0.6' | '9.0.2' | '8.0.2';

/** Absolute path of a file inside a scenario directory; throws when it is missing. */
export function fixtureFile(scenario: FixtureName, rel: string): string {
  const p = path.join(fixturesDir(), scenario, rel);
  if (!existsSync(p)) throw new Error(`fixture file missing: ${p}`);
  return p;
}

/** The vmcore of a scenario. */
export function vmcorePath(scenario: FixtureName): string {
  return fixtureFile(scenario, 'vmcore');
}

/** meta.json of a scenario, parsed. */
export function fixtureMeta(scenario: FixtureName): FixtureMeta {
  return JSON.parse(readFileSync(fixtureFile(scenario, 'meta.json'), 'utf8')) as FixtureMeta;
}

/** A crash 8.0.6 transcript (`transcripts/<cmd with _>.txt`), or the 8.0.2 one. */
export function transcript(scenario: FixtureName, command: string, crash: TranscriptCrash = '8.0.6'): string {
  const dir = crash === '8.0.6' ? 'transcripts' : `transcripts-crash-${crash}`;
  return readFileSync(fixtureFile(scenario, `${dir}/${command.replaceAll(' ', '_')}.txt`), 'utf8');
}

let cachedCrash: string | undefined;
/** crash 8.0.6: CRASHDECK_TEST_CRASH, else the fixtures' install-crash.sh (idempotent, cached). */
export function crash806(): string {
  cachedCrash ??= process.env.CRASHDECK_TEST_CRASH ?? runScript('install-crash.sh', []);
  return cachedCrash;
}

/** Debian bookworm's crash 8.0.2 (too old for the fixtures' 6.1 kernel): CRASHDECK_TEST_OLD_CRASH or /usr/bin/crash. */
export function crash802(): string {
  const p = process.env.CRASHDECK_TEST_OLD_CRASH ?? '/usr/bin/crash';
  if (!existsSync(p)) throw new Error(`crash 8.0.2 not found at ${p} (apt-get install crash)`);
  return p;
}

let cachedCrash9: string | undefined;
/** crash 9.0.2 (Debian sid): CRASHDECK_TEST_CRASH9, else the fixtures' `install-crash.sh 9.0.2`. */
export function crash902(): string {
  cachedCrash9 ??= process.env.CRASHDECK_TEST_CRASH9 ?? runScript('install-crash.sh', ['9.0.2']);
  return cachedCrash9;
}

let cachedVmlinux: string | undefined;
let cachedVmlinux612: string | undefined;
/**
 * The debug vmlinux of a scenario (default: the one the 6.1 fixtures share): CRASHDECK_TEST_VMLINUX
 * (6.1) / CRASHDECK_TEST_VMLINUX_612 (6.12) / CRASHDECK_TEST_VMLINUX_72 (7.2, vmlinux72()), else the
 * fixtures' fetch-vmlinux.sh.
 */
export function vmlinuxPath(scenario: Scenario = 'panic-sysrq'): string {
  if (scenario === scenario72) return vmlinux72();
  if ((scenarios612 as readonly string[]).includes(scenario) || scenario === zoneMovable612) {
    cachedVmlinux612 ??= process.env.CRASHDECK_TEST_VMLINUX_612 ?? runScript('fetch-vmlinux.sh', [path.join(fixturesDir(), 'oops-syscall-6.12')]);
    return cachedVmlinux612;
  }
  cachedVmlinux ??= process.env.CRASHDECK_TEST_VMLINUX ?? runScript('fetch-vmlinux.sh', [path.join(fixturesDir(), 'panic-sysrq')]);
  return cachedVmlinux;
}

let cachedVmlinux72: string | undefined;
/** The 7.2 scenario's debug vmlinux: CRASHDECK_TEST_VMLINUX_72, else the fixtures' fetch-vmlinux.sh. */
export function vmlinux72(): string {
  cachedVmlinux72 ??= process.env.CRASHDECK_TEST_VMLINUX_72 ?? runScript('fetch-vmlinux.sh', [path.join(fixturesDir(), scenario72)]);
  return cachedVmlinux72;
}

/** Debian bookworm's drgn 0.0.22 (apt python3-drgn): CRASHDECK_TEST_DRGN_PYTHON or /usr/bin/python3. */
export function drgnPythonBookworm(): string {
  return process.env.CRASHDECK_TEST_DRGN_PYTHON ?? '/usr/bin/python3';
}

const drgnCache = (): string => path.join(process.env.VMCORE_FIXTURE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vmcore-fixtures'), 'drgn');
const cachedDrgn = new Map<string, string>();
/**
 * A python3 with Debian trixie's drgn 0.0.31 or sid's 0.3.0 in a private prefix:
 * CRASHDECK_TEST_DRGN_PYTHON_031 / _030, else the project's native-tools/install-drgn.sh
 * (--no-record: the user's settings.json is left alone; idempotent, cached beside the fixtures' crash).
 */
export function drgnPythonPrefix(version: '0.0.31' | '0.3.0'): string {
  const env = process.env[`CRASHDECK_TEST_DRGN_PYTHON_${version.replaceAll('.', '').slice(-3)}`];
  if (env) return env;
  let p = cachedDrgn.get(version);
  if (!p) {
    const out = execFileSync('bash', [path.join(repoRoot, 'native-tools/install-drgn.sh'), '--no-record', version], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CRASHDECK_DRGN_PREFIX: drgnCache() },
    });
    p = out.trim().split('\n').pop() ?? '';
    if (!p || !existsSync(p)) throw new Error(`install-drgn.sh ${version} did not print an existing path (got ${JSON.stringify(p)})`);
    cachedDrgn.set(version, p);
  }
  return p;
}

/**
 * The Debian -dbg .deb holding a scenario's vmlinux (for a real debuginfod to index): the
 * fixtures' fetch-vmlinux.sh is run (it downloads and keeps the .deb), then the .deb is looked up
 * in its cache, `$VMCORE_FIXTURE_CACHE/debs` (default ~/.cache/vmcore-fixtures/debs). Throws when
 * missing (e.g. VMCORE_FIXTURE_KEEP_DEB=0 deleted it).
 */
export function dbgDebPath(scenario: Scenario = 'panic-sysrq'): string {
  const meta = JSON.parse(readFileSync(fixtureFile(scenario, 'meta.json'), 'utf8')) as { kernel: { dbg_package: { name: string; version: string } } };
  const { name, version } = meta.kernel.dbg_package;
  const cache = process.env.VMCORE_FIXTURE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vmcore-fixtures');
  const find = (): string | undefined => readdirSync(path.join(cache, 'debs'), { withFileTypes: true }).find((e) => e.name.startsWith(`${name}_${version}_`) && e.name.endsWith('.deb'))?.name;
  runScript('fetch-vmlinux.sh', [path.join(fixturesDir(), scenario)]);
  const deb = existsSync(path.join(cache, 'debs')) ? find() : undefined;
  if (!deb) throw new Error(`the -dbg .deb ${name}_${version} is not in ${cache}/debs (run ${path.join(fixturesDir(), 'fetch-vmlinux.sh')} ${scenario} with VMCORE_FIXTURE_KEEP_DEB=1)`);
  return path.join(cache, 'debs', deb);
}

function runScript(name: string, args: string[]): string {
  const out = execFileSync(path.join(fixturesDir(), name), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const p = out.trim().split('\n').pop() ?? '';
  if (!p || !existsSync(p)) throw new Error(`${name} did not print an existing path (got ${JSON.stringify(p)})`);
  return p;
}

/** The parts of meta.json tests read. */
export interface FixtureMeta {
  scenario: string;
  kernel: { release: string };
  vmcore: { size: number; sha256: string };
  truth: {
    panic_type: string;
    panic_message: string;
    panic_task: { cpu: number; pid: number; comm: string };
    oom: unknown;
    culprit_kind: string;
    /** OOM fixtures only (absent on the 6.12 ones). */
    culprit: Record<string, unknown>;
    /** 6.12 fixtures: the culprit function / module / task, and for the hung task the lock and its holder. */
    function?: string;
    module?: string;
    culprit_task?: { comm: string; pid: number };
    blocked_task?: { comm: string; pid: number };
    lock?: string;
    lock_holder?: { comm: string; pid: number; state?: string };
    lock_holder_function?: string;
    guest_facts?: Record<string, string>;
  };
}
