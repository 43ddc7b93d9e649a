import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

let jump: Sshd;
let target: Sshd;
let closedJump: Sshd;
beforeAll(async () => {
  jump = await startSshd({ name: 'jump' });
  target = await startSshd({ name: 'target' });
  closedJump = await startSshd({ name: 'nofwd', extraConfig: ['AllowTcpForwarding no'] });
  // One client (the jump sshd's home) that trusts all three hosts and is authorized on all.
  target.authorize(`${jump.userKey}.pub`);
  closedJump.authorize(`${jump.userKey}.pub`);
  appendFileSync(path.join(jump.home, '.ssh', 'known_hosts'), `[127.0.0.1]:${target.port} ${target.hostKey}\n[127.0.0.1]:${closedJump.port} ${closedJump.hostKey}\n`);
  writeFileSync(path.join(jump.home, '.ssh', 'config'), [
    'Host analysis',
    '  HostName 127.0.0.1',
    `  Port ${target.port}`,
    '  User root',
    '  ProxyJump bastion',
    'Host blocked',
    '  HostName 127.0.0.1',
    `  Port ${target.port}`,
    '  User root',
    `  ProxyJump root@127.0.0.1:${closedJump.port}`,
    'Host deep',
    '  HostName 127.0.0.1',
    `  Port ${closedJump.port}`,
    '  User root',
    `  ProxyJump bastion,root@127.0.0.1:${target.port}`,
    'Host bastion',
    '  HostName 127.0.0.1',
    `  Port ${jump.port}`,
    '  User root',
    '',
  ].join('\n'));
});
afterAll(async () => {
  await target?.stop();
  await jump?.stop();
  await closedJump?.stop();
});

describe('ProxyJump', () => {
  it('reaches the target through the jump host named in ~/.ssh/config', async () => {
    const t = transportFor(jump, { host: 'analysis' });
    try {
      const r = await t.exec({ command: 'sh', args: ['-c', 'echo "$SSH_CONNECTION"'] });
      // The target sees a connection to its own port...
      expect(r.stdout.trim().split(' ')[3]).toBe(String(target.port));
      expect(t.label).toBe(`root@127.0.0.1:${target.port}`);
    } finally {
      await t.close();
    }
    // ...that the jump host opened as a TCP forward for us.
    expect(jump.log()).toMatch(new RegExp(`direct_tcpip.*target 127\\.0\\.0\\.1 port ${target.port}`));
  });

  it('goes through two hops in order (ProxyJump a,b)', async () => {
    const t = transportFor(jump, { host: 'deep' });
    try {
      const r = await t.exec({ command: 'sh', args: ['-c', 'echo "$SSH_CONNECTION"'] });
      expect(r.stdout.trim().split(' ')[3]).toBe(String(closedJump.port));
    } finally {
      await t.close();
    }
    // First hop forwarded to the second, the second to the target.
    expect(jump.log()).toMatch(new RegExp(`direct_tcpip.*target 127\\.0\\.0\\.1 port ${target.port}`));
    expect(target.log()).toMatch(new RegExp(`direct_tcpip.*target 127\\.0\\.0\\.1 port ${closedJump.port}`));
  });

  it('fails clearly when the jump host does not allow forwarding', async () => {
    const t = transportFor(jump, { host: 'blocked' });
    try {
      const e = await rejectionCode(t.connect());
      expect(e.code).toBe('refused');
      expect(e.message).toMatch(/jump host could not reach/);
    } finally {
      await t.close();
    }
  });

  it('verifies the target host key too, not only the jump host', async () => {
    const t = transportFor(jump, { host: 'analysis', userKnownHostsFiles: [path.join(jump.dir, 'only-jump')] });
    writeFileSync(path.join(jump.dir, 'only-jump'), `[127.0.0.1]:${jump.port} ${jump.hostKey}\n`);
    try {
      const e = await rejectionCode(t.connect());
      expect(e.code).toBe('host-key-unknown');
      expect(e.message).toContain(target.hostKeyFingerprint);
    } finally {
      await t.close();
    }
  });
});
