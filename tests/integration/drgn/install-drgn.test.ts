/**
 * native-tools/install-drgn.sh for real on this Debian bookworm machine (whose python3-drgn is
 * 0.0.22): into a temporary HOME it installs Debian sid's drgn 0.3.0 with sid's python 3.14 and
 * libraries through a private apt state, records the python3 in settings.json (keeping the keys
 * already there) and prints it; that python3 imports drgn 0.3.0 from the prefix; a second run is
 * instant and writes nothing; asking for bookworm's 0.0.22 takes the system's own; --no-record
 * leaves settings.json alone; the system's apt state does not change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.ts';
import { loadSettings } from '../../../electron/settings.ts';

const script = path.join(repoRoot, 'native-tools/install-drgn.sh');
let dir: string;
let env: NodeJS.ProcessEnv;
let first: { code: number | null; stdout: string; stderr: string };
const aptState = ['/var/lib/apt/lists', '/var/lib/dpkg/status'].filter(existsSync);
let aptBefore: number[];

function run(args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [script, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const settingsFile = (): string => path.join(dir, 'config', 'crashdeck', 'settings.json');

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-install-drgn-'));
  env = { PATH: process.env.PATH, HOME: path.join(dir, 'home'), XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'data') };
  mkdirSync(path.join(dir, 'config', 'crashdeck'), { recursive: true });
  writeFileSync(settingsFile(), JSON.stringify({ crashPath: '/opt/crash/bin/crash' }));
  aptBefore = aptState.map((p) => statSync(p).mtimeMs);
  first = run();
}, 300_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('install-drgn.sh', () => {
  it('installs sid\'s drgn 0.3.0 with its own python into a private prefix and prints that python3', () => {
    expect(first.code, first.stderr).toBe(0);
    const python = first.stdout.trim();
    expect(python).toBe(path.join(dir, 'data', 'crashdeck', 'drgn-0.3.0', 'bin', 'python3'));
    const r = spawnSync(python, ['-c', 'import drgn, sys; print(drgn.__version__, drgn.__file__, sys.version_info[:2])'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(new RegExp(`^0\\.3\\.0 ${path.join(dir, 'data').replaceAll('.', '\\.')}.*\\(3, 14\\)`));
  });

  it('records it as drgnPython in settings.json and keeps the other keys', async () => {
    expect(await loadSettings(env)).toEqual({ crashPath: '/opt/crash/bin/crash', drgnPython: first.stdout.trim() });
  });

  it('returns at once on a second run without writing settings.json', () => {
    const before = statSync(settingsFile()).mtimeMs;
    const again = run();
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(first.stdout.trim());
    expect(again.stderr).not.toMatch(/reading Debian/);
    expect(statSync(settingsFile()).mtimeMs).toBe(before);
  });

  it('takes the system\'s own drgn when it is new enough, and --no-record leaves settings.json alone', () => {
    const before = readFileSync(settingsFile(), 'utf8');
    const r = run(['--no-record', '0.0.22']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('/usr/bin/python3');
    expect(readFileSync(settingsFile(), 'utf8')).toBe(before);
  });

  it('changes nothing of the system\'s apt state', () => {
    expect(aptState.map((p) => statSync(p).mtimeMs)).toEqual(aptBefore);
  });

  it('gives another distribution its package command', () => {
    const osRelease = path.join(dir, 'os-release');
    writeFileSync(osRelease, 'ID=fedora\n');
    const r = run(['--no-record', '0.3.0'], { CRASHDECK_OS_RELEASE: osRelease, XDG_DATA_HOME: path.join(dir, 'other') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dnf install python3-drgn/);
  });
});
