/**
 * dump.identify and a crash-less session.open over SSH (real sshd): makedumpfile runs on the host
 * that holds the dump, only the log text comes back, its private temp dir is gone afterwards, and
 * a path with shell metacharacters reaches it intact.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { withoutCallerIds } from '../../../electron/dumpinfo/log-triage.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import { fixtureFile, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';

let sshd: Sshd;
let hosts: SshHosts;
let api: ApiHost;
let host: string;

beforeAll(async () => {
  sshd = await startSshd({ name: 'identify' });
  hosts = new SshHosts({ home: sshd.home, appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
  hosts.acceptHostKey(sshd.hostKeyFingerprint);
  api = createApi({ crashPath: '/nonexistent/crash', transportFor: hosts.transportFor });
  host = `ssh://root@127.0.0.1:${sshd.port}`;
});
afterAll(async () => {
  await api?.dispose();
  await hosts?.closeAll();
  await sshd?.stop();
});

const leftovers = (): string[] => readdirSync('/tmp').filter((n) => n.startsWith('crashdeck-dmesg.'));

describe('dump.identify over SSH', () => {
  it('reads identity and the kernel log on the remote host; the verdict matches truth', async () => {
    const d = path.join(sshd.dir, "dumps/it's $(id) `x`");
    mkdirSync(d, { recursive: true });
    const vmcore = path.join(d, 'vmcore');
    copyFileSync(vmcorePath('oom-slab-leak'), vmcore);
    const before = leftovers();
    const r = await api.call('dump.identify', { vmcore, host });
    expect(r.log.source).toBe('makedumpfile');
    expect(r.log.sourcePath).toBe(vmcore);
    expect(withoutCallerIds(r.log.text ?? '')).toBe(readFileSync(fixtureFile('oom-slab-leak', 'vmcore-dmesg.txt'), 'utf8'));
    expect(r.identity.release).toBe(fixtureMeta('oom-slab-leak').kernel.release);
    expect(r.identity.buildId).toBe(/Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-nW', vmlinuxPath('oom-slab-leak')], { encoding: 'utf8' }))?.[1]);
    expect(r.report?.basis).toBe('log');
    expect(r.report?.oom?.culprit.name).toBe((fixtureMeta('oom-slab-leak').truth.culprit as { cache: string }).cache);
    expect(r.parsed?.parser).toBe('log');
    expect(leftovers()).toEqual(before);
  });

  it('session.open without crash on the remote host opens failed (crash-missing), and dump.identify by session works', async () => {
    const info = await api.call('session.open', { vmcore: vmcorePath('hung-mutex-6.12'), host });
    expect(info.state).toBe('failed');
    expect(info.host).toBe(`root@127.0.0.1:${sshd.port}`);
    expect(info.diagnoses.map((x) => x.code)).toContain('crash-missing');
    const r = await api.call('dump.identify', { sessionId: info.id });
    // The fixture directory holds this crash's own vmcore-dmesg.txt: used, read over SFTP.
    expect(r.log.source).toBe('saved-dmesg');
    expect(r.report?.panic.kind).toBe('hung-task');
  });

  it('a missing dump on the remote host is named', async () => {
    await expect(api.call('dump.identify', { vmcore: '/nonexistent/vmcore', host })).rejects.toMatchObject({ code: 'not-found' });
  });
});
