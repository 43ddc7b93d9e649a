import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExitInfo } from '../../../electron/transport/types.ts';
import { vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd({ name: 'drop' });
});
afterAll(async () => {
  await sshd?.stop();
});

/** Kill the per-connection sshd processes: the network drop as the client sees it. */
function dropConnections(): number {
  const pids = sshd.connectionPids();
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids.length;
}

describe('a connection lost mid-command', () => {
  it('fails the running command with connection-lost, reports it, and the next call reconnects', async () => {
    const t = transportFor(sshd);
    const lost: string[] = [];
    t.onConnectionLost((e) => lost.push(e.code));
    try {
      const running = t.exec({ command: 'sleep', args: ['60'] });
      const proc = await t.spawn({ command: 'cat', args: [] });
      const procExit = new Promise<ExitInfo>((resolve) => proc.onExit(resolve));
      await expect.poll(() => sshd.connectionPids().length).toBeGreaterThan(0);
      // Let both channels be open on the server before the drop.
      await new Promise((r) => setTimeout(r, 300));
      expect(dropConnections()).toBeGreaterThan(0);

      const e = await rejectionCode(running);
      expect(e.code).toBe('connection-lost');
      expect(e.message).toMatch(/lost while sleep was running/);
      expect(e.hint).toMatch(/Reconnect/);
      expect(await procExit).toEqual({ code: null, signal: null, reason: 'connection-lost' });
      expect(lost).toEqual(['connection-lost']);
      expect(t.connected).toBe(false);

      // Reconnect happens on the next call, same transport object.
      expect((await t.exec({ command: 'echo', args: ['back'] })).stdout).toBe('back\n');
      expect(t.connected).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('fails a file read cut by the drop with connection-lost, and the next read works', async () => {
    const t = transportFor(sshd);
    try {
      const big = vmlinuxPath();
      const reading = t.readRange(big, 0, 400 * 1024 * 1024);
      await new Promise((r) => setTimeout(r, 300));
      dropConnections();
      expect((await rejectionCode(reading)).code).toBe('connection-lost');
      expect((await t.readRange(big, 0, 4)).toString('latin1')).toBe('\x7fELF');
    } finally {
      await t.close();
    }
  });

  it('reconnect() after a drop gives a working connection', async () => {
    const t = transportFor(sshd);
    try {
      await t.connect();
      dropConnections();
      await expect.poll(() => t.connected).toBe(false);
      await t.reconnect();
      expect((await t.exec({ command: 'echo', args: ['again'] })).stdout).toBe('again\n');
    } finally {
      await t.close();
    }
  });

  it('notices a silent peer (no FIN, no RST) through keepalive and fails the command', async () => {
    const t = transportFor(sshd, { keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    try {
      await t.connect();
      const running = t.exec({ command: 'sleep', args: ['20'] });
      await new Promise((r) => setTimeout(r, 300));
      // Freeze the server side of this connection: packets go unanswered, the socket stays open.
      const pids = sshd.connectionPids();
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      try {
        const e = await rejectionCode(running);
        expect(e.code).toBe('connection-lost');
      } finally {
        // SIGKILL ends a stopped process too.
        for (const pid of pids) process.kill(pid, 'SIGKILL');
      }
      expect((await t.exec({ command: 'echo', args: ['alive'] })).stdout).toBe('alive\n');
    } finally {
      await t.close();
    }
  });

  it('refuses to work after close()', async () => {
    const t = transportFor(sshd);
    await t.connect();
    await t.close();
    expect((await rejectionCode(t.exec({ command: 'true', args: [] }))).code).toBe('connection-lost');
  });
});
