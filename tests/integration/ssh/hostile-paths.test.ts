import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshTransport } from '../../../electron/transport/ssh.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { transportFor } from './options.ts';

let sshd: Sshd;
let dir: string;
const transports: Record<string, SshTransport> = {};

/** Each name a dump file could have that breaks naive quoting. The sshd runs on this machine. */
const names = [
  'with space',
  "it's",
  '"double quoted"',
  '$(touch PWNED)',
  '`touch PWNED`',
  'a;touch PWNED',
  'new\nline',
  '-rf',
  '--help',
  '* star',
  '$HOME',
  'back\\slash',
  'tab\tname',
  '|pipe&amp',
  'ünïcødé',
];

beforeAll(async () => {
  sshd = await startSshd({ name: 'hostile' });
  dir = mkdtempSync(path.join(sshd.dir, "dumps dir 'q' $(x) "));
  for (const [i, n] of names.entries()) writeFileSync(path.join(dir, n), `content ${i} of ${n}`);
  mkdirSync(path.join(dir, 'sub; dir'));
  // Both ways of reaching files: SFTP (no shell at all) and quoted shell commands.
  transports.sftp = transportFor(sshd, { files: 'sftp' });
  transports.shell = transportFor(sshd, { files: 'shell' });
});
afterAll(async () => {
  for (const t of Object.values(transports)) await t.close();
  await sshd?.stop();
});

describe.each(['sftp', 'shell'])('hostile remote paths (%s)', (mode) => {
  const t = (): SshTransport => transports[mode] as SshTransport;

  it('lists the directory with exactly the names on disk', async () => {
    const listed = await t().listDir(dir);
    expect([...(listed ?? [])].sort()).toEqual(readdirSync(dir).sort());
  });

  it.each(names)('stats and reads %j', async (name) => {
    const p = path.join(dir, name);
    const i = names.indexOf(name);
    const expected = Buffer.from(`content ${i} of ${name}`);
    const st = await t().stat(p);
    expect(st).toMatchObject({ size: expected.length, isFile: true, isDirectory: false });
    expect((await t().readRange(p, 0, 1000)).equals(expected)).toBe(true);
    expect((await t().readRange(p, 3, 5)).equals(expected.subarray(3, 8))).toBe(true);
  });

  it('reports a directory as one and a missing path as null', async () => {
    expect(await t().stat(path.join(dir, 'sub; dir'))).toMatchObject({ isDirectory: true, isFile: false });
    expect(await t().stat(path.join(dir, 'missing $(x)'))).toBeNull();
    expect(await t().listDir(path.join(dir, 'missing $(x)'))).toBeNull();
  });
});

describe('hostile arguments and cwd in commands', () => {
  it('passes every name as one argument and runs in a hostile cwd', async () => {
    const t = transports.shell as SshTransport;
    for (const name of names) {
      const r = await t.exec({ command: 'cat', args: ['--', name], cwd: dir });
      expect(r.stdout).toBe(`content ${names.indexOf(name)} of ${name}`);
    }
  });

  it('never executed anything hidden in a name', () => {
    expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
    expect(existsSync(path.join(sshd.home, 'PWNED'))).toBe(false);
    expect(existsSync('/root/PWNED')).toBe(false);
  });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
