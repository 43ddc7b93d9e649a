/**
 * Test helper: a tiny zip writer that, unlike zip libraries, will write what an attacker
 * writes — `../` and absolute names, symlink modes, headers that lie about sizes — so the
 * importer's refusals can be tested on real bytes.
 */
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry as it is to be written. */
export interface RawEntry {
  name: string;
  data: Buffer;
  /** Unix mode in the external attributes (default regular file 0644). */
  mode?: number;
  /** Deflate the data (default true). */
  deflate?: boolean;
  /** Uncompressed size the headers claim (default the real one). */
  claimedSize?: number;
}

/** Zip bytes for the entries. */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const deflate = e.deflate ?? true;
    const body = deflate ? deflateRawSync(e.data) : e.data;
    const size = e.claimedSize ?? e.data.length;
    const crc = crc32(e.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6);
    lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += lh.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** The JSON entries of a minimal valid case (no results). */
export function minimalCaseEntries(schema = 'crashdeck.case/1'): RawEntry[] {
  const json = (name: string, v: unknown): RawEntry => ({ name, data: Buffer.from(JSON.stringify(v)) });
  return [
    json('manifest.json', { schema, appVersion: '9.9.9', createdAt: '2026-11-26T00:00:00.000Z' }),
    json('dump.json', { fingerprint: 'fp', vmcoreName: 'vmcore', vmlinuxName: null, host: 'local', release: '6.1.0', crashVersion: '8.0.6', degraded: null, startupWarnings: [], diagnoses: [] }),
    json('results.json', []),
    json('annotations.json', []),
  ];
}
