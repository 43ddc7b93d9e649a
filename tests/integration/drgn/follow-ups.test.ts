/**
 * The follow-up commands panic triage asks after the first reading (`bt -F PID`, `struct
 * mutex.owner SYM`, `sym ADDR`, `mod -s NAME FILE`, `bt -a`, `foreach UN bt`, `sys -t`, `mod -t`)
 * answered by drgn give what crash says of the same dump: the lock in the hung task's stack words,
 * the lock's owner, the soft lockup's lock, the Oops's source line once the module's debug info is
 * loaded, the same tasks on the CPUs. Facts come from each fixture's meta.json truth and crash
 * 8.0.6's transcripts. One engine start per fixture (and drgn) for the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { DrgnSession } from '../../../electron/drgn/session.ts';
import { answerWithDrgn } from '../../../electron/drgn/guided-answers.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { lockSymbolFromWords, ownerOfWord } from '../../../electron/analyze/probe-readers.ts';
import { parseBt } from '../../../electron/parse/bt.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { parseSysTaint } from '../../../electron/parse/sys-taint.ts';
import { parseModTaint } from '../../../electron/parse/mod.ts';
import type { BtModel, LockOwnerWordModel, ModModel, ModTaintModel, ModuleLoadModel, StackWordsModel, SymbolAtModel, SysTaintModel } from '../../../electron/parse/models.ts';
import {
  drgnPythonBookworm, drgnPythonPrefix, fixtureFile, fixtureMeta, repoRoot, scenario72, transcript, vmcorePath, vmlinux72, vmlinuxPath, type Scenario,
} from '../../support/fixtures.ts';

/** drgn's model for a crash command line (fails the test when drgn does not answer it). */
async function model<M>(session: DrgnSession, command: string): Promise<M> {
  const answer = await answerWithDrgn(session, command);
  if (!answer) throw new Error(`drgn did not answer ${command}`);
  expect(answer.parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return answer.parsed.model as M;
}

/** A started engine for one fixture; `withModules`: the dump's directory as its module directory. */
function engine(scenario: Scenario, python: () => string, withModules: boolean): () => DrgnSession {
  let session: DrgnSession;
  beforeAll(async () => {
    const vmcore = vmcorePath(scenario);
    session = new DrgnSession({
      transport: new LocalTransport(),
      python: python(),
      vmcore,
      vmlinux: scenario === scenario72 ? vmlinux72() : vmlinuxPath(scenario),
      ...(withModules ? { moduleDir: path.dirname(vmcore) } : {}),
    });
    await session.start();
  });
  afterAll(async () => {
    await session?.close();
  });
  return () => session;
}

/** The lock the analysis reads from a task's stack words: the lock-like bare name on the frames above its own function. */
function lockOf(words: StackWordsModel, own: string): string | null {
  expect(words.frames.map((f) => f.function), `${own} in the frames of ${words.command}`).toContain(own);
  return lockSymbolFromWords(words, own);
}

/** The task address of a pid in crash's ps. */
function crashTask(scenario: Scenario, pid: number): string | undefined {
  return parsePs(transcript(scenario, 'ps')).model.tasks.find((t) => t.pid === pid)?.task;
}

/** (cpu, pid, command) of each task crash's `bt -a` lists. */
function onCpus(bt: BtModel): [number, number, string][] {
  return bt.tasks.map((t) => [t.cpu, t.pid, t.command]);
}

/** A crash 9.0.2 output kept with the follow-up parsers' samples. */
const sample = (file: string): string => path.join(repoRoot, 'tests/unit/parse/samples', file);
/** crash 9.0.2's `bt -F 307` of hung-mutex-6.12. */
const crashBtF = sample('bt-F-307-hung-mutex-6.12-crash-9.0.2.txt');


describe('hung-mutex-6.12, drgn 0.0.31 with qdrv.ko beside the dump', () => {
  const scenario = 'hung-mutex-6.12';
  const truth = fixtureMeta(scenario).truth;
  const session = engine(scenario, () => drgnPythonPrefix('0.0.31'), true);

  it('loads the module\'s debug info from the dump\'s directory, and mod says which file, as crash\'s after mod -s', async () => {
    expect(session().ready?.features.moduleDebugInfo).toMatchObject({ loaded: [truth.module], failed: {} });
    const mod = await model<ModModel>(session(), 'mod');
    expect(mod.modules.find((m) => m.name === truth.module)?.objectFile).toBe(fixtureFile(scenario, 'qdrv.ko'));
    expect(mod.modules.filter((m) => m.objectFile !== null).map((m) => m.name)).toEqual([truth.module]);
  });

  it('bt -F of the blocked task names the lock among its stack words before the task\'s own function', async () => {
    const words = await model<StackWordsModel>(session(), `bt -F ${truth.blocked_task?.pid}`);
    expect(words.command).toBe(truth.blocked_task?.comm);
    expect(lockOf(words, truth.function as string)).toBe(truth.lock);
    expect(words.frames.find((f) => f.function === truth.function)?.module).toBe(truth.module);
  });

  it('bt -F reads the same words as crash 9.0.2\'s bt -F of the same task: the same slots, values, slab caches and bare symbols', async () => {
    const words = await model<StackWordsModel>(session(), `bt -F ${truth.blocked_task?.pid}`);
    const crash = parseCommandOutput(`bt -F ${truth.blocked_task?.pid}`, readFileSync(crashBtF, 'utf8'))?.model as StackWordsModel;
    const base = (fn: string): string => fn.replace(/\..*$/, '');
    // Both name the syscall entry by the label below the return address (entry_SYSCALL_64_after_hwframe).
    expect(words.frames.map((f) => base(f.function))).toEqual(crash.frames.map((f) => base(f.function)));
    // Inside a symbol the two may name a different symbol at the same address (crash: __start_alloc_tags+8 for
    // qdrv_cfg_mutex+8, arch_exit_to_user_mode_prepare for its .isra.0 clone): those words are compared as "in a symbol".
    const shape = (w: string): string => (/\+\d+$/.test(w) ? 'symbol+offset' : w);
    expect(words.frames.map((f) => f.words.map(shape))).toEqual(crash.frames.map((f) => f.words.map(shape)));
  });

  it('struct mutex.owner of the lock is the word whose task is the holder in crash\'s ps', async () => {
    const owner = await model<LockOwnerWordModel>(session(), `struct mutex.owner ${truth.lock}`);
    expect(owner.error).toBeNull();
    expect(ownerOfWord(owner)?.task).toBe(crashTask(scenario, truth.lock_holder?.pid as number));
  });

  it('sym of the lock\'s address names the lock in its module', async () => {
    const { address } = await session().ask('lock_owner', { symbol: truth.lock as string });
    const sym = await model<SymbolAtModel>(session(), `sym 0x${address}`);
    expect({ name: sym.name, offset: sym.offset, module: sym.module }).toEqual({ name: truth.lock, offset: 0, module: truth.module });
    // By name, crash's sym gives the address.
    expect((await model<SymbolAtModel>(session(), `sym ${truth.lock}`)).address).toBe(address);
  });

  it('bt -a lists the tasks crash\'s bt -a lists on the CPUs', async () => {
    const bt = await model<BtModel>(session(), 'bt -a');
    expect(onCpus(bt)).toEqual(onCpus(parseBt(transcript(scenario, 'bt -a')).model));
  });

  it('foreach UN bt gives the stacks of the tasks crash\'s ps shows in UN, the blocked task waiting in its function', async () => {
    const bt = await model<BtModel>(session(), 'foreach UN bt');
    const un = parsePs(transcript(scenario, 'ps')).model.tasks.filter((t) => t.state === 'UN').map((t) => t.pid);
    expect(bt.tasks.map((t) => t.pid).sort((a, b) => a - b)).toEqual(un.sort((a, b) => a - b));
    expect(bt.tasks.find((t) => t.pid === truth.blocked_task?.pid)?.frames.map((f) => f.function)).toContain(truth.function);
  });

  it('sys -t and mod -t say what crash\'s say', async () => {
    const sys = await model<SysTaintModel>(session(), 'sys -t');
    const crashSys = parseSysTaint(transcript(scenario, 'sys -t')).model;
    expect([sys.mask, sys.letters, sys.flags]).toEqual([crashSys.mask, crashSys.letters, crashSys.flags]);
    expect(await model<ModTaintModel>(session(), 'mod -t')).toEqual(parseModTaint(transcript(scenario, 'mod -t')).model);
  });
});

describe('hung-mutex-6.12, bookworm\'s drgn 0.0.22', () => {
  const scenario = 'hung-mutex-6.12';
  const truth = fixtureMeta(scenario).truth;
  const session = engine(scenario, drgnPythonBookworm, true);

  it('names the lock in the blocked task\'s stack words from the module\'s symbols in memory', async () => {
    const words = await model<StackWordsModel>(session(), `bt -F ${truth.blocked_task?.pid}`);
    expect(lockOf(words, truth.function as string)).toBe(truth.lock);
  });

  it('says why it does not load the module\'s .ko on this kernel, rather than loading it wrongly', async () => {
    expect(session().ready?.features.moduleDebugInfo?.loaded).toEqual([]);
    expect(session().ready?.features.moduleDebugInfo?.failed[truth.module as string]).toMatch(/0\.0\.22 cannot load module debug info on Linux 6\.4\+/);
    const load = await model<ModuleLoadModel>(session(), `mod -s ${truth.module} ${fixtureFile(scenario, 'qdrv.ko')}`);
    expect(load).toMatchObject({ module: truth.module, objectFile: null });
    expect(load.error).toMatch(/drgn 0\.0\.23 or newer/);
  });

  it('struct mutex.owner gives the holder\'s task', async () => {
    const owner = await model<LockOwnerWordModel>(session(), `struct mutex.owner ${truth.lock}`);
    expect(ownerOfWord(owner)?.task).toBe(crashTask(scenario, truth.lock_holder?.pid as number));
  });
});

describe('softlockup-spin-6.12, drgn 0.0.31 with qdrv.ko beside the dump', () => {
  const scenario = 'softlockup-spin-6.12';
  const truth = fixtureMeta(scenario).truth;
  const session = engine(scenario, () => drgnPythonPrefix('0.0.31'), true);

  it('unwinds the panic stack past the spinning module function to the system call, as crash does', async () => {
    const bt = await model<BtModel>(session(), 'bt');
    const names = bt.tasks[0]?.frames.map((f) => f.function) ?? [];
    // Both show the spinning function as the exception RIP (not a frame), and the frames go on from the module's caller.
    const crashBt = parseBt(transcript(scenario, 'bt')).model.tasks[0];
    const crashFrames = crashBt?.frames ?? [];
    const crashBelow = crashFrames.slice(crashFrames.findIndex((f) => f.module === truth.module)).map((f) => f.function);
    expect(crashBelow).toContain('ksys_write');
    expect(names).not.toContain(truth.function);
    const after = (t: BtModel['tasks'][number] | undefined): number => t?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string))?.afterLevel ?? -2;
    expect(bt.tasks[0]?.exceptionFrames.some((e) => e.exceptionRip?.startsWith(truth.function as string))).toBe(true);
    expect(names.slice(after(bt.tasks[0]) + 1)).toEqual(crashBelow);
  });

  it('sym of the lockup\'s RDI names the spinlock, and the RDI is crash\'s', async () => {
    const bt = await model<BtModel>(session(), 'bt');
    const spinning = bt.tasks[0]?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string));
    const crashFrame = parseBt(transcript(scenario, 'bt')).model.tasks[0]?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string));
    expect(spinning?.registers.RDI).toBe(crashFrame?.registers.RDI);
    const sym = await model<SymbolAtModel>(session(), `sym ${spinning?.registers.RDI}`);
    expect({ name: sym.name, offset: sym.offset, module: sym.module }).toEqual({ name: 'qdrv_hw_lock', offset: 0, module: truth.module });
    // crash 9.0.2's sym of the same address; crash types a module's data '?', drgn by its symbol kind.
    const crashSym = parseCommandOutput(`sym 0x${sym.address}`, readFileSync(sample('sym-data-softlockup-spin-6.12-crash-9.0.2.txt'), 'utf8'))?.model;
    expect({ ...sym, type: '?' }).toEqual(crashSym);
  });

  it('bt -a lists the tasks crash\'s bt -a lists on the CPUs', async () => {
    const bt = await model<BtModel>(session(), 'bt -a');
    expect(onCpus(bt)).toEqual(onCpus(parseBt(transcript(scenario, 'bt -a')).model));
  });
});

