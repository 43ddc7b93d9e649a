/**
 * One place that turns a command's Api response into the cached record every view reads, and
 * writes it to IndexedDB when there is a cache. A failed write (quota, closed database) still
 * yields the record, so the view shows the result; it is just not kept.
 */
import type { CommandResponse, Parsed } from '../../electron/api/contract.ts';
import { cacheLimit } from './cache-limit.ts';
import { putResult, type CrashdeckDb, type ResultRecord } from './db.ts';

/** Cache `resp` under (fingerprint, key) and return the record as stored (or as it would be). */
export async function cacheResponse(db: CrashdeckDb | null, fingerprint: string, key: string, resp: CommandResponse): Promise<ResultRecord> {
  const rec = {
    fingerprint,
    command: key,
    raw: resp.raw,
    parsed: resp.parsed,
    crashVersion: resp.crashVersion,
    at: resp.at,
    durationMs: resp.durationMs,
    warnings: resp.warnings,
    error: resp.error ?? null,
    diagnoses: resp.diagnoses ?? [],
    ...(resp.engine ? { engine: resp.engine } : {}),
    ...(resp.engineVersion ? { engineVersion: resp.engineVersion } : {}),
  };
  if (db) {
    try {
      return await putResult(db, rec, cacheLimit.get());
    } catch {
      // fall through: shown, not kept
    }
  }
  return { ...rec, parserVersion: rec.parsed?.parserVersion ?? null, lastUsed: Date.now(), bytes: 0 };
}

/** A result as analyze.triageRaw / analyze.followUps take it: crash's raw text, or drgn's model (it has no raw text). */
export function heldResult(command: string, rec: ResultRecord): { command: string; raw: string; parsed?: Parsed } {
  return rec.engine === 'drgn' && rec.parsed ? { command, raw: rec.raw, parsed: rec.parsed } : { command, raw: rec.raw };
}
