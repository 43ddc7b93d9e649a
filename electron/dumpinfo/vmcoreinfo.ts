/**
 * The dump's own identity without vmlinux or crash: the kdump-compressed header (utsname, crash
 * time) and the kernel's VMCOREINFO note (OSRELEASE, BUILD-ID, CRASHTIME, PAGESIZE,
 * KERNELOFFSET and the symbols makedumpfile needs). Only a few KiB are read through the
 * Transport, so it is instant locally and over SSH, and it names the exact debug vmlinux by
 * build-id before anything slow starts.
 */
import { cString, kdumpUtsname, readDumpFacts, type DumpFacts, type DumpFormat } from '../crash/dump-format.ts';
import type { Transport } from '../transport/types.ts';

/** What a dump says about itself. */
export interface DumpIdentity {
  format: DumpFormat;
  size: number;
  /** Kernel release (VMCOREINFO OSRELEASE, else the kdump header's utsname.release). */
  release: string | null;
  /** GNU build-id of the crashed kernel's vmlinux (VMCOREINFO BUILD-ID, Linux 5.9+), lowercase hex. */
  buildId: string | null;
  /** Crash time, ms since the epoch (kdump header, else VMCOREINFO CRASHTIME). */
  crashTimeMs: number | null;
  pageSize: number | null;
  /** utsname.machine ("x86_64"), else the ELF machine. */
  machine: string | null;
  /** utsname.nodename: the host name of the machine that crashed. */
  nodeName: string | null;
  /** KASLR offset (VMCOREINFO KERNELOFFSET) as "0x…", "0x0" without KASLR. */
  kaslrOffset: string | null;
  /** Every KEY=VALUE line of VMCOREINFO ({} when the dump carries none we could read). */
  vmcoreinfo: Record<string, string>;
  /** The file is shorter than its own header says (see crash/dump-format.ts). */
  truncated: boolean;
  expectedSize: number | null;
  /** makedumpfile's dump level (kdump_sub_header.dump_level: 1 zero, 2 cache, 4 cache with private, 8 user, 16 free pages left out), null when not a kdump-compressed dump. */
  dumpLevel?: number | null;
}

/** VMCOREINFO is ~3 KiB on current kernels; anything far larger is not a real note. */
const maxVmcoreinfoBytes = 64 * 1024;
/** All PT_NOTE segments together (per-CPU PRSTATUS notes grow with CPUs: ~350 B each). */
const maxNoteBytes = 4 * 1024 * 1024;
const maxEntries = 4096;
const PT_LOAD = 1;
const PT_NOTE = 4;
/** ELF e_machine values of architectures kdump runs on, for dumps without utsname. */
const elfMachines: Record<number, string> = { 3: 'i686', 8: 'mips', 20: 'ppc', 21: 'ppc64', 22: 's390x', 40: 'arm', 62: 'x86_64', 183: 'aarch64', 243: 'riscv64', 258: 'loongarch64' };

/**
 * Parse VMCOREINFO text ("KEY=VALUE" per line). Hostile input stays bounded: keys are the
 * kernel's shape (letters, digits, `_()./-`), values are single lines, at most 4096 entries.
 */
export function parseVmcoreinfo(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let n = 0;
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0 || eq > 128) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Za-z0-9_().\-/]+$/.test(key) || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    out[key] = line.slice(eq + 1, eq + 1 + 4096).replace(/\r$/, '');
    if (++n >= maxEntries) break;
  }
  return out;
}

function safeNumber(v: bigint): number | null {
  return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}

/**
 * VMCOREINFO text of a kdump-compressed dump (kdump_sub_header.offset/size_vmcoreinfo, header_version
 * 3+) and its dump level (kdump_sub_header.dump_level, after the 8-byte phys_base).
 */
