import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import * as v from 'valibot';
import { ApiErrorSchema } from '../../../electron/api/contract.ts';
import { toApiError, type ApiHost } from '../../../electron/api/handlers.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import { crash806, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode } from './options.ts';

let sshd: Sshd;
let hosts: SshHosts;
let api: ApiHost;
let appKnownHosts: string;

beforeAll(async () => {
  sshd = await startSshd({ name: 'api' });
  // The client does not know this server yet: the first open must ask.
  const userKnownHosts = path.join(sshd.dir, 'empty_known_hosts');
  writeFileSync(userKnownHosts, '');
  appKnownHosts = path.join(sshd.dir, 'app', 'known_hosts');
  hosts = new SshHosts({ home: sshd.home, userKnownHostsFiles: [userKnownHosts], appKnownHostsFile: appKnownHosts, agent: null });
  api = createApi({ crashPath: crash806(), transportFor: hosts.transportFor });
});
afterAll(async () => {
  await api?.dispose();
  await hosts?.closeAll();
  await sshd?.stop();
});

describe('the Api opening a dump over SSH (createApi with SshHosts)', () => {
  it('refuses an unknown host with its fingerprint, then opens the dump once the user accepted that key', async () => {
    const host = `ssh://root@127.0.0.1:${sshd.port}`;
    const e = await rejectionCode(api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), host }));
    expect(e.code).toBe('host-key-unknown');
    const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(e.message)?.[0];
    expect(fingerprint).toBe(sshd.hostKeyFingerprint);
    // What every front door sends: the key rides along in the error shape, valid per the contract.
    let wire: unknown;
    try {
      await api.dispatch('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), host });
    } catch (err) {
      wire = toApiError(err).toJSON();
    }
    const shape = v.parse(ApiErrorSchema, wire);
    expect(shape.hostKey).toEqual({ host: `root@127.0.0.1:${sshd.port}`, name: `[127.0.0.1]:${sshd.port}`, keyType: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint });

    hosts.acceptHostKey(fingerprint as string);
    const info = await api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), host });
    expect(info.host).toBe(`root@127.0.0.1:${sshd.port}`);
    expect(readFileSync(appKnownHosts, 'utf8')).toContain(sshd.hostKey.split(' ')[1]);

    const sys = await api.call('session.run', { sessionId: info.id, command: { id: 'sys' } });
    // Same lines as crash 8.0.6 printed for this fixture, except the file paths of the machine.
    const expected = transcript('panic-sysrq', 'sys').split('\n').filter((l) => !/KERNEL:|DUMPFILE:/.test(l));
    const got = sys.raw.split('\n').filter((l) => !/KERNEL:|DUMPFILE:/.test(l));
    expect(got.join('\n').trim()).toBe(expected.join('\n').trim());
    expect(sys.parsed?.parser).toBeTruthy();
    await api.call('session.close', { sessionId: info.id });
  });

  it('gives not-found for a remote path that does not exist, with the path in the message', async () => {
    const host = `root@127.0.0.1:${sshd.port}`;
    const missing = "/var/crash/no such dump; $(x)";
    const e = await rejectionCode(api.call('session.open', { vmcore: missing, host }));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain(missing);
  });
});
