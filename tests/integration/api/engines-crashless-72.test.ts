/**
 * Both engines, one session, when crash cannot answer at all: hung-mutex-7.2 (Linux 7.2, which no
 * crash release reads plainly) opened through the Api with a crash that is not there. The session
 * opens 'failed' for crash, drgn (sid's 0.3.0) loads the dump beside it, and session.run gets the
 * task table, the slab caches and the hung task's stack from drgn, labelled so; the console and
 * the commands drgn does not cover still say crash is missing. One drgn start for the file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import type { BtModel, PsModel, KmemSlabModel } from '../../../electron/parse/models.ts';
import { parsePs } from '../../../electron/parse/ps.ts';
import { drgnPythonPrefix, fixtureFile, fixtureMeta, scenario72, transcript, vmcorePath, vmlinux72 } from '../../support/fixtures.ts';

const truth = fixtureMeta(scenario72).truth;
let api: ApiHost;
let info: SessionInfo;

beforeAll(async () => {
  api = createApi({ env: { ...process.env, CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.3.0') } });
  info = await api.call('session.open', { vmcore: vmcorePath(scenario72), vmlinux: vmlinux72(), crash: '/nonexistent/crash-for-this-test' });
});
afterAll(async () => {
  if (info) await api.call('session.close', { sessionId: info.id });
  await api?.dispose();
});

describe('hung-mutex-7.2 with crash absent and drgn 0.3.0 beside it', () => {
  it('gets the task table from drgn, named as the engine: the tasks crash 9.0.2 listed', async () => {
    expect(info.state).toBe('failed');
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'ps' } });
    expect([r.engine, r.engineVersion, r.raw, r.crashVersion]).toEqual(['drgn', '0.3.0', '', null]);
    const ps = r.parsed?.model as PsModel;
    const row = (t: PsModel['tasks'][number]): string => `${t.pid} ${t.ppid} ${t.state} ${t.comm.slice(0, 15)}`;
    expect(ps.tasks.map(row).sort()).toEqual(parsePs(transcript(scenario72, 'ps')).model.tasks.map(row).sort());
    expect(ps.tasks.find((t) => t.pid === truth.blocked_task?.pid)?.state).toBe('UN');
  });

  it('says in SessionInfo that drgn answers while crash is missing', async () => {
    const now = await api.call('session.info', { sessionId: info.id });
    expect(now.drgn).toMatchObject({ state: 'ready', version: '0.3.0' });
    expect(now.message).toContain('drgn 0.3.0 answers');
    const missing = now.diagnoses.find((d) => d.code === 'crash-missing');
    expect(missing?.message).toContain('drgn 0.3.0 answers');
    expect(missing?.message).toContain('the console and the other views need crash');
  });

  it('gets the slab caches from drgn: every cache the guest listed', async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'kmem -s' } });
    expect(r.engine).toBe('drgn');
    const guest = readFileSync(fixtureFile(scenario72, 'guest/slabinfo.before-push'), 'utf8').split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/)[0]);
    expect((r.parsed?.model as KmemSlabModel).caches.map((c) => c.name).sort()).toEqual(guest.sort());
  });

  it('gets the hung task\'s stack from drgn, its module frames named', async () => {
    const pid = truth.blocked_task?.pid as number;
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'bt', arg: String(pid) } });
    expect(r.engine).toBe('drgn');
    const task = (r.parsed?.model as BtModel).tasks[0];
    expect([task?.pid, task?.command]).toEqual([pid, truth.blocked_task?.comm]);
    expect(task?.frames.find((f) => f.function === truth.function)?.module).toBe(truth.module);
  });

  it('answers questions asked together, as a view asks them', async () => {
    const all = await Promise.all((['sys', 'kmem -z', 'kmem -i', 'mod'] as const).map((id) => api.call('session.run', { sessionId: info.id, command: { id } })));
    expect(all.map((r) => [r.command, r.engine])).toEqual([['sys', 'drgn'], ['kmem -z', 'drgn'], ['kmem -i', 'drgn'], ['mod', 'drgn']]);
  });

  it('names drgn in the report, with the hung task\'s verdict read from its answers', async () => {
    const md = await api.call('report.export', { sessionId: info.id, format: 'md' });
    expect(md.content).toMatch(/crash \? \(drgn 0\.3\.0 answered [^)]*\bps\b/);
    expect(md.content).toContain(truth.function as string);
  });

  it('leaves the console and the commands drgn does not cover to crash, saying crash is missing and what drgn answers', async () => {
    const typed = await api.call('session.console', { sessionId: info.id, line: 'ps' }).catch((err: unknown) => err);
    expect(typed).toMatchObject({ code: 'crash-missing' });
    expect((typed as Error).message).toContain('the console is crash\'s');
    const dev = await api.call('session.run', { sessionId: info.id, command: { id: 'dev' } }).catch((err: unknown) => err);
    expect(dev).toMatchObject({ code: 'crash-missing' });
    expect((dev as Error).message).toMatch(/^"dev" needs crash: .*drgn 0\.3\.0 does not answer "dev" \(it answers sys, ps/);
  });
});
