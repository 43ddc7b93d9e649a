/**
 * The dump's cached results as report.export takes them, so a `.crashcase` holds what the user
 * looked at (other pids' memory maps, page lookups, console lines), not only the commands the
 * host re-runs. Read-only use of the IndexedDB cache. The parsed models stay behind: the host
 * parses the raw text again with its own parsers, and leaving them out halves the message.
 */
import type { CachedResult } from '../../../electron/api/contract.ts';
import type { CrashdeckDb, ResultRecord } from '../../lib/db.ts';

/**
 * The host's bounds (electron/api/contract.ts exportResultLimits; the renderer imports only
 * types from electron/, so they are repeated here): results sent, and their output text.
 */
export const sendLimits = { maxResults: 2000, maxTotalTextBytes: 48 * 1024 * 1024, maxCommandChars: 4096 } as const;

/** What goes with the export, and how many cached results did not fit the limits. */
export interface CachedForExport {
  results: CachedResult[];
  left: number;
}

const utf8 = new TextEncoder();
// The host refuses command lines with control characters other than tab/newline; skip them here.
// eslint-disable-next-line no-control-regex
const controlChars = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function textBytes(r: ResultRecord): number {
  let n = utf8.encode(r.raw).length + utf8.encode(r.error ?? '').length;
  for (const w of r.warnings) n += utf8.encode(w).length;
  return n;
}

/** Pick the results to send from `records`: the most recently used first, within the limits. */
export function pickForExport(records: readonly ResultRecord[], limits: { maxResults: number; maxTotalTextBytes: number; maxCommandChars: number } = sendLimits): CachedForExport {
  const byUse = [...records].sort((a, b) => b.lastUsed - a.lastUsed);
  const results: CachedResult[] = [];
  let total = 0;
  let left = 0;
  for (const r of byUse) {
    // The host re-parses what it is sent; drgn's answers have no text to parse (the host asks its own session).
    if (r.engine === 'drgn') continue;
    const size = textBytes(r);
    if (results.length >= limits.maxResults || total + size > limits.maxTotalTextBytes || r.command.length > limits.maxCommandChars || r.command.trim() === '' || controlChars.test(r.command)) {
      left++;
      continue;
    }
    total += size;
    results.push({
      command: r.command,
      raw: r.raw,
      crashVersion: r.crashVersion,
      at: r.at,
      durationMs: r.durationMs,
      warnings: r.warnings,
      error: r.error,
      diagnoses: r.diagnoses ?? [],
    });
  }
  // Oldest first, as they were produced.
  results.sort((a, b) => a.at - b.at);
  return { results, left };
}

/** The cached results of one dump, ready for report.export (none without a cache). */
export async function cachedForExport(db: CrashdeckDb | null, fingerprint: string): Promise<CachedForExport> {
  if (!db) return { results: [], left: 0 };
  try {
    return pickForExport(await db.results.where('fingerprint').equals(fingerprint).toArray());
  } catch {
    // Cache unavailable: the export still carries the session's own results.
    return { results: [], left: 0 };
  }
}
