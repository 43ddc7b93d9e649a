/**
 * Continuing a case with the real dump: the bundled demo case opens read-only, attaching a
 * different dump is refused (its fingerprint differs) and leaves no crash running, attaching the
 * case's own vmcore starts crash on it (same fingerprint, so the UI keeps its cache and notes),
 * closes the case session, and then commands the case did not hold run for real.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import { demoCasePath } from '../../../electron/cli/serve-command.ts';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

let api: ApiHost;
beforeAll(() => {
  api = createApi({ crashPath: crash806() });
});
afterAll(async () => {
  await api.dispose();
});

/** The session once crash has started and finished its own start-up check ('busy' right after start). */
async function ready(id: string): Promise<SessionInfo> {
  for (;;) {
    const info = await api.call('session.info', { sessionId: id });
    if (info.state !== 'starting' && info.state !== 'busy') return info;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('case.attach', () => {
  it('refuses another dump, then continues the demo case with its own vmcore', async () => {
    expect(demoCasePath).toBe(path.join(repoRoot, 'resources/demo/oom-slab-leak.crashcase'));
    const c = await api.call('case.open', { path: demoCasePath });
    expect(c.release).toBe(fixtureMeta('oom-slab-leak').kernel.release);
    const pid = String(fixtureMeta('oom-slab-leak').truth.panic_task.pid);
    const notInCase = await api.call('session.run', { sessionId: c.id, command: { id: 'task', arg: pid } }).catch((e: unknown) => e);
    expect(notInCase).toMatchObject({ code: 'refused' });

    const wrong = await api.call('case.attach', { sessionId: c.id, vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath() }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'refused' });
    expect((wrong as Error).message).toContain('is not the dump this case was made from');
    const afterWrong = await api.call('session.list', {});
    expect(afterWrong.map((s) => s.id)).toEqual([c.id]);

    const live = await api.call('case.attach', { sessionId: c.id, vmcore: vmcorePath('oom-slab-leak'), vmlinux: vmlinuxPath() });
    expect(live.fingerprint).toBe(c.fingerprint);
    expect(live.source ?? 'crash').toBe('crash');
    expect((await api.call('session.list', {})).map((s) => s.id)).toEqual([live.id]);
    expect((await ready(live.id)).state).toBe('ready');
    // A command the demo case does not hold now runs on crash.
    const r = await api.call('session.run', { sessionId: live.id, command: { id: 'task', arg: pid } });
    expect(r.raw).toContain(`pid = ${pid}`);
  });
});
