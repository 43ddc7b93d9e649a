/**
 * What every parsed model of a fixture must say, checked against sources that are not crash:
 * meta.json truth, the guest's own records (ps, facts.env, meminfo, slabinfo, tainted), the kernel
 * log (vmcore-dmesg.txt) and the VMCOREINFO the kernel wrote into the dump header. Shared by the
 * golden transcript tests and the live sessions of both crash versions, so both prove the same facts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type {
  BtModel, KmemFreeModel, KmemInfoModel, KmemSlabModel, KmemVmStatModel, KmemZoneModel, ModModel, ModTaintModel,
  PageFlagsModel, PagesModel, PsModel, SysModel, SysTaintModel, VmModel,
} from '../../electron/parse/models.ts';
import { fixtureMeta, fixturesDir, type FixtureMeta, type Scenario } from './fixtures.ts';
import { guestFacts, guestMeminfoKb, guestPs, vmcoreInfo } from './transcripts.ts';

/** The dump written by a makedumpfile too old for its kernel. */
export const incompleteScenario: Scenario = 'oops-syscall-6.12-mdf172';
const incomplete = incompleteScenario;
/** Short-lived guest processes that ran `ps` itself or slept between the record and the panic. */
const transient = new Set(['ps', 'sleep']);

/** One fixture as seen by one crash release: its truth, and its parsed outputs by command. */
export interface TruthContext {
  s: Scenario;
  crash: '8.0.6' | '9.0.2';
  meta: FixtureMeta;
  truth: FixtureMeta['truth'];
  facts: Record<string, string>;
  /** `vm <pid>` of the fixture README (the guest's biggest process). */
  vmPidCommand: string;
  model<M>(command: string): M;
  codes(command: string): string[];
  raw(command: string): string;
}

/** Build the context from a reader of (raw text, parsed) per command. */
export function truthContext(
  s: Scenario, crash: '8.0.6' | '9.0.2', vmPidCommand: string,
  read: (command: string) => { raw: string; model: unknown; codes: string[] },
): TruthContext {
  const meta = fixtureMeta(s);
  return {
    s, crash, meta, truth: meta.truth, facts: guestFacts(s), vmPidCommand,
    model: <M>(command: string) => read(command).model as M,
    codes: (command: string) => read(command).codes,
    raw: (command: string) => read(command).raw,
  };
}

/** The commands the checks read. */
export const truthCommands = [
  'sys', 'sys -t', 'mod', 'mod -t', 'bt', 'bt -a', 'ps', 'ps -G', 'foreach bt', 'vm', 'kmem -i', 'kmem -V', 'kmem -s',
  'kmem -z', 'kmem -f', 'kmem -g', 'kmem -p 0x1000000',
] as const;

