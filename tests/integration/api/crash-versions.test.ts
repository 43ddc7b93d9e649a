/**
 * Real sessions through the Api with crash 8.0.6 and crash 9.0.2 on every Linux 6.12 fixture and
 * on one 6.1 fixture: one crash start per fixture per version, every guided command once, and
 * the parsed models checked against the truth (tests/support/model-truth.ts: meta.json, the
 * guest's records, the kernel log, the dump's VMCOREINFO) — the same facts the golden transcript
 * tests prove, now from live output. Where a transcript of that crash exists, the live output is
 * also the transcript's. The incomplete dump must carry the 'dump-incomplete' finding and the
 * structured completeness (incomplete, both counts) on the session and on every result; the
 * complete ones never the finding, and completeness 'complete'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { CommandResponse, GuidedCommand, SessionInfo } from '../../../electron/api/contract.ts';
import type { PsLastRunModel, PsModel, PsStatesModel } from '../../../electron/parse/models.ts';
import { crash806, crash902, fixtureMeta, scenarios612, transcript, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';
import { incompleteScenario, truthChecks, truthCommands, truthContext } from '../../support/model-truth.ts';
import { transcriptDirs, transcriptFiles } from '../../support/transcripts.ts';
import { contentLines } from '../crash/helpers.ts';

const fixtures: Scenario[] = [...scenarios612, 'panic-sysrq'];
const versions = [
  { version: '8.0.6' as const, path: crash806 },
  { version: '9.0.2' as const, path: crash902 },
];
const timings: string[] = [];

let api: ApiHost;
beforeAll(() => {
  api = createApi({});
});
afterAll(async () => {
  await api?.dispose();
  // The expensive part of CI: say what it cost.
  console.log(`crash-versions timings:\n${timings.join('\n')}`);
});

function guided(command: string): GuidedCommand {
  const m = /^(kmem -p|vm) (\S+)$/.exec(command);
  return m ? { id: m[1] as GuidedCommand['id'], arg: m[2] as string } : { id: command as GuidedCommand['id'] };
}

for (const s of fixtures) {
  const vmPidCommand = transcriptFiles(transcriptDirs(s)[0]!.dir).map((f) => f.command).find((c) => /^vm \d+$/.test(c));
  const commands = [...truthCommands, vmPidCommand!, 'ps -m', 'ps -S', 'log'];
  for (const { version, path: crashPath } of versions) {
    describe(`${s} with crash ${version}`, () => {
      let info: SessionInfo;
      const results = new Map<string, CommandResponse>();
      let failure: unknown = null;

      beforeAll(async () => {
        const t0 = performance.now();
        info = await api.call('session.open', { vmcore: vmcorePath(s), vmlinux: vmlinuxPath(s), crash: crashPath() });
        try {
          const all = await Promise.all(commands.map((c) => api.call('session.run', { sessionId: info.id, command: guided(c) })));
          all.forEach((r, i) => results.set(commands[i] as string, r));
        } catch (err) {
          failure = err;
        }
        info = await api.call('session.info', { sessionId: info.id });
        timings.push(`  ${s} crash ${version}: ${((performance.now() - t0) / 1000).toFixed(1)} s (start + ${commands.length} commands)`);
      });
      afterAll(async () => {
        if (info) await api.call('session.close', { sessionId: info.id });
      });

      it('runs every guided command on this crash', () => {
        expect(failure).toBeNull();
        expect(info.crashVersion).toBe(version);
        expect(info.release).toBe(fixtureMeta(s).kernel.release);
        expect(info.state).toBe('ready');
        expect(results.size).toBe(commands.length);
      });

      it(s === incompleteScenario ? 'says the dump is incomplete, on the session and on every result' : 'finds the dump complete: no incomplete-dump finding anywhere', () => {
        const finding = info.diagnoses.find((d) => d.code === 'dump-incomplete');
        if (s !== incompleteScenario) {
          expect(info.diagnoses.map((d) => d.code)).not.toContain('dump-incomplete');
          for (const r of results.values()) expect(r.diagnoses?.map((d) => d.code) ?? [], r.command).not.toContain('dump-incomplete');
          // completeness as data: crash's task table has the kernel's own count
          expect(info.completeness).toMatchObject({ state: 'complete', reason: null, fix: null });
          expect(info.completeness?.tasksRead).toBe(info.completeness?.tasksInKernel);
          for (const r of results.values()) expect(r.completeness?.state, r.command).toBe('complete');
          return;
        }
        const inc = (fixtureMeta(s).truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;
        expect(finding?.severity).toBe('error');
        expect(finding?.message).toContain('This dump is incomplete');
        expect(finding?.message).toContain('makedumpfile older than the kernel');
        // The kernel's own count (nr_threads + idle tasks) read live: 75 in this dump; meta.json's
        // tasks_in_kernel (76) is the complete sibling dump's count, one more than this boot had.
        const m = /ps shows (\d+) of (\d+) tasks/.exec(finding?.message ?? '');
        expect(Number(m?.[1])).toBe(inc.crash_ps_tasks);
        expect(Math.abs(Number(m?.[2]) - inc.tasks_in_kernel)).toBeLessThanOrEqual(1);
        for (const r of results.values()) expect(r.diagnoses?.map((d) => d.code) ?? [], r.command).toContain('dump-incomplete');
        // the same as data, on the session and on every result: crash's count against the dump's nr_threads + CPUs
        expect(info.completeness).toMatchObject({ state: 'incomplete', tasksRead: inc.crash_ps_tasks, tasksInKernel: Number(m?.[2]) });
        for (const r of results.values()) expect(r.completeness?.state, r.command).toBe('incomplete');
      });

      it('prints what the fixture recorded for this crash (where a transcript of it exists)', () => {
        const dir = transcriptDirs(s).find((d) => d.crash === version);
        if (!dir) {
          // No 9.0.2 transcripts for the 6.1 fixtures yet: the truth checks below carry the test.
          expect(version).toBe('9.0.2');
          return;
        }
        for (const command of ['sys', 'ps', 'bt', 'mod', 'kmem -s', 'kmem -i', vmPidCommand!]) {
          expect(contentLines(results.get(command)!.raw), command).toEqual(contentLines(transcript(s, command, version)));
        }
      });

      it('ps -m / ps -S: the tasks of ps, by state, with how long since each ran', () => {
        const ps = results.get('ps')!.parsed!.model as PsModel;
        const m = results.get('ps -m')!.parsed!.model as PsLastRunModel;
        const st = results.get('ps -S')!.parsed!.model as PsStatesModel;
        expect(m.format).toBe('since-last-run');
        expect(new Set(m.tasks.map((t) => t.task))).toEqual(new Set(ps.tasks.map((t) => t.task)));
        expect(st.total).toBe(ps.tasks.length);
        const truth = fixtureMeta(s).truth;
        if (truth.blocked_task) {
          const b = m.tasks.find((t) => t.pid === truth.blocked_task!.pid)!;
          expect(b.state).toBe('UN');
          expect(st.counts.UN).toBeGreaterThanOrEqual(1);
          // hung_task_timeout_secs=10 (meta.json): blocked longer than that when khungtaskd fired.
          expect(b.sinceLastRunMs).toBeGreaterThan(10_000);
        }
      });

      it('log: the kernel log parses', () => {
        const log = results.get('log')!;
        expect((log.parsed?.model as { records: unknown[] }).records.length).toBeGreaterThan(100);
      });

      const ctx = truthContext(s, version, vmPidCommand!, (command) => {
        const r = results.get(command);
        if (!r) throw new Error(`${command} did not run`);
        return { raw: r.raw, model: r.parsed?.model ?? null, codes: (r.parsed?.diagnostics ?? []).map((d) => d.code) };
      });
      for (const check of truthChecks) it(check.title, () => check.run(ctx));
    });
  }
}
