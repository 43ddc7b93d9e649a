/**
 * Triage per panic kind on the Linux 6.12 fixtures (Oops, hung task, soft lockup, and the Oops
 * written by a too-old makedumpfile): from vmcore-dmesg.txt alone (makedumpfile 1.7.6 output with
 * printk caller ids) and from the crash 8.0.6 and 9.0.2 transcripts, compared with meta.json truth.
 * The log-only verdict must name the same kind, culprit task, function and module as crash's.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { TriageReportSchema } from '../../../electron/api/contract.ts';
import { triage, type Gathered } from '../../../electron/analyze/triage.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { fixtureFile, fixtureMeta, scenarios, scenarios612, transcript, type Scenario } from '../../support/fixtures.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';

const dmesgText = (s: Scenario): string => readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8');
const fromLog = (s: Scenario): TriageReport => triage({ log: parseLog(dmesgText(s)).model, logOnly: true });

/** meta.json `truth` names the culprit; the -mdf172 dump is the same kind of Oops as oops-syscall-6.12. */
function expectCulprit(r: TriageReport, s: Scenario): void {
  const t = fixtureMeta(s).truth;
  expect(r.panic.kind).toBe(t.panic_type);
  expect(r.panic.task).toEqual({ pid: t.culprit_task?.pid, comm: t.culprit_task?.comm });
  expect(r.panic.function).toBe(t.function);
  expect(r.panic.functionModule).toBe(t.module);
  expect(r.panic.signature).toMatch(new RegExp(`^${t.panic_type}:${t.module}!${t.function}\\b`));
  expect(r.dump.panicMessage).toContain(t.panic_message);
}

describe('6.12 fixtures: triage --dmesg on makedumpfile 1.7.6 output (printk caller ids, UID: in the CPU line)', () => {
  for (const s of scenarios612) {
    it(`${s}: kind, culprit task, function and module match meta.json truth`, () => {
      const r = fromLog(s);
      expect(r.basis).toBe('log');
      expectCulprit(r, s);
      expect(r.dump.release).toBe(fixtureMeta(s).kernel.release);
    });
  }

  it('the caller id is kept apart from the text, and continuation of the trace is not lost', () => {
    const log = parseLog(dmesgText('oops-syscall-6.12')).model;
    const oops = log.oopses[0];
    expect(log.records.some((r) => /^\[ *[TC]\d+\]/.test(r.text))).toBe(false);
    expect(log.records.find((r) => r.text.startsWith('Oops: '))?.caller).toBe(`T${fixtureMeta('oops-syscall-6.12').truth.panic_task.pid}`);
    // the trace as the log prints it, read independently: every "name+0x../0x.." line after Call Trace: without "? "
    const text = dmesgText('oops-syscall-6.12');
    const after = text.slice(text.indexOf('Call Trace:'), text.indexOf('</TASK>'));
    const frames = [...after.matchAll(/\] {2}([\w.]+\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[\w+\])?)$/gm)].map((m) => m[1]);
    expect(oops?.callTrace).toEqual(frames);
  });

  it('oops-syscall-6.12: the decoded page fault, the context and the module frames', () => {
    const r = fromLog('oops-syscall-6.12');
    const text = dmesgText('oops-syscall-6.12');
    const cr2 = /\] CR2: ([0-9a-f]+)\s*$/m.exec(text)?.[1] as string;
    expect(BigInt(r.oops?.faultAddress ?? '0')).toBe(BigInt(`0x${cr2}`));
    expect(r.oops?.errorCode).toMatch(/^supervisor read access in kernel mode, not-present page/);
    expect(r.oops?.context).toBe('syscall');
    expect(r.oops?.callTrace?.find((f) => f.function === 'qdrv_write')?.module).toBe('qdrv');
    expect(r.oops?.callTrace?.find((f) => f.function === 'vfs_write')?.module).toBeNull();
    // no crash, no debug info: the report says so instead of a blank source line
    expect(r.oops?.source).toBeNull();
    expect(r.oops?.debugInfo).toMatch(/crash/);
  });

  it('hung-mutex-6.12: the blocked task, its mutex wait, and what the log alone cannot say', () => {
    const t = fixtureMeta('hung-mutex-6.12').truth;
    const r = fromLog('hung-mutex-6.12');
    expect(r.panic.task.comm).not.toBe(t.panic_task.comm); // not khungtaskd
    const h = r.hung?.tasks[0];
    expect(h).toMatchObject({ pid: t.blocked_task?.pid, comm: t.blocked_task?.comm, function: t.function, waitsOn: { kind: 'mutex', symbol: null }, owner: null });
    expect(h?.note).toMatch(/crash/);
    expect(r.panic.signature).toBe(`hung-task:${t.module}!${t.function}<-mutex`);
  });

  it('softlockup-spin-6.12: CPU, task, seconds from the watchdog line', () => {
    const t = fixtureMeta('softlockup-spin-6.12').truth;
    const r = fromLog('softlockup-spin-6.12');
    const stuck = /soft lockup - CPU#(\d+) stuck for (\d+)s!/.exec(dmesgText('softlockup-spin-6.12'));
    expect(r.lockup).toMatchObject({ kind: 'soft-lockup', cpu: t.panic_task.cpu, pid: t.culprit_task?.pid, comm: t.culprit_task?.comm, function: t.function, module: t.module, seconds: Number(stuck?.[2]) });
  });
});

