/**
 * The Panic view's logic on the real 6.12 fixtures' transcripts (crash 8.0.6 and 9.0.2), parsed
 * by the real parsers and triaged by the real engine: the lockup CPU table names the task and
 * module meta.json's truth names; the hung-task chain starts at the blocked task (its owner needs
 * crash: tests/integration/analyze/panic-follow-ups.test.ts); the Oops points `dis -rl` at an address inside qdrv's text. Deep
 * links refuse what is not theirs, and the view asks for every input the panic verdict reads and
 * each follow-up once.
 */
import { describe, expect, it } from 'vitest';
import { analyzeTriageRaw } from '../../../electron/host/methods/analyze-methods.ts';
import { gatheredFromRaw } from '../../../electron/analyze/gathered-from-raw.ts';
import { gatheredCommands, triageFollowUps } from '../../../electron/analyze/triage.ts';
import type { TriageReportShape } from '../../../electron/api/contract.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { BtModel, LogModel } from '../../../electron/parse/models.ts';
import { fixtureMeta, transcript, type Scenario, type TranscriptCrash } from '../../support/fixtures.ts';
import {
  autoRunnable, blockedText, chainSentence, firstFaultRecord, logTarget, consoleHref, consoleParam, cpuRows, disassembleCommand, faultRipAddress, hungRecord, lineParam, lockupRecord,
  dumpDir, evidenceCommand, followUpRaw, logHref, maxFollowUps, newFollowUps, oopsRecord, panicCommands, panicMissing, panicTaskTrace, recordAt, taskHref, waitChain,
} from '../../../renderer/views/Panic/panic-model.ts';

const crashes: TranscriptCrash[] = ['8.0.6', '9.0.2'];

function model<T>(scenario: Scenario, command: string, crash: TranscriptCrash): T {
  return parseCommandOutput(command, transcript(scenario, command, crash))!.model as T;
}

function triageOf(scenario: Scenario, crash: TranscriptCrash): TriageReportShape {
  const results = panicCommands.map((command) => ({ command, raw: transcript(scenario, command, crash) }));
  return analyzeTriageRaw({ results });
}

type Truth = { panic_task: { cpu: number; pid: number; comm: string }; function: string; module: string; blocked_task?: { comm: string; pid: number }; lock?: string; lock_holder?: { comm: string; pid: number }; lock_holder_function?: string };
const truth = (s: Scenario): Truth => fixtureMeta(s).truth as unknown as Truth;

describe.each(crashes)('Panic view on crash %s transcripts', (crash) => {
  it('soft lockup: the CPU table marks the stuck CPU with the spinning task, its function and module', () => {
    const t = truth('softlockup-spin-6.12');
    const rows = cpuRows(model<BtModel>('softlockup-spin-6.12', 'bt -a', crash), t.panic_task.cpu);
    const cpus = Number(/CPUS: (\d+)/.exec(transcript('softlockup-spin-6.12', 'sys', crash))![1]);
    expect(rows.map((r) => r.cpu)).toEqual([...Array(cpus).keys()]);
    const stuck = rows.filter((r) => r.lockup);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({ cpu: t.panic_task.cpu, pid: t.panic_task.pid, comm: t.panic_task.comm });
    expect(stuck[0]!.rip).toMatch(new RegExp(`^${t.function}\\+`));
    // The frames below the interrupt are the module's, not the watchdog's.
    expect(stuck[0]!.frames[0]!.module).toBe(t.module);
    expect(stuck[0]!.frames.map((f) => f.function)).not.toContain('watchdog_timer_fn.cold');
    // The log line the table links to is the watchdog's report for that CPU.
    const log = model<LogModel>('softlockup-spin-6.12', 'log', crash);
    expect(log.records[lockupRecord(log, t.panic_task.cpu)!]!.text).toContain(`soft lockup - CPU#${t.panic_task.cpu} stuck`);
  });

  it('Oops: the faulting task trace and a dis -rl at an address inside the module text', () => {
    const t = truth('oops-syscall-6.12');
    const trace = panicTaskTrace(model<BtModel>('oops-syscall-6.12', 'bt', crash), t.panic_task.pid);
    expect(trace?.command).toBe(t.panic_task.comm);
    expect(trace!.frames.some((f) => f.module === t.module)).toBe(true);
    const rip = faultRipAddress(trace);
    const modLine = transcript('oops-syscall-6.12', 'mod', crash).split('\n').find((l) => l.split(/\s+/)[1] === t.module)!;
    const [, , base, size] = modLine.split(/\s+/);
    const addr = BigInt(`0x${rip}`);
    expect(addr >= BigInt(`0x${base}`) && addr < BigInt(`0x${base}`) + BigInt(size!)).toBe(true);
    expect(disassembleCommand(rip, t.function)).toBe(`dis -rl ${rip}`);
    const log = model<LogModel>('oops-syscall-6.12', 'log', crash);
    expect(log.records[oopsRecord(log)!]!.text).toMatch(/NULL pointer dereference/);
  });

  it('hung task from the transcripts alone: the blocked task and the kind of lock; owner follow-ups still wanted', () => {
    const t = truth('hung-mutex-6.12');
    const report = triageOf('hung-mutex-6.12', crash);
    const blocked = report.hung?.tasks.find((h) => h.pid === t.blocked_task!.pid);
    expect(blocked, JSON.stringify(report.hung)).toBeDefined();
    const nodes = waitChain(blocked!);
    expect(nodes[0]).toMatchObject({ role: 'task', text: t.blocked_task!.comm, taskHref: `#/processes?pid=${t.blocked_task!.pid}&culprit=${t.blocked_task!.pid}`, consoleCommand: `bt ${t.blocked_task!.pid}` });
    expect(nodes[1]!.caption).toBe('waits on mutex');
    // Who holds it needs crash (the follow-ups the view runs; tests/integration/analyze/panic-follow-ups.test.ts).
    const asked = newFollowUps([], triageFollowUps(gatheredFromRaw(panicCommands.map((command) => ({ command, raw: transcript('hung-mutex-6.12', command, crash) })))));
    expect(asked.length).toBeGreaterThan(0);
    const log = model<LogModel>('hung-mutex-6.12', 'log', crash);
    expect(log.records[hungRecord(log, t.blocked_task!.pid)!]!.text).toContain(`task ${t.blocked_task!.comm}:${t.blocked_task!.pid} blocked`);
  });
});

