/**
 * The Panic view's way to its verdict, over the real Api with the real crash 9.0.2 (the e2e runs
 * 8.0.6): the view's commands, then the follow-ups analyze.followUps asks for, round by round, run
 * as guided commands, then analyze.triageRaw over all of it — as PanicView.svelte does through
 * its cache. On hung-mutex-6.12 the wait chain is meta.json's truth (backupd → qdrv_cfg_mutex →
 * qholder → qdrv_hold_locked); on oops-syscall-6.12, with the dump's directory (which holds the
 * unstripped qdrv.ko) as moduleDir, the Oops card gets a source line in qdrv and `dis -rl` lines.
 */
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { GuidedCommand } from '../../../electron/api/contract.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { crash902, fixtureMeta, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';
import { followUpRaw, maxFollowUpRounds, newFollowUps, panicCommands, waitChain } from '../../../renderer/views/Panic/panic-model.ts';

const apis: ApiHost[] = [];
afterAll(async () => {
  await Promise.all(apis.map((a) => a.dispose()));
});

/** Open the scenario on crash 9.0.2 and reach the verdict the way the Panic view does. */
async function panicVerdict(scenario: Scenario): Promise<{ report: TriageReport; asked: string[] }> {
  const api = createApi({ crashPath: crash902() });
  apis.push(api);
  const info = await api.call('session.open', { vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario) });
  const run = async (command: GuidedCommand): Promise<{ command: string; raw: string }> => {
    const r = await api.call('session.run', { sessionId: info.id, command });
    return { command: r.command, raw: followUpRaw({ raw: r.raw, error: r.error ?? null }) };
  };
  const results = [];
  for (const id of panicCommands) results.push(await run({ id }));
  const moduleDir = path.dirname(vmcorePath(scenario));
  let asked: GuidedCommand[] = [];
  for (let round = 0; round < maxFollowUpRounds; round++) {
    const more = newFollowUps(asked, await api.call('analyze.followUps', { results, moduleDir }));
    if (!more.length) break;
    asked = [...asked, ...more];
    for (const c of more) results.push(await run(c));
  }
  const report = await api.call('analyze.triageRaw', { results, moduleDir });
  return { report, asked: asked.map((c) => (c.arg ? `${c.id} ${c.arg}` : c.id)) };
}

type Truth = { function: string; module: string; blocked_task: { comm: string; pid: number }; lock: string; lock_holder: { comm: string; pid: number }; lock_holder_function: string; culprit_task: { comm: string; pid: number } };

describe('Panic view verdict through analyze.followUps with crash 9.0.2', () => {
  it('hung-mutex-6.12: the wait chain is the truth, the owner read from the lock', async () => {
    const t = fixtureMeta('hung-mutex-6.12').truth as unknown as Truth;
    const { report, asked } = await panicVerdict('hung-mutex-6.12');
    expect(asked.length).toBeGreaterThan(0);
    expect(report.panic.task).toEqual({ pid: t.blocked_task.pid, comm: t.blocked_task.comm });
    const blocked = report.hung?.tasks.find((h) => h.pid === t.blocked_task.pid);
    expect(blocked, JSON.stringify(report.hung)).toBeDefined();
    expect(waitChain(blocked!).map((n) => n.text)).toEqual([t.blocked_task.comm, t.lock, t.lock_holder.comm, t.lock_holder_function]);
    expect(blocked!.owner?.pid).toBe(t.lock_holder.pid);
  }, 240_000);

  it('oops-syscall-6.12: the fault with a source line in the module and the disassembly up to it', async () => {
    const t = fixtureMeta('oops-syscall-6.12').truth as unknown as Truth;
    const { report } = await panicVerdict('oops-syscall-6.12');
    expect(report.panic.task).toEqual({ pid: t.culprit_task.pid, comm: t.culprit_task.comm });
    expect(report.oops).toMatchObject({ function: t.function, module: t.module, context: 'syscall' });
    expect(report.oops?.source, JSON.stringify(report.oops)).toMatch(/\.c: ?\d+/);
    expect(report.oops?.disassembly?.length).toBeGreaterThan(0);
  }, 240_000);
});
