/**
 * The start-up ladder over SSH (real sshd, real crash 9.0.2, hung-mutex-7.2): crash on the host
 * stops in module_init(), the session restarts it once with --no_modules, remembers that on this
 * machine for (crash 9.0.2, 7.2.13), and the next open over SSH starts with it at once. crash
 * starts on the host are counted by a wrapper script that logs every invocation on the dump.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import { startOptionsPath } from '../../../electron/crash/start-options-store.ts';
import { crash902, fixtureMeta, scenario72, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode } from './options.ts';

let sshd: Sshd;
let hosts: SshHosts;
let api: ApiHost;
let work: string;
let log: string;
let host: string;
const vmlinux = vmlinuxPath(scenario72);
const vmcore = vmcorePath(scenario72);
const starts = (): string[][] => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(vmlinux) && !l.includes('--osrelease')).map((l) => l.split(' ').filter((w) => /^--(?:no_modules|no_kmem_cache|zero_excluded|minimal)$/.test(w)));

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'crashdeck-ladder-ssh-'));
  chmodSync(work, 0o755);
  log = path.join(work, 'starts');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  const crash = path.join(work, 'crash');
  writeFileSync(crash, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${crash902()}' "$@"\n`);
  chmodSync(crash, 0o755);
  sshd = await startSshd({ name: 'ladder' });
  const known = path.join(sshd.dir, 'empty_known_hosts');
  writeFileSync(known, '');
  hosts = new SshHosts({ home: sshd.home, userKnownHostsFiles: [known], appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
  // The store lives on this machine, whatever host crash runs on.
  api = createApi({ crashPath: crash, transportFor: hosts.transportFor, env: { ...process.env, XDG_CACHE_HOME: path.join(work, 'cache') } });
  host = `ssh://root@127.0.0.1:${sshd.port}`;
  const e = await rejectionCode(api.call('session.open', { vmcore, vmlinux, host }));
  expect(e.code).toBe('host-key-unknown');
  hosts.acceptHostKey(sshd.hostKeyFingerprint);
});
afterAll(async () => {
  await api?.dispose();
  await hosts?.closeAll();
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('crash 9.0.2 over SSH on hung-mutex-7.2', () => {
  it('one failed start, then --no_modules; remembered locally; the next open over SSH starts with it at once', async () => {
    const first = await api.call('session.open', { vmcore, vmlinux, host });
    const ps = await api.call('session.run', { sessionId: first.id, command: { id: 'ps' } });
    expect(ps.error).toBeUndefined();
    const info = await api.call('session.info', { sessionId: first.id });
    expect(info.startOptions).toEqual(['no_modules']);
    expect(info.limits?.[0]?.why).toContain('module_init()');
    expect(starts()).toEqual([[], ['--no_modules']]);
    await api.call('session.close', { sessionId: first.id });

    const stored = JSON.parse(readFileSync(startOptionsPath({ XDG_CACHE_HOME: path.join(work, 'cache') }), 'utf8')) as { entries: Record<string, { options: string[] }> };
    expect(stored.entries[`9.0.2 ${fixtureMeta(scenario72).kernel.release}`]?.options).toEqual(['no_modules']);

    const second = await api.call('session.open', { vmcore, vmlinux, host });
    await api.call('session.run', { sessionId: second.id, command: { id: 'sys' } });
    const again = await api.call('session.info', { sessionId: second.id });
    expect(again.limits?.[0]?.why).toContain('remembered');
    expect(starts()).toEqual([[], ['--no_modules'], ['--no_modules']]);
  });
});