async function kdumpVmcoreinfo(t: Transport, path: string, header: Buffer, size: number): Promise<{ text: string | null; dumpLevel: number | null }> {
  const version = header.readInt32LE(8);
  const blockSize = header.readInt32LE(428);
  if (version < 3 || blockSize <= 0 || blockSize > 1 << 20) return { text: null, dumpLevel: null };
  const sub = await t.readRange(path, blockSize, 48);
  if (sub.length < 48) return { text: null, dumpLevel: null };
  const level = sub.readInt32LE(8);
  const dumpLevel = level >= 0 && level <= 31 ? level : null;
  const offset = safeNumber(sub.readBigInt64LE(32));
  const len = safeNumber(sub.readBigUInt64LE(40));
  if (offset === null || len === null || offset === 0 || len === 0 || len > maxVmcoreinfoBytes || offset >= size) return { text: null, dumpLevel };
  const buf = await t.readRange(path, offset, len);
  return { text: buf.toString('latin1'), dumpLevel };
}

interface ElfCore {
  is64: boolean;
  machine: number;
  notes: Array<{ offset: number; size: number }>;
  loads: Array<{ offset: number; vaddr: bigint; filesz: number }>;
}

/** Program headers of a little-endian ELF core (ELF32 or ELF64), bounded. */
async function elfProgramHeaders(t: Transport, path: string, h: Buffer): Promise<ElfCore | null> {
  if (h.length < 52 || h[5] !== 1) return null; // little-endian only
  const is64 = h[4] === 2;
  if (!is64 && h[4] !== 1) return null;
  if (is64 && h.length < 64) return null;
  const phoff = is64 ? safeNumber(h.readBigUInt64LE(32)) : h.readUInt32LE(28);
  const phentsize = h.readUInt16LE(is64 ? 54 : 42);
  const phnum = h.readUInt16LE(is64 ? 56 : 44);
  if (phoff === null || phentsize < (is64 ? 56 : 32) || phnum === 0 || phnum === 0xffff) return null;
  const ph = await t.readRange(path, phoff, phentsize * phnum);
  const core: ElfCore = { is64, machine: h.readUInt16LE(18), notes: [], loads: [] };
  for (let i = 0; i + phentsize <= ph.length; i += phentsize) {
    const type = ph.readUInt32LE(i);
    const offset = is64 ? safeNumber(ph.readBigUInt64LE(i + 8)) : ph.readUInt32LE(i + 4);
    const vaddr = is64 ? ph.readBigUInt64LE(i + 16) : BigInt(ph.readUInt32LE(i + 8));
    const filesz = is64 ? safeNumber(ph.readBigUInt64LE(i + 32)) : ph.readUInt32LE(i + 16);
    if (offset === null || filesz === null) continue;
    if (type === PT_NOTE) core.notes.push({ offset, size: filesz });
    else if (type === PT_LOAD && filesz > 0) core.loads.push({ offset, vaddr, filesz });
  }
  return core;
}

/** The VMCOREINFO note's text among an ELF core's PT_NOTE segments. */
async function elfVmcoreinfo(t: Transport, path: string, core: ElfCore): Promise<string | null> {
  let budget = maxNoteBytes;
  for (const seg of core.notes) {
    const len = Math.min(seg.size, budget);
    if (len <= 0) break;
    budget -= len;
    const buf = await t.readRange(path, seg.offset, len);
    // Elf64_Nhdr and Elf32_Nhdr are both three 4-byte words; name and desc are 4-byte aligned.
    for (let p = 0; p + 12 <= buf.length; ) {
      const namesz = buf.readUInt32LE(p);
      const descsz = buf.readUInt32LE(p + 4);
      const nameStart = p + 12;
      const descStart = nameStart + Math.ceil(namesz / 4) * 4;
      const next = descStart + Math.ceil(descsz / 4) * 4;
      if (namesz > 256 || descStart + descsz > buf.length || next <= p) break;
      const name = cString(buf, nameStart, namesz);
      if (name === 'VMCOREINFO' && descsz <= maxVmcoreinfoBytes) return buf.toString('latin1', descStart, descStart + descsz);
      p = next;
    }
  }
  return null;
}

