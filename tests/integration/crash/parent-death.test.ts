/**
 * Orphaned crash: a crash started through LocalTransport dies with the process that started it.
 * crash 8.0.6 can hang in a futex once its parent is SIGKILLed (its own SIGUSR2 parent-death
 * handler exits from signal context), leaving ~1 GB orphans; LocalTransport's orphan guard
 * SIGKILLs it. A Node child opens a real crash 8.0.6 session on a fixture, prints crash's pid,
 * and is SIGKILLed; the crash process must be gone in seconds. The same with the guard off
 * shows the test can fail. Over SSH a live crash ends with its sshd parent (checked here); one
 * that is stopped or hung is killed by the remote guard (tests/integration/ssh/orphan-guard.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CrashSession } from '../../../electron/crash/session.ts';
import { crash806, repoRoot, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import type { LocalSpawnChildSpec } from '../../support/local-spawn-child.ts';
import { cmdline, goneWithin, processesWith } from '../../support/procs.ts';
import { startSshd } from '../../support/sshd.ts';
import { transportFor } from '../ssh/options.ts';

const release = '6.1.0-56-cloud-amd64';
const childScript = path.join(repoRoot, 'tests/support/local-spawn-child.ts');
const started: ChildProcess[] = [];
const strays: number[] = [];

afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});


/** Start the child and wait for the pid it reports. */
async function startChild(spec: LocalSpawnChildSpec): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify(spec)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"pid":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('close', (code) => reject(new Error(`child exited (${code}) before reporting a pid: ${err}`)));
  });
  strays.push(pid);
  return { child, pid };
}

async function killAndWait(child: ChildProcess): Promise<void> {
  const closed = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGKILL');
  await closed;
}


describe('processes started by LocalTransport die with their parent', () => {
  it('a real crash 8.0.6 session: crash is gone seconds after its parent is SIGKILLed, even when it does not exit by itself', async () => {
    const vmcore = vmcorePath('panic-sysrq');
    const { child, pid } = await startChild({ kind: 'crash', crashPath: crash806(), vmcore, vmlinux: vmlinuxPath(), crashVersion: '8.0.6', release, dieWithParent: true });
    // The pid the session reports is crash's own (the fixture's launcher script execs crash
    // through its bundled loader), with the fixture's vmcore in its argv.
    const argv = cmdline(pid);
    expect(argv?.some((a) => /(^|\/)crash$/.test(a))).toBe(true);
    expect(argv).toContain(vmcore);
    // crash's own parent-death handling (SIGUSR2 -> clean_exit) is what hangs; a stopped crash
    // cannot act on it either, so only crashdeck's guard can end it.
    process.kill(pid, 'SIGSTOP');
    await killAndWait(child);
    expect(await goneWithin(pid, 5000)).toBe(true);
  });

  it('without the guard, the same stopped crash outlives its parent (what the guard prevents)', async () => {
    const vmcore = vmcorePath('panic-sysrq');
    const { child, pid } = await startChild({ kind: 'crash', crashPath: crash806(), vmcore, vmlinux: vmlinuxPath(), crashVersion: '8.0.6', release, dieWithParent: false });
    process.kill(pid, 'SIGSTOP');
    await killAndWait(child);
    expect(await goneWithin(pid, 3000)).toBe(false);
    expect(cmdline(pid)).toContain(vmcore);
  });

  it('a plain program: killed with the parent under the guard, left running without it', async () => {
    const guarded = await startChild({ kind: 'program', command: 'sleep', args: ['300'], dieWithParent: true });
    const bare = await startChild({ kind: 'program', command: 'sleep', args: ['301'], dieWithParent: false });
    expect(cmdline(guarded.pid)).toEqual(['sleep', '300']);
    expect(cmdline(bare.pid)).toEqual(['sleep', '301']);
    await killAndWait(guarded.child);
    await killAndWait(bare.child);
    expect(await goneWithin(guarded.pid, 5000)).toBe(true);
    expect(cmdline(bare.pid)).toEqual(['sleep', '301']);
  });
});


describe('over SSH (real sshd)', () => {
  it('the remote crash ends when the connection drops (the sshd process that is its parent exits)', async () => {
    // A uniquely named link to the fixture finds this test's remote crash among others' crashes.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-pdeath-'));
    const link = path.join(dir, 'vmcore');
    symlinkSync(vmcorePath('panic-sysrq'), link);
    const sshd = await startSshd({ name: 'parent-death' });
    const ssh = transportFor(sshd);
    const session = new CrashSession({ transport: ssh, crashPath: crash806(), vmcore: link, vmlinux: vmlinuxPath(), fallback: false });
    try {
      await session.start();
      const before = processesWith(link);
      expect(before).toHaveLength(1);
      strays.push(...before);
      for (const pid of sshd.connectionPids()) process.kill(pid, 'SIGKILL');
      expect(await goneWithin(before[0] as number, 5000)).toBe(true);
    } finally {
      await session.close();
      await ssh.close();
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
