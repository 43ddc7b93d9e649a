/**
 * A slow chunk consumer slows the reader instead of letting chunks pile up in memory; a failing
 * one fails the import.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { fixtureFile } from '../../support/fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trace-bp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const big = path.join(dir, 'big.txt');
const text = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8');
writeFileSync(big, Array.from({ length: 13 }, () => text).join(''));

describe('chunk backpressure', () => {
  it('never has more than a few chunks unsettled while the consumer is slow', async () => {
    let pending = 0;
    let most = 0;
    let seen = 0;
    const s = await importTraceFile(big, {}, {
      onChunk: async () => {
        seen++;
        pending++;
        most = Math.max(most, pending);
        await new Promise((r) => setTimeout(r, 20));
        pending--;
      },
    });
    expect(seen).toBe(s.chunks);
    expect(s.chunks).toBeGreaterThan(5);
    // 4 in flight, plus the chunks one read batch can complete before the reader checks.
    expect(most).toBeLessThanOrEqual(6);
  });

  it('fails the import when storing a chunk fails', async () => {
    await expect(importTraceFile(big, {}, { onChunk: async (c) => { if (c.index === 2) throw new Error('disk full'); } }))
      .rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('disk full') });
  });
});
