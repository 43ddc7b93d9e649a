import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../electron/transport/probe.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

/** A non-root login user with a POSIX shell and no sudo rights (CI runs as root). */
function loginUser(): string {
  const name = 'crashdeck-ssh';
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', name]);
  }
  // No password, but not locked ('!'): sshd without PAM refuses locked accounts even for keys.
  execFileSync('usermod', ['-p', '*', name]);
  return name;
}

let sshd: Sshd;
let user: string;
let secretDump: string;
const content = 'KDUMP   root-only dump bytes';

beforeAll(async () => {
  user = loginUser();
  sshd = await startSshd({ name: 'sudo' });
  // sshd reads authorized_keys as the logging-in user.
  chmodSync(sshd.dir, 0o755);
  chmodSync(path.join(sshd.dir, 'authorized_keys'), 0o644);
  const crashDir = path.join(sshd.dir, 'crash', '202611161234');
  mkdirSync(crashDir, { recursive: true, mode: 0o755 });
  chmodSync(path.join(sshd.dir, 'crash'), 0o755);
  // Like kdump-tools' output: the dump readable by root only.
  secretDump = path.join(crashDir, 'dump.202611161234');
  writeFileSync(secretDump, content, { mode: 0o600 });
});
afterAll(async () => {
  await sshd?.stop();
});

describe('root-only dumps and sudo -n', () => {
  it('as an ordinary user: the dump is seen but not readable, with a hint to use sudo', async () => {
    const t = transportFor(sshd, { host: `${user}@127.0.0.1:${sshd.port}` });
    try {
      expect((await t.exec({ command: 'id', args: ['-un'] })).stdout).toBe(`${user}\n`);
      expect(await t.stat(secretDump)).toMatchObject({ size: content.length, isFile: true });
      const e = await rejectionCode(t.readRange(secretDump, 0, 8));
      expect(e.code).toBe('dump-unreadable');
      expect(e.hint).toMatch(/sudo/);
      const probe = await runProbe(t, { crashDir: path.dirname(path.dirname(secretDump)) });
      expect(probe.sudo).toBe('no');
      expect(probe.dumps.map((d) => d.vmcore)).toEqual([secretDump]);
      // Through sudo without rights: a clear refusal, never a password prompt that hangs.
      const viaSudo = transportFor(sshd, { host: `${user}@127.0.0.1:${sshd.port}`, files: 'sudo' });
      try {
        const e2 = await rejectionCode(viaSudo.readRange(secretDump, 0, 8));
        expect(e2.code).toBe('dump-unreadable');
        expect(e2.message).toMatch(/password is required|not in the sudoers|may not run sudo/);
      } finally {
        await viaSudo.close();
      }
    } finally {
      await t.close();
    }
  });

  it('with sudo -n rights: processes and file reads go through sudo', async () => {
    // Root may always sudo; the transport must put `sudo -n --` in front and quote behind it.
    const t = transportFor(sshd, { files: 'sudo' });
    try {
      const r = await t.exec({ command: 'sh', args: ['-c', 'echo "$SUDO_USER:$(id -u):$1"', 'sh', "arg with 'quotes'"], sudo: true });
      expect(r.stdout).toBe("root:0:arg with 'quotes'\n");
      expect((await t.readRange(secretDump, 0, 5)).toString()).toBe('KDUMP');
      expect(await t.stat(secretDump)).toMatchObject({ size: content.length });
      expect(await t.listDir(path.dirname(secretDump))).toEqual(['dump.202611161234']);
      expect((await runProbe(t, { sudo: true, crashDir: path.dirname(path.dirname(secretDump)) })).sudo).toBe('yes');
    } finally {
      await t.close();
    }
  });
});
