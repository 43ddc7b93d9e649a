/**
 * Every transcript of every fixture, crash 8.0.6 (`transcripts/`) and crash 9.0.2
 * (`transcripts-crash-9.0.2/`), through the parser registry, with what each model says checked
 * against sources that are not crash: meta.json truth, the guest's own records (ps, facts.env,
 * meminfo, slabinfo, tainted), the kernel's log (vmcore-dmesg.txt) and the VMCOREINFO the kernel
 * wrote into the dump header. Where the two crash releases print different things, the model
 * says so (a row crash 9 leaves out is listed in notPrinted with a diagnostic, never invented).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parserFor } from '../../../electron/parse/index.ts';
import type {
  BtModel, KmemFreeModel, KmemInfoModel, KmemSlabModel, KmemVmStatModel, KmemZoneModel, ModModel, ModTaintModel,
  PageFlagsModel, PagesModel, PsModel, SysModel, SysTaintModel, VmModel,
} from '../../../electron/parse/models.ts';
import { allScenarios, fixtureMeta, fixturesDir, type Scenario } from '../../support/fixtures.ts';
import { guestFacts, guestMeminfoKb, guestPs, transcriptDirs, transcriptFiles, vmcoreInfo } from '../../support/transcripts.ts';
import { problems } from './helpers.ts';

const RAW = new Set(['dev', 'help']);
const isRawOnly = (command: string): boolean => RAW.has(command) || command.startsWith('list ');
const incomplete: Scenario = 'oops-syscall-6.12-mdf172';
/** Short-lived guest processes that ran `ps` itself or slept between the record and the panic. */
const transient = new Set(['ps', 'sleep']);

function model<M>(files: Map<string, string>, command: string): M {
  const text = files.get(command);
  if (text === undefined) throw new Error(`no ${command} transcript`);
  const p = parseCommandOutput(command, text);
  if (!p) throw new Error(`no parser for ${command}`);
  return p.model as M;
}

function diagnosticCodes(files: Map<string, string>, command: string): string[] {
  return (parseCommandOutput(command, files.get(command) ?? '')?.diagnostics ?? []).map((d) => d.code);
}

/** What crash reports as a problem in this fixture's transcripts, by command (none on a complete dump). */
function expectedProblems(s: Scenario, crash: string, vmPidCommand: string): Record<string, string[]> {
  if (s !== incomplete) return {};
  // The pages makedumpfile 1.7.2 left out: half the tasks, cache names, slab freelists, and a
  // dentry under the panic task's mappings that crash 8.0.6 reads (9.0.2 does not need it).
  return {
    ...(crash === '8.0.6' ? { vm: ['crash-error'] } : {}),
    'ps': ['parent-unknown'],
    'ps -G': ['parent-unknown'],
    'kmem -s': [...Array(9).fill('crash-error') as string[], 'slab-names-unknown'],
    [vmPidCommand]: ['crash-error'],
  };
}

