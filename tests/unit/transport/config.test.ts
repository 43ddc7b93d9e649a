import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostLabel, parseHostSpec, resolveHost, splitSshUrl } from '../../../electron/transport/ssh/config.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-sshconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configFile = path.join(dir, 'config');
writeFileSync(configFile, [
  'Host box',
  '  HostName 10.1.2.3',
  '  Port 2222',
  '  IdentityFile ~/.ssh/box_%r_%h',
  '  IdentityFile /keys/second',
  '  ProxyJump jump1,admin@jump2:2200',
  'Host jump1',
  '  HostName j1.example',
  '  User jumper',
  'Host *.corp',
  '  User corpuser',
  '  Port 2022',
  'Host direct',
  '  HostName 127.0.0.1',
  '  ProxyJump none',
  '  HostKeyAlias directalias',
  'Host *',
  '  User defaultuser',
  '',
].join('\n'));

/** OpenSSH's own resolution (`ssh -G`) of a destination: hostname, port, user, proxyjump. */
function openssh(dest: string): Record<string, string> {
  const out = spawnSync('ssh', ['-G', '-F', configFile, dest], { encoding: 'utf8' }).stdout;
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^(hostname|port|user|proxyjump) (.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined && !(m[1] in r)) r[m[1]] = m[2];
  }
  return r;
}

describe('resolveHost agrees with ssh -G', () => {
  it.each(['box', 'alice@x.corp', 'x.corp', 'jump1', 'jump2', 'direct', 'bob@plain.example:2200', 'ssh://carol@10.9.8.7:2022/var/crash'])('%s', async (dest) => {
    const ours = await resolveHost(dest, { configFile, home: '/home/tester', localUser: 'tester' });
    // ssh itself takes host:port only in ssh:// form, and no path.
    const theirs = openssh(dest.startsWith('ssh://') ? dest.replace(/\/var\/crash$/, '') : /:\d+$/.test(dest) ? `ssh://${dest}` : dest);
    expect({ hostname: ours.hostname, port: String(ours.port), user: ours.user }).toEqual({ hostname: theirs.hostname, port: theirs.port, user: theirs.user });
  });
});

describe('resolveHost', () => {
  it('expands IdentityFile tokens and keeps every entry in order', async () => {
    const r = await resolveHost('box', { configFile, home: '/home/tester', localUser: 'tester' });
    expect(r.identityFiles).toEqual(['/home/tester/.ssh/box_defaultuser_10.1.2.3', '/keys/second']);
  });

  it('resolves each ProxyJump hop through the config, in order', async () => {
    const r = await resolveHost('box', { configFile, home: '/home/tester', localUser: 'tester' });
    expect(r.jumps.map(hostLabel)).toEqual(['jumper@j1.example:22', 'admin@jump2:2200']);
  });

  it('uses the OpenSSH default keys when the config names none', async () => {
    const r = await resolveHost('x.corp', { configFile, home: '/home/tester' });
    expect(r.identityFiles).toEqual(['/home/tester/.ssh/id_ed25519', '/home/tester/.ssh/id_ecdsa', '/home/tester/.ssh/id_rsa']);
  });

  it('honours ProxyJump none and HostKeyAlias', async () => {
    const r = await resolveHost('direct', { configFile, home: '/h' });
    expect(r.jumps).toEqual([]);
    expect(r.hostKeyName).toBe('directalias');
  });

  it('works without a config file', async () => {
    const r = await resolveHost('root@127.0.0.1:2200', { configFile: path.join(dir, 'missing'), home: '/h' });
    expect(hostLabel(r)).toBe('root@127.0.0.1:2200');
  });
});

describe('parseHostSpec', () => {
  it('reads ssh:// URLs, user@host:port, IPv6 and aliases', () => {
    expect(parseHostSpec('ssh://u@h:2222/var/crash/x')).toEqual({ host: 'h', user: 'u', port: 2222 });
    expect(parseHostSpec('u@h')).toEqual({ host: 'h', user: 'u' });
    expect(parseHostSpec('[::1]:2200')).toEqual({ host: '::1', port: 2200 });
    expect(parseHostSpec('alias')).toEqual({ host: 'alias' });
  });
  it('rejects junk', () => {
    expect(() => parseHostSpec('a b')).toThrow();
    expect(() => parseHostSpec('h:99999')).toThrow();
    expect(() => parseHostSpec('')).toThrow();
  });
});

describe('splitSshUrl', () => {
  it('splits host and remote path, decoding %-escapes', () => {
    expect(splitSshUrl('ssh://root@127.0.0.1:2222/var/crash/202611161234/dump.202611161234')).toEqual({ host: 'ssh://root@127.0.0.1:2222', path: '/var/crash/202611161234/dump.202611161234' });
    expect(splitSshUrl('ssh://box/var/crash/with%20space')).toEqual({ host: 'ssh://box', path: '/var/crash/with space' });
  });
  it('is null for local paths and URLs without a path', () => {
    expect(splitSshUrl('/var/crash/vmcore')).toBeNull();
    expect(splitSshUrl('ssh://box')).toBeNull();
    expect(splitSshUrl('ssh://box/')).toBeNull();
  });
});

describe('Include', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-include-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(path.join(home, '.ssh', 'config.d'), { recursive: true });
  writeFileSync(path.join(home, '.ssh', 'config.d', '10-lab'), 'Host lab\n  HostName 10.0.0.10\n  Port 2210\n');
  writeFileSync(path.join(home, '.ssh', 'config.d', '20-prod'), 'Host prod\n  HostName 10.0.0.20\n  User ops\n  Include /nonexistent/never\n');
  writeFileSync(path.join(home, '.ssh', 'config.d', '.hidden'), 'Host lab\n  HostName 6.6.6.6\n');
  writeFileSync(path.join(home, '.ssh', 'relative'), 'Host rel\n  HostName 10.0.0.30\n');
  const main = path.join(home, '.ssh', 'config');
  writeFileSync(main, `Include ${path.join(home, '.ssh', 'config.d')}/*\nInclude relative\nHost *\n  User fallback\n`);

  it.each(['lab', 'prod'])('follows a glob Include the way ssh -G does (%s)', async (dest) => {
    const ours = await resolveHost(dest, { configFile: main, home });
    const out = spawnSync('ssh', ['-G', '-F', main, dest], { encoding: 'utf8' }).stdout;
    const get = (k: string): string | undefined => new RegExp(`^${k} (.*)$`, 'm').exec(out)?.[1];
    expect({ hostname: ours.hostname, port: String(ours.port), user: ours.user }).toEqual({ hostname: get('hostname'), port: get('port'), user: get('user') });
  });

  it('resolves a relative Include against ~/.ssh', async () => {
    expect((await resolveHost('rel', { configFile: main, home })).hostname).toBe('10.0.0.30');
  });
});
