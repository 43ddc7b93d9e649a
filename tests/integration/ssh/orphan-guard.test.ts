/**
 * A remote crash dies with its SSH session, even when it cannot exit by itself. A crash that is
 * stopped (or hung in its exit path) when the connection drops is reparented to PID 1 and would
 * keep its memory on the analysis host for good; the remote guard that remoteCommandLine
 * detaches SIGKILLs it once the sshd session process is gone. The sshd is real and on this
 * machine, so the remote crash is a process we can see in /proc. The same drop with the guard
 * off leaves the stopped crash behind, which shows these tests can fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CrashSession } from '../../../electron/crash/session.ts';
import { remoteCommandLine } from '../../../electron/transport/ssh.ts';
import type { SshProcess } from '../../../electron/transport/ssh/process.ts';
import type { ExitInfo } from '../../../electron/transport/types.ts';
import { crash806, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { cmdline, goneWithin, processesWith } from '../../support/procs.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { transportFor } from './options.ts';

let sshd: Sshd;
let dir: string;
/** A uniquely named link to the fixture: it finds this file's crash among other tests' crashes. */
let link: string;
const strays = new Set<number>();
const clients: ChildProcess[] = [];

beforeAll(async () => {
  sshd = await startSshd({ name: 'orphan-guard' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-remote-guard-'));
  link = path.join(dir, 'vmcore');
  symlinkSync(vmcorePath('panic-sysrq'), link);
});
afterEach(() => {
  for (const c of clients.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // SIGKILL ends a stopped process too; at most two crash processes may stay alive.
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  strays.clear();
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});




/** Wait for the one crash process on `link` to appear (crash starts in seconds). */
async function remoteCrash(): Promise<number> {
  await expect.poll(() => processesWith(link), { timeout: 30_000, interval: 100 }).toHaveLength(1);
  const pid = processesWith(link)[0] as number;
  strays.add(pid);
  return pid;
}

/**
 * Start crash through OpenSSH's own client with the command line crashdeck would send, so the
 * connection can be dropped the way a dying crashdeck drops it: the client process is killed.
 */
function sshClientRunningCrash(orphanGuard: boolean): { client: ChildProcess; reportedPid: Promise<number> } {
  const line = remoteCommandLine({ command: crash806(), args: ['-s', '--no_crashrc', '--no_scroll', vmlinuxPath(), link] }, { orphanGuard });
  const ssh = path.join(sshd.home, '.ssh');
  const client = spawn('ssh', ['-F', path.join(ssh, 'config'), '-i', sshd.userKey, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${path.join(ssh, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=yes', 'testbox', line], {
    env: { ...process.env, HOME: sshd.home, SSH_AUTH_SOCK: '' },
    // stdin stays an open pipe: crash waits for commands on it.
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  clients.push(client);
  let err = '';
  const reportedPid = new Promise<number>((resolve, reject) => {
    client.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /^crashdeck-remote-pid:(\d+)\n/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    client.once('close', (code) => reject(new Error(`ssh exited (${code}) before the pid line: ${err}`)));
  });
  return { client, reportedPid };
}

async function killClient(client: ChildProcess): Promise<void> {
  const closed = new Promise((resolve) => client.once('close', resolve));
  client.kill('SIGKILL');
  await closed;
}

describe('a remote crash that cannot exit by itself dies with its SSH connection', () => {
  it('a stopped crash is gone seconds after the ssh client is killed; the pid reported is crash\'s own', async () => {
    const { client, reportedPid } = sshClientRunningCrash(true);
    const pid = await remoteCrash();
    expect(await reportedPid).toBe(pid);
    // crash 8.0.6 itself, not a wrapper shell, with the fixture link in its argv.
    expect(cmdline(pid)?.some((a) => /(^|\/)crash$/.test(a))).toBe(true);
    process.kill(pid, 'SIGSTOP');
    await killClient(client);
    expect(await goneWithin(pid, 8000)).toBe(true);
  });

  it('without the guard, the same stopped crash stays on the host after the drop (what the guard prevents)', async () => {
    const { client, reportedPid } = sshClientRunningCrash(false);
    const pid = await remoteCrash();
    expect(await reportedPid).toBe(pid);
    process.kill(pid, 'SIGSTOP');
    await killClient(client);
    expect(await goneWithin(pid, 5000)).toBe(false);
    // Reparented away from the dead sshd session, still holding the dump.
    expect(cmdline(pid)).toContain(link);
  });

  it('a CrashSession over SshTransport: its stopped crash is gone after the sshd session dies', async () => {
    const ssh = transportFor(sshd);
    const session = new CrashSession({ transport: ssh, crashPath: crash806(), vmcore: link, vmlinux: vmlinuxPath(), fallback: false });
    try {
      await session.start();
      const pid = await remoteCrash();
      // The guard watching it is running (and is not in the channel's output: the session started).
      expect(processesWith('crashdeck-remote-guard').filter((g) => cmdline(g)?.[4] === String(pid))).toHaveLength(1);
      process.kill(pid, 'SIGSTOP');
      for (const p of sshd.connectionPids()) process.kill(p, 'SIGKILL');
      expect(await goneWithin(pid, 8000)).toBe(true);
    } finally {
      await session.close();
      await ssh.close();
    }
  });
});

describe('under sudo', () => {
  it('the program sudo runs (sudo\'s child, not the reported pid) is killed too once the session is gone', async () => {
    const ssh = transportFor(sshd);
    // A sleep stands in for crash: sudo stays its parent, so only a tree kill ends it. The
    // unique duration finds it; it does not end by itself during the test.
    const seconds = String(600 + (process.pid % 300));
    try {
      const proc = (await ssh.spawn({ command: 'sleep', args: [seconds], sudo: true })) as SshProcess;
      const sleepers = (): number[] => processesWith(seconds).filter((p) => cmdline(p)?.[0] === 'sleep');
      await expect.poll(sleepers, { timeout: 10_000, interval: 100 }).toHaveLength(1);
      const sleeper = sleepers()[0] as number;
      strays.add(sleeper);
      for (const p of processesWith(seconds)) strays.add(p);
      // The reported pid is sudo's; the sleep runs under it.
      expect(cmdline(proc.remotePid ?? -1)?.[0]).toBe('sudo');
      process.kill(sleeper, 'SIGSTOP');
      for (const p of sshd.connectionPids()) process.kill(p, 'SIGKILL');
      expect(await goneWithin(sleeper, 8000)).toBe(true);
    } finally {
      await ssh.close();
    }
  });
});

describe('the guard stays out of the way', () => {
  it('exit code, stdout and stderr pass through unchanged, and the guard leaves once the program ended', async () => {
    const ssh = transportFor(sshd);
    try {
      const proc = (await ssh.spawn({ command: 'sh', args: ['-c', 'echo "out $1"; echo "err $1" >&2; exit 7', 'sh', 'a b'] })) as SshProcess;
      let out = '';
      let err = '';
      proc.onStdout((c) => (out += c));
      proc.onStderr((c) => (err += c));
      const exit = new Promise<ExitInfo>((resolve) => proc.onExit(resolve));
      proc.closeStdin();
      expect(await exit).toEqual({ code: 7, signal: null });
      expect([out, err]).toEqual(['out a b\n', 'err a b\n']);
      const pid = String(proc.remotePid);
      await expect.poll(() => processesWith('crashdeck-remote-guard').filter((g) => cmdline(g)?.[4] === pid), { timeout: 5000, interval: 100 }).toEqual([]);
      const killed = await ssh.exec({ command: 'sh', args: ['-c', 'kill -TERM $$'] });
      expect(killed.signal).toBe('SIGTERM');
    } finally {
      await ssh.close();
    }
  });

  it('kill() still reaches the program: a SIGINT does not end a shell that traps it, SIGTERM does', async () => {
    const ssh = transportFor(sshd);
    try {
      const proc = await ssh.spawn({ command: 'sh', args: ['-c', 'trap "echo got-int" INT; echo ready; while :; do sleep 0.1; done'] });
      let out = '';
      proc.onStdout((c) => (out += c));
      const exit = new Promise<{ signal: string | null }>((resolve) => proc.onExit(resolve));
      await expect.poll(() => out).toContain('ready');
      proc.kill('SIGINT');
      await expect.poll(() => out).toContain('got-int');
      proc.kill('SIGTERM');
      expect((await exit).signal).toBe('SIGTERM');
    } finally {
      await ssh.close();
    }
  });
});
