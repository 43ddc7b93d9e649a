/**
 * native-tools/install-crash.sh for real on this Debian bookworm machine (whose own crash is
 * 8.0.2): into a temporary HOME it installs Debian trixie's crash 8.0.6 through a private apt
 * state, records it in settings.json (keeping the keys already there) and prints its path; the
 * installed crash reads a 6.1 fixture as the 8.0.6 transcripts say; a second run is instant and
 * writes nothing; nothing of the system's apt state changes; another distribution gets its
 * package command and exit 1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureMeta, repoRoot, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { loadSettings } from '../../../electron/settings.ts';

const script = path.join(repoRoot, 'native-tools/install-crash.sh');
let dir: string;
let env: NodeJS.ProcessEnv;
let first: { code: number | null; stdout: string; stderr: string; ms: number };
const aptState = ['/var/lib/apt/lists', '/var/cache/apt/pkgcache.bin', '/var/lib/dpkg/status'].filter(existsSync);
let aptBefore: number[];

function run(args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync('bash', [script, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

const settingsFile = (): string => path.join(dir, 'config', 'crashdeck', 'settings.json');

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-install-crash-'));
  // HOME and every XDG dir point into the temp dir: nothing of the real user's is read or written.
  env = { ...process.env, HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'data'), XDG_CACHE_HOME: path.join(dir, 'cache') };
  delete env.CRASHDECK_CRASH_PREFIX;
  mkdirSync(path.dirname(settingsFile()), { recursive: true });
  mkdirSync(env.HOME as string, { recursive: true });
  // A user's settings with another key the installer must keep.
  writeFileSync(settingsFile(), JSON.stringify({ debuginfodUrls: ['http://127.0.0.1:1/'], theme: 'dark' }));
  aptBefore = aptState.map((p) => statSync(p).mtimeMs);
  first = run();
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('install-crash.sh on Debian bookworm', () => {
  it('installs crash 8.0.6 into the private prefix and prints its path', () => {
    expect(first.code, first.stderr).toBe(0);
    const printed = first.stdout.trim();
    expect(printed).toBe(path.join(dir, 'data', 'crashdeck', 'crash-8.0.6', 'bin', 'crash'));
    expect(execFileSync(printed, ['--version'], { encoding: 'utf8' })).toMatch(/^crash 8\.0\.6/m);
    // The system's crash is untouched: still bookworm's 8.0.2.
    expect(execFileSync('/usr/bin/crash', ['--version'], { encoding: 'utf8' })).toMatch(/^crash 8\.0\.2/m);
  });

  it('records the path in settings.json, keeping the other keys, and crashdeck reads it', async () => {
    const saved = JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
    expect(saved).toEqual({ debuginfodUrls: ['http://127.0.0.1:1/'], theme: 'dark', crashPath: first.stdout.trim() });
    expect((await loadSettings(env)).crashPath).toBe(first.stdout.trim());
  });

  it('the installed crash reads the 6.1 fixture: release, and every task ps lists in the 8.0.6 transcript', () => {
    const crash = first.stdout.trim();
    expect(execFileSync(crash, ['--osrelease', vmcorePath('panic-sysrq')], { encoding: 'utf8' }).trim()).toBe(fixtureMeta('panic-sysrq').kernel.release);
    const out = execFileSync(crash, ['-s', '--no_crashrc', vmlinuxPath('panic-sysrq'), vmcorePath('panic-sysrq')], { input: 'ps\nquit\n', encoding: 'utf8', timeout: 120_000 });
    expect(out).not.toMatch(/not found in PID hash/);
    const taskLines = (text: string): string[] => text.split('\n').filter((l) => /^[> ]\s*\d+\s+\d+\s+\d+\s+[0-9a-f]{16}/.test(l));
    expect(taskLines(out).length).toBe(taskLines(transcript('panic-sysrq', 'ps')).length);
    expect(taskLines(out).length).toBeGreaterThan(60);
  });

  it('a second run is fast, prints the same path and writes nothing', () => {
    const settingsMtime = statSync(settingsFile()).mtimeMs;
    const prefixMtime = statSync(path.join(dir, 'data', 'crashdeck', 'crash-8.0.6')).mtimeMs;
    const again = run();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.ms).toBeLessThan(3000);
    expect(statSync(settingsFile()).mtimeMs).toBe(settingsMtime);
    expect(statSync(path.join(dir, 'data', 'crashdeck', 'crash-8.0.6')).mtimeMs).toBe(prefixMtime);
  });

  it("left the system's apt lists, cache and dpkg status as they were", () => {
    expect(aptState.map((p) => statSync(p).mtimeMs)).toEqual(aptBefore);
  });

  it('on another distribution prints the package command and exits 1, installing nothing', () => {
    const other = path.join(dir, 'fedora-os-release');
    writeFileSync(other, 'ID=fedora\nNAME="Fedora Linux"\n');
    const emptyData = path.join(dir, 'data-fedora');
    const r = run([], { CRASHDECK_OS_RELEASE: other, XDG_DATA_HOME: emptyData, XDG_CONFIG_HOME: path.join(dir, 'config-fedora') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('sudo dnf install crash');
    expect(existsSync(emptyData)).toBe(false);
    const suse = path.join(dir, 'suse-os-release');
    writeFileSync(suse, 'ID=opensuse-leap\nID_LIKE="suse opensuse"\n');
    expect(run([], { CRASHDECK_OS_RELEASE: suse, XDG_DATA_HOME: emptyData, XDG_CONFIG_HOME: path.join(dir, 'config-fedora') }).stderr).toContain('sudo zypper install crash');
  });

  it('refuses an unknown version with a usage message (exit 2)', () => {
    const r = run(['7.3.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: install-crash\.sh \[8\.0\.6\|9\.0\.2\]/);
  });

  it('does not overwrite a settings.json that is not valid JSON, and says so', () => {
    const cfg = path.join(dir, 'config-bad');
    mkdirSync(path.join(cfg, 'crashdeck'), { recursive: true });
    writeFileSync(path.join(cfg, 'crashdeck', 'settings.json'), '{ "crashPath": ');
    const r = run([], { XDG_CONFIG_HOME: cfg });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(first.stdout.trim());
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(readFileSync(path.join(cfg, 'crashdeck', 'settings.json'), 'utf8')).toBe('{ "crashPath": ');
  });
});
