/**
 * The crash command lines the views ask for, answered by drgn (hung-mutex-6.12, sid's drgn 0.3.0,
 * one engine start): each comes back under the parser crash's text of that command goes through,
 * with the model a view reads, and drgn named as the engine; commands drgn does not answer are
 * left to crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { DrgnSession } from '../../../electron/drgn/session.ts';
import { answerWithDrgn, drgnAnswers } from '../../../electron/drgn/guided-answers.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { BtModel, LogModel, PsModel } from '../../../electron/parse/models.ts';
import { drgnPythonPrefix, fixtureMeta, transcript, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const scenario = 'hung-mutex-6.12';
let session: DrgnSession;
beforeAll(async () => {
  session = new DrgnSession({ transport: new LocalTransport(), python: drgnPythonPrefix('0.3.0'), vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario) });
});
afterAll(async () => {
  await session?.close();
});

describe('guided commands answered by drgn', () => {
  it.each(['sys', 'ps', 'kmem -s', 'kmem -z', 'kmem -f', 'kmem -i', 'mod', 'bt', 'log', 'sys -t', 'mod -t', 'bt -a'])('%s: crash\'s parser, drgn\'s model', async (command) => {
    const answer = await answerWithDrgn(session, command);
    const crash = parseCommandOutput(command, transcript(scenario, command));
    expect(answer?.engine).toBe('drgn');
    expect(answer?.drgnVersion).toBe('0.3.0');
    expect([answer?.parsed.parser, answer?.parsed.parserVersion]).toEqual([crash?.parser, crash?.parserVersion]);
    expect(answer?.parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('gives the views what they show: the task table, the hung task\'s report in the log, a task\'s stack', async () => {
    const ps = (await answerWithDrgn(session, 'ps'))?.parsed.model as PsModel;
    expect(ps.tasks.find((t) => t.pid === fixtureMeta(scenario).truth.blocked_task?.pid)?.state).toBe('UN');
    const log = (await answerWithDrgn(session, 'log'))?.parsed.model as LogModel;
    expect(log.hungTasks.map((h) => h.comm)).toContain('backupd');
    const holder = fixtureMeta(scenario).truth.lock_holder?.pid as number;
    const bt = (await answerWithDrgn(session, `bt ${holder}`))?.parsed.model as BtModel;
    expect(bt.tasks[0]?.frames.map((f) => f.function)).toContain('qdrv_hold_locked');
  });

  it('leaves to crash what drgn does not answer', async () => {
    for (const command of ['vm 188', 'kmem -V', 'foreach bt', 'bt -f 307', 'dis -rl 0xffffffffc02140b1', 'mod -s qdrv', 'kmem -p 0x1000000']) {
      expect(drgnAnswers(command)).toBe(false);
      expect(await answerWithDrgn(session, command)).toBeNull();
    }
  });
});