describe('wait chain on incomplete facts', () => {
  it('an unknown owner and an unnamed lock give no links that would lead nowhere', () => {
    const nodes = waitChain({ pid: null, comm: '<img src=x>', blockedSeconds: null, function: null, waitsOn: { kind: 'mutex', symbol: null }, owner: null });
    expect(nodes.map((n) => n.role)).toEqual(['task', 'lock', 'owner']);
    expect(nodes[0]).toMatchObject({ text: '<img src=x>', taskHref: null, consoleCommand: null });
    expect(nodes[1]!.consoleCommand).toBeNull();
    expect(nodes[2]!.text).toBe('no owner recorded');
  });

  it('an owner that has exited (no pid, no stack) is named as unknown', () => {
    const nodes = waitChain({ pid: 9, comm: 'a', blockedSeconds: 120, function: 'f', waitsOn: { kind: 'rwsem', symbol: 'sem' }, owner: { pid: null, comm: null, state: null, function: null } });
    expect(nodes.map((n) => n.text)).toEqual(['a', 'sem', 'unknown task', 'an unknown function']);
    expect(nodes[1]!.consoleCommand).toBe('struct rw_semaphore sem');
    expect(nodes[2]!.taskHref).toBeNull();
  });

  it('how long a task has been blocked: ps -m when the dump has it, else the threshold said to be one', () => {
    expect(blockedText(10, 19234)).toBe('blocked 19.2 s (ps -m)');
    expect(blockedText(10, null)).toBe("blocked > 10 s (the detector's threshold)");
    expect(blockedText(null, undefined)).toBeNull();
  });

  it('nothing known about the wait: one sentence that says so', () => {
    expect(chainSentence({ pid: 5, comm: 'x', blockedSeconds: 1, function: null, waitsOn: null, owner: null })).toBe('x (pid 5) waits for something the dump does not name; no owner is known.');
  });
});

