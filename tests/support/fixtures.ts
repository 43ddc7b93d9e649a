/**
 * Locating the shared vmcore fixtures, the crash binaries and the debug vmlinux for tests.
 *
 * Fixtures come from CRASHDECK_FIXTURES (default ../shared/fixtures beside the repo). A missing
 * fixture throws: in CI that is a failure, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** The public scenarios. */
export const scenarios = ['panic-sysrq', 'oom-slab-leak', 'oom-user-hog'] as const;
export type Scenario = (typeof scenarios)[number];

/** Absolute path of a file inside a scenario directory; throws when it is missing. */
export function fixtureFile(scenario: Scenario, rel: string): string {
  const p = path.join(fixturesDir(), scenario, rel);
  if (!existsSync(p)) throw new Error(`fixture file missing: ${p}`);
  return p;
}

/** The vmcore of a scenario. */
export function vmcorePath(scenario: Scenario): string {
  return fixtureFile(scenario, 'vmcore');
}

/** meta.json of a scenario, parsed. */
export function fixtureMeta(scenario: Scenario): FixtureMeta {
  return JSON.parse(readFileSync(fixtureFile(scenario, 'meta.json'), 'utf8')) as FixtureMeta;
}

/** A crash 8.0.6 transcript (`transcripts/<cmd with _>.txt`), or the 8.0.2 one. */
export function transcript(scenario: Scenario, command: string, crash: '8.0.6' | '8.0.2' = '8.0.6'): string {
  const dir = crash === '8.0.6' ? 'transcripts' : 'transcripts-crash-8.0.2';
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

let cachedVmlinux: string | undefined;
/** The debug vmlinux all public fixtures share: CRASHDECK_TEST_VMLINUX, else fetch-vmlinux.sh. */
export function vmlinuxPath(): string {
  cachedVmlinux ??= process.env.CRASHDECK_TEST_VMLINUX ?? runScript('fetch-vmlinux.sh', [path.join(fixturesDir(), 'panic-sysrq')]);
  return cachedVmlinux;
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
    culprit: Record<string, unknown>;
    guest_facts?: Record<string, string>;
  };
}
