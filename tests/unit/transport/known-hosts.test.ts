import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost, fingerprintSha256, hostFieldMatches, hostKeyName, knownKeyTypes, loadKnownHosts, parseKnownHosts, verifyHostKey,
} from '../../../electron/transport/ssh/known-hosts.ts';
import { keygen, sshKeygenFingerprint } from '../../support/sshd.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh ed25519 key: its known_hosts fields and its blob. */
function newKey(name: string): { fields: string; blob: Buffer; pub: string } {
  const f = path.join(dir, name);
  keygen(f);
  const [type, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
  return { fields: `${type} ${b64}`, blob: Buffer.from(b64 ?? '', 'base64'), pub: `${f}.pub` };
}

/** Whether OpenSSH's own lookup (ssh-keygen -F) finds `name` in the file. */
function opensshFinds(file: string, name: string): boolean {
  // Exit status 1 means "not found"; only the printed lines count.
  const out = spawnSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' }).stdout;
  return out.split('\n').some((l) => l.trim() !== '' && !l.startsWith('#'));
}

const a = newKey('a');
const b = newKey('b');

describe('known_hosts matching agrees with OpenSSH', () => {
  const file = path.join(dir, 'patterns');
  writeFileSync(file, [
    `*.example.com,!bad.example.com ${a.fields}`,
    `[10.0.0.?]:2222 ${a.fields}`,
    `plain.host,192.0.2.7 ${a.fields}`,
    `[Mixed.Case]:22022 ${a.fields}`,
  ].join('\n') + '\n');
  const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
  const names = ['a.example.com', 'bad.example.com', 'example.com', '[10.0.0.5]:2222', '10.0.0.5', '[10.0.0.55]:2222', 'plain.host', '192.0.2.7', '[plain.host]:2200', '[mixed.case]:22022'];
  it.each(names)('%s', (name) => {
    const ours = entries.some((e) => hostFieldMatches(e.hosts, name));
    expect(ours).toBe(opensshFinds(file, name));
  });
});

describe('hashed entries (ssh-keygen -H)', () => {
  it('match exactly the hashed names and ports', () => {
    const file = path.join(dir, 'hashed');
    writeFileSync(file, `[127.0.0.1]:2222 ${a.fields}\nbox.example.org ${b.fields}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('127.0.0.1');
    const entries = parseKnownHosts(text, file);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(verifyHostKey(entries, [hostKeyName('127.0.0.1', 2222)], a.blob).status).toBe('known');
    expect(verifyHostKey(entries, [hostKeyName('box.example.org', 22)], b.blob).status).toBe('known');
    expect(verifyHostKey(entries, [hostKeyName('127.0.0.1', 22)], a.blob).status).toBe('unknown');
    expect(verifyHostKey(entries, [hostKeyName('127.0.0.1', 2222)], b.blob).status).toBe('changed');
  });
});

describe('verifyHostKey', () => {
  const name = hostKeyName('srv', 2200);
  it('says unknown for a host without entries', () => {
    expect(verifyHostKey(parseKnownHosts(`other ${a.fields}\n`), [name], a.blob)).toEqual({ status: 'unknown' });
  });
  it('says changed when the host has another key of the same type', () => {
    const v = verifyHostKey(parseKnownHosts(`[srv]:2200 ${a.fields}\n`, 'f'), [name], b.blob);
    expect(v.status).toBe('changed');
  });
  it('refuses a @revoked key even when another line lists it as known', () => {
    const entries = parseKnownHosts(`[srv]:2200 ${a.fields}\n@revoked * ${a.fields}\n`);
    expect(verifyHostKey(entries, [name], a.blob).status).toBe('revoked');
  });
  it('ignores @cert-authority lines with a note', () => {
    const notes = { notes: [] as string[] };
    const v = verifyHostKey(parseKnownHosts(`@cert-authority [srv]:2200 ${a.fields}\n`, 'kh'), [name], a.blob, notes);
    expect(v.status).toBe('unknown');
    expect(notes.notes.join()).toMatch(/cert-authority/);
  });
  it('lists the known key types of a host so the handshake asks for them first', () => {
    expect(knownKeyTypes(parseKnownHosts(`[srv]:2200 ${a.fields}\nsrv ecdsa-sha2-nistp256 AAAA\n`), [name])).toEqual(['ssh-ed25519']);
  });
});

describe('fingerprints and persistence', () => {
  it('prints the SHA256 fingerprint the way ssh-keygen -l does', () => {
    expect(fingerprintSha256(a.blob)).toBe(sshKeygenFingerprint(a.pub));
  });
  it('appends accepted keys in a form OpenSSH reads back', async () => {
    const file = path.join(dir, 'sub', 'app_known_hosts');
    await appendKnownHost(file, hostKeyName('127.0.0.1', 2201), a.blob);
    await appendKnownHost(file, hostKeyName('h2', 22), b.blob);
    expect(opensshFinds(file, '[127.0.0.1]:2201')).toBe(true);
    expect(opensshFinds(file, 'h2')).toBe(true);
    const entries = await loadKnownHosts([file, path.join(dir, 'missing')]);
    expect(verifyHostKey(entries, ['[127.0.0.1]:2201'], a.blob).status).toBe('known');
  });
});
