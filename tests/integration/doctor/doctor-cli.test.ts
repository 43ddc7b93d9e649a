/**
 * `crashdeck doctor` on this machine with each piece missing in turn — the real CLI, real
 * binaries, PATH without them (a farm of symlinks to the system's programs minus the ones
 * taken away), bookworm's too-old crash 8.0.2 against a 6.1 dump, a debuginfod URL nobody
 * listens on next to a real debuginfod — and over --host against a real sshd. HOME is a temp
 * dir, so no settings.json or ~/.ssh of the real user is read.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashRequirementFor } from '../../../electron/crash/crash-requirements.ts';
import type { DoctorCheck, DoctorReport } from '../../../electron/doctor/types.ts';
import { runCrashdeck, type CliResult } from '../../support/cli.ts';
import { crash802, crash806, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { freePort, startSshd, type Sshd } from '../../support/sshd.ts';

let dir: string;
let home: string;
let debuginfod: ChildProcess | undefined;
let debuginfodUrl: string;
const release61 = fixtureMeta('panic-sysrq').kernel.release;

/** A PATH directory holding every program of the system's PATH except `without`. */
function pathWithout(without: readonly string[]): string {
  const farm = mkdtempSync(path.join(dir, 'path-'));
  for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (without.includes(name) || existsSync(path.join(farm, name))) continue;
      symlinkSync(path.join(d, name), path.join(farm, name));
    }
  }
  return farm;
}

