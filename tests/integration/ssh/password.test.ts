import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthPrompt } from '../../../electron/transport/ssh.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

const user = 'crashdeck-ssh';
// A throwaway password, set for this test only and removed again afterwards.
const password = `pw-${process.pid}-${Date.now()}`;

function setPassword(p: string | null): void {
  if (p === null) execFileSync('usermod', ['-p', '*', user]);
  else execFileSync('chpasswd', [], { input: `${user}:${p}\n` });
}

let pwd: Sshd;
let kbd: Sshd;
let home: string;
beforeAll(async () => {
  try {
    execFileSync('id', [user], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/bin/sh', user]);
  }
  setPassword(password);
  pwd = await startSshd({ name: 'password', extraConfig: ['PasswordAuthentication yes', 'PubkeyAuthentication no'] });
  // keyboard-interactive through PAM (Debian's /etc/pam.d/sshd), as most servers do it.
  kbd = await startSshd({ name: 'kbdint', extraConfig: ['UsePAM yes', 'KbdInteractiveAuthentication yes', 'PasswordAuthentication no', 'PubkeyAuthentication no'] });
  // A client home without keys that trusts both servers.
  home = path.join(pwd.dir, 'nokeys');
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  execFileSync('sh', ['-c', 'cat "$1" "$2" > "$3"', 'sh', path.join(pwd.home, '.ssh/known_hosts'), path.join(kbd.home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts')]);
  chmodSync(pwd.dir, 0o755);
  chmodSync(kbd.dir, 0o755);
});
afterAll(async () => {
  setPassword(null);
  await pwd?.stop();
  await kbd?.stop();
});

describe('password and keyboard-interactive logins through the prompt callback', () => {
  it('logs in with a password typed into the prompt', async () => {
    const asked: AuthPrompt[] = [];
    const t = transportFor(pwd, { host: `${user}@127.0.0.1:${pwd.port}`, home, prompt: async (p) => (asked.push(p), p.kind === 'password' ? password : null) });
    try {
      expect((await t.exec({ command: 'id', args: ['-un'] })).stdout).toBe(`${user}\n`);
      expect(asked.find((p) => p.kind === 'password')).toMatchObject({ echo: false, host: `${user}@127.0.0.1:${pwd.port}` });
    } finally {
      await t.close();
    }
  });

  it('answers PAM keyboard-interactive questions through the same prompt', async () => {
    const asked: AuthPrompt[] = [];
    const t = transportFor(kbd, { host: `${user}@127.0.0.1:${kbd.port}`, home, prompt: async (p) => (asked.push(p), p.kind === 'keyboard-interactive' ? password : null) });
    try {
      expect((await t.exec({ command: 'id', args: ['-un'] })).stdout).toBe(`${user}\n`);
      const q = asked.find((p) => p.kind === 'keyboard-interactive');
      expect(q?.message).toMatch(/password/i);
      expect(q?.echo).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('fails with auth-failed on a wrong password', async () => {
    const t = transportFor(pwd, { host: `${user}@127.0.0.1:${pwd.port}`, home, prompt: async () => 'wrong' });
    try {
      expect((await rejectionCode(t.connect())).code).toBe('auth-failed');
    } finally {
      await t.close();
    }
  });
});
