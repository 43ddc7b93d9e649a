/** Dump header facts (format, release, crash time, truncation) and the fingerprint built on them. */
import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDumpFacts } from '../../../electron/crash/dump-format.ts';
import { dumpFingerprint } from '../../../electron/crash/fingerprint.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { fixtureMeta, scenarios, transcript, vmcorePath } from '../../support/fixtures.ts';

const t = new LocalTransport();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-fp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function patchByte(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = (b[0] as number) ^ 0xff;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

function cut(src: string, bytes: number, name: string): string {
  const out = path.join(dir, name);
  const buf = Buffer.alloc(bytes);
  const fd = openSync(src, 'r');
  const n = readSync(fd, buf, 0, bytes, 0);
  closeSync(fd);
  writeFileSync(out, buf.subarray(0, n));
  return out;
}

describe('readDumpFacts on the fixtures', () => {
  it('reads format, release and crash time from the kdump header; a complete dump is not truncated', async () => {
    for (const s of scenarios) {
      const f = await readDumpFacts(t, vmcorePath(s));
      expect(f.format).toBe('kdump-compressed');
      expect(f.release).toBe(fixtureMeta(s).kernel.release);
      expect(f.size).toBe(fixtureMeta(s).vmcore.size);
      expect(f.truncated).toBe(false);
      // crash's `sys` DATE line is the same instant (to the second).
      const date = /DATE: (.+)/.exec(transcript(s, 'sys'))?.[1] ?? '';
      expect(f.crashTimeMs).toBe(Date.parse(date.replace(' UTC', '') + ' UTC'));
    }
  });

  it('flags a copy cut short, wherever it was cut', async () => {
    const size = fixtureMeta('panic-sysrq').vmcore.size;
    for (const bytes of [8192, 40_000, 1 << 20, size - 1]) {
      const f = await readDumpFacts(t, cut(vmcorePath('panic-sysrq'), bytes, `cut-${bytes}`));
      expect(f.truncated, `cut at ${bytes}`).toBe(true);
      expect(f.expectedSize).toBeGreaterThan(bytes);
      // Once the page descriptors are complete, the header tells the full size.
      if (bytes >= 1 << 20) expect(f.expectedSize).toBe(size);
    }
  });

  it('does not recognise text as a dump', async () => {
    const p = path.join(dir, 'dmesg.txt');
    writeFileSync(p, '[    0.000000] Linux version 6.1.0-56-cloud-amd64\n');
    const f = await readDumpFacts(t, p);
    expect(f.format).toBe('unknown');
    expect(f.release).toBeNull();
  });
});

describe('dumpFingerprint', () => {
  it('is stable for the same dump and equal for a byte-identical copy elsewhere', async () => {
    const a = dumpFingerprint(await readDumpFacts(t, vmcorePath('oom-user-hog')));
    const b = dumpFingerprint(await readDumpFacts(t, vmcorePath('oom-user-hog')));
    const copy = path.join(dir, 'copy-vmcore');
    copyFileSync(vmcorePath('oom-user-hog'), copy);
    expect(a).toBe(b);
    expect(dumpFingerprint(await readDumpFacts(t, copy))).toBe(a);
  });

  it('differs between the three fixtures and when the header changes', async () => {
    const fps = new Set<string>();
    for (const s of scenarios) fps.add(dumpFingerprint(await readDumpFacts(t, vmcorePath(s))));
    expect(fps.size).toBe(3);
    const copy = path.join(dir, 'patched-vmcore');
    copyFileSync(vmcorePath('panic-sysrq'), copy);
    const before = dumpFingerprint(await readDumpFacts(t, copy));
    patchByte(copy, 2000);
    expect(dumpFingerprint(await readDumpFacts(t, copy))).not.toBe(before);
  });

  it('reads only the header: a change deep inside the page data keeps the id (documented trade-off)', async () => {
    const copy = path.join(dir, 'deep-vmcore');
    copyFileSync(vmcorePath('panic-sysrq'), copy);
    const before = dumpFingerprint(await readDumpFacts(t, copy));
    patchByte(copy, 8 * 1024 * 1024);
    expect(dumpFingerprint(await readDumpFacts(t, copy))).toBe(before);
  });
});
