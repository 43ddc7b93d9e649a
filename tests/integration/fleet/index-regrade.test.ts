/**
 * The fleet index after the signature grammar changed: a dump indexed by an older engine (its
 * stamp and its old bucket id, which appended the lock only crash reads) is triaged again and
 * bucketed under the id every basis gives, not answered from the index; a second run then is.
 * The real engine on the real hung-mutex-6.12 dump (its log via makedumpfile), no crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetDumpLine, FleetLine } from '../../../electron/api/fleet-lines.ts';
import { readDumpFacts } from '../../../electron/crash/dump-format.ts';
import { dumpFingerprint } from '../../../electron/crash/fingerprint.ts';
import { defaultLogTriage } from '../../../electron/fleet/default-triage.ts';
import { FleetIndex } from '../../../electron/fleet/index-store.ts';
import { fleetEngine, runFleet } from '../../../electron/fleet/run.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { fixtureMeta } from '../../support/fixtures.ts';
import { placeDump } from '../../support/fleet-hosts.ts';

const local = new LocalTransport();
let dir: string;
let dump: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-fleet-regrade-'));
  dump = placeDump(path.join(dir, 'crash'), 'hung-mutex-6.12');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(index: FleetIndex): Promise<FleetDumpLine> {
  const lines: FleetLine[] = [];
  await runFleet({ targets: [{ spec: path.join(dir, 'crash'), dir: path.join(dir, 'crash') }], jobs: 1, perHost: 1, local, transportFor: () => local, triageDump: defaultLogTriage, index, onLine: (l) => lines.push(l) });
  expect(lines).toHaveLength(1);
  return lines[0] as FleetDumpLine;
}

describe('fleet index across an engine change', () => {
  it('re-triages and re-buckets what an older engine indexed, then answers from the index', async () => {
    const t = fixtureMeta('hung-mutex-6.12').truth;
    const oldId = `hung-task:${t.module}!${t.function}<-mutex:${t.lock}`;
    const fp = dumpFingerprint(await readDumpFacts(local, dump));
    const index = await FleetIndex.open(path.join(dir, 'index'));
    try {
      // What the previous engine left: its stamp, the moving bucket id, this dump's location.
      const oldReport = { schema: 'crashdeck.triage/1', basis: 'log', panic: { kind: 'hung-task', signature: oldId } } as unknown as NonNullable<Parameters<FleetIndex['putDump']>[0]['report']>;
      await index.putDump({ fp, engine: 'crashdeck-0.0.0/log-parser-3', at: 1, release: null, buildId: null, crashTimeMs: null, report: oldReport, reason: null });
      expect(fleetEngine).not.toBe('crashdeck-0.0.0/log-parser-3');

      const first = await run(index);
      expect(first.fleet.fromIndex).toBe(false);
      expect(first.panic.signature).toBe(`hung-task:${t.module}!${t.function}<-mutex`);
      expect(first.completeness.state).toBe('unknown');
      expect(index.dump(fp, fleetEngine)?.report?.panic.signature).toBe(first.panic.signature);

      const second = await run(index);
      expect(second.fleet.fromIndex).toBe(true);
      expect(second.panic.signature).toBe(first.panic.signature);
    } finally {
      await index.close();
    }
  }, 120_000);
});
