/**
 * readDumpIdentity on every fixture vmcore (compared with meta.json, crash's own `sys` and the
 * GNU build-id note of the matching vmlinux read by readelf), on a hand-made ELF core, and on
 * hostile or cut-short headers.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVmcoreinfo, readDumpIdentity } from '../../../electron/dumpinfo/vmcoreinfo.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { allScenarios, fixtureMeta, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { elfCore } from '../../support/elf-core.ts';

const t = new LocalTransport();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-vmci-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The GNU build-id of a vmlinux as binutils reads it (independent of our ELF code). */
function readelfBuildId(file: string): string {
  const out = execFileSync('readelf', ['-nW', file], { encoding: 'utf8' });
  const m = /Build ID: ([0-9a-f]+)/.exec(out);
  if (!m) throw new Error(`readelf found no build-id in ${file}`);
  return m[1] as string;
}

function head(src: string, bytes: number, name: string): string {
  const buf = Buffer.alloc(bytes);
  const fd = openSync(src, 'r');
  const n = readSync(fd, buf, 0, bytes, 0);
  closeSync(fd);
  const out = path.join(dir, name);
  writeFileSync(out, buf.subarray(0, n));
  return out;
}

describe('readDumpIdentity on every fixture vmcore', () => {
  for (const s of allScenarios) {
    it(`${s}: release, build-id, crash time, node and machine match the dump's other witnesses`, async () => {
      const id = await readDumpIdentity(t, vmcorePath(s));
      const meta = fixtureMeta(s);
      expect(id.format).toBe('kdump-compressed');
      expect(id.size).toBe(meta.vmcore.size);
      expect(id.release).toBe(meta.kernel.release);
      expect(id.buildId).toBe(readelfBuildId(vmlinuxPath(s)));
      const sys = transcript(s, 'sys');
      expect(id.nodeName).toBe(/NODENAME: (\S+)/.exec(sys)?.[1]);
      expect(id.machine).toBe(/MACHINE: (\S+)/.exec(sys)?.[1]);
      const date = /DATE: (.+)/.exec(sys)?.[1] ?? '';
      expect(id.crashTimeMs).toBe(Date.parse(date.replace(' UTC', '') + ' UTC'));
      // The header's time and the note's CRASHTIME are the same instant (to the second).
      expect(Number(id.vmcoreinfo['CRASHTIME']) * 1000).toBe(id.crashTimeMs);
      expect(id.pageSize).toBe(4096);
      // The fixtures boot with nokaslr.
      expect((meta.kernel as { kaslr?: boolean }).kaslr).toBe(false);
      expect(id.kaslrOffset).toBe('0x0');
      expect(id.truncated).toBe(false);
      expect(id.vmcoreinfo['SYMBOL(init_uts_ns)']).toMatch(/^[0-9a-f]{16}$/);
    });
  }
});

describe('readDumpIdentity on an ELF core (/proc/vmcore layout)', () => {
  const info = [
    'OSRELEASE=6.9.0-test-amd64',
    'BUILD-ID=00112233445566778899AABBCCDDEEFF00112233',
    'PAGESIZE=4096',
    'SYMBOL(init_uts_ns)=ffffffff9e000100',
    'OFFSET(uts_namespace.name)=4',
    'KERNELOFFSET=1c000000',
    'CRASHTIME=1700000000',
    '',
  ].join('\n');

  it('reads makedumpfile\'s dump level from the kdump sub-header: meta.json\'s on every fixture (31; 23 for the 7.2 one)', async () => {
    for (const s of allScenarios) {
      const want = (fixtureMeta(s) as unknown as { vmcore: { dump_level: number } }).vmcore.dump_level;
      expect((await readDumpIdentity(t, vmcorePath(s))).dumpLevel, s).toBe(want);
    }
    const seven = path.join(path.dirname(path.dirname(vmcorePath('panic-sysrq'))), 'hung-mutex-7.2');
    const meta = JSON.parse(readFileSync(path.join(seven, 'meta.json'), 'utf8')) as { vmcore: { dump_level: number } };
    expect((await readDumpIdentity(t, path.join(seven, 'vmcore'))).dumpLevel).toBe(meta.vmcore.dump_level);
    expect(meta.vmcore.dump_level).toBe(23);
  });

  it('reads VMCOREINFO from the PT_NOTE segment and utsname from kernel memory through PT_LOAD', async () => {
    const file = path.join(dir, 'elf-core');
    writeFileSync(file, elfCore({ vmcoreinfo: info, uts: { vaddr: 0xffffffff9e000100n + 4n, nodeName: 'db07', machine: 'x86_64', release: '6.9.0-test-amd64' } }));
    // binutils agrees the file is a core with a VMCOREINFO note.
    expect(execFileSync('readelf', ['-nW', file], { encoding: 'utf8' })).toMatch(/VMCOREINFO/);
    const id = await readDumpIdentity(t, file);
    expect(id).toMatchObject({
      format: 'elf', release: '6.9.0-test-amd64', buildId: '00112233445566778899aabbccddeeff00112233', pageSize: 4096,
      crashTimeMs: 1_700_000_000_000, kaslrOffset: '0x1c000000', nodeName: 'db07', machine: 'x86_64', truncated: false,
    });
  });

  it('without a mapping of init_uts_ns it still names the machine from e_machine', async () => {
    const file = path.join(dir, 'elf-core-nouts');
    writeFileSync(file, elfCore({ vmcoreinfo: info }));
    const id = await readDumpIdentity(t, file);
    expect(id.release).toBe('6.9.0-test-amd64');
    expect(id.nodeName).toBeNull();
    expect(id.machine).toBe('x86_64');
  });

  it('an older kernel without BUILD-ID: release yes, build-id null', async () => {
    const file = path.join(dir, 'elf-core-old');
    writeFileSync(file, elfCore({ vmcoreinfo: 'OSRELEASE=4.19.0-27-amd64\nPAGESIZE=4096\n' }));
    const id = await readDumpIdentity(t, file);
    expect(id.release).toBe('4.19.0-27-amd64');
    expect(id.buildId).toBeNull();
  });

  it('a note whose sizes run past its segment or a program header table past EOF is ignored, not followed', async () => {
    const bad = elfCore({ vmcoreinfo: info });
    // namesz of the first note (at the PT_NOTE offset) made huge
    const noteOff = Number(bad.readBigUInt64LE(64 + 8));
    const huge = Buffer.from(bad);
    huge.writeUInt32LE(0xfffffff0, noteOff);
    writeFileSync(path.join(dir, 'elf-huge-note'), huge);
    const a = await readDumpIdentity(t, path.join(dir, 'elf-huge-note'));
    expect(a.format).toBe('elf');
    expect(a.release).toBeNull();
    expect(a.vmcoreinfo).toEqual({});
    const phnum = Buffer.from(bad);
    phnum.writeBigUInt64LE(0x7fffffffffff0000n, 32); // e_phoff far beyond the file
    writeFileSync(path.join(dir, 'elf-far-phdr'), phnum);
    const b = await readDumpIdentity(t, path.join(dir, 'elf-far-phdr'));
    expect(b.release).toBeNull();
  });
});