describe('deep links', () => {
  it('link only to real pids and lines', () => {
    expect(taskHref(307)).toBe('#/processes?pid=307');
    expect([taskHref(null), taskHref(-1), taskHref(1.5), taskHref(0)]).toEqual([null, null, null, null]);
    expect(logHref(0)).toBe('#/log?line=1');
    expect(logHref(null)).toBeNull();
  });

  it('the Log takes ?line= only inside the log', () => {
    expect(lineParam('#/log?line=3', 10)).toBe(2);
    expect(['#/log?line=0', '#/log?line=11', '#/log?line=-1', '#/log?line=2e3', '#/log', '#/log?line=1%0a'].map((h) => lineParam(h, 10))).toEqual([null, null, null, null, null, null]);
  });

  it('evidence links to the console only with a command that runs as it stands', () => {
    expect(['sys', 'mod -t', 'bt 307', 'dis -rl 0xffffffffc02140e5'].map(evidenceCommand)).toEqual(['sys', 'mod -t', 'bt 307', 'dis -rl 0xffffffffc02140e5']);
    expect(['struct mutex.owner', 'bt -F', 'trace', 'sym <img src=x>'].map(evidenceCommand)).toEqual([null, null, null, null]);
  });

  it('the processes link marks the culprit and the lock owner', () => {
    expect(taskHref(304, { culprit: 307, owner: 304 })).toBe('#/processes?pid=304&culprit=307&owner=304');
    expect(taskHref(307, { culprit: 307, owner: null })).toBe('#/processes?pid=307&culprit=307');
  });

  it('the Log opens at the first fault report, whichever comes first', () => {
    const log = { records: Array.from({ length: 40 }, () => ({ timestamp: 1, level: null, text: '', line: 0 })), oopses: [], hungTasks: [{ recordIndex: 12 }], softLockups: [], panics: [{ recordIndex: 30 }] } as never;
    expect(logTarget('#/log?at=fault', log)).toBe(12);
    expect(logTarget('#/log?line=3', log)).toBe(2);
    expect(firstFaultRecord({ oopses: [], hungTasks: [], softLockups: [], panics: [{ recordIndex: 30 }] } as never)).toBe(30);
    expect(firstFaultRecord({ oopses: [], hungTasks: [], softLockups: [], oomReports: [{ recordIndex: 7 }], panics: [{ recordIndex: 30 }] } as never)).toBe(7);
  });

  it('a linked command runs on opening only when it is a read-only one the views link to', () => {
    expect(consoleHref('bt 304')).toBe('#/console?cmd=bt%20304&run=1');
    expect(['bt 304', 'bt -c 0', 'struct mutex qdrv_cfg_mutex', 'dis -rl ffffffffc02140e5', 'dis -l ffffffffc02140e5 8', 'sym qdrv_cfg_mutex'].every(autoRunnable)).toBe(true);
    expect(['!rm -rf x', 'bt 304 | grep x', 'sys > /tmp/x', 'wr 0x1 2', 'struct mutex a; sys'].some(autoRunnable)).toBe(false);
  });

  it('the Console takes one printable line from ?cmd=', () => {
    expect(consoleParam(consoleHref('bt 307'))).toBe('bt 307');
    expect(consoleParam(consoleHref('struct mutex qdrv_cfg_mutex'))).toBe('struct mutex qdrv_cfg_mutex');
    expect(consoleParam('#/console?cmd=sys%0a!rm%20-rf%20x')).toBe('sys !rm -rf x');
    expect(consoleParam(`#/console?cmd=${'a'.repeat(257)}`)).toBeNull();
    expect(consoleParam('#/console?cmd=%20')).toBeNull();
    expect(consoleParam('#/console')).toBeNull();
  });
});

describe('what the view asks for', () => {
  it('every input the triage engine reads, except the OOM-only kmem ones', () => {
    const inputs = Object.values(gatheredCommands).filter((c) => !/^kmem /.test(c));
    expect(panicCommands).toEqual(expect.arrayContaining(inputs));
  });

  it('does not report OOM-only inputs as missing for a panic', () => {
    expect(panicMissing(['kmem -i', 'kmem -s (crash: x)', 'bt (no session)', 'kmem -V'])).toEqual(['bt (no session)']);
  });
});

describe('follow-ups', () => {
  it('each wanted command once, never more than the cap', () => {
    const a = { id: 'bt -F', arg: '307' } as const;
    const b = { id: 'foreach UN bt' } as const;
    expect(newFollowUps([], [a, b, a])).toEqual([a, b]);
    expect(newFollowUps([a], [a, b])).toEqual([b]);
    const many = Array.from({ length: 100 }, (_, i) => ({ id: 'sym' as const, arg: `s${i}` }));
    expect(newFollowUps([], many)).toHaveLength(maxFollowUps);
  });

  it("keeps crash's error with the output, so the engine can say why nothing came", () => {
    expect(followUpRaw({ raw: '', error: 'mod: cannot find or load object file for qdrv module' })).toBe('\nmod: cannot find or load object file for qdrv module');
    expect(followUpRaw({ raw: 'x\nerr', error: 'err' })).toBe('x\nerr');
    expect(followUpRaw({ raw: 'ok', error: null })).toBe('ok');
  });

  it("the dump's directory only for an absolute path", () => {
    expect(dumpDir('/var/crash/202612041320/dump.202612041320')).toBe('/var/crash/202612041320');
    expect([dumpDir('vmcore'), dumpDir('/vmcore'), dumpDir('./x/vmcore')]).toEqual([null, null, null]);
  });

  it('a fault named by its time links to its log record', () => {
    const log = { records: [{ timestamp: 1, level: null, text: 'a', line: 0 }, { timestamp: 2.5, level: null, text: 'b', line: 1 }] };
    expect([recordAt(log, 2.5), recordAt(log, 3), recordAt(log, null)]).toEqual([1, null, null]);
  });
});
