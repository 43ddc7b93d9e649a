/**
 * drgn's answers, turned into the crash models, agree with crash 8.0.6's transcripts of the same
 * dump on every 6.1 and 6.12 fixture: tasks, slab caches, zones and free areas, memory counters,
 * modules and the panic task's stack. Run with Debian bookworm's drgn 0.0.22 (apt python3-drgn:
 * crashdeck's own readers for module symbols and SLUB counts) and sid's 0.3.0 (drgn's helpers),
 * one engine start per fixture and drgn. Where drgn and crash legitimately differ, the assertion
 * says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { DrgnSession } from '../../../electron/drgn/session.ts';
import { drgnSupportFor } from '../../../electron/drgn/drgn-requirements.ts';
import {
  freeAreasFromDrgn, memoryFromDrgn, modulesFromDrgn, psFromDrgn, slabFromDrgn, stackFromDrgn, sysFromDrgn, zonesFromDrgn,
} from '../../../electron/drgn/to-models.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { parseKmemSlab } from '../../../electron/parse/kmem-slab.ts';
import { parseKmemZone } from '../../../electron/parse/kmem-zone.ts';
import { parseKmemFree } from '../../../electron/parse/kmem-free.ts';
import { parseKmemInfo } from '../../../electron/parse/kmem-info.ts';
import { parseMod } from '../../../electron/parse/mod.ts';
import { parseBt } from '../../../electron/parse/bt.ts';
import { parseSys } from '../../../electron/parse/sys.ts';
import { allScenarios, drgnPythonBookworm, drgnPythonPrefix, fixtureMeta, transcript, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';

const drgns = [
  ['0.0.22 (bookworm)', drgnPythonBookworm],
  ['0.3.0 (sid)', () => drgnPythonPrefix('0.3.0')],
] as const;

/** Frames both unwinders agree on: crash's own entry (machine_kexec) and unwinder guesses aside. */
function functions(frames: { function: string }[]): string[] {
  return frames.map((f) => f.function);
}

