/**
 * Hosts whose sshd allows one session channel per connection (`MaxSessions 1`), with and
 * without the sftp subsystem, and a stock host (sftp, MaxSessions 10: today's path): the page's
 * remote browser (host.listDir, host.probe through the Api) finds a kdump-tools crash directory
 * in each, and a second channel waits for the first instead of failing.
 */
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import type { ExitInfo } from '../../../electron/transport/types.ts';
import { crash806, fixtureMeta, vmcorePath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

interface Box {
  sshd: Sshd;
  hosts: SshHosts;
  api: ApiHost;
  host: string;
  crashDir: string;
  dump: string;
}

const configs = [
  { name: 'sftp, MaxSessions 1', sftp: true, maxSessions: 1 },
  { name: 'no sftp, MaxSessions 1', sftp: false, maxSessions: 1 },
  { name: 'sftp, MaxSessions 10 (stock)', sftp: true, maxSessions: 10 },
] as const;

const boxes = new Map<string, Box>();

beforeAll(async () => {
  for (const c of configs) {
    const sshd = await startSshd({ name: `ms${c.maxSessions}${c.sftp ? 'sftp' : 'exec'}`, sftp: c.sftp, maxSessions: c.maxSessions });
    const hosts = new SshHosts({ home: sshd.home, appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
    const api = createApi({ crashPath: crash806(), transportFor: hosts.transportFor });
    // /var/crash as kdump-tools writes it: a dated directory with the dump and its dmesg.
    const crashDir = mkdtempSync(path.join(sshd.dir, 'var crash '));
    mkdirSync(path.join(crashDir, '202612041500'));
    const dump = path.join(crashDir, '202612041500', 'dump.202612041500');
    symlinkSync(vmcorePath('panic-sysrq'), dump);
    writeFileSync(path.join(crashDir, '202612041500', 'dmesg.202612041500'), 'dmesg text\n');
    writeFileSync(path.join(crashDir, 'kexec_cmd'), 'kexec -p\n');
    boxes.set(c.name, { sshd, hosts, api, host: `ssh://root@127.0.0.1:${sshd.port}`, crashDir, dump });
  }
});
afterAll(async () => {
  for (const b of boxes.values()) {
    await b.api.dispose();
    await b.hosts.closeAll();
    await b.sshd.stop();
  }
});

type Listing = { entries: { name: string; isDir: boolean; size: number }[] };

describe.each(configs)('$name', (c) => {
  const box = (): Box => boxes.get(c.name) as Box;

  it('browses the crash directory and probes it (host.listDir, host.probe)', async () => {
    const b = box();
    const top = (await b.api.dispatch('host.listDir', { host: b.host, path: b.crashDir })) as Listing;
    expect(top.entries).toEqual([
      { name: '202612041500', isDir: true, size: statSync(path.join(b.crashDir, '202612041500')).size },
      { name: 'kexec_cmd', isDir: false, size: 9 },
    ]);
    const inner = (await b.api.dispatch('host.listDir', { host: b.host, path: path.join(b.crashDir, '202612041500') })) as Listing;
    expect(inner.entries).toContainEqual({ name: 'dump.202612041500', isDir: false, size: statSync(vmcorePath('panic-sysrq')).size });
    expect(inner.entries).toContainEqual({ name: 'dmesg.202612041500', isDir: false, size: 11 });
    const probe = (await b.api.dispatch('host.probe', { host: b.host, crashDir: b.crashDir })) as { dumps: { vmcore: string; layout: string; release: string | null }[] };
    expect(probe.dumps).toEqual([expect.objectContaining({ vmcore: b.dump, layout: 'kdump-tools', release: fixtureMeta('panic-sysrq').kernel.release })]);
    const t = b.hosts.transportFor(b.host);
    expect(t.fileAccess).toBe(c.sftp ? 'sftp' : 'exec');
  });

  it('a file read waits while a long-lived process holds the only channel, then runs', async () => {
    const b = box();
    const t = b.hosts.transportFor(b.host);
    // This test's refusals only (the probe before it may have taught its own connection).
    const refusalsBefore = (b.sshd.log().match(/no more sessions/g) ?? []).length;
    // crash's place: a process that keeps its channel until its stdin closes.
    const held = await t.spawn({ command: 'cat', args: [] });
    const exited = new Promise<ExitInfo>((resolve) => held.onExit(resolve));
    let statDone = false;
    const stat = t.stat(b.dump).then((st) => {
      statDone = true;
      return st;
    });
    await new Promise((r) => setTimeout(r, 1500));
    // With one session allowed, the stat cannot run beside cat; with ten it already did.
    expect(statDone).toBe(c.maxSessions !== 1);
    held.closeStdin();
    expect((await exited).code).toBe(0);
    expect((await stat)?.size).toBe(statSync(vmcorePath('panic-sysrq')).size);
    // Learned from sshd's one refusal (the open beside cat); the stock host never refused.
    expect(t.learnedMaxSessions).toBe(c.maxSessions === 1 ? 1 : undefined);
    // Never a leaked channel, never more refusals than the one that taught the limit.
    await expect.poll(() => t.openChannels).toBe(0);
    expect((b.sshd.log().match(/no more sessions/g) ?? []).length - refusalsBefore).toBeLessThanOrEqual(c.maxSessions === 1 ? 1 : 0);
  });

  // Only where one session is allowed: with the stock ten, cat never holds the last one, so
  // nothing waits; the stock block does not declare it.
  if (c.maxSessions === 1) it('a request that waits too long says MaxSessions and what holds the session', async () => {
    const b = box();
    const t = transportFor(b.sshd, { channelWaitMs: 1500 });
    try {
      const held = await t.spawn({ command: 'cat', args: [] });
      const exited = new Promise<ExitInfo>((resolve) => held.onExit(resolve));
      const e = await rejectionCode(t.stat(b.dump));
      expect(e.code).toBe('refused');
      expect(e.message).toMatch(/MaxSessions reached: .* waited 2 s for one of sshd's session channels \(MaxSessions 1\), all held by: cat/);
      expect(e.hint).toMatch(/raise MaxSessions/);
      held.closeStdin();
      await exited;
      // Nothing was lost: the next request runs.
      expect((await t.stat(b.dump))?.isFile).toBe(true);
    } finally {
      await t.close();
    }
  });
});