/** Every check: a title a user would recognise, and the assertions. */
export const truthChecks: { title: string; run(c: TruthContext): void }[] = [
  {
    title: 'sys: release, CPUs, memory and the panic string agree with meta.json and the guest',
    run(c) {
      const sys = c.model<SysModel>('sys');
      expect(sys.release).toBe(c.meta.kernel.release);
      expect(sys.release).toBe(vmcoreInfo(c.s).OSRELEASE);
      expect(sys.cpus).toBe(2); // meta guest.vcpus
      expect(sys.panic).toContain(c.truth.panic_message);
      expect(sys.partialDump).toBe(true); // makedumpfile -d 31
      // MEMORY is all of RAM (crash: total pages); MemTotal is what the kernel manages: smaller, same order.
      expect(sys.memoryBytes! / 1024).toBeGreaterThan(guestMeminfoKb(c.s, 'MemTotal'));
      expect(sys.uptimeSeconds).toBeGreaterThanOrEqual(Math.floor(Number(c.facts.uptime_at_push)));
    },
  },

  {
    title: 'sys -t and mod -t: the taint mask the guest read from /proc/sys/kernel/tainted, and the out-of-tree module',
    run(c) {
      const t = c.model<SysTaintModel>('sys -t');
      const guestTaint = Number(readFileSync(path.join(fixturesDir(), c.s, 'guest', 'tainted'), 'utf8').trim());
      // The soft lockup adds L (bit 14) after the record was taken.
      expect((t.maskValue ?? 0) & ~(1 << 14)).toBe(guestTaint);
      const modT = c.model<ModTaintModel>('mod -t');
      if (c.facts.module) expect(modT.modules.find((m) => m.name === c.facts.module)?.taints).toBe('OE');
      else expect(modT.modules).toEqual([]);
    },
  },

  {
    title: 'mod: every module row read (BASE or TEXT_BASE), the scenario module among them',
    run(c) {
      const mod = c.model<ModModel>('mod');
      expect(mod.modules.length).toBe(c.raw('mod').trim().split('\n').length - 1);
      for (const m of mod.modules) expect(m.base, m.name).toMatch(/^ffffffffc0[0-9a-f]{6}$/);
      if (c.facts.module) expect(mod.modules.map((m) => m.name)).toContain(c.facts.module);
    },
  },

  {
    title: 'bt: the panic task of meta.json, and for a driver fault the faulting function in its module',
    run(c) {
      const bt = c.model<BtModel>('bt');
      const t = bt.tasks[0]!;
      expect({ pid: t.pid, comm: t.command, cpu: t.cpu }).toEqual(c.truth.panic_task && { pid: c.truth.panic_task.pid, comm: c.truth.panic_task.comm, cpu: c.truth.panic_task.cpu });
      if (c.truth.panic_type === 'oops') {
        expect(t.exceptionFrames.map((e) => e.exceptionRip ?? '').join(' ')).toContain(c.truth.function!);
        expect(t.frames.filter((f) => f.module === c.truth.module).length).toBeGreaterThan(0);
      }
    },
  },

  {
    title: 'bt -a: one stack per CPU, the panic task among them',
    run(c) {
      const bta = c.model<BtModel>('bt -a');
      expect(bta.tasks.map((t) => t.cpu).sort()).toEqual([0, 1]);
      expect(bta.tasks.some((t) => t.pid === c.truth.panic_task.pid && t.cpu === c.truth.panic_task.cpu)).toBe(true);
    },
  },

  {
    title: 'ps / ps -G / foreach bt: the tasks the guest saw, the panic task active, and on the incomplete dump only the tasks crash could read',
    run(c) {
      const ps = c.model<PsModel>('ps');
      const pids = new Set(ps.tasks.map((t) => t.pid));
      const sys = c.model<SysModel>('sys');
      expect(ps.tasks.length).toBe(sys.tasks);
      const panic = ps.tasks.find((t) => t.pid === c.truth.panic_task.pid && t.cpu === c.truth.panic_task.cpu);
      expect(panic?.comm).toBe(c.truth.panic_task.comm);
      expect(panic?.active).toBe(true);
      const lasting = guestPs(c.s).filter((g) => !transient.has(g.comm));
      const missing = lasting.filter((g) => !pids.has(g.pid));
      if (c.s === incomplete) {
        const inc = (c.truth as { dump_incomplete?: { crash_ps_tasks: number } }).dump_incomplete;
        expect(ps.tasks.length).toBe(inc?.crash_ps_tasks);
        expect(missing.length).toBeGreaterThan(30);
        expect(pids.has(Number(c.facts.pid_cachesrv))).toBe(false);
      } else {
        expect(missing).toEqual([]);
        for (const key of Object.keys(c.facts).filter((k) => k.startsWith('pid_'))) {
          expect(ps.tasks.find((t) => t.pid === Number(c.facts[key]))?.comm, key).toBe(key.slice(4));
        }
      }
      // Single-threaded processes only: ps -G (thread group leaders) lists the same pids.
      expect(new Set(c.model<PsModel>('ps -G').tasks.map((t) => t.pid))).toEqual(pids);
      const fe = c.model<BtModel>('foreach bt');
      expect(fe.tasks.length).toBe(ps.tasks.length);
      expect(new Set(fe.tasks.map((t) => t.pid))).toEqual(pids);
    },
  },

  {
    title: 'vm: the panic task and the guest\'s biggest process, or crash\'s error where the dump lost it',
    run(c) {
      const vmPid = Number(c.vmPidCommand.slice(3));
      const guestComm = guestPs(c.s).find((g) => g.pid === vmPid)?.comm;
      expect(guestComm).toBeDefined();
      const vm = c.model<VmModel>(c.vmPidCommand);
      if (c.s === incomplete) {
        expect(c.codes(c.vmPidCommand)).toContain('crash-error');
        expect(vm.vmas).toEqual([]);
        return;
      }
      expect(vm.pid).toBe(vmPid);
      expect(vm.command).toBe(guestComm);
      expect(vm.vmas.some((v) => v.file?.endsWith(`/${guestComm}`))).toBe(true);
      const rss = readFileSync(path.join(fixturesDir(), c.s, 'guest', 'rss.before-push'), 'utf8');
      const guestRss = Number(new RegExp(`^${vmPid} (\\d+) `, 'm').exec(rss)?.[1]);
      // Recorded seconds before the panic; under OOM pressure its file pages may have been reclaimed since.
      expect(vm.rssKb).toBeGreaterThanOrEqual(guestRss * 0.9);
      const own = c.model<VmModel>('vm');
      expect(own.pid).toBe(c.truth.panic_task.pid);
    },
  },

  {
    title: 'kmem -i: TOTAL MEM is the guest\'s MemTotal; SHARED is printed by 8.0.6 and left out (said, not zeroed) by 9.0.2; SLAB agrees with kmem -V',
    run(c) {
      const ki = c.model<KmemInfoModel>('kmem -i');
      expect(ki.byLabel['TOTAL MEM']!.pages! * 4).toBe(guestMeminfoKb(c.s, 'MemTotal'));
      const codes = c.codes('kmem -i');
      if (c.crash === '9.0.2') {
        expect(ki.byLabel.SHARED).toBeUndefined();
        expect(ki.notPrinted).toEqual(['SHARED']);
        expect(codes).toContain('row-not-printed');
      } else {
        expect(ki.byLabel.SHARED?.pages).toBeGreaterThan(0);
        expect(ki.notPrinted).toEqual([]);
        expect(codes).not.toContain('row-not-printed');
      }
      // COMMITTED: crash reads only vm_committed_as's global count; the guest had tens of MB committed.
      if (ki.byLabel.COMMITTED!.pages === 0) {
        expect(guestMeminfoKb(c.s, 'Committed_AS')).toBeGreaterThan(0);
        expect(ki.byLabel.COMMITTED!.lowerBound).toBe(true);
      }
      const vms = c.model<KmemVmStatModel>('kmem -V').sections;
      const node = Object.values(vms).find((sec) => 'NR_SLAB_UNRECLAIMABLE_B' in sec)!;
      expect(ki.byLabel.SLAB!.pages).toBe(node.NR_SLAB_RECLAIMABLE_B! + node.NR_SLAB_UNRECLAIMABLE_B!);
    },
  },

  {
    title: 'kmem -s: the caches and object sizes of the guest\'s /proc/slabinfo',
    run(c) {
      const caches = c.model<KmemSlabModel>('kmem -s').caches;
      const byName = new Map(caches.map((c) => [c.name, c]));
      const slabinfo = readFileSync(path.join(fixturesDir(), c.s, 'guest', 'slabinfo.before-push'), 'utf8').split('\n').slice(2).filter(Boolean)
        .map((l) => l.trim().split(/\s+/)).map((f) => ({ name: f[0]!, objsize: Number(f[3]) }));
      expect(caches.length).toBe(slabinfo.length);
      const unnamed = caches.filter((c) => c.nameUnknown);
      // The incomplete dump lost the pages of some cache names: crash says "(unknown)", the model marks them.
      if (c.s === incomplete) expect(unnamed.length).toBeGreaterThan(0);
      else expect(unnamed).toEqual([]);
      const matched = slabinfo.filter((g) => byName.has(g.name));
      expect(matched.length).toBe(slabinfo.length - unnamed.length);
      // slabinfo's objsize is the slot size (object + metadata + alignment); crash prints the object size.
      for (const g of matched) expect(byName.get(g.name)!.objSize, g.name).toBeLessThanOrEqual(g.objsize);
      if (c.facts.cache) expect(byName.has(c.facts.cache)).toBe(true);
    },
  },

  {
    title: 'kmem -z / kmem -f: zones populated as the kernel booted them; free pages counted by both agree with kmem -V',
    run(c) {
      const zones = c.model<KmemZoneModel>('kmem -z').zones.filter((z) => z.populated && (z.spanned ?? 0) > 0);
      expect(zones.map((z) => z.name)).toEqual(['DMA', 'DMA32']);
      const log = readFileSync(path.join(fixturesDir(), c.s, 'vmcore-dmesg.txt'), 'utf8');
      const total = Number(/Total pages: (\d+)/.exec(log)?.[1]);
      // 6.12 logs the zones' present pages there; 6.1 logged a figure net of reserves.
      if (c.meta.kernel.release.startsWith('6.12')) expect(zones.reduce((a, z) => a + z.present!, 0)).toBe(total);
      else expect(zones.reduce((a, z) => a + z.present!, 0)).toBeGreaterThan(total);
      const free = c.model<KmemFreeModel>('kmem -f');
      const vms = c.model<KmemVmStatModel>('kmem -V').sections;
      const zoneStat = Object.values(vms).find((sec) => 'NR_FREE_PAGES' in sec)!;
      expect(free.nrFreePages).toBe(zoneStat.NR_FREE_PAGES);
      expect(zones.reduce((a, z) => a + (z.vmStat.NR_FREE_PAGES ?? 0), 0)).toBe(zoneStat.NR_FREE_PAGES);
    },
  },

  {
    title: 'kmem -g / kmem -p: the page-flag bits the kernel put in VMCOREINFO, and the page asked for',
    run(c) {
      const g = c.model<PageFlagsModel>('kmem -g');
      const info = vmcoreInfo(c.s);
      const bits = Object.entries(info).filter(([k]) => /^NUMBER\(PG_\w+\)$/.test(k) && k !== 'NUMBER(PG_head_mask)');
      expect(bits.length).toBeGreaterThanOrEqual(5);
      for (const [k, v] of bits) {
        const name = k.slice('NUMBER('.length, -1);
        expect(g.flags.find((f) => f.name === name)?.bit, name).toBe(Number(v));
      }
      const p = c.model<PagesModel>('kmem -p 0x1000000');
      expect(p.pages.map((r) => r.physical)).toEqual(['1000000']);
    },
  },
];
