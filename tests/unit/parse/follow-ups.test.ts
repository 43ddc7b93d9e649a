/**
 * The panic-kind follow-up parsers on real crash 9.0.2 output from the 6.12 fixtures
 * (tests/unit/parse/samples): `bt -F`, `struct mutex.owner`, `sym` of code and of data, `mod -s`,
 * and crash's refusals, which become the model's error instead of data.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { LockOwnerWordModel, ModuleLoadModel, StackWordsModel, SymbolAtModel } from '../../../electron/parse/models.ts';
import { lockSymbolFromWords, ownerOfWord } from '../../../electron/analyze/probe-readers.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { fixtureMeta, fixturesDir, transcript } from '../../support/fixtures.ts';

const sample = (file: string): string => readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples', file), 'utf8');
/** The spinlock qdrv_poll_hw spins under, from the fixture module's own source. */
const hwLock = (): string => /DEFINE_SPINLOCK\((\w+)\)/.exec(readFileSync(path.join(fixturesDir(), 'build/src/qdrv.c'), 'utf8'))?.[1] ?? 'not found';
const model = <M>(command: string, text: string): M => parseCommandOutput(command, text)?.model as M;

describe('bt -F', () => {
  const truth = fixtureMeta('hung-mutex-6.12').truth;
  const w = model<StackWordsModel>('bt -F 307', sample('bt-F-307-hung-mutex-6.12-crash-9.0.2.txt'));

  it('reads the task, every frame and each frame\'s words', () => {
    expect([w.pid, w.command, w.error]).toEqual([truth.blocked_task?.pid, truth.blocked_task?.comm, null]);
    expect(w.frames.map((f) => f.level)).toEqual(w.frames.map((_, i) => i));
    expect(w.frames.find((f) => f.function === truth.function)?.module).toBe(truth.module);
    expect(w.frames[0]?.words).toContain(truth.lock);
    // the user-mode registers at the bottom are no stack words
    expect(w.frames.flatMap((f) => f.words).some((x) => x.endsWith(':'))).toBe(false);
  });

  it('names the lock below the task\'s own function', () => {
    expect(lockSymbolFromWords(w, truth.function as string)).toBe(truth.lock);
  });

  it('keeps crash\'s refusal as the error', () => {
    const e = model<StackWordsModel>('bt -F 9999', 'bt: invalid task or pid value: 9999\n');
    expect([e.frames.length, e.error]).toEqual([0, 'bt: invalid task or pid value: 9999']);
  });
});

describe('struct mutex.owner', () => {
  it('turns the signed counter into the unsigned owner word; the flags masked, it is the holder\'s task_struct', () => {
    const truth = fixtureMeta('hung-mutex-6.12').truth;
    const m = model<LockOwnerWordModel>(`struct mutex.owner ${truth.lock}`, sample('struct-mutex-owner-hung-mutex-6.12-crash-9.0.2.txt'));
    expect(m.word).toMatch(/^[0-9a-f]{16}$/);
    const holder = parsePs(transcript('hung-mutex-6.12', 'ps')).model.tasks.find((t) => t.pid === truth.lock_holder?.pid);
    expect(ownerOfWord(m)?.task).toBe(holder?.task.padStart(16, '0'));
  });

  it('an error instead of the structure is the model\'s error', () => {
    const m = model<LockOwnerWordModel>('struct mutex.owner qdrv_cfg_mutex', 'struct: invalid kernel virtual address: ffffffffc0216040  type: "gdb_readmem_callback"\n');
    expect(m).toEqual({ word: null, error: 'struct: invalid kernel virtual address: ffffffffc0216040  type: "gdb_readmem_callback"' });
    expect(ownerOfWord(m)).toBeNull();
  });
});

describe('sym', () => {
  it('code: the function, its offset, module and source line', () => {
    const m = model<SymbolAtModel>('sym 0xffffffffc02140e5', sample('sym-code-oops-syscall-6.12-crash-9.0.2.txt'));
    expect(m).toMatchObject({ address: 'ffffffffc02140e5', name: 'qdrv_submit.constprop.0', offset: 5, type: 't', module: 'qdrv', error: null });
    expect(m.source).toMatch(/qdrv\.c: 43$/);
  });

  it('data: the object itself (offset 0), no source', () => {
    const m = model<SymbolAtModel>('sym 0xffffffffc0211588', sample('sym-data-softlockup-spin-6.12-crash-9.0.2.txt'));
    expect(m).toMatchObject({ name: hwLock(), offset: 0, module: 'qdrv', source: null });
  });

  it('no symbol there: crash\'s answer is the error', () => {
    expect(model<SymbolAtModel>('sym 0x10', 'sym: invalid address: 0x10\n')).toMatchObject({ name: null, error: 'sym: invalid address: 0x10' });
  });
});

describe('mod -s', () => {
  it('the object file now loaded', () => {
    const m = model<ModuleLoadModel>('mod -s qdrv /x/qdrv.ko', sample('mod-s-oops-syscall-6.12-crash-9.0.2.txt'));
    expect(m).toMatchObject({ module: 'qdrv', error: null });
    expect(m.objectFile).toMatch(/^\/\S+\/oops-syscall-6\.12\/qdrv\.ko$/);
  });

  it('crash\'s refusal is the error', () => {
    const m = model<ModuleLoadModel>('mod -s qdrv /nope/qdrv.ko', 'mod: /nope/qdrv.ko: No such file or directory\n');
    expect(m).toEqual({ module: null, objectFile: null, error: 'mod: /nope/qdrv.ko: No such file or directory' });
  });
});
