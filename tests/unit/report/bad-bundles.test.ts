/**
 * A .crashcase comes from someone else: every unsafe or broken bundle is refused with a clear
 * 'bad-case' error naming the problem, and nothing is written anywhere (the importer keeps the
 * case in memory). The hostile bundles are built byte by byte (raw-zip.ts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { minimalCaseEntries, rawZip, type RawEntry } from './raw-zip.ts';

let dir: string;
let api: ApiHost;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-bad-'));
  api = createApi();
});
afterAll(async () => {
  await api.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function refusal(entries: RawEntry[], limits?: Parameters<typeof readCaseBundle>[1]): Promise<{ code: string; message: string }> {
  const err = await readCaseBundle(rawZip(entries), limits).then(() => null, (e: unknown) => e as { code: string; message: string });
  expect(err, 'the bundle was accepted').not.toBeNull();
  return err!;
}

describe('bad case bundles', () => {
  it('accepts the minimal valid bundle the refusals below start from', async () => {
    const c = await readCaseBundle(rawZip(minimalCaseEntries()));
    expect(c.dump.fingerprint).toBe('fp');
    expect(c.triage).toBeNull();
  });

  it('refuses an entry that climbs out with ../ and writes nothing there', async () => {
    const target = path.join(dir, 'escaped.txt');
    const rel = path.relative(path.join(dir, 'storage'), target);
    const err = await refusal([...minimalCaseEntries(), { name: rel, data: Buffer.from('owned') }]);
    expect(err.code).toBe('bad-case');
    expect(err.message).toContain('climbs out');
    expect(existsSync(target)).toBe(false);
  });

  it('refuses an absolute path', async () => {
    const target = path.join(dir, 'abs.txt');
    const err = await refusal([...minimalCaseEntries(), { name: target, data: Buffer.from('owned') }]);
    expect(err).toMatchObject({ code: 'bad-case' });
    expect(err.message).toContain('absolute path');
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a symbolic link entry', async () => {
    const err = await refusal([...minimalCaseEntries(), { name: 'traces/link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]);
    expect(err).toMatchObject({ code: 'bad-case' });
    expect(err.message).toContain('symbolic link');
  });

  it('refuses a zip bomb by the bytes that actually inflate, even when the headers claim little', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    const honest = await refusal([...minimalCaseEntries(), { name: 'traces/big', data: zeros }], { maxFileBytes: 1 << 20, maxTotalBytes: 1 << 20, maxEntries: 100 });
    expect(honest).toMatchObject({ code: 'bad-case' });
    expect(honest.message).toMatch(/more than 1048576 bytes|zip bomb/);
    // The compressed bomb is tiny: the file-size cap is not what stopped it.
    expect(rawZip([{ name: 'x', data: zeros }]).length).toBeLessThan(64 * 1024);
    const lying = await refusal([...minimalCaseEntries(), { name: 'traces/big', data: zeros, claimedSize: 100 }], { maxFileBytes: 1 << 20, maxTotalBytes: 1 << 20, maxEntries: 100 });
    expect(lying).toMatchObject({ code: 'bad-case' });
  });

  it('refuses too many entries', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `traces/t${i}`, data: Buffer.from('x') }));
    const err = await refusal([...minimalCaseEntries(), ...many], { maxFileBytes: 1 << 20, maxTotalBytes: 1 << 20, maxEntries: 50 });
    expect(err.message).toContain('entries');
  });

  it('refuses a manifest from a newer schema, naming the version to update to', async () => {
    const err = await refusal(minimalCaseEntries('crashdeck.case/2'));
    expect(err).toMatchObject({ code: 'bad-case' });
    expect(err.message).toContain('crashdeck.case/2');
    expect(err.message).toContain('9.9.9');
  });

  it('refuses malformed JSON and wrong shapes, naming the file', async () => {
    const broken = minimalCaseEntries().map((e) => (e.name === 'results.json' ? { ...e, data: Buffer.from('[{"command": "sys", "raw": ') } : e));
    const err = await refusal(broken);
    expect(err).toMatchObject({ code: 'bad-case' });
    expect(err.message).toContain('results.json');
    expect(err.message).toContain('not valid JSON');
    const shape = minimalCaseEntries().map((e) => (e.name === 'results.json' ? { ...e, data: Buffer.from('[{"command": 5}]') } : e));
    expect((await refusal(shape)).message).toMatch(/results\.json .*malformed/);
    const noManifest = minimalCaseEntries().filter((e) => e.name !== 'manifest.json');
    expect((await refusal(noManifest)).message).toContain('no manifest.json');
  });

  it('refuses a file that is not a zip at all', async () => {
    const err = await readCaseBundle(Buffer.from('PK but not really')).catch((e: { code: string; message: string }) => e);
    expect(err).toMatchObject({ code: 'bad-case' });
  });

  it('case.open answers a bad bundle with the ApiError and opens no session', async () => {
    const file = path.join(dir, 'evil.crashcase');
    await writeFile(file, rawZip([...minimalCaseEntries(), { name: '../../evil', data: Buffer.from('x') }]));
    const err = await api.call('case.open', { path: file }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad-case' });
    expect(await api.call('session.list', {})).toEqual([]);
  });
});