describe('6.12 fixtures: crash transcripts (8.0.6 and 9.0.2) give the same culprit as the log', () => {
  for (const crash of ['8.0.6', '9.0.2'] as const) {
    for (const s of scenarios612) {
      it(`${s} (crash ${crash})`, () => {
        const g = gatheredFromTranscripts(s, [], [], crash);
        const r = triage(g);
        expect(r.basis).toBe('crash');
        expectCulprit(r, s);
        const l = fromLog(s);
        expect([r.panic.kind, r.panic.task, r.panic.function, r.panic.functionModule]).toEqual([l.panic.kind, l.panic.task, l.panic.function, l.panic.functionModule]);
      });
    }
  }

  it('softlockup-spin-6.12: the other CPUs from bt -a', () => {
    const g = gatheredFromTranscripts('softlockup-spin-6.12', [], [], '9.0.2');
    g.probes = { 'bt -a': transcript('softlockup-spin-6.12', 'bt -a', '9.0.2') };
    const r = triage(g);
    const idle = parsePs(transcript('softlockup-spin-6.12', 'ps', '9.0.2')).model.tasks.filter((x) => x.pid === 0 && x.cpu !== 0);
    expect(r.lockup?.otherCpus?.map((c) => c.cpu)).toEqual(idle.map((x) => x.cpu));
  });
});

/** crash's `struct mutex.owner` output for an owner word (atomic_long_t printed signed). */
const ownerOut = (word: bigint): string => `  owner = {\n    counter = ${BigInt.asIntN(64, word)}\n  },\n`;

describe('hung-mutex-6.12: the wait chain through crash follow-ups', () => {
  const t = fixtureMeta('hung-mutex-6.12').truth;
  const ps = parsePs(transcript('hung-mutex-6.12', 'ps')).model;
  const holder = ps.tasks.find((x) => x.pid === t.lock_holder?.pid);
  const blocked = t.blocked_task?.pid as number;
  // `foreach UN bt` prints what `foreach bt` prints for the UN tasks; the holder's stack is in `foreach bt` too.
  const foreach = transcript('hung-mutex-6.12', 'foreach bt');
  const stackOf = (pid: number): string => foreach.split(/\n(?=PID: )/).find((b) => b.startsWith(`PID: ${pid} `)) ?? '';
  const btF = `${stackOf(blocked).split('\n')[0]}\n #0 [ffffc90000523ba8] __schedule at ffffffff81cc4e1a\n    ffffc90000523c10: ${t.lock}   ffffc90000523cc8 \n #4 [ffffc90000523cd0] ${t.function} at ffffffffc02140b1 [qdrv]\n`;
  const base = (): Gathered => ({
    ...gatheredFromTranscripts('hung-mutex-6.12'),
    probes: { 'foreach UN bt': stackOf(blocked), [`bt -F ${blocked}`]: btF, [`bt ${holder?.pid}`]: stackOf(holder?.pid as number) },
  });

  it('names the lock and its holder, the holder\'s state and where it sleeps', () => {
    const g = base();
    (g.probes as Record<string, string>)[`struct mutex.owner ${t.lock}`] = ownerOut(BigInt(`0x${holder?.task}`) | 1n);
    const r = triage(g);
    expect(r.hung?.tasks[0]?.waitsOn).toEqual({ kind: 'mutex', symbol: t.lock });
    expect(r.hung?.tasks[0]?.owner).toMatchObject({ pid: t.lock_holder?.pid, comm: t.lock_holder?.comm, state: holder?.state, function: t.lock_holder_function });
    // the lock crash named is detail beside the id, which stays the log's
    expect(r.panic.signature).toBe(`hung-task:${t.module}!${t.function}<-mutex`);
    expect(r.panic.signatureDetail).toMatchObject({ lock: t.lock, owner: { pid: t.lock_holder?.pid, comm: t.lock_holder?.comm } });
    // the full chain travels through the Api contract (valibot keeps only declared keys)
    expect(v.parse(TriageReportSchema, r).hung?.tasks[0]?.owner).toEqual(r.hung?.tasks[0]?.owner);
    expect(r.panic.evidence.map((e) => e.detail).join('\n')).toContain(`${t.blocked_task?.comm} waits for ${t.lock} held by ${t.lock_holder?.comm}, which sleeps in ${t.lock_holder_function}`);
  });

  it('bad input: the owner word points to a task that no longer exists (exited holder)', () => {
    const g = base();
    (g.probes as Record<string, string>)[`struct mutex.owner ${t.lock}`] = ownerOut(0xffff888007777700n);
    const r = triage(g);
    expect(r.hung?.tasks[0]?.owner).toMatchObject({ pid: null, comm: null, task: '0xffff888007777700' });
    expect(r.hung?.tasks[0]?.note).toMatch(/not in the task list: the owner has exited/);
    expect(r.panic.function).toBe(t.function);
  });

  it('bad input: crash cannot read the lock (error text) — said, not guessed', () => {
    const g = base();
    (g.probes as Record<string, string>)[`struct mutex.owner ${t.lock}`] = 'struct: invalid kernel virtual address: ffffffffc0216040  type: "gdb_readmem_callback"\n';
    const r = triage(g);
    expect(r.hung?.tasks[0]?.owner).toBeNull();
    expect(r.hung?.tasks[0]?.note).toMatch(/could not read the owner/);
  });
});

describe('OOM signatures name the culprit (6.1 fixtures)', () => {
  for (const s of scenarios.filter((x) => x !== 'panic-sysrq')) {
    it(`${s}: log and crash give the same culprit signature`, () => {
      const c = fixtureMeta(s).truth.culprit;
      const want = fixtureMeta(s).truth.culprit_kind === 'slab' ? `oom:slab:${String(c.cache)}` : `oom:user-anon:${String(c.comm)}`;
      expect(triage(gatheredFromTranscripts(s)).panic.signature).toBe(want);
      expect(fromLog(s).panic.signature).toBe(want);
    });
  }
});
