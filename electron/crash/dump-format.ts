/**
 * Reads a dump's header through a Transport (a few KiB, never the whole file) to learn its
 * format, kernel release, crash time and the size its own header promises — so a dump that is
 * not a dump, or was cut short while copying, is named before crash spends seconds on it.
 */
import type { Transport } from '../transport/types.ts';

/** Formats crash can read that we recognise; 'flattened' needs `makedumpfile -R` first. */
export type DumpFormat = 'kdump-compressed' | 'elf' | 'flattened' | 'unknown';

/** What the header says. */
export interface DumpFacts {
  format: DumpFormat;
  size: number;
  /** utsname.release from a kdump-compressed header. */
  release: string | null;
  /** Crash time (ms since epoch) from a kdump-compressed header. */
  crashTimeMs: number | null;
  /** Smallest file size consistent with the header, when it could be computed. */
  expectedSize: number | null;
  truncated: boolean;
  /** The first bytes of the file (for the fingerprint). */
  header: Buffer;
}

/** Bytes of header read for format, fingerprint and release. */
export const headerBytes = 4096;
/** Don't read bitmaps larger than this to check truncation (a machine with ~2 TiB of RAM). */
const maxBitmapBytes = 64 * 1024 * 1024;

/** A NUL-terminated string of at most `len` bytes at `start` (latin1: dump text is bytes). */
export function cString(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('latin1');
}

function popcount(buf: Buffer, bits: number): number {
  let n = 0;
  const fullBytes = Math.floor(bits / 8);
  for (let i = 0; i < fullBytes && i < buf.length; i++) {
    let b = buf[i] as number;
    while (b) {
      b &= b - 1;
      n++;
    }
  }
  const rest = bits % 8;
  if (rest && fullBytes < buf.length) {
    let b = (buf[fullBytes] as number) & ((1 << rest) - 1);
    while (b) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}

/** Size a kdump-compressed dump must have: end of the last page's data (makedumpfile writes in order). */
async function kdumpExpectedSize(t: Transport, path: string, h: Buffer, size: number): Promise<number | null> {
  const blockSize = h.readInt32LE(428);
  const subHdrSize = h.readInt32LE(432);
  const bitmapBlocks = h.readUInt32LE(436);
  let maxMapnr = h.readUInt32LE(440);
  const version = h.readInt32LE(8);
  if (blockSize <= 0 || blockSize > 1 << 20 || subHdrSize < 0 || bitmapBlocks === 0) return null;
  if (version >= 6) {
    // kdump_sub_header.max_mapnr_64 (header_version 6+) sits at byte 96 of the sub-header.
    const sub = await t.readRange(path, blockSize, 104);
    if (sub.length >= 104) maxMapnr = Number(sub.readBigUInt64LE(96)) || maxMapnr;
  }
  const bitmapLen = bitmapBlocks * blockSize;
  const half = bitmapLen / 2;
  const bitmapStart = blockSize * (1 + subHdrSize);
  const pdStart = bitmapStart + bitmapLen;
  if (half > maxBitmapBytes) return pdStart;
  if (size < pdStart) return pdStart;
  const second = await t.readRange(path, bitmapStart + half, Math.min(half, Math.ceil(maxMapnr / 8)));
  const pages = popcount(second, maxMapnr);
  const pdEnd = pdStart + pages * 24;
  if (pages === 0 || size < pdEnd) return pdEnd;
  // Data is written in pfn order, but excluded-zero pages all point at one shared page near the
  // start, so the furthest data is among the last descriptors, not necessarily the very last.
  const tail = Math.min(pages, 4096);
  const descs = await t.readRange(path, pdStart + (pages - tail) * 24, tail * 24);
  let end = pdEnd;
  for (let i = 0; i + 24 <= descs.length; i += 24) end = Math.max(end, Number(descs.readBigInt64LE(i)) + descs.readUInt32LE(i + 8));
  return end;
}

/** Size an ELF core must have: the end of its furthest program segment. */
async function elfExpectedSize(t: Transport, path: string, h: Buffer): Promise<number | null> {
  if (h[4] !== 2 || h[5] !== 1) return null; // ELF64 little-endian only
  const phoff = Number(h.readBigUInt64LE(32));
  const phentsize = h.readUInt16LE(54);
  const phnum = h.readUInt16LE(56);
  if (!Number.isSafeInteger(phoff) || phentsize < 56 || phnum === 0 || phnum === 0xffff) return null;
  const ph = await t.readRange(path, phoff, phentsize * phnum);
  let end = phoff + phentsize * phnum;
  for (let i = 0; i + phentsize <= ph.length; i += phentsize) {
    const off = Number(ph.readBigUInt64LE(i + 8));
    const filesz = Number(ph.readBigUInt64LE(i + 32));
    end = Math.max(end, off + filesz);
  }
  return end;
}

/** Byte offsets of struct new_utsname's fields in a kdump-compressed disk_dump_header. */
const kdumpUtsOffsets = { nodeName: 77, release: 142, machine: 272 } as const;

/** utsname.nodename and utsname.machine of a kdump-compressed header (null when empty). */
export function kdumpUtsname(header: Buffer): { nodeName: string | null; machine: string | null } {
  if (header.length < 464) return { nodeName: null, machine: null };
  return { nodeName: cString(header, kdumpUtsOffsets.nodeName, 65) || null, machine: cString(header, kdumpUtsOffsets.machine, 65) || null };
}

/** Inspect a dump file; throws only on I/O errors (permission, missing). */
export async function readDumpFacts(t: Transport, path: string): Promise<DumpFacts> {
  const st = await t.stat(path);
  const size = st?.size ?? 0;
  const header = await t.readRange(path, 0, headerBytes);
  const facts: DumpFacts = { format: 'unknown', size, release: null, crashTimeMs: null, expectedSize: null, truncated: false, header };
  if (header.length >= 464 && header.subarray(0, 8).toString('latin1') === 'KDUMP   ') {
    facts.format = 'kdump-compressed';
    facts.release = cString(header, kdumpUtsOffsets.release, 65) || null;
    const sec = Number(header.readBigInt64LE(408));
    const usec = Number(header.readBigInt64LE(416));
    facts.crashTimeMs = sec > 0 ? sec * 1000 + Math.floor(usec / 1000) : null;
    facts.expectedSize = await kdumpExpectedSize(t, path, header, size);
  } else if (header.length >= 64 && header.readUInt32BE(0) === 0x7f454c46 && header.readUInt16LE(16) === 4) {
    facts.format = 'elf';
    facts.expectedSize = await elfExpectedSize(t, path, header);
  } else if (header.subarray(0, 12).toString('latin1') === 'makedumpfile') {
    facts.format = 'flattened';
  }
  facts.truncated = facts.expectedSize !== null && size < facts.expectedSize;
  return facts;
}
