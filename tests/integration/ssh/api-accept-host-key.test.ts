/**
 * ssh.acceptHostKey through the Api's validating dispatch (what the page calls after a
 * 'host-key-unknown'): only the accepted fingerprint lets the retry through, malformed ones are
 * refused by the contract, and an Api without SSH hosts says so instead of pretending.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import { crash806, vmcorePath } from '../../support/fixtures.ts';
import { keygen, sshKeygenFingerprint, startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode } from './options.ts';

let sshd: Sshd;
let hosts: SshHosts;
let api: ApiHost;

beforeAll(async () => {
  sshd = await startSshd({ name: 'accept' });
  const userKnownHosts = path.join(sshd.dir, 'empty_known_hosts');
  writeFileSync(userKnownHosts, '');
  hosts = new SshHosts({ home: sshd.home, userKnownHostsFiles: [userKnownHosts], appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
  api = createApi({ crashPath: crash806(), transportFor: hosts.transportFor, acceptHostKey: (fp) => hosts.acceptHostKey(fp) });
});
afterAll(async () => {
  await api?.dispose();
  await hosts?.closeAll();
  await sshd?.stop();
});

describe('ssh.acceptHostKey', () => {
  it('lets the retry through only for the accepted fingerprint', async () => {
    const host = `ssh://root@127.0.0.1:${sshd.port}`;
    // A path that does not exist: once the connection is trusted the open fails at the file, before crash.
    const open = (): Promise<unknown> => api.dispatch('session.open', { vmcore: `${path.dirname(vmcorePath('panic-sysrq'))}/no-such-vmcore`, host });
    expect((await rejectionCode(open())).code).toBe('host-key-unknown');

    // Accepting some other key does not trust this server.
    const other = path.join(sshd.dir, 'other_key');
    keygen(other);
    expect(await api.dispatch('ssh.acceptHostKey', { fingerprint: sshKeygenFingerprint(`${other}.pub`) })).toEqual({ accepted: true });
    expect((await rejectionCode(open())).code).toBe('host-key-unknown');

    await api.dispatch('ssh.acceptHostKey', { fingerprint: sshd.hostKeyFingerprint });
    const e = await rejectionCode(open());
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('no-such-vmcore');
  });

  it('refuses what is not an OpenSSH SHA256 fingerprint', async () => {
    const e = await rejectionCode(api.dispatch('ssh.acceptHostKey', { fingerprint: 'MD5:aa:bb' }));
    expect(e.code).toBe('bad-request');
  });

  it('an Api without SSH hosts answers bad-request, not success', async () => {
    const local = createApi();
    try {
      const e = await rejectionCode(local.dispatch('ssh.acceptHostKey', { fingerprint: sshd.hostKeyFingerprint }));
      expect(e.code).toBe('bad-request');
    } finally {
      await local.dispose();
    }
  });
});
