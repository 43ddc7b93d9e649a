/**
 * The measured rows of electron/drgn/drgn-requirements.ts, measured again: Debian bookworm's drgn
 * 0.0.22, trixie's 0.0.31 and sid's 0.3.0 on a 6.1, a 6.12 and the 7.2 fixture (one engine start
 * each). What the table says a drgn reads must be answered; what it says it cannot must fail or
 * come back cut, never as a plausible wrong answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { DrgnError, DrgnSession } from '../../../electron/drgn/session.ts';
import { drgnSupportFor } from '../../../electron/drgn/drgn-requirements.ts';
import type { DrgnBlockedTask } from '../../../electron/drgn/answers.ts';
import { drgnPythonBookworm, drgnPythonPrefix, fixtureMeta, scenario72, vmcorePath, vmlinux72, vmlinuxPath, type FixtureName } from '../../support/fixtures.ts';

const pythons = {
  '0.0.22': drgnPythonBookworm,
  '0.0.31': () => drgnPythonPrefix('0.0.31'),
  '0.3.0': () => drgnPythonPrefix('0.3.0'),
} as const;
const fixtures: readonly FixtureName[] = ['panic-sysrq', 'hung-mutex-6.12', scenario72];

describe.each(Object.keys(pythons) as (keyof typeof pythons)[])('drgn %s', (version) => {
  describe.each(fixtures)('on %s', (scenario) => {
    let session: DrgnSession;
    beforeAll(async () => {
      session = new DrgnSession({
        transport: new LocalTransport(),
        python: pythons[version](),
        vmcore: vmcorePath(scenario),
        vmlinux: scenario === scenario72 ? vmlinux72() : vmlinuxPath(scenario),
      });
      await session.start();
    });
    afterAll(async () => {
      await session?.close();
    });

    it('reads what the table says and fails plainly on the rest', async () => {
      expect(session.ready?.drgn).toBe(version);
      const release = fixtureMeta(scenario).kernel.release;
      const row = drgnSupportFor(version, release);
      expect(row?.drgn).toBe(version);
      const reads = new Set(row?.reads);

      const tasks = await session.ask('tasks');
      expect(reads.has('tasks') && tasks.tasks.length > 60).toBe(true);

      const slab = await session.ask('slab_caches');
      const counted = slab.caches.filter((c) => c.error === undefined).length;
      expect(counted === slab.caches.length && counted > 100, `slab: ${slab.caches.find((c) => c.error)?.error ?? ''}`).toBe(reads.has('slab'));

      const stack = await session.ask('stack').then((s) => s.frames, (err: DrgnError) => err);
      expect(!(stack instanceof DrgnError) && stack.some((f) => f.function === 'panic'), String(stack instanceof DrgnError ? stack.message : '')).toBe(reads.has('stacks'));

      if (scenario !== 'panic-sysrq') {
        // The hung task's wait chain: the module frame qdrv_sync named only where the table says so.
        const blocked = await session.ask('blocked_tasks');
        const backupd = blocked.tasks.find((t): t is DrgnBlockedTask => 'comm' in t && t.comm === 'backupd');
        if (reads.has('stacks')) {
          expect(backupd?.waitingIn).toBe('qdrv_sync');
          expect(backupd?.lock && 'symbol' in backupd.lock ? backupd.lock.symbol : null).toBe('qdrv_cfg_mutex');
        } else {
          expect(backupd?.waitingIn ?? null).toBeNull();
        }
      }
    });
  });
});