/**
 * utsname of an ELF core, read from kernel memory: VMCOREINFO gives init_uts_ns's (runtime)
 * address and the offset of its name; the PT_LOAD that maps it gives the file offset.
 */
async function elfUtsname(t: Transport, path: string, core: ElfCore, info: Record<string, string>): Promise<{ nodeName: string | null; machine: string | null } | null> {
  const sym = info['SYMBOL(init_uts_ns)'];
  const off = info['OFFSET(uts_namespace.name)'];
  if (!sym || !/^[0-9a-fA-F]{1,16}$/.test(sym) || (off !== undefined && !/^\d{1,6}$/.test(off))) return null;
  const addr = BigInt(`0x${sym}`) + BigInt(off ?? '0');
  const utsLen = 6 * 65;
  for (const l of core.loads) {
    if (addr < l.vaddr || addr + BigInt(utsLen) > l.vaddr + BigInt(l.filesz)) continue;
    const buf = await t.readRange(path, l.offset + Number(addr - l.vaddr), utsLen);
    if (buf.length < utsLen) return null;
    return { nodeName: cString(buf, 65, 65) || null, machine: cString(buf, 4 * 65, 65) || null };
  }
  return null;
}

const buildIdRe = /^[0-9a-f]{2,128}$/;

/** Read a dump's identity through a Transport; throws only on I/O errors (missing file, permission). */
export async function readDumpIdentity(t: Transport, path: string): Promise<DumpIdentity> {
  return identityFromFacts(t, path, await readDumpFacts(t, path));
}

/** The identity of a dump whose header facts were already read (session.open reads them anyway). */
export async function identityFromFacts(t: Transport, path: string, facts: DumpFacts): Promise<DumpIdentity> {
  const id: DumpIdentity = {
    format: facts.format,
    size: facts.size,
    release: facts.release,
    buildId: null,
    crashTimeMs: facts.crashTimeMs,
    pageSize: null,
    machine: null,
    nodeName: null,
    kaslrOffset: null,
    vmcoreinfo: {},
    truncated: facts.truncated,
    expectedSize: facts.expectedSize,
  };
  let text: string | null = null;
  if (facts.format === 'kdump-compressed') {
    Object.assign(id, kdumpUtsname(facts.header));
    const k = await kdumpVmcoreinfo(t, path, facts.header, facts.size);
    text = k.text;
    id.dumpLevel = k.dumpLevel;
  } else if (facts.format === 'elf') {
    const core = await elfProgramHeaders(t, path, facts.header);
    if (core) {
      id.machine = elfMachines[core.machine] ?? null;
      text = await elfVmcoreinfo(t, path, core);
      const uts = text ? await elfUtsname(t, path, core, parseVmcoreinfo(text)) : null;
      if (uts) {
        id.nodeName = uts.nodeName;
        id.machine = uts.machine ?? id.machine;
      }
    }
  }
  if (text === null) return id;
  const info = parseVmcoreinfo(text);
  id.vmcoreinfo = info;
  const rel = info['OSRELEASE'];
  if (rel && rel.length <= 64 && /^\S+$/.test(rel)) id.release = rel;
  const build = info['BUILD-ID']?.toLowerCase();
  if (build && buildIdRe.test(build)) id.buildId = build;
  const page = Number(info['PAGESIZE']);
  if (Number.isInteger(page) && page >= 512 && page <= 1 << 20 && (page & (page - 1)) === 0) id.pageSize = page;
  const crash = info['CRASHTIME'];
  if (id.crashTimeMs === null && crash && /^\d{1,12}$/.test(crash) && Number(crash) > 0) id.crashTimeMs = Number(crash) * 1000;
  const kaslr = info['KERNELOFFSET'];
  if (kaslr && /^[0-9a-fA-F]{1,16}$/.test(kaslr)) id.kaslrOffset = `0x${kaslr.toLowerCase().replace(/^0+(?=.)/, '')}`;
  return id;
}