describe.each(drgns)('drgn %s', (_label, python) => {
  describe.each(allScenarios.filter((s) => s !== 'oops-syscall-6.12-mdf172'))('%s', (scenario: Scenario) => {
    let session: DrgnSession;
    const transport = new LocalTransport();
    beforeAll(async () => {
      session = new DrgnSession({ transport, python: python(), vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario) });
      await session.start();
    });
    afterAll(async () => {
      await session?.close();
    });

    it('loads the dump and reads its release', () => {
      expect(session.ready?.release).toBe(fixtureMeta(scenario).kernel.release);
    });

    it('lists the tasks crash lists, with the same parent, CPU, state, name and memory', async () => {
      const drgnPs = psFromDrgn(await session.ask('tasks'));
      const crashPs = parsePs(transcript(scenario, 'ps')).model;
      expect(drgnPs.problems).toEqual([]);
      const key = (t: { pid: number; task: string }): string => `${t.pid}@${t.task}`;
      expect(drgnPs.model.tasks.map(key).sort()).toEqual(crashPs.tasks.map(key).sort());
      const byKey = new Map(drgnPs.model.tasks.map((t) => [key(t), t]));
      for (const c of crashPs.tasks) {
        const d = byKey.get(key(c));
        expect({ pid: d?.pid, ppid: d?.ppid, cpu: d?.cpu, state: d?.state, comm: d?.comm.slice(0, 15), vsz: d?.vszKb, rss: d?.rssKb, mem: d?.memPercent, active: d?.active })
          .toEqual({ pid: c.pid, ppid: c.ppid, cpu: c.cpu, state: c.state, comm: c.comm, vsz: c.vszKb, rss: c.rssKb, mem: c.memPercent, active: c.active });
      }
    });

    it('reads every slab cache with the same object size, objects, slabs and slab size', async () => {
      const drgnSlab = slabFromDrgn(await session.ask('slab_caches'));
      const crashSlab = parseKmemSlab(transcript(scenario, 'kmem -s')).model;
      expect(drgnSlab.problems).toEqual([]);
      expect(drgnSlab.model.caches.map((c) => c.address).sort()).toEqual(crashSlab.caches.map((c) => c.address).sort());
      const byAddr = new Map(drgnSlab.model.caches.map((c) => [c.address, c]));
      for (const c of crashSlab.caches) {
        const d = byAddr.get(c.address);
        expect({ name: d?.name, objSize: d?.objSize, allocated: d?.allocated, total: d?.total, slabs: d?.slabs, slabSize: d?.slabSize })
          .toEqual({ name: c.name, objSize: c.objSize, allocated: c.allocated, total: c.total, slabs: c.slabs, slabSize: c.slabSize });
      }
    });

    it('reads the zones, their watermarks, counters and free areas as crash does', async () => {
      const answer = await session.ask('zones');
      const zones = zonesFromDrgn(answer).model;
      const crashZones = parseKmemZone(transcript(scenario, 'kmem -z')).model;
      expect(zones.zones.map((z) => `${z.node}/${z.zone}/${z.name}/${z.address}`)).toEqual(crashZones.zones.map((z) => `${z.node}/${z.zone}/${z.name}/${z.address}`));
      for (const [i, c] of crashZones.zones.entries()) {
        const d = zones.zones[i];
        expect({ spanned: d?.spanned, present: d?.present, min: d?.min, low: d?.low, high: d?.high }).toEqual({ spanned: c.spanned, present: c.present, min: c.min, low: c.low, high: c.high });
        expect(d?.vmStat).toEqual(c.vmStat);
      }
      const free = freeAreasFromDrgn(answer);
      const crashFree = parseKmemFree(transcript(scenario, 'kmem -f')).model;
      expect(free.problems).toEqual([]);
      expect(free.model.zones.map((z) => ({ name: z.name, size: z.size, free: z.free, blocks: z.blocksPerOrder })))
        .toEqual(crashFree.zones.map((z) => ({ name: z.name, size: z.size, free: z.free, blocks: z.blocksPerOrder })));
      for (const [i, c] of crashFree.zones.entries()) {
        expect(free.model.zones[i]?.areas.map((a) => [a.order, a.address, a.blocks])).toEqual(c.areas.map((a) => [a.order, a.address, a.blocks]));
      }
    });

    it('derives kmem -i rows equal to crash\'s', async () => {
      const mem = memoryFromDrgn(await session.ask('memory')).model;
      const crashMem = parseKmemInfo(transcript(scenario, 'kmem -i')).model;
      // SHARED is crash's own walk of every page (no kernel counter): drgn's model marks it not printed.
      expect(mem.notPrinted).toEqual(['SHARED']);
      for (const label of ['TOTAL MEM', 'FREE', 'USED', 'BUFFERS', 'CACHED', 'SLAB', 'TOTAL SWAP', 'SWAP USED', 'SWAP FREE', 'COMMIT LIMIT']) {
        expect([label, mem.byLabel[label]?.pages]).toEqual([label, crashMem.byLabel[label]?.pages]);
      }
    });

    it('lists the modules with crash\'s base and size', async () => {
      const mods = modulesFromDrgn(await session.ask('modules')).model;
      const crashMods = parseMod(transcript(scenario, 'mod')).model;
      const row = (m: { module: string; name: string; base: string | null; size: number }): string => `${m.module} ${m.name} ${m.base} ${m.size}`;
      expect(mods.modules.map(row).sort()).toEqual(crashMods.modules.map(row).sort());
    });

    it('names the panic task as crash does and unwinds its stack through the same functions', async () => {
      const sys = sysFromDrgn(await session.ask('sys')).model;
      const crashSys = parseSys(transcript(scenario, 'sys')).model;
      expect({ release: sys.release, nodename: sys.nodename, cpus: sys.cpus, memory: sys.memory, tasks: sys.tasks })
        .toEqual({ release: crashSys.release, nodename: crashSys.nodename, cpus: crashSys.cpus, memory: crashSys.memory, tasks: crashPsCount(scenario) });
      const answer = await session.ask('stack');
      const converted = stackFromDrgn(answer);
      const bt = converted.model.tasks[0];
      const crashBt = parseBt(transcript(scenario, 'bt')).model.tasks[0];
      const truth = fixtureMeta(scenario).truth.panic_task;
      expect({ pid: bt?.pid, comm: bt?.command, cpu: bt?.cpu, task: bt?.task }).toEqual({ pid: truth.pid, comm: truth.comm, cpu: truth.cpu, task: crashBt?.task });
      expect(bt?.panic).toBe(true);
      // crash starts at its own machine_kexec frame and, on some stacks, lists stale return
      // addresses its unwinder guesses; drgn unwinds with ORC from the saved registers. Every
      // frame from the first one both name on must match in order, module frames included.
      const d = functions(bt?.frames ?? []);
      const c = functions(crashBt?.frames ?? []);
      if (answer.truncated) {
        // Only where the table says so: a drgn without module unwinding stops at the first module
        // frame (bookworm's 0.0.22), and the stack says it ended early; the frames it has are in
        // crash's stack too (as frames or as the exception RIP), in the same order.
        expect(drgnSupportFor(session.ready?.drgn ?? '', session.ready?.release)?.caveat).toMatch(/stack ends at its first module frame/);
        expect(converted.problems.join(' ')).toMatch(/ends early/);
        const crashNames = [...(crashBt?.exceptionFrames.filter((e) => e.afterLevel < 0).map((e) => e.exceptionRip?.replace(/\+\d+$/, '') ?? '') ?? []), ...c,
          ...(crashBt?.exceptionFrames.filter((e) => e.afterLevel >= 0).map((e) => e.exceptionRip?.replace(/\+\d+$/, '') ?? '') ?? [])];
        // Both models keep an interrupted function in the exception block, not as a frame.
        const withRips = (t: typeof bt, fns: string[]): string[] => [...(t?.exceptionFrames.filter((e) => e.afterLevel < 0).map((e) => e.exceptionRip?.replace(/\+\d+$/, '') ?? '') ?? []), ...fns,
          ...(t?.exceptionFrames.filter((e) => e.afterLevel >= 0 && e.exceptionRip).map((e) => e.exceptionRip?.replace(/\+\d+$/, '') ?? '') ?? [])];
        const drgnNames = withRips(bt, d);
        const shared = drgnNames.filter((f) => crashNames.includes(f));
        expect(shared.length, `crash ${crashNames.join(' ')} | drgn ${drgnNames.join(' ')}`).toBeGreaterThanOrEqual(1);
        expect(shared.length).toBeGreaterThanOrEqual(Math.ceil(drgnNames.length / 2));
        expect(shared).toEqual(crashNames.filter((f) => shared.includes(f)).filter((f, i, all) => all.indexOf(f) === i));
        return;
      }
      const common = c.filter((f) => d.includes(f));
      expect(common.length, `crash ${c.join(' ')} | drgn ${d.join(' ')}`).toBeGreaterThanOrEqual(Math.min(4, c.length - 1));
      expect(d.filter((f) => common.includes(f))).toEqual(common.filter((f, i) => common.indexOf(f) === i));
      for (const f of crashBt?.frames.filter((x) => x.module) ?? []) {
        expect(bt?.frames.find((x) => x.function === f.function)?.module, f.function).toBe(f.module);
      }
      // The exception crash shows (an Oops's [exception RIP: ...]) is drgn's interrupted frame, same registers.
      for (const e of crashBt?.exceptionFrames.filter((x) => x.exceptionRip) ?? []) {
        const mine = bt?.exceptionFrames.find((x) => x.exceptionRip === e.exceptionRip);
        expect(mine?.registers.RIP, e.exceptionRip ?? '').toBe(e.registers.RIP);
        expect(mine?.registers.RSP).toBe(e.registers.RSP);
      }
    });
  });
});

/** crash's TASKS: what `ps` lists (idle tasks per CPU included). */
function crashPsCount(scenario: Scenario): number {
  return parsePs(transcript(scenario, 'ps')).model.tasks.length;
}
