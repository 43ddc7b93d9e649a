/**
 * The Panic view's way to its verdict, over the real Api with the real crash 9.0.2 (the e2e runs
 * 8.0.6): the view's commands, then the follow-ups analyze.followUps asks for, round by round, run
 * as guided commands, then analyze.triageRaw over all of it — as PanicView.svelte does through
 * its cache. On hung-mutex-6.12 the wait chain is meta.json's truth (backupd → qdrv_cfg_mutex →
 * qholder → qdrv_hold_locked); on oops-syscall-6.12, with the dump's directory (which holds the
 * unstripped qdrv.ko) as moduleDir, the Oops card gets a source line in qdrv and `dis -rl` lines.
 *
 * Then the same way with crash absent and trixie's drgn 0.0.31 beside it: every command and
 * follow-up is answered by drgn, and the verdicts must be crash's (the hung task's lock and owner
 * read from the dump, the soft lockup's lock and the other CPUs, the Oops registers and source
 * line). Only the disassembly stays crash's (drgn does not disassemble). One session per dump and engine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { crash902, drgnPythonPrefix, fixtureMeta, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';
import { waitChain } from '../../../renderer/views/Panic/panic-model.ts';
import { panicVerdictThroughApi, type PanicFlow } from '../../support/panic-flow.ts';

const apis: ApiHost[] = [];
afterAll(async () => {
  await Promise.all(apis.map((a) => a.dispose()));
});

type Engine = 'crash' | 'drgn';

/** Open the scenario on crash 9.0.2 (or with crash absent and drgn 0.0.31) and reach the verdict the way the Panic view does. */
async function panicVerdict(scenario: Scenario, engine: Engine = 'crash'): Promise<PanicFlow> {
  const api = engine === 'crash'
    ? createApi({ crashPath: crash902() })
    : createApi({ env: { ...process.env, CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.0.31') } });
  apis.push(api);
  const info = await api.call('session.open', { vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario), ...(engine === 'drgn' ? { crash: '/nonexistent/crash-for-this-test' } : {}) });
  return panicVerdictThroughApi(api, info.id, vmcorePath(scenario));
}

/** One session per dump and engine for the whole file. */
const memo = new Map<string, ReturnType<typeof panicVerdict>>();
function verdictOf(scenario: Scenario, engine: Engine = 'crash'): ReturnType<typeof panicVerdict> {
  const key = `${scenario} ${engine}`;
  if (!memo.has(key)) memo.set(key, panicVerdict(scenario, engine));
  return memo.get(key)!;
}

type Truth = { function: string; module: string; blocked_task: { comm: string; pid: number }; lock: string; lock_holder: { comm: string; pid: number }; lock_holder_function: string; culprit_task: { comm: string; pid: number } };

describe('Panic view verdict through analyze.followUps with crash 9.0.2', () => {
  it('hung-mutex-6.12: the wait chain is the truth, the owner read from the lock', async () => {
    const t = fixtureMeta('hung-mutex-6.12').truth as unknown as Truth;
    const { report, asked } = await verdictOf('hung-mutex-6.12');
    expect(asked.length).toBeGreaterThan(0);
    expect(report.panic.task).toEqual({ pid: t.blocked_task.pid, comm: t.blocked_task.comm });
    const blocked = report.hung?.tasks.find((h) => h.pid === t.blocked_task.pid);
    expect(blocked, JSON.stringify(report.hung)).toBeDefined();
    expect(waitChain(blocked!).map((n) => n.text)).toEqual([t.blocked_task.comm, t.lock, t.lock_holder.comm, t.lock_holder_function]);
    expect(blocked!.owner?.pid).toBe(t.lock_holder.pid);
  }, 240_000);

  it('oops-syscall-6.12: the fault with a source line in the module and the disassembly up to it', async () => {
    const t = fixtureMeta('oops-syscall-6.12').truth as unknown as Truth;
    const { report } = await verdictOf('oops-syscall-6.12');
    expect(report.panic.task).toEqual({ pid: t.culprit_task.pid, comm: t.culprit_task.comm });
    expect(report.oops).toMatchObject({ function: t.function, module: t.module, context: 'syscall' });
    expect(report.oops?.source, JSON.stringify(report.oops)).toMatch(/\.c: ?\d+/);
    expect(report.oops?.disassembly?.length).toBeGreaterThan(0);
  }, 240_000);
});

describe('the same verdicts with crash absent: drgn 0.0.31 answers every command and follow-up', () => {
  const verdicts = new Map<string, Promise<{ crash: TriageReport; drgn: TriageReport; engines: Set<string> }>>();
  const both = (s: Scenario): Promise<{ crash: TriageReport; drgn: TriageReport; engines: Set<string> }> => {
    if (!verdicts.has(s)) {
      verdicts.set(s, (async () => {
        const crash = await verdictOf(s, 'crash');
        const drgn = await verdictOf(s, 'drgn');
        return { crash: crash.report, drgn: drgn.report, engines: drgn.engines };
      })());
    }
    return verdicts.get(s)!;
  };

  it('hung-mutex-6.12: the lock, its owner, the owner\'s state, where it sleeps and its stack, as crash read them', async () => {
    const t = fixtureMeta('hung-mutex-6.12').truth as unknown as Truth;
    const { crash, drgn, engines } = await both('hung-mutex-6.12');
    expect([...engines]).not.toContain('crash');
    expect(drgn.panic.signature).toBe(crash.panic.signature);
    const pick = (r: TriageReport) => r.hung?.tasks.map((h) => ({ pid: h.pid, waitsOn: h.waitsOn, owner: h.owner && { pid: h.owner.pid, comm: h.owner.comm, state: h.owner.state, function: h.owner.function, task: h.owner.task } }));
    expect(pick(drgn)).toEqual(pick(crash));
    const blocked = drgn.hung?.tasks.find((h) => h.pid === t.blocked_task.pid);
    expect(waitChain(blocked!).map((n) => n.text)).toEqual([t.blocked_task.comm, t.lock, t.lock_holder.comm, t.lock_holder_function]);
    // The owner's stack: the same functions (crash's names carry no offsets here).
    const fns = (r: TriageReport): string[] => (r.hung?.tasks[0]?.owner?.stack ?? []).map((f) => f.replace(/\+.*$/, '').replace(/ \[.*\]$/, ''));
    expect(fns(drgn)).toEqual(fns(crash));
  }, 240_000);

  it('softlockup-spin-6.12: the CPU, the spinning function, the lock from its register, the stack and the other CPUs, as crash read them', async () => {
    const { crash, drgn } = await both('softlockup-spin-6.12');
    expect(crash.lockup?.lock).toBeTruthy();
    expect(drgn.lockup).toEqual(crash.lockup);
    expect(drgn.panic.signature).toBe(crash.panic.signature);
  }, 240_000);

  it('oops-syscall-6.12: the fault, the registers (RIP) and the source line in the module as crash read them; the disassembly is crash\'s', async () => {
    const { crash, drgn } = await both('oops-syscall-6.12');
    const facts = (r: TriageReport) => ({ ...r.oops, disassembly: undefined, debugInfo: undefined });
    expect(facts(drgn)).toEqual(facts(crash));
    expect(drgn.oops?.ripAddress).toMatch(/^0xffffffffc/);
    expect(drgn.oops?.source).toMatch(/qdrv\.c: \d+$/);
    expect(drgn.panic.signature).toBe(crash.panic.signature);
  }, 240_000);
});
