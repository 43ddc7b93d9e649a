import { describe, expect, it } from 'vitest';
import { panicTaskOf, parseBt, parseCommandOutput } from '../../../electron/parse/index.ts';
import type { BtModel } from '../../../electron/parse/index.ts';
import { fixtureMeta, scenarios, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

describe('bt', () => {
  for (const s of scenarios) {
    it(`${s}: the panic task and its frames match meta.json`, () => {
      const truth = fixtureMeta(s).truth.panic_task;
      for (const v of ['8.0.6', '8.0.2'] as const) {
        const { model, diagnostics } = parseBt(transcript(s, 'bt', v));
        expect(problems(diagnostics)).toEqual([]);
        expect(model.tasks).toHaveLength(1);
        const t = model.tasks[0];
        expect(t).toMatchObject({ pid: truth.pid, command: truth.comm, cpu: truth.cpu, panic: true });
        expect(t?.frames.map((f) => f.function)).toContain('panic');
        expect(t?.frames.map((f) => f.level)).toEqual(t?.frames.map((_, i) => i));
        expect(t?.frames.every((f) => /^[0-9a-f]{16}$/.test(f.sp) && /^[0-9a-f]{16}$/.test(f.address))).toBe(true);
      }
    });

    it(`${s}: bt -a gives one task per CPU, the panic task among them`, () => {
      const truth = fixtureMeta(s).truth.panic_task;
      const parsed = parseCommandOutput('bt -a', transcript(s, 'bt -a'));
      expect(parsed?.parser).toBe('bt');
      expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
      const model = parsed?.model as BtModel;
      expect(model.tasks.map((t) => t.cpu).sort()).toEqual([0, 1]);
      expect(panicTaskOf(model)?.pid).toBe(truth.pid);
    });

    it(`${s}: foreach bt has one backtrace per task in ps`, () => {
      const psRows = transcript(s, 'ps').split('\n').filter((l) => /^[> ]\s+\d+\s/.test(l)).length;
      const parsed = parseCommandOutput('foreach bt', transcript(s, 'foreach bt'));
      expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
      expect((parsed?.model as BtModel).tasks).toHaveLength(psRows);
    });
  }

  it('panic-sysrq: the sysrq handler is on the stack, with the user registers at syscall entry', () => {
    const truth = fixtureMeta('panic-sysrq').truth;
    const t = parseBt(transcript('panic-sysrq', 'bt')).model.tasks[0];
    expect(t?.frames.map((f) => f.function)).toContain(truth.culprit.function);
    const regs = t?.exceptionFrames.at(-1);
    expect(regs?.exceptionRip).toBeNull();
    expect(regs?.userMode).toBe(true); // CS: 0033
    expect(regs?.registers.ORIG_RAX).toBe('0000000000000001'); // write(2)
    expect(regs?.afterLevel).toBe(t?.frames.at(-1)?.level);
  });

  it('oom-slab-leak: the module frame names its module', () => {
    const t = parseBt(transcript('oom-slab-leak', 'bt')).model.tasks[0];
    const f = t?.frames.find((x) => x.function === 'bufpool_refill');
    expect(f?.module).toBe('bufpool');
    expect(t?.frames.filter((x) => x.module !== null)).toHaveLength(1);
  });

  it('the idle CPU interrupted by the NMI has an exception frame and an NMI stack transition', () => {
    const model = parseBt(transcript('panic-sysrq', 'bt -a')).model;
    const idle = model.tasks.find((t) => t.command === 'swapper/1');
    expect(idle?.exceptionFrames[0]?.exceptionRip).toBe('native_safe_halt+11');
    expect(idle?.exceptionFrames[0]?.userMode).toBe(false);
    expect(idle?.exceptionFrames[0]?.registers.RIP).toMatch(/^ffffffff/);
    expect(idle?.stackTransitions).toEqual(['<NMI exception stack>']);
  });

  it('reads bt -l source lines and reports crash errors and frame gaps', () => {
    // bt -l prints the source file and line under each frame (crash help bt).
    const text = [
      'PID: 7        TASK: ffff888003e38000  CPU: 0    COMMAND: "kworker/0:0"',
      ' #0 [ffffc90000013cd8] __schedule at ffffffff81a10e3d',
      '    /build/linux/kernel/sched/core.c: 5241',
      ' #2 [ffffc90000013d30] schedule at ffffffff81a1154a',
      'bt: cannot transition from exception stack to current process stack',
    ].join('\n');
    const { model, diagnostics } = parseBt(text);
    expect(model.tasks[0]?.frames[0]?.source).toBe('/build/linux/kernel/sched/core.c: 5241');
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['crash-error', 'frame-gap']);
  });
});