for (const s of allScenarios) {
  const meta = fixtureMeta(s);
  const truth = meta.truth;
  const facts = guestFacts(s);
  for (const { crash, dir } of transcriptDirs(s)) {
    if (crash === '8.0.2') continue; // golden.test.ts: crash 8.0.2's partial output
    describe(`golden ${s} with crash ${crash}`, () => {
      const all = transcriptFiles(dir);
      const files = new Map(all.map((f) => [f.command, f.text]));
      const vmPidCommand = all.map((f) => f.command).find((c) => /^vm \d+$/.test(c)) ?? 'vm ?';

      it('has every command of the fixture README and parses each one with only the problems crash itself reported', () => {
        expect(all.length).toBeGreaterThanOrEqual(22);
        const seen: Record<string, string[]> = {};
        for (const { command, text } of all) {
          const parsed = parseCommandOutput(command, text);
          if (isRawOnly(command)) {
            expect(parsed, command).toBeNull();
            continue;
          }
          expect(parsed?.parser, command).toBe(parserFor(command));
          const p = problems(parsed?.diagnostics ?? []).map((x) => x.split(':')[0] as string);
          if (p.length) seen[command] = p;
        }
        expect(seen).toEqual(expectedProblems(s, crash, vmPidCommand));
      });

      it('sys: release, CPUs, memory and the panic string agree with meta.json and the guest', () => {
        const sys = model<SysModel>(files, 'sys');
        expect(sys.release).toBe(meta.kernel.release);
        expect(sys.release).toBe(vmcoreInfo(s).OSRELEASE);
        expect(sys.cpus).toBe(2); // meta guest.vcpus
        expect(sys.panic).toContain(truth.panic_message);
        expect(sys.partialDump).toBe(true); // makedumpfile -d 31
        // MEMORY is all of RAM (crash: total pages); MemTotal is what the kernel manages: smaller, same order.
        expect(sys.memoryBytes! / 1024).toBeGreaterThan(guestMeminfoKb(s, 'MemTotal'));
        expect(sys.uptimeSeconds).toBeGreaterThanOrEqual(Math.floor(Number(facts.uptime_at_push)));
      });

      it('sys -t and mod -t: the taint mask the guest read from /proc/sys/kernel/tainted, and the out-of-tree module', () => {
        const t = model<SysTaintModel>(files, 'sys -t');
        const guestTaint = Number(readFileSync(path.join(fixturesDir(), s, 'guest', 'tainted'), 'utf8').trim());
        // The soft lockup adds L (bit 14) after the record was taken.
        expect((t.maskValue ?? 0) & ~(1 << 14)).toBe(guestTaint);
        const modT = model<ModTaintModel>(files, 'mod -t');
        if (facts.module) expect(modT.modules.find((m) => m.name === facts.module)?.taints).toBe('OE');
        else expect(modT.modules).toEqual([]);
      });

      it('mod: every module row read (BASE or TEXT_BASE), the scenario module among them', () => {
        const mod = model<ModModel>(files, 'mod');
        expect(mod.modules.length).toBe(files.get('mod')!.trim().split('\n').length - 1);
        for (const m of mod.modules) expect(m.base, m.name).toMatch(/^ffffffffc0[0-9a-f]{6}$/);
        if (facts.module) expect(mod.modules.map((m) => m.name)).toContain(facts.module);
      });

      it('bt: the panic task of meta.json, and for a driver fault the faulting function in its module', () => {
        const bt = model<BtModel>(files, 'bt');
        const t = bt.tasks[0]!;
        expect({ pid: t.pid, comm: t.command, cpu: t.cpu }).toEqual(truth.panic_task && { pid: truth.panic_task.pid, comm: truth.panic_task.comm, cpu: truth.panic_task.cpu });
        if (truth.panic_type === 'oops') {
          expect(t.exceptionFrames.map((e) => e.exceptionRip ?? '').join(' ')).toContain(truth.function!);
          expect(t.frames.filter((f) => f.module === truth.module).length).toBeGreaterThan(0);
        }
      });

      it('bt -a: one stack per CPU, the panic task among them', () => {
        const bta = model<BtModel>(files, 'bt -a');
        expect(bta.tasks.map((t) => t.cpu).sort()).toEqual([0, 1]);
        expect(bta.tasks.some((t) => t.pid === truth.panic_task.pid && t.cpu === truth.panic_task.cpu)).toBe(true);
      });

      it('ps / ps -G / foreach bt: the tasks the guest saw, the panic task active, and on the incomplete dump only the tasks crash could read', () => {
        const ps = model<PsModel>(files, 'ps');
        const pids = new Set(ps.tasks.map((t) => t.pid));
        const sys = model<SysModel>(files, 'sys');
        expect(ps.tasks.length).toBe(sys.tasks);
        const panic = ps.tasks.find((t) => t.pid === truth.panic_task.pid && t.cpu === truth.panic_task.cpu);
        expect(panic?.comm).toBe(truth.panic_task.comm);
        expect(panic?.active).toBe(true);
        const lasting = guestPs(s).filter((g) => !transient.has(g.comm));
        const missing = lasting.filter((g) => !pids.has(g.pid));
        if (s === incomplete) {
          const inc = (truth as { dump_incomplete?: { crash_ps_tasks: number } }).dump_incomplete;
          expect(ps.tasks.length).toBe(inc?.crash_ps_tasks);
          expect(missing.length).toBeGreaterThan(30);
          expect(pids.has(Number(facts.pid_cachesrv))).toBe(false);
        } else {
          expect(missing).toEqual([]);
          for (const key of Object.keys(facts).filter((k) => k.startsWith('pid_'))) {
            expect(ps.tasks.find((t) => t.pid === Number(facts[key]))?.comm, key).toBe(key.slice(4));
          }
        }
        expect(new Set(model<PsModel>(files, 'ps -G').tasks.map((t) => t.pid))).toEqual(new Set([...pids].filter((p) => ps.tasks.some((t) => t.pid === p))));
        const fe = model<BtModel>(files, 'foreach bt');
        expect(fe.tasks.length).toBe(ps.tasks.length);
        expect(new Set(fe.tasks.map((t) => t.pid))).toEqual(pids);
      });

      it('vm: the panic task and the guest\'s biggest process, or crash\'s error where the dump lost it', () => {
        const vmPid = Number(vmPidCommand.slice(3));
        const guestComm = guestPs(s).find((g) => g.pid === vmPid)?.comm;
        expect(guestComm).toBeDefined();
        const vm = model<VmModel>(files, vmPidCommand);
        if (s === incomplete) {
          expect(diagnosticCodes(files, vmPidCommand)).toContain('crash-error');
          expect(vm.vmas).toEqual([]);
          return;
        }
        expect(vm.pid).toBe(vmPid);
        expect(vm.command).toBe(guestComm);
        expect(vm.vmas.some((v) => v.file?.endsWith(`/${guestComm}`))).toBe(true);
        const rss = readFileSync(path.join(fixturesDir(), s, 'guest', 'rss.before-push'), 'utf8');
        const guestRss = Number(new RegExp(`^${vmPid} (\\d+) `, 'm').exec(rss)?.[1]);
        // Recorded seconds before the panic; under OOM pressure its file pages may have been reclaimed since.
        expect(vm.rssKb).toBeGreaterThanOrEqual(guestRss * 0.9);
        const own = model<VmModel>(files, 'vm');
        expect(own.pid).toBe(truth.panic_task.pid);
      });

      it('kmem -i: TOTAL MEM is the guest\'s MemTotal; SHARED is printed by 8.0.6 and left out (said, not zeroed) by 9.0.2; SLAB agrees with kmem -V', () => {
        const ki = model<KmemInfoModel>(files, 'kmem -i');
        expect(ki.byLabel['TOTAL MEM']!.pages! * 4).toBe(guestMeminfoKb(s, 'MemTotal'));
        const codes = diagnosticCodes(files, 'kmem -i');
        if (crash === '9.0.2') {
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
          expect(guestMeminfoKb(s, 'Committed_AS')).toBeGreaterThan(0);
          expect(ki.byLabel.COMMITTED!.lowerBound).toBe(true);
        }
        const vms = model<KmemVmStatModel>(files, 'kmem -V').sections;
        const node = Object.values(vms).find((sec) => 'NR_SLAB_UNRECLAIMABLE_B' in sec)!;
        expect(ki.byLabel.SLAB!.pages).toBe(node.NR_SLAB_RECLAIMABLE_B! + node.NR_SLAB_UNRECLAIMABLE_B!);
      });

      it('kmem -s: the caches and object sizes of the guest\'s /proc/slabinfo', () => {
        const caches = model<KmemSlabModel>(files, 'kmem -s').caches;
        const byName = new Map(caches.map((c) => [c.name, c]));
        const slabinfo = readFileSync(path.join(fixturesDir(), s, 'guest', 'slabinfo.before-push'), 'utf8').split('\n').slice(2).filter(Boolean)
          .map((l) => l.trim().split(/\s+/)).map((f) => ({ name: f[0]!, objsize: Number(f[3]) }));
        expect(caches.length).toBe(slabinfo.length);
        const unnamed = caches.filter((c) => c.nameUnknown);
        // The incomplete dump lost the pages of some cache names: crash says "(unknown)", the model marks them.
        if (s === incomplete) expect(unnamed.length).toBeGreaterThan(0);
        else expect(unnamed).toEqual([]);
        const matched = slabinfo.filter((g) => byName.has(g.name));
        expect(matched.length).toBe(slabinfo.length - unnamed.length);
        // slabinfo's objsize is the slot size (object + metadata + alignment); crash prints the object size.
        for (const g of matched) expect(byName.get(g.name)!.objSize, g.name).toBeLessThanOrEqual(g.objsize);
        if (facts.cache) expect(byName.has(facts.cache)).toBe(true);
      });

      it('kmem -z / kmem -f: zones populated as the kernel booted them; free pages counted by both agree with kmem -V', () => {
        const zones = model<KmemZoneModel>(files, 'kmem -z').zones.filter((z) => z.populated && (z.spanned ?? 0) > 0);
        expect(zones.map((z) => z.name)).toEqual(['DMA', 'DMA32']);
        const log = readFileSync(path.join(fixturesDir(), s, 'vmcore-dmesg.txt'), 'utf8');
        const total = Number(/Total pages: (\d+)/.exec(log)?.[1]);
        // 6.12 logs the zones' present pages there; 6.1 logged a figure net of reserves.
        if (meta.kernel.release.startsWith('6.12')) expect(zones.reduce((a, z) => a + z.present!, 0)).toBe(total);
        else expect(zones.reduce((a, z) => a + z.present!, 0)).toBeGreaterThan(total);
        const free = model<KmemFreeModel>(files, 'kmem -f');
        const vms = model<KmemVmStatModel>(files, 'kmem -V').sections;
        const zoneStat = Object.values(vms).find((sec) => 'NR_FREE_PAGES' in sec)!;
        expect(free.nrFreePages).toBe(zoneStat.NR_FREE_PAGES);
        expect(zones.reduce((a, z) => a + (z.vmStat.NR_FREE_PAGES ?? 0), 0)).toBe(zoneStat.NR_FREE_PAGES);
      });

      it('kmem -g / kmem -p: the page-flag bits the kernel put in VMCOREINFO, and the page asked for', () => {
        const g = model<PageFlagsModel>(files, 'kmem -g');
        const info = vmcoreInfo(s);
        const bits = Object.entries(info).filter(([k]) => /^NUMBER\(PG_\w+\)$/.test(k) && k !== 'NUMBER(PG_head_mask)');
        expect(bits.length).toBeGreaterThanOrEqual(5);
        for (const [k, v] of bits) {
          const name = k.slice('NUMBER('.length, -1);
          expect(g.flags.find((f) => f.name === name)?.bit, name).toBe(Number(v));
        }
        const p = model<PagesModel>(files, 'kmem -p 0x1000000');
        expect(p.pages.map((r) => r.physical)).toEqual(['1000000']);
      });
    });
  }
}
