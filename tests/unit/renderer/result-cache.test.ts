/**
 * A command's response becomes the cached record every view reads: kept in IndexedDB when there
 * is a cache (found again by dump + command), still shown when there is none.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { CommandResponse } from '../../../electron/api/contract.ts';
import { CrashdeckDb, getResult } from '../../../renderer/lib/db.ts';
import { cacheResponse } from '../../../renderer/lib/result-cache.ts';

const resp: CommandResponse = {
  sessionId: 's1', command: 'sys', raw: '     RELEASE: 6.1.0-56-cloud-amd64\n', durationMs: 12, warnings: [],
  parsed: { parser: 'sys', parserVersion: 3, model: { release: '6.1.0-56-cloud-amd64' }, diagnostics: [] },
  crashVersion: '8.0.6', at: 1_700_000_000_000,
};

describe('cacheResponse', () => {
  it('stores the result so the same dump and command find it again', async () => {
    const db = new CrashdeckDb('crashdeck-result-cache', { indexedDB: new IDBFactory(), IDBKeyRange });
    const rec = await cacheResponse(db, 'fp-1', 'sys', resp);
    expect(rec.parserVersion).toBe(3);
    expect(rec.bytes).toBeGreaterThan(0);
    const again = await getResult(db, 'fp-1', 'sys');
    expect(again?.raw).toBe(resp.raw);
    expect(again?.crashVersion).toBe('8.0.6');
    expect(await getResult(db, 'fp-2', 'sys')).toBeUndefined();
  });

  it('still returns the record to show when there is no cache', async () => {
    const rec = await cacheResponse(null, 'fp-1', 'sys', { ...resp, error: 'sys: boom' });
    expect(rec).toMatchObject({ fingerprint: 'fp-1', command: 'sys', raw: resp.raw, error: 'sys: boom', parserVersion: 3, bytes: 0 });
  });
});
