/**
 * The page's remote browser and SSH questions through the Api's validating dispatch against a
 * real sshd: host.probe finds a kdump-tools dump (release from the fixture's truth), host.listDir
 * reports hostile names with the types and sizes the filesystem has, and a passphrase-protected
 * key is unlocked by answering the 'ssh.prompt' event with ssh.answer (a cancel fails auth).
 */
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import { SshPromptBroker } from '../../../electron/transport/ssh-prompts.ts';
import { crash806, fixtureMeta, vmcorePath } from '../../support/fixtures.ts';
import { keygen, startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode } from './options.ts';

let sshd: Sshd;
let hosts: SshHosts;
let api: ApiHost;
let host: string;

beforeAll(async () => {
  sshd = await startSshd({ name: 'browse' });
  hosts = new SshHosts({ home: sshd.home, appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
  api = createApi({ crashPath: crash806(), transportFor: hosts.transportFor });
  host = `ssh://root@127.0.0.1:${sshd.port}`;
});
afterAll(async () => {
  await api?.dispose();
  await hosts?.closeAll();
  await sshd?.stop();
});

describe('host.probe', () => {
  it('finds a kdump-tools dump in the given crash directory with the release from its header', async () => {
    const crashDir = mkdtempSync(path.join(sshd.dir, 'crash '));
    mkdirSync(path.join(crashDir, '202611260456'));
    const dump = path.join(crashDir, '202611260456', 'dump.202611260456');
    symlinkSync(vmcorePath('panic-sysrq'), dump);
    const r = (await api.dispatch('host.probe', { host, crashDir })) as { crashDir: string; crashDirExists: boolean; dumps: { vmcore: string; layout: string; release: string | null; size: number }[] };
    expect(r.crashDirExists).toBe(true);
    expect(r.dumps).toHaveLength(1);
    expect(r.dumps[0]).toMatchObject({ vmcore: dump, layout: 'kdump-tools', release: fixtureMeta('panic-sysrq').kernel.release, size: statSync(vmcorePath('panic-sysrq')).size });
  });
});

describe('host.listDir', () => {
  it('lists hostile names with their real type and size, directories first', async () => {
    const dir = mkdtempSync(path.join(sshd.dir, 'list '));
    const names = ['a b', "it's", '$(touch pwned)', '`id`', 'semi;colon', 'new\nline'];
    names.forEach((n, i) => writeFileSync(path.join(dir, n), 'x'.repeat(i + 1)));
    mkdirSync(path.join(dir, 'z-dir'));
    const r = (await api.dispatch('host.listDir', { host, path: dir })) as { entries: { name: string; isDir: boolean; size: number }[]; truncated: boolean };
    expect(r.truncated).toBe(false);
    expect(r.entries[0]).toMatchObject({ name: 'z-dir', isDir: true });
    for (const n of names) expect(r.entries).toContainEqual({ name: n, isDir: false, size: statSync(path.join(dir, n)).size });
    expect(r.entries).toHaveLength(names.length + 1);
    expect(() => statSync(path.join(dir, 'pwned'))).toThrow();
  });

  it('a missing directory is not-found', async () => {
    expect((await rejectionCode(api.dispatch('host.listDir', { host, path: path.join(sshd.dir, 'no-such-dir') }))).code).toBe('not-found');
  });
});

describe('ssh.answer', () => {
  /** An Api whose SSH logins ask through events, with a home holding only a protected key. */
  function promptingApi(name: string): { api: ApiHost; hosts: SshHosts } {
    const home = path.join(sshd.dir, name);
    mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    keygen(path.join(home, '.ssh', 'id_ed25519'), 'sesame open', name);
    sshd.authorize(path.join(home, '.ssh', 'id_ed25519.pub'));
    const a: { api?: ApiHost } = {};
    const broker = new SshPromptBroker((p) => a.api!.events.emit('ssh.prompt', { id: p.id, host: p.host, kind: p.kind, message: p.message, echo: p.echo }));
    const h = new SshHosts({ home, userKnownHostsFiles: [path.join(sshd.home, '.ssh', 'known_hosts')], appKnownHostsFile: path.join(home, 'app_known_hosts'), agent: null, prompt: broker.prompt });
    a.api = createApi({ transportFor: h.transportFor, answerPrompt: (id, answer) => broker.answer(id, answer) });
    return { api: a.api, hosts: h };
  }

  it('the passphrase typed on the page unlocks the key', async () => {
    const { api: papi, hosts: h } = promptingApi('answer-home');
    const asked: string[] = [];
    papi.events.subscribe((event, payload) => {
      if (event !== 'ssh.prompt') return;
      const p = payload as { id: string; kind: string };
      asked.push(p.kind);
      void papi.dispatch('ssh.answer', { id: p.id, answer: 'sesame open' });
    });
    try {
      const r = (await papi.dispatch('host.listDir', { host, path: sshd.dir })) as { entries: { name: string }[] };
      expect(r.entries.map((e) => e.name)).toContain('answer-home');
      expect(asked).toEqual(['passphrase']);
    } finally {
      await papi.dispose();
      await h.closeAll();
    }
  });

  it('Cancel fails the login with auth-failed; an unknown question id is not answered', async () => {
    const { api: papi, hosts: h } = promptingApi('cancel-home');
    papi.events.subscribe((event, payload) => {
      if (event === 'ssh.prompt') void papi.dispatch('ssh.answer', { id: (payload as { id: string }).id, answer: null });
    });
    try {
      expect((await rejectionCode(papi.dispatch('host.listDir', { host, path: sshd.dir }))).code).toBe('auth-failed');
      expect(await papi.dispatch('ssh.answer', { id: 'no-such-question', answer: 'x' })).toEqual({ answered: false });
    } finally {
      await papi.dispose();
      await h.closeAll();
    }
  });
});
