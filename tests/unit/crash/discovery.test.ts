/** vmlinux search and verification, and dump listing in kdump-tools and RHEL layouts, in tmp dirs. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findVmlinux, listDumps, verifyVmlinux, vmlinuxCandidates } from '../../../electron/crash/discovery.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { vmlinuxPath } from '../../support/fixtures.ts';

const t = new LocalTransport();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-disc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal ELF64 with a .rodata section holding `rodata` (what verifyVmlinux reads). */
function tinyElf(rodata: string): Buffer {
  const shstr = Buffer.from('\0.shstrtab\0.rodata\0', 'latin1');
  const ro = Buffer.from(rodata, 'latin1');
  const shoff = 64 + shstr.length + ro.length;
  const out = Buffer.alloc(shoff + 3 * 64);
  out.writeUInt32BE(0x7f454c46, 0);
  out[4] = 2; // 64-bit
  out[5] = 1; // little-endian
  out[6] = 1;
  out.writeUInt16LE(2, 16); // ET_EXEC
  out.writeUInt16LE(62, 18); // x86-64
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(64, 58);
  out.writeUInt16LE(3, 60);
  out.writeUInt16LE(1, 62);
  shstr.copy(out, 64);
  ro.copy(out, 64 + shstr.length);
  const sh = (i: number, name: number, offset: number, size: number): void => {
    const at = shoff + i * 64;
    out.writeUInt32LE(name, at);
    out.writeUInt32LE(i === 1 ? 3 : 1, at + 4);
    out.writeBigUInt64LE(BigInt(offset), at + 24);
    out.writeBigUInt64LE(BigInt(size), at + 32);
  };
  sh(1, 1, 64, shstr.length);
  sh(2, 11, 64 + shstr.length, ro.length);
  return out;
}

function file(rel: string, content: string | Buffer = 'x', mtime?: Date): string {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  if (mtime) utimesSync(p, mtime, mtime);
  return p;
}

describe('vmlinux discovery', () => {
  it('searches configured dirs first, then the distribution paths from the issue, in order', () => {
    expect(vmlinuxCandidates('6.1.0-9', ['/srv/dbg']).slice(-3)).toEqual([
      '/usr/lib/debug/boot/vmlinux-6.1.0-9',
      '/usr/lib/debug/lib/modules/6.1.0-9/vmlinux',
      '/boot/vmlinux-6.1.0-9',
    ]);
    expect(vmlinuxCandidates('6.1.0-9', ['/srv/dbg'])[0]).toBe('/srv/dbg/vmlinux-6.1.0-9');
  });

  it('verifies the banner: accepts the right release, names the wrong one', async () => {
    const good = file('elf/good', tinyElf('\0\0Linux version 6.1.0-9-amd64 (debian-kernel@lists.debian.org) #1 SMP\0'));
    const other = file('elf/other', tinyElf('Linux version 5.10.0-30-amd64 (debian-kernel@lists.debian.org) #1 SMP\0'));
    expect(await verifyVmlinux(t, good, '6.1.0-9-amd64')).toEqual({ ok: true });
    const bad = await verifyVmlinux(t, other, '6.1.0-9-amd64');
    expect(bad).toMatchObject({ ok: false, code: 'vmlinux-mismatch' });
    expect(bad.ok ? '' : bad.reason).toContain('5.10.0-30-amd64');
    expect(await verifyVmlinux(t, file('elf/text', 'not elf at all, just text that is long enough to have a header'), '6.1.0-9-amd64')).toMatchObject({ ok: false, code: 'vmlinux-mismatch' });
    // A prefix of the release must not match ("6.1.0-9" vs "6.1.0-9-amd64").
    expect(await verifyVmlinux(t, good, '6.1.0-9')).toMatchObject({ ok: false });
  });

  it('verifies the real fixture vmlinux against its release and rejects another release', async () => {
    expect(await verifyVmlinux(t, vmlinuxPath(), '6.1.0-56-cloud-amd64')).toEqual({ ok: true });
    const r = await verifyVmlinux(t, vmlinuxPath(), '6.1.0-57-cloud-amd64');
    expect(r.ok ? '' : r.reason).toContain('the vmlinux of 6.1.0-56-cloud-amd64');
  });

  it('finds the first verified candidate in a configured debuginfo dir, skipping a wrong one', async () => {
    file('dbg1/vmlinux-6.1.0-9-amd64', tinyElf('Linux version 6.1.0-8-amd64 (x)\0'));
    const right = file('dbg2/lib/modules/6.1.0-9-amd64/vmlinux', tinyElf('Linux version 6.1.0-9-amd64 (x)\0'));
    expect(await findVmlinux(t, '6.1.0-9-amd64', { debuginfoDirs: [path.join(dir, 'dbg1'), path.join(dir, 'dbg2')] })).toBe(right);
    await expect(findVmlinux(t, '6.1.0-7-amd64', { debuginfoDirs: [path.join(dir, 'dbg1')] })).rejects.toMatchObject({ code: 'vmlinux-not-found' });
    await expect(findVmlinux(t, '6.1.0-9-amd64', { given: path.join(dir, 'dbg1/vmlinux-6.1.0-9-amd64') })).rejects.toMatchObject({ code: 'vmlinux-mismatch' });
  });
});

describe('listDumps', () => {
  it('lists kdump-tools, RHEL and loose dumps newest first, with the dmesg beside them', async () => {
    const root = path.join(dir, 'var-crash');
    const kd = file('var-crash/202501021530/dump.202501021530', 'KDUMP', new Date('2025-01-02T15:30:00Z'));
    const kdDmesg = file('var-crash/202501021530/dmesg.202501021530', 'log');
    const rh = file('var-crash/127.0.0.1-2025-01-03-08:00:01/vmcore', 'KDUMP', new Date('2025-01-03T08:00:01Z'));
    const rhDmesg = file('var-crash/127.0.0.1-2025-01-03-08:00:01/vmcore-dmesg.txt', 'log');
    const rhNoDmesg = file('var-crash/10.0.0.5-2024-12-31-23:59:59/vmcore', 'KDUMP', new Date('2024-12-31T23:59:59Z'));
    const loose = file('var-crash/vmcore.old', 'KDUMP', new Date('2024-01-01T00:00:00Z'));
    file('var-crash/kexec_cmd', 'x');
    file('var-crash/202501040000/dmesg.202501040000', 'only dmesg, no dump');
    file('var-crash/linux-image-6.1.0-9-amd64-202501021530.crash', 'x');
    const list = await listDumps(t, root);
    expect(list.map((d) => d.vmcore)).toEqual([rh, kd, rhNoDmesg, loose]);
    expect(list.map((d) => d.layout)).toEqual(['rhel', 'kdump-tools', 'rhel', 'file']);
    expect(list.map((d) => d.dmesg)).toEqual([rhDmesg, kdDmesg, null, null]);
    expect(list[0]?.size).toBe(5);
  });

  it('returns nothing for a missing directory', async () => {
    expect(await listDumps(t, path.join(dir, 'nope'))).toEqual([]);
  });
});
