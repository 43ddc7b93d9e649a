/**
 * A stable dump id the renderer cache keys on: size + SHA-256 of the header bytes + kernel release
 * + crash time. Reads only the header (4 KiB) through the Transport, so it is instant even for a
 * 100 GiB dump over SSH, and it changes when the file is replaced by another dump.
 */
import { createHash } from 'node:crypto';
import type { DumpFacts } from './dump-format.ts';

/** Fingerprint from facts read by readDumpFacts (release falls back to crash --osrelease). */
export function dumpFingerprint(facts: Pick<DumpFacts, 'size' | 'header' | 'release' | 'crashTimeMs'>, release: string | null = facts.release): string {
  const h = createHash('sha256');
  h.update(`crashdeck-dump-v1\0${facts.size}\0${release ?? ''}\0${facts.crashTimeMs ?? ''}\0`);
  h.update(facts.header);
  return `v1-${facts.size.toString(16)}-${h.digest('hex').slice(0, 32)}`;
}
