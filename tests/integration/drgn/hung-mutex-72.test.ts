/**
 * Linux 7.2, which no crash release reads plainly (crash 9.0.2 needs --no_modules and then has no
 * `kmem -s` and no module names): Debian sid's drgn 0.3.0 reads the whole hung-task chain
 * backupd -> qdrv_cfg_mutex -> qholder with qholder's stack, the task table, the slab caches and
 * the zones. One engine start for the file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { DrgnSession } from '../../../electron/drgn/session.ts';
import type { DrgnBlockedTask, DrgnLockAnswer, DrgnLockOwnerStack } from '../../../electron/drgn/answers.ts';
import { psFromDrgn, slabFromDrgn, stackFromDrgn, zonesFromDrgn } from '../../../electron/drgn/to-models.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { parseKmemZone } from '../../../electron/parse/kmem-zone.ts';
import { drgnPythonPrefix, fixtureFile, fixtureMeta, scenario72, transcript, vmcorePath, vmlinux72 } from '../../support/fixtures.ts';

describe('hung-mutex-7.2 with drgn 0.3.0', () => {
  let session: DrgnSession;
  const truth = fixtureMeta(scenario72).truth;
  beforeAll(async () => {
    session = new DrgnSession({ transport: new LocalTransport(), python: drgnPythonPrefix('0.3.0'), vmcore: vmcorePath(scenario72), vmlinux: vmlinux72() });
    await session.start();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('loads the 7.2 dump with module kallsyms', () => {
    expect(session.ready?.release).toBe(fixtureMeta(scenario72).kernel.release);
    expect(session.ready?.features.moduleKallsyms).toBe(true);
  });

  it('follows the wait chain backupd -> qdrv_cfg_mutex -> qholder (269) and shows what qholder does', async () => {
    const answer = await session.ask('blocked_tasks');
    const blocked = answer.tasks.find((t): t is DrgnBlockedTask => 'comm' in t && t.pid === truth.blocked_task?.pid);
    expect(blocked?.comm).toBe(truth.blocked_task?.comm);
    expect(blocked?.waitingIn).toBe(truth.function);
    expect(blocked?.frames.find((f) => f.function === truth.function)?.module).toBe(truth.module);
    const lock = blocked?.lock as DrgnLockAnswer;
    expect({ kind: lock.kind, symbol: lock.symbol, function: lock.function }).toEqual({ kind: 'mutex', symbol: truth.lock, function: '__mutex_lock' });
    expect({ pid: lock.owner?.pid, comm: lock.owner?.comm }).toEqual({ pid: truth.lock_holder?.pid, comm: truth.lock_holder?.comm });
    const owner = answer.owners.find((o): o is DrgnLockOwnerStack => 'frames' in o && o.pid === truth.lock_holder?.pid);
    const names = (owner?.frames ?? []).filter((f) => !f.inline).map((f) => f.function);
    expect(names.slice(0, 5)).toEqual(['__schedule', 'schedule', 'schedule_timeout', 'msleep_interruptible', truth.lock_holder_function]);
    expect(owner?.frames.find((f) => f.function === truth.lock_holder_function)?.module).toBe('qdrv');
    expect(owner?.truncated).toBe(false);
  });

  it('names the owner of the mutex at the symbol, flag bits masked', async () => {
    const lock = await session.ask('lock_owner', { symbol: truth.lock as string });
    expect(lock.owner?.pid).toBe(truth.lock_holder?.pid);
    expect(BigInt(`0x${lock.ownerRaw}`) & ~7n).toBe(BigInt(`0x${lock.owner?.task}`));
  });

  it('gives the owner\'s stack as a bt model with module frames marked', async () => {
    const bt = stackFromDrgn(await session.ask('stack', { pid: truth.lock_holder?.pid as number })).model.tasks[0];
    expect(bt?.command).toBe('qholder');
    expect(bt?.frames.filter((f) => f.module === 'qdrv').map((f) => f.function)).toEqual([truth.lock_holder_function, 'qdrv_write']);
    expect(bt?.exceptionFrames.at(-1)?.userMode).toBe(true);
  });

  it('lists the tasks crash 9.0.2 (--no_modules) lists', async () => {
    const ps = psFromDrgn(await session.ask('tasks'));
    const crashPs = parsePs(transcript(scenario72, 'ps')).model;
    const row = (t: { pid: number; task: string; ppid: number; state: string; comm: string }): string => `${t.pid} ${t.task} ${t.ppid} ${t.state} ${t.comm.slice(0, 15)}`;
    expect(ps.problems).toEqual([]);
    expect(ps.model.tasks.map(row).sort()).toEqual(crashPs.tasks.map(row).sort());
  });

  it('reads every slab cache the guest listed in /proc/slabinfo, with counts', async () => {
    const slab = slabFromDrgn(await session.ask('slab_caches'));
    expect(slab.problems).toEqual([]);
    const guest = readFileSync(fixtureFile(scenario72, 'guest/slabinfo.before-push'), 'utf8').split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/));
    expect(slab.model.caches.map((c) => c.name).sort()).toEqual(guest.map((f) => f[0]).sort());
    const objsize = new Map(guest.map((f) => [f[0], Number(f[3])]));
    for (const c of slab.model.caches) {
      expect(c.objSize, c.name).toBeLessThanOrEqual(objsize.get(c.name) ?? 0);
      expect(c.allocated, c.name).toBeLessThanOrEqual(c.total);
    }
  });

  it('reads the zones crash 9.0.2 reads', async () => {
    const zones = zonesFromDrgn(await session.ask('zones')).model;
    const crashZones = parseKmemZone(transcript(scenario72, 'kmem -z')).model;
    expect(zones.zones.map((z) => [z.name, z.spanned, z.present, z.min, z.low, z.high, z.vmStat.NR_FREE_PAGES]))
      .toEqual(crashZones.zones.map((z) => [z.name, z.spanned, z.present, z.min, z.low, z.high, z.vmStat.NR_FREE_PAGES]));
  });
});