describe('softlockup-spin-6.12, bookworm\'s drgn 0.0.22 (no module debug info on 6.12)', () => {
  const scenario = 'softlockup-spin-6.12';
  const truth = fixtureMeta(scenario).truth;
  const session = engine(scenario, drgnPythonBookworm, true);

  it('reaches the spinning function through the registers the timer interrupt saved, and its RDI names the spinlock', async () => {
    const answer = await answerWithDrgn(session(), 'bt');
    const bt = answer?.parsed.model as BtModel;
    // The spinning function is the exception block after the last frame: without the module's
    // debug info 0.0.22 goes no further, and says so.
    const last = bt.tasks[0]?.exceptionFrames.at(-1);
    expect([last?.exceptionRip?.replace(/\+\d+$/, ''), last?.afterLevel]).toEqual([truth.function, (bt.tasks[0]?.frames.length ?? 0) - 1]);
    expect(answer?.parsed.diagnostics.map((d) => d.message).join(' ')).toMatch(/ends early/);
    const spinning = bt.tasks[0]?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string));
    const crashFrame = parseBt(transcript(scenario, 'bt')).model.tasks[0]?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string));
    expect(spinning?.exceptionRip).toBe(crashFrame?.exceptionRip);
    expect(spinning?.registers.RDI).toBe(crashFrame?.registers.RDI);
    const sym = await model<SymbolAtModel>(session(), `sym ${spinning?.registers.RDI}`);
    expect({ name: sym.name, offset: sym.offset, module: sym.module }).toEqual({ name: 'qdrv_hw_lock', offset: 0, module: truth.module });
  });
});

