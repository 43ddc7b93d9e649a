import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExitInfo, RunningProcess } from '../../../electron/transport/types.ts';
import type { SshTransport } from '../../../electron/transport/ssh.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

let sshd: Sshd;
let t: SshTransport;
beforeAll(async () => {
  // MaxSessions 10 as on a stock server: a leaked channel per command would fail by the 10th.
  sshd = await startSshd({ name: 'channels' });
  t = transportFor(sshd);
});
afterAll(async () => {
  await t?.close();
  await sshd?.stop();
});

function exited(p: RunningProcess): Promise<ExitInfo> {
  return new Promise((resolve) => p.onExit(resolve));
}

/** Number of sleep processes with this marker argument on the (local = remote) host. */
async function running(marker: string): Promise<number> {
  const r = await t.exec({ command: 'sh', args: ['-c', 'pgrep -f -- "$1" | wc -l', 'sh', `sleep ${marker}`] });
  // pgrep also sees the sh -c running this very check.
  return Math.max(0, Number(r.stdout.trim()) - 1);
}

describe('exec channels', () => {
  it('reports stdout, stderr and the exit code separately', async () => {
    const r = await t.exec({ command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 7'] });
    expect(r).toEqual({ code: 7, signal: null, stdout: 'out\n', stderr: 'err\n' });
  });

  it('runs sequential execs and spawned-and-killed processes, more than MaxSessions, without leaking a channel', async () => {
    for (let i = 0; i < 6; i++) {
      expect((await t.exec({ command: 'echo', args: [String(i)] })).stdout).toBe(`${i}\n`);
    }
    for (let i = 0; i < 6; i++) {
      const p = await t.spawn({ command: 'sleep', args: ['300'] });
      const done = exited(p);
      p.kill('SIGKILL');
      await done;
    }
    // Every channel is closed again (the kill helpers finish a moment after their target)...
    await expect.poll(() => t.openChannels, { timeout: 5000 }).toBe(0);
    // ...and more at once than the server's ten all run (queued, never refused).
    const many = await Promise.all(Array.from({ length: 12 }, (_, i) => t.exec({ command: 'echo', args: [`p${i}`] })));
    expect(many.map((r) => r.stdout)).toEqual(Array.from({ length: 12 }, (_, i) => `p${i}\n`));
    expect(t.openChannels).toBe(0);
    expect(sshd.log()).not.toMatch(/no more sessions/);
  });

  it('queues a process beyond MaxSessions instead of failing, still kills the others, and is never refused', async () => {
    const procs: RunningProcess[] = [];
    try {
      // Long-lived processes take at most nine of the ten sessions: one stays for a kill.
      for (let i = 0; i < 9; i++) procs.push(await t.spawn({ command: 'sleep', args: ['302'] }));
      let tenthStarted = false;
      const tenth = t.spawn({ command: 'sleep', args: ['303'] }).then((p) => {
        tenthStarted = true;
        return p;
      });
      await new Promise((r) => setTimeout(r, 1000));
      expect(tenthStarted).toBe(false);
      // The kill runs on the free session; the ended process's session goes to the queued one.
      const first = procs.shift() as RunningProcess;
      const done = exited(first);
      first.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      procs.push(await tenth);
      expect(tenthStarted).toBe(true);
    } finally {
      await Promise.all(procs.map((p) => {
        const done = exited(p);
        p.kill('SIGKILL');
        return done;
      }));
    }
    expect((await t.exec({ command: 'echo', args: ['free again'] })).stdout).toBe('free again\n');
    expect(sshd.log()).not.toMatch(/no more sessions/);
  });

  it('streams a process: stdin in, stdout chunks out as they are written', async () => {
    const p = await t.spawn({ command: 'cat', args: [] });
    const chunks: string[] = [];
    p.onStdout((c) => chunks.push(c));
    p.write('first\n');
    await expect.poll(() => chunks.join(''), { timeout: 10_000 }).toBe('first\n');
    p.write('second\n');
    await expect.poll(() => chunks.join(''), { timeout: 10_000 }).toBe('first\nsecond\n');
    const done = exited(p);
    p.closeStdin();
    expect(await done).toEqual({ code: 0, signal: null });
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('delivers %s to the remote program', async (sig) => {
    const marker = `3${Math.floor(Math.random() * 1e6)}`;
    const p = await t.spawn({ command: 'sleep', args: [marker] });
    await expect.poll(() => running(marker), { timeout: 15_000 }).toBe(1);
    const done = exited(p);
    p.kill(sig);
    expect((await done).signal).toBe(sig);
    await expect.poll(() => running(marker), { timeout: 15_000 }).toBe(0);
  });

  it('delivers a signal sent right after spawn, before the program reported its pid', async () => {
    const p = await t.spawn({ command: 'sleep', args: ['301'] });
    const done = exited(p);
    p.kill('SIGINT');
    expect((await done).signal).toBe('SIGINT');
  });

  it('times out a command with timeout and kills it', async () => {
    const marker = `4${Math.floor(Math.random() * 1e6)}`;
    const e = await rejectionCode(t.exec({ command: 'sleep', args: [marker] }, { timeoutMs: 300 }));
    expect(e.code).toBe('timeout');
    await expect.poll(() => running(marker), { timeout: 15_000 }).toBe(0);
  });

  it('stops a command that writes more than maxBytes', async () => {
    const e = await rejectionCode(t.exec({ command: 'yes', args: [] }, { maxBytes: 100_000 }));
    expect(e.message).toMatch(/more than 100000 bytes/);
    expect((await t.exec({ command: 'true', args: [] })).code).toBe(0);
  });

  it('passes env and cwd', async () => {
    const r = await t.exec({ command: 'sh', args: ['-c', 'echo "$PWD $GREETING"'], env: { GREETING: 'hi there' }, cwd: '/tmp' });
    expect(r.stdout).toBe('/tmp hi there\n');
  });

  it('reports a missing program as exit 127 with the shell message', async () => {
    const r = await t.exec({ command: 'crashdeck-no-such-program', args: [] });
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/not found/);
  });
});
