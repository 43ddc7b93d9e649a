/**
 * The GNU build-id reader on the real debug vmlinuxes (cross-checked with binutils' readelf and
 * with the BUILD-ID the fixture dumps' VMCOREINFO records) and on files that are no ELF or carry
 * no note; it reads a few small ranges, never the whole 560 MB file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDumpIdentity } from '../../../electron/dumpinfo/vmcoreinfo.ts';
import { buildIdFromNotes, readBuildId } from '../../../electron/symbols/build-id.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const t = new LocalTransport();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-buildid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readelfBuildId(file: string): string {
  const m = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', file], { encoding: 'utf8' }));
  if (!m?.[1]) throw new Error(`readelf: no build-id in ${file}`);
  return m[1];
}

describe('readBuildId', () => {
  for (const scenario of ['panic-sysrq', 'oops-syscall-6.12'] as const) {
    it(`${scenario}: the vmlinux's build-id is readelf's and the dump's VMCOREINFO BUILD-ID, read in a few KiB`, async () => {
      const vmlinux = vmlinuxPath(scenario);
      let read = 0;
      const counting = Object.create(t) as LocalTransport;
      counting.readRange = async (p, off, len) => {
        read += len;
        return t.readRange(p, off, len);
      };
      const got = await readBuildId(counting, vmlinux);
      expect(got.buildId).toBe(readelfBuildId(vmlinux));
      expect(got.buildId).toBe((await readDumpIdentity(t, vmcorePath(scenario))).buildId);
      expect(read).toBeLessThan(64 * 1024);
    });
  }

  it('a system binary: readelf agrees (notes found by program header)', async () => {
    expect((await readBuildId(t, '/bin/true')).buildId).toBe(readelfBuildId('/bin/true'));
  });

  it('a text file, an empty file and a 32-bit ELF say why there is no build-id', async () => {
    const text = path.join(dir, 'dmesg.txt');
    writeFileSync(text, '[    0.000000] Linux version 6.1.0\n'.repeat(10));
    expect(await readBuildId(t, text)).toEqual({ buildId: null, reason: `${text} is not an ELF file` });
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '');
    expect((await readBuildId(t, empty)).buildId).toBeNull();
    const elf32 = Buffer.alloc(64);
    elf32.writeUInt32BE(0x7f454c46, 0);
    elf32[4] = 1;
    elf32[5] = 1;
    const f32 = path.join(dir, 'elf32');
    writeFileSync(f32, elf32);
    expect(await readBuildId(t, f32)).toEqual({ buildId: null, reason: `${f32} is not a 64-bit little-endian ELF file` });
  });

  it('hostile note sizes never read past the buffer', () => {
    const b = Buffer.alloc(32);
    b.writeUInt32LE(0xffffffff, 0); // namesz
    b.writeUInt32LE(20, 4);
    b.writeUInt32LE(3, 8);
    expect(buildIdFromNotes(b)).toBeNull();
    const ok = Buffer.alloc(12 + 4 + 4);
    ok.writeUInt32LE(4, 0);
    ok.writeUInt32LE(4, 4);
    ok.writeUInt32LE(3, 8);
    ok.write('GNU\0', 12, 'latin1');
    ok.writeUInt32BE(0xdeadbeef, 16);
    expect(buildIdFromNotes(ok)).toBe('deadbeef');
  });
});
