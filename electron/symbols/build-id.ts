/**
 * The GNU build-id of an ELF file (its NT_GNU_BUILD_ID note), read through a Transport in a few
 * small ranges: a debug vmlinux is 300–900 MB and may sit on another host, so the file is never
 * read whole. The build-id is what debuginfod serves by and what VMCOREINFO's BUILD-ID names.
 */
import type { Transport } from '../transport/types.ts';

const elfMagic = 0x7f454c46;
const ptNote = 4;
const shtNote = 7;
const ntGnuBuildId = 3;
/** A note segment or section larger than this is no kernel's: its notes are a few hundred bytes. */
const maxNoteBytes = 1 << 20;
const maxHeaders = 4096;

/** Why no build-id could be read; null reason means the file has none. */
export type BuildIdResult = { buildId: string } | { buildId: null; reason: string };

/** Lower-case hex, as debuginfod URLs and the client cache spell build-ids. */
export const buildIdPattern = /^[0-9a-f]{2,128}$/;

/** Find the GNU build-id note in a buffer of ELF notes (4-byte aligned name and desc). */
export function buildIdFromNotes(notes: Buffer): string | null {
  let off = 0;
  while (off + 12 <= notes.length) {
    const namesz = notes.readUInt32LE(off);
    const descsz = notes.readUInt32LE(off + 4);
    const type = notes.readUInt32LE(off + 8);
    const nameStart = off + 12;
    const descStart = nameStart + align4(namesz);
    const next = descStart + align4(descsz);
    if (namesz > notes.length || descsz > notes.length || descStart + descsz > notes.length) return null;
    if (type === ntGnuBuildId && namesz === 4 && notes.toString('latin1', nameStart, nameStart + 4) === 'GNU\0' && descsz > 0) {
      return notes.toString('hex', descStart, descStart + descsz);
    }
    off = next;
  }
  return null;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

interface Region {
  offset: number;
  size: number;
}

/**
 * Read the build-id of the ELF64 little-endian file at `path`: program headers' PT_NOTE first
 * (a vmlinux keeps .notes in one), else section headers' SHT_NOTE (a stripped-down debuginfo).
 */
export async function readBuildId(t: Transport, path: string): Promise<BuildIdResult> {
  const h = await t.readRange(path, 0, 64);
  if (h.length < 64 || h.readUInt32BE(0) !== elfMagic) return { buildId: null, reason: `${path} is not an ELF file` };
  if (h[4] !== 2 || h[5] !== 1) return { buildId: null, reason: `${path} is not a 64-bit little-endian ELF file` };
  const regions: Region[] = [];
  const phoff = Number(h.readBigUInt64LE(32));
  const phentsize = h.readUInt16LE(54);
  const phnum = h.readUInt16LE(56);
  if (phoff > 0 && phentsize >= 56 && phnum > 0 && phnum <= maxHeaders) {
    const ph = await t.readRange(path, phoff, phentsize * phnum);
    for (let i = 0; (i + 1) * phentsize <= ph.length; i++) {
      const b = i * phentsize;
      if (ph.readUInt32LE(b) === ptNote) regions.push({ offset: Number(ph.readBigUInt64LE(b + 8)), size: Number(ph.readBigUInt64LE(b + 32)) });
    }
  }
  const found = await searchRegions(t, path, regions);
  if (found) return { buildId: found };
  const shoff = Number(h.readBigUInt64LE(40));
  const shentsize = h.readUInt16LE(58);
  const shnum = h.readUInt16LE(60);
  const sections: Region[] = [];
  if (shoff > 0 && shentsize >= 64 && shnum > 0 && shnum <= 1 << 16) {
    const sh = await t.readRange(path, shoff, shentsize * shnum);
    for (let i = 0; (i + 1) * shentsize <= sh.length; i++) {
      const b = i * shentsize;
      if (sh.readUInt32LE(b + 4) === shtNote) sections.push({ offset: Number(sh.readBigUInt64LE(b + 24)), size: Number(sh.readBigUInt64LE(b + 32)) });
    }
  }
  const fromSections = await searchRegions(t, path, sections);
  if (fromSections) return { buildId: fromSections };
  return { buildId: null, reason: `${path} has no GNU build-id note` };
}

async function searchRegions(t: Transport, path: string, regions: readonly Region[]): Promise<string | null> {
  for (const r of regions) {
    if (r.size < 12 || r.size > maxNoteBytes || !Number.isSafeInteger(r.offset)) continue;
    const id = buildIdFromNotes(await t.readRange(path, r.offset, r.size));
    if (id) return id;
  }
  return null;
}

/** `path` when it is a non-empty file carrying `buildId`; null when it is missing, empty or another build's. */
export async function fileWithBuildId(t: Transport, path: string, buildId: string): Promise<string | null> {
  const st = await t.stat(path).catch(() => null);
  if (!st?.isFile || st.size === 0) return null;
  const got = await readBuildId(t, path).catch(() => null);
  return got?.buildId === buildId ? path : null;
}