describe('readDumpIdentity on hostile and cut-short kdump headers', () => {
  it('a copy cut inside the header or before VMCOREINFO: what the header holds, no VMCOREINFO, truncated', async () => {
    const src = vmcorePath('oom-slab-leak');
    const meta = fixtureMeta('oom-slab-leak');
    const small = await readDumpIdentity(t, head(src, 4096, 'cut-4096'));
    expect(small.release).toBe(meta.kernel.release);
    expect(small.buildId).toBeNull();
    expect(small.truncated).toBe(true);
    const mid = await readDumpIdentity(t, head(src, 4600, 'cut-4600'));
    expect(mid.buildId).toBeNull();
    expect(mid.truncated).toBe(true);
    // Cut after the note: identity complete, still truncated.
    const late = await readDumpIdentity(t, head(src, 64 * 1024, 'cut-64k'));
    expect(late.buildId).toBe(readelfBuildId(vmlinuxPath('oom-slab-leak')));
    expect(late.truncated).toBe(true);
  });

  it('a sub-header pointing VMCOREINFO past the end, or with an absurd size, yields no note', async () => {
    const buf = readFileSync(head(vmcorePath('panic-sysrq'), 64 * 1024, 'sysrq-64k'));
    const a = Buffer.from(buf);
    a.writeBigInt64LE(1n << 50n, 4096 + 32);
    writeFileSync(path.join(dir, 'far-note'), a);
    expect((await readDumpIdentity(t, path.join(dir, 'far-note'))).buildId).toBeNull();
    const b = Buffer.from(buf);
    b.writeBigUInt64LE(1n << 40n, 4096 + 40);
    writeFileSync(path.join(dir, 'huge-note'), b);
    const hb = await readDumpIdentity(t, path.join(dir, 'huge-note'));
    expect(hb.buildId).toBeNull();
    expect(hb.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
    const c = Buffer.from(buf);
    c.writeBigInt64LE(-5n, 4096 + 32);
    writeFileSync(path.join(dir, 'neg-note'), c);
    expect((await readDumpIdentity(t, path.join(dir, 'neg-note'))).buildId).toBeNull();
  });

  it('a file that is no dump: format unknown, every field null', async () => {
    const file = path.join(dir, 'text');
    writeFileSync(file, 'OSRELEASE=6.1.0\nBUILD-ID=abcd\n'.repeat(100));
    const id = await readDumpIdentity(t, file);
    expect(id).toMatchObject({ format: 'unknown', release: null, buildId: null, crashTimeMs: null, vmcoreinfo: {} });
  });

  it('a missing file is an I/O error the caller names', async () => {
    await expect(readDumpIdentity(t, path.join(dir, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});

describe('parseVmcoreinfo', () => {
  it('keeps KEY=VALUE lines, skips junk, and cannot be abused to reach the object prototype', () => {
    const info = parseVmcoreinfo('OSRELEASE=6.1\nno equals\n=empty key\n__proto__=x\nSYMBOL(a b)=1\nLENGTH(mem_section)=1024\r\n');
    expect(info['OSRELEASE']).toBe('6.1');
    expect(info['LENGTH(mem_section)']).toBe('1024');
    expect(Object.keys(info)).not.toContain('SYMBOL(a b)');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.getPrototypeOf(info)).toBeNull();
  });
});