/** The environment of a user with nothing configured: temp HOME, no crashdeck or debuginfod variables. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), CRASHDECK_CRASH: '', CRASHDECK_CHROMIUM: '', CRASHDECK_TRACE_CMD: '', CRASHDECK_PERF: '', DEBUGINFOD_URLS: '', SSH_AUTH_SOCK: '', ...extra };
}

function doctor(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCrashdeck(['doctor', ...args], cleanEnv(env), { timeoutMs: 170_000 });
}

function json(r: CliResult): DoctorReport {
  try {
    return JSON.parse(r.stdout) as DoctorReport;
  } catch {
    throw new Error(`doctor --json printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

function check(r: DoctorReport, id: string): DoctorCheck {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${JSON.stringify(r.checks.map((x) => x.id))}`);
  return c;
}

const dump61 = (): string[] => ['--dump', vmcorePath('panic-sysrq'), '--vmlinux', vmlinuxPath('panic-sysrq')];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-doctor-'));
  home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  // A real debuginfod serving an empty directory: reachable, answers /metrics.
  const port = await freePort();
  mkdirSync(path.join(dir, 'debuginfod-empty'));
  debuginfod = spawn('debuginfod', ['-p', String(port), '-d', path.join(dir, 'debuginfod.sqlite'), '-F', path.join(dir, 'debuginfod-empty')], { stdio: 'ignore' });
  debuginfodUrl = `http://127.0.0.1:${port}/`;
  const until = Date.now() + 20_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > until) throw new Error('debuginfod did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(() => {
  debuginfod?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crashdeck doctor on this machine', () => {
  it('everything there (crash 8.0.6, the 6.1 dump and its vmlinux, real debuginfod): exit 0, each check ok with what it found', async () => {
    const r = await doctor([...dump61(), '--crash', crash806(), '--json'], { DEBUGINFOD_URLS: debuginfodUrl });
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r);
    expect(rep.ok).toBe(true);
    expect(check(rep, 'crash').detail).toContain('crash 8.0.6');
    expect(check(rep, 'dump').detail).toContain(release61);
    expect(check(rep, 'crash-version')).toMatchObject({ status: 'ok' });
    expect(check(rep, 'crash-version').detail).toContain(`≥ ${crashRequirementFor(release61)?.minimum}`);
    expect(check(rep, 'vmlinux')).toMatchObject({ status: 'ok', detail: vmlinuxPath('panic-sysrq') });
    // Versions as the tools themselves print them.
    const tc = /trace-cmd version (\S+)/.exec(spawnOut('trace-cmd', ['--version']))?.[1];
    expect(check(rep, 'trace-cmd')).toMatchObject({ status: 'ok' });
    expect(check(rep, 'trace-cmd').detail).toContain(`trace-cmd ${tc}`);
    expect(check(rep, 'perf').detail).toContain(/perf version (\S+)/.exec(spawnOut('perf', ['--version']))?.[1]);
    expect(check(rep, 'makedumpfile').detail).toContain(/version (\S+)/.exec(spawnOut('makedumpfile', ['-v']))?.[1]);
    expect(check(rep, 'chromium')).toMatchObject({ status: 'ok' });
    expect(check(rep, 'debuginfod')).toMatchObject({ status: 'ok', title: `debuginfod ${debuginfodUrl}` });
  });

  it('PATH without crash: exit 1, crash not found, the fix is install-crash.sh', async () => {
    const r = await doctor(dump61(), { PATH: pathWithout(['crash']) });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}crash found: crash not found \(crash\)/);
    expect(r.stdout).toMatch(/fix: Run: bash native-tools\/install-crash\.sh/);
    expect(r.stdout).toMatch(/1 problem\(s\) a dump analysis needs fixed/);
  });

  it('PATH without makedumpfile, trace-cmd, perf and gdb-add-index, Chromium missing: warnings with their fixes, still exit 0', async () => {
    const r = await doctor([...dump61(), '--crash', crash806(), '--json'], { PATH: pathWithout(['makedumpfile', 'trace-cmd', 'perf', 'gdb-add-index']), CRASHDECK_CHROMIUM: path.join(dir, 'no-chromium'), CRASHDECK_GDB_INDEX: '1' });
    expect(r.code, r.stderr).toBe(0);
    const rep = json(r);
    expect(check(rep, 'makedumpfile')).toMatchObject({ status: 'warn', fix: 'sudo apt-get install makedumpfile' });
    expect(check(rep, 'trace-cmd')).toMatchObject({ status: 'warn', detail: 'trace-cmd not found' });
    expect(check(rep, 'trace-cmd').fix).toContain('apt-get install trace-cmd');
    expect(check(rep, 'perf')).toMatchObject({ status: 'warn', detail: 'perf not found' });
    expect(check(rep, 'perf').fix).toContain('linux-perf');
    expect(check(rep, 'chromium').status).toBe('warn');
    expect(check(rep, 'chromium').fix).toContain('apt-get install chromium');
    // No gdb-add-index: no faster-starting indexed vmlinux, said with the package that has it.
    expect(check(rep, 'gdb-index')).toMatchObject({ status: 'warn' });
    expect(check(rep, 'gdb-index').detail).toContain('gdb-add-index is missing');
    expect(check(rep, 'gdb-index').fix).toContain('apt-get install gdb');
    expect(rep.ok).toBe(true);
  });

  it("too old a crash (--crash /usr/bin/crash, bookworm's 8.0.2) against the 6.1 dump: exit 1, names 8.0.4 and the command", async () => {
    const r = await doctor([...dump61(), '--crash', crash802()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`FAIL  crash new enough for kernel ${release61}: crash 8.0.2 is older than 8.0.4`);
    expect(r.stdout).toContain('fix: Run: bash native-tools/install-crash.sh (installs crash 8.0.6');
  });

  it('a debuginfod URL nobody answers (settings debuginfodUrls) beside a working one: exit 1, the dead one named with its fix', async () => {
    const closed = await freePort();
    const dead = `http://127.0.0.1:${closed}/`;
    mkdirSync(path.join(home, '.config', 'crashdeck'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'crashdeck', 'settings.json'), JSON.stringify({ debuginfodUrls: [dead] }));
    try {
      const r = await doctor([...dump61(), '--crash', crash806(), '--json'], { DEBUGINFOD_URLS: debuginfodUrl });
      expect(r.code, r.stderr).toBe(1);
      const d = json(r).checks.filter((c) => c.id === 'debuginfod');
      expect(d.map((c) => [c.title, c.status])).toEqual([[`debuginfod ${debuginfodUrl}`, 'ok'], [`debuginfod ${dead}`, 'fail']]);
      expect(d[1]?.detail).toMatch(/unreachable: ECONNREFUSED \(from settings debuginfodUrls\)/);
      expect(d[1]?.fix).toContain('remove it from settings debuginfodUrls');
    } finally {
      rmSync(path.join(home, '.config', 'crashdeck', 'settings.json'));
    }
  });

  it('the dumps in a crash directory (kdump-tools layout, a 6.1 and a 6.12 dump): crash judged per kernel, the vmlinux looked for per kernel', async () => {
    const crashDir = path.join(dir, 'var-crash');
    for (const [stamp, scenario] of [['202612040101', 'panic-sysrq'], ['202612040202', 'oops-syscall-6.12']] as const) {
      mkdirSync(path.join(crashDir, stamp), { recursive: true });
      symlinkSync(vmcorePath(scenario), path.join(crashDir, stamp, `dump.${stamp}`));
    }
    const r = await doctor(['--crash-dir', crashDir, '--crash', crash806(), '--json']);
    const rep = json(r);
    expect(check(rep, 'dumps').detail).toMatch(/^2 dump\(s\)/);
    const releases = [release61, fixtureMeta('oops-syscall-6.12').kernel.release];
    const versions = rep.checks.filter((c) => c.id === 'crash-version');
    expect(versions.map((c) => [c.title, c.status]).sort()).toEqual(releases.map((rel) => [`crash new enough for kernel ${rel}`, 'ok']).sort());
    // Neither debug vmlinux is installed where Debian puts it (the tests keep theirs in a cache).
    const vm = rep.checks.filter((c) => c.id === 'vmlinux');
    for (const rel of releases) {
      const c = vm.find((x) => x.title === `debug vmlinux for ${rel}`);
      const installed = existsSync(`/usr/lib/debug/boot/vmlinux-${rel}`) || existsSync(`/usr/lib/debug/lib/modules/${rel}/vmlinux`) || existsSync(`/boot/vmlinux-${rel}`);
      expect(c?.status).toBe(installed ? 'ok' : 'fail');
      if (!installed) expect(c?.fix).toContain(`linux-image-${rel}-dbg`);
    }
    expect(r.code).toBe(vm.every((c) => c.status === 'ok') ? 0 : 1);
  });

  it('bad --dump: a missing file and a file that is no dump each fail the dump check with the next step', async () => {
    const missing = json(await doctor(['--dump', path.join(dir, 'no such dump'), '--crash', crash806(), '--json']));
    expect(check(missing, 'dump')).toMatchObject({ status: 'fail', detail: `no such file: ${path.join(dir, 'no such dump')}` });
    const notDump = json(await doctor(['--dump', path.join(path.dirname(vmcorePath('panic-sysrq')), 'meta.json'), '--crash', crash806(), '--json']));
    expect(check(notDump, 'dump').status).toBe('fail');
    expect(check(notDump, 'dump').detail).toContain('is not a crash dump');
    expect(notDump.ok).toBe(false);
  });

  it('usage errors exit 2', async () => {
    expect((await doctor(['/var/crash/x'])).code).toBe(2);
    expect((await doctor(['--vmlinux', '/x'])).code).toBe(2);
  });
});

describe('crashdeck doctor --host (real sshd)', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd({ name: 'doctor' });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('reachable, key known, files readable, sudo -n, and crash + vmlinux on the host for the dump', async () => {
    const r = await runCrashdeck(['doctor', '--host', `root@127.0.0.1:${sshd.port}`, ...dump61(), '--crash', crash806(), '--json'], cleanEnv({ HOME: sshd.home }), { timeoutMs: 170_000 });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const rep = json(r);
    expect(rep.host).toBe(`root@127.0.0.1:${sshd.port}`);
    for (const id of ['ssh-reach', 'ssh-host-key', 'ssh-files', 'sudo', 'crash', 'crash-version', 'vmlinux']) expect(check(rep, id).status, id).toBe('ok');
    // SFTP, or (a server refusing it) exec channels: whichever the transport chose, or plain "SSH" when it does not say.
    expect(check(rep, 'ssh-files').detail).toMatch(/^files read over (SFTP|exec channels|SSH)/);
    expect(check(rep, 'crash').where).toBe(rep.host);
    // Chromium and the trace tools are this machine's: crashdeck runs them here.
    expect(check(rep, 'chromium').where).toBe('this machine');
  });

  it("settings.json's crashPath (a path on this machine) is not used on the host: its own crash 8.0.2 is found, judged too old, with what to run there", async () => {
    const cfg = path.join(sshd.home, '.config', 'crashdeck');
    mkdirSync(cfg, { recursive: true });
    writeFileSync(path.join(cfg, 'settings.json'), JSON.stringify({ crashPath: path.join(dir, 'local-only', 'crash') }));
    try {
      const spec = `root@127.0.0.1:${sshd.port}`;
      const r = await runCrashdeck(['doctor', '--host', spec, ...dump61(), '--json'], cleanEnv({ HOME: sshd.home, XDG_CONFIG_HOME: path.join(sshd.home, '.config') }), { timeoutMs: 170_000 });
      expect(r.code).toBe(1);
      const rep = json(r);
      expect(check(rep, 'crash').detail).toBe(`crash (${execFileSync('sh', ['-c', 'command -v crash'], { encoding: 'utf8' }).trim()}): crash 8.0.2`);
      expect(check(rep, 'crash-version').status).toBe('fail');
      expect(check(rep, 'crash-version').fix).toBe(`On ${spec} run: scp -P ${sshd.port} native-tools/install-crash.sh root@127.0.0.1: && ssh -p ${sshd.port} root@127.0.0.1 bash install-crash.sh — it prints the crash path there; pass it with --crash.`);
    } finally {
      rmSync(path.join(cfg, 'settings.json'));
    }
  });

  it('an unknown host key: exit 1, the fingerprint and how to accept it; nothing else checked there', async () => {
    const nobody = path.join(sshd.dir, 'nobody-home');
    mkdirSync(path.join(nobody, '.ssh'), { recursive: true });
    const r = await runCrashdeck(['doctor', '--host', `root@127.0.0.1:${sshd.port}`, '--json'], cleanEnv({ HOME: nobody }), { timeoutMs: 170_000 });
    expect(r.code).toBe(1);
    const rep = json(r);
    expect(check(rep, 'ssh-reach').status).toBe('ok');
    expect(check(rep, 'ssh-host-key')).toMatchObject({ status: 'fail' });
    expect(check(rep, 'ssh-host-key').detail).toContain(sshd.hostKeyFingerprint);
    expect(check(rep, 'ssh-host-key').fix).toContain('ssh root@127.0.0.1');
    expect(rep.checks.some((c) => c.id === 'crash')).toBe(false);
  });

  it('nobody listening: exit 1, SSH host not reachable', async () => {
    const port = await freePort();
    const r = await runCrashdeck(['doctor', '--host', `root@127.0.0.1:${port}`], cleanEnv({ HOME: sshd.home }), { timeoutMs: 170_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}SSH host reachable: /);
  });
});

function spawnOut(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}