describe('oops-syscall-6.12, drgn 0.0.31, the module loaded on request', () => {
  const scenario = 'oops-syscall-6.12';
  const truth = fixtureMeta(scenario).truth;
  const session = engine(scenario, () => drgnPythonPrefix('0.0.31'), false);

  it('mod -s loads qdrv.ko; then sym of the Oops RIP has the source line crash gives', async () => {
    const bt = await model<BtModel>(session(), 'bt');
    const rip = bt.tasks[0]?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string))?.registers.RIP;
    expect(rip).toBe(parseBt(transcript(scenario, 'bt')).model.tasks[0]?.exceptionFrames[0]?.registers.RIP);
    const before = await model<SymbolAtModel>(session(), `sym 0x${rip}`);
    expect({ name: before.name, module: before.module, source: before.source }).toEqual({ name: 'qdrv_submit.constprop.0', module: truth.module, source: null });
    // Another build of the module (hung-mutex-6.12's) is refused, not loaded at the wrong addresses.
    const other = await model<ModuleLoadModel>(session(), `mod -s ${truth.module} ${fixtureFile('hung-mutex-6.12', 'qdrv.ko')}`);
    expect(other).toMatchObject({ module: truth.module, objectFile: null });
    expect(other.error).toMatch(/does not match module qdrv of this dump/);
    const ko = fixtureFile(scenario, 'qdrv.ko');
    expect(await model<ModuleLoadModel>(session(), `mod -s ${truth.module} ${ko}`)).toEqual({ module: truth.module, objectFile: ko, error: null });
    expect((await model<ModModel>(session(), 'mod')).modules.find((m) => m.name === truth.module)?.objectFile).toBe(ko);
    const after = await model<SymbolAtModel>(session(), `sym ${rip}`);
    expect(after.source).toMatch(/qdrv\.c: 43$/);
    // What crash 9.0.2's sym of the RIP says, after its mod -s: the same model.
    expect(after).toEqual(parseCommandOutput(`sym 0x${rip}`, readFileSync(sample('sym-code-oops-syscall-6.12-crash-9.0.2.txt'), 'utf8'))?.model);
  });

  it('keeps what mod -s loaded when the engine is restarted (a cancelled question)', async () => {
    const starts = session().startCount;
    const cancelled = session().ask('blocked_stacks');
    expect(session().cancel()).toBe(true);
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    const bt = await model<BtModel>(session(), 'bt');
    expect(session().startCount).toBe(starts + 1);
    const rip = bt.tasks[0]?.exceptionFrames.find((e) => e.exceptionRip?.startsWith(truth.function as string))?.registers.RIP;
    expect((await model<SymbolAtModel>(session(), `sym ${rip}`)).source).toMatch(/qdrv\.c: 43$/);
  });

  it('mod -s of a module the dump does not have says so', async () => {
    const load = await model<ModuleLoadModel>(session(), `mod -s nosuchmod ${fixtureFile(scenario, 'qdrv.ko')}`);
    expect(load).toEqual({ module: 'nosuchmod', objectFile: null, error: 'module nosuchmod is not loaded in this dump' });
  });
});

describe('hung-mutex-7.2, drgn 0.3.0', () => {
  const truth = fixtureMeta(scenario72).truth;
  const session = engine(scenario72, () => drgnPythonPrefix('0.3.0'), true);

  it('bt -F of the blocked task names the lock before its function; the owner word is the holder\'s task in crash\'s ps', async () => {
    const words = await model<StackWordsModel>(session(), `bt -F ${truth.blocked_task?.pid}`);
    expect(lockOf(words, truth.function as string)).toBe(truth.lock);
    const owner = await model<LockOwnerWordModel>(session(), `struct mutex.owner ${truth.lock}`);
    expect(ownerOfWord(owner)?.task).toBe(crashTask(scenario72, truth.lock_holder?.pid as number));
  });
});
