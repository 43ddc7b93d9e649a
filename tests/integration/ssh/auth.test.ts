import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthPrompt } from '../../../electron/transport/ssh.ts';
import { SshPromptBroker, type PendingPrompt } from '../../../electron/transport/ssh-prompts.ts';
import { keygen, startAgent, startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd({ name: 'auth' });
});
afterAll(async () => {
  await sshd?.stop();
});

/** A client home with no default key, so only the method under test can succeed. */
function bareHome(name: string): string {
  const home = path.join(sshd.dir, name);
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  copyFileSync(path.join(sshd.home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts'));
  return home;
}

describe('authentication against a real sshd', () => {
  it('logs in with the default key file (~/.ssh/id_ed25519) and runs a command', async () => {
    const t = transportFor(sshd);
    try {
      const r = await t.exec({ command: 'id', args: ['-un'] });
      expect(r).toMatchObject({ code: 0, stdout: 'root\n' });
      expect(t.label).toBe(`root@127.0.0.1:${sshd.port}`);
    } finally {
      await t.close();
    }
  });

  it('resolves a ~/.ssh/config alias (HostName, Port, User)', async () => {
    const t = transportFor(sshd, { host: 'testbox' });
    try {
      expect((await t.exec({ command: 'echo', args: ['via alias'] })).stdout).toBe('via alias\n');
      expect(t.label).toBe(`root@127.0.0.1:${sshd.port}`);
    } finally {
      await t.close();
    }
  });

  it('logs in through ssh-agent when no key file is usable', async () => {
    const home = bareHome('agent-home');
    const agent = await startAgent([sshd.userKey]);
    const t = transportFor(sshd, { home, agent: agent.socket });
    try {
      expect((await t.exec({ command: 'echo', args: ['agent ok'] })).stdout).toBe('agent ok\n');
    } finally {
      await t.close();
      await agent.stop();
    }
  });

  it('asks for the passphrase of an encrypted key through the prompt, and only once across reconnects', async () => {
    const home = bareHome('pass-home');
    const key = path.join(home, '.ssh', 'id_ed25519');
    keygen(key, 'correct horse');
    sshd.authorize(`${key}.pub`);
    const asked: AuthPrompt[] = [];
    const t = transportFor(sshd, { home, prompt: async (p) => {
      asked.push(p);
      return p.kind === 'passphrase' ? (asked.length === 1 ? 'wrong' : 'correct horse') : null;
    } });
    try {
      expect((await t.exec({ command: 'echo', args: ['unlocked'] })).stdout).toBe('unlocked\n');
      expect(asked.map((p) => p.kind)).toEqual(['passphrase', 'passphrase']);
      expect(asked[0]?.keyFile).toBe(key);
      expect(asked[1]?.message).toMatch(/wrong passphrase/i);
      await t.reconnect();
      expect((await t.exec({ command: 'true', args: [] })).code).toBe(0);
      expect(asked).toHaveLength(2);
      // The passphrase is not written anywhere under the client home or the app's files.
      expect(readFileSync(key, 'utf8')).not.toContain('correct horse');
    } finally {
      await t.close();
    }
  });

  it('fails with auth-failed, naming what was tried, when the user declines the passphrase', async () => {
    const home = bareHome('decline-home');
    keygen(path.join(home, '.ssh', 'id_ed25519'), 'secret');
    const t = transportFor(sshd, { home, prompt: async () => null });
    try {
      const e = await rejectionCode(t.connect());
      expect(e.code).toBe('auth-failed');
      expect(e.message).toMatch(/declined/);
    } finally {
      await t.close();
    }
  });

  it('fails with auth-failed for a key the server does not accept', async () => {
    const home = bareHome('stranger-home');
    keygen(path.join(home, '.ssh', 'id_ed25519'));
    const t = transportFor(sshd, { home });
    try {
      expect((await rejectionCode(t.connect())).code).toBe('auth-failed');
    } finally {
      await t.close();
    }
  });

  it('gives up with timeout when the server accepts TCP but never completes the handshake', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const t = transportFor(sshd, { host: `root@127.0.0.1:${port}`, readyTimeoutMs: 500 });
    try {
      const e = await rejectionCode(t.connect());
      expect(e.code).toBe('timeout');
      expect(e.message).toMatch(/within 500 ms/);
    } finally {
      await t.close();
      silent.close();
    }
  });

  it('says refused when nothing listens on the port', async () => {
    const t = transportFor(sshd, { host: 'root@127.0.0.1:1' });
    try {
      expect((await rejectionCode(t.connect())).code).toBe('refused');
    } finally {
      await t.close();
    }
  });
});

describe('prompts through the UI (SshPromptBroker)', () => {
  it('publishes the passphrase question, and the answer sent back unlocks the key', async () => {
    const home = bareHome('broker-home');
    const key = path.join(home, '.ssh', 'id_ed25519');
    keygen(key, 'from the ui');
    sshd.authorize(`${key}.pub`);
    const shown: PendingPrompt[] = [];
    const broker = new SshPromptBroker((p) => {
      shown.push(p);
      // The UI answers a moment later, as a person would.
      setTimeout(() => broker.answer(p.id, 'from the ui'), 50);
    });
    const t = transportFor(sshd, { home, prompt: broker.prompt });
    try {
      expect((await t.exec({ command: 'echo', args: ['via ui'] })).stdout).toBe('via ui\n');
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatchObject({ kind: 'passphrase', keyFile: key, echo: false });
      expect(broker.waiting).toEqual([]);
      expect(broker.answer(shown[0]?.id ?? '', 'again')).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('declines a question nobody answers, so the login fails instead of hanging', async () => {
    const home = bareHome('broker-timeout-home');
    keygen(path.join(home, '.ssh', 'id_ed25519'), 'never typed');
    const broker = new SshPromptBroker(() => undefined, 200);
    const t = transportFor(sshd, { home, prompt: broker.prompt });
    try {
      expect((await rejectionCode(t.connect())).code).toBe('auth-failed');
    } finally {
      await t.close();
    }
  });
});
