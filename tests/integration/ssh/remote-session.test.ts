import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrashSession } from '../../../electron/crash/session.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import type { SshTransport } from '../../../electron/transport/ssh.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { crash806, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

// At most two crash processes at once: one local, one over SSH.
let sshd: Sshd;
let ssh: SshTransport;
let local: CrashSession;
let remote: CrashSession;

beforeAll(async () => {
  sshd = await startSshd({ name: 'session' });
  ssh = transportFor(sshd);
  const base = { crashPath: crash806(), vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), commandTimeoutMs: 120_000 };
  local = new CrashSession({ ...base, transport: new LocalTransport() });
  remote = new CrashSession({ ...base, transport: ssh });
  await Promise.all([local.start(), remote.start()]);
});
afterAll(async () => {
  await remote?.close();
  await local?.close();
  await ssh?.close();
  await sshd?.stop();
});

describe('crash over SSH on the panic-sysrq fixture', () => {
  it.each(['sys', 'ps', 'kmem -s', 'bt'])('"%s" gives the same output and parsed model as a local run', async (command) => {
    const [l, r] = await Promise.all([local.run(command), remote.run(command)]);
    expect(r.raw).toBe(l.raw);
    expect(r.error).toBeUndefined();
    const lp = parseCommandOutput(command, l.raw);
    expect(lp).not.toBeNull();
    expect(parseCommandOutput(command, r.raw)).toEqual(lp);
  });

  it('shows the fixture\'s panic task and release remotely', async () => {
    const sys = await remote.run('sys');
    const truth = fixtureMeta('panic-sysrq');
    expect(sys.raw).toContain(truth.kernel.release);
    const bt = await remote.run('bt');
    const task = truth.truth.panic_task;
    expect(bt.raw).toMatch(new RegExp(`PID: ${task.pid}\\s.*CPU: ${task.cpu}\\s.*COMMAND: "${task.comm}"`));
    expect(sys.raw).toMatch(new RegExp(`PANIC: ".*${truth.truth.panic_message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('survives the connection dropping mid-command: that command fails, the session restarts over a new connection', async () => {
    const before = await remote.run('sys');
    const running = remote.run('foreach bt');
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of sshd.connectionPids()) process.kill(pid, 'SIGKILL');
    const e = await rejectionCode(running);
    // The transport reports the exit with reason 'connection-lost' and the session says so.
    expect(e.code).toBe('connection-lost');
    expect(ssh.connected).toBe(false);
    // The next command waits for the restart, which reconnects.
    const after = await remote.run('sys');
    expect(after.raw).toBe(before.raw);
    expect(ssh.connected).toBe(true);
    expect(remote.restarts).toBeGreaterThan(0);
  });

  it('reports a crash binary missing on the remote host as crash-missing', async () => {
    const s = new CrashSession({ transport: ssh, crashPath: '/nonexistent/crash', vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), fallback: false });
    try {
      expect((await rejectionCode(s.start())).code).toBe('crash-missing');
    } finally {
      await s.close();
    }
  });
});
