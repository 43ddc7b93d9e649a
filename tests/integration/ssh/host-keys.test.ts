import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostKeyInfo } from '../../../electron/transport/ssh.ts';
import { HostKeyError } from '../../../electron/transport/ssh.ts';
import { keygen, startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd({ name: 'hostkeys' });
});
afterAll(async () => {
  await sshd?.stop();
});

let n = 0;
/** A fresh user known_hosts with the given content; the app file starts empty. */
function files(content: string): { user: string; app: string } {
  n++;
  const user = path.join(sshd.dir, `user_known_hosts_${n}`);
  writeFileSync(user, content);
  return { user, app: path.join(sshd.dir, `app_known_hosts_${n}`) };
}

/** Did OpenSSH's own lookup find the sshd's key for [127.0.0.1]:port in `file`? */
function opensshKnows(file: string): boolean {
  const out = spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file], { encoding: 'utf8' }).stdout;
  return out.includes(sshd.hostKey.split(' ')[1] ?? '\0');
}

describe('host key verification against known_hosts', () => {
  it('refuses an unknown host with host-key-unknown carrying the SHA256 fingerprint', async () => {
    const f = files('');
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app });
    let err: unknown;
    try {
      await t.connect();
    } catch (e) {
      err = e;
    } finally {
      await t.close();
    }
    expect(err).toBeInstanceOf(HostKeyError);
    const e = err as HostKeyError;
    expect(e.code).toBe('host-key-unknown');
    expect(e.key.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    expect(existsSync(f.app)).toBe(false);
  });

  it('accepts an unknown host through the callback, stores it in the app file, and trusts it next time without asking', async () => {
    const f = files('');
    const seen: HostKeyInfo[] = [];
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app, confirmHostKey: async (info) => (seen.push(info), true) });
    try {
      expect((await t.exec({ command: 'echo', args: ['in'] })).stdout).toBe('in\n');
    } finally {
      await t.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ fingerprint: sshd.hostKeyFingerprint, keyType: 'ssh-ed25519', name: `[127.0.0.1]:${sshd.port}` });
    expect(opensshKnows(f.app)).toBe(true);
    expect(readFileSync(f.user, 'utf8')).toBe('');

    const again = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app, confirmHostKey: async () => {
      throw new Error('must not ask again');
    } });
    try {
      expect((await again.exec({ command: 'true', args: [] })).code).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('accepts an unknown host whose fingerprint the user already confirmed (retry from the UI)', async () => {
    const f = files('');
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app, acceptFingerprints: [sshd.hostKeyFingerprint] });
    try {
      await t.connect();
    } finally {
      await t.close();
    }
    expect(opensshKnows(f.app)).toBe(true);
  });

  it('refuses a changed host key loudly and never asks to accept it', async () => {
    const other = path.join(sshd.dir, 'impostor');
    keygen(other);
    const impostor = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const f = files(`[127.0.0.1]:${sshd.port} ${impostor}\n`);
    let asked = false;
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app, confirmHostKey: async () => (asked = true) });
    try {
      const e = await rejectionCode(t.exec({ command: 'touch', args: [path.join(sshd.dir, 'should-not-exist')] }));
      expect(e.code).toBe('host-key-changed');
      expect(e.message).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
      expect(e.message).toContain(sshd.hostKeyFingerprint);
      expect(e.message).toContain(`${f.user}:1`);
    } finally {
      await t.close();
    }
    expect(asked).toBe(false);
    expect(existsSync(path.join(sshd.dir, 'should-not-exist'))).toBe(false);
    expect(existsSync(f.app)).toBe(false);
  });

  it('refuses a key marked @revoked even if another line trusts it', async () => {
    const f = files(`[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n@revoked * ${sshd.hostKey}\n`);
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app, confirmHostKey: async () => true });
    try {
      const e = await rejectionCode(t.connect());
      expect(e.code).toBe('refused');
      expect(e.message).toMatch(/REVOKED/);
    } finally {
      await t.close();
    }
  });

  it('trusts a hashed known_hosts entry written by ssh-keygen -H', async () => {
    const f = files(`[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', f.user], { stdio: 'ignore' });
    expect(readFileSync(f.user, 'utf8')).toMatch(/^\|1\|/);
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app });
    try {
      expect((await t.exec({ command: 'echo', args: ['hashed'] })).stdout).toBe('hashed\n');
    } finally {
      await t.close();
    }
  });

  it('asks a server with several host keys for the type known_hosts has (as OpenSSH does), not the one ssh2 prefers', async () => {
    const ecdsa = path.join(sshd.dir, 'ssh_host_ecdsa_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', ecdsa], { stdio: 'ignore' });
    // The ed25519 key that ssh2 would pick first is listed too.
    const multi = await startSshd({ name: 'multikey', extraConfig: [`HostKey ${ecdsa}`] });
    try {
      const ecdsaFields = readFileSync(`${ecdsa}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
      const f = files(`[127.0.0.1]:${multi.port} ${ecdsaFields}\n`);
      const t = transportFor(multi, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app });
      try {
        expect((await t.exec({ command: 'echo', args: ['ecdsa'] })).stdout).toBe('ecdsa\n');
      } finally {
        await t.close();
      }
    } finally {
      await multi.stop();
    }
  });

  it('does not take a port-22 entry for the same address as the key of another port', async () => {
    const f = files(`127.0.0.1 ${sshd.hostKey}\n`);
    const t = transportFor(sshd, { userKnownHostsFiles: [f.user], appKnownHostsFile: f.app });
    try {
      expect((await rejectionCode(t.connect())).code).toBe('host-key-unknown');
    } finally {
      await t.close();
    }
  });
});
