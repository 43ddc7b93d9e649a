/**
 * Both engines, one session, on hung-mutex-6.12 with crash 9.0.2 and bookworm's drgn 0.0.22: the
 * first `ps`, asked while crash is still starting, comes from drgn (labelled so); once crash is
 * ready the same question comes from crash, and the two tables agree. One session for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { CommandResponse, SessionInfo } from '../../../electron/api/contract.ts';
import type { PsModel } from '../../../electron/parse/models.ts';
import { crash902, drgnPythonBookworm, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const scenario = 'hung-mutex-6.12';
let api: ApiHost;
let opened: SessionInfo;
let early: CommandResponse;
let asked: Promise<CommandResponse>;

beforeAll(async () => {
  api = createApi({ env: { ...process.env, CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonBookworm() } });
  opened = await api.call('session.open', { vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario), crash: crash902() });
  early = await api.call('session.run', { sessionId: opened.id, command: { id: 'ps' } });
  // What the CLI's triage asks: crash itself, so a verdict labelled crash's is crash's reading.
  asked = api.call('session.run', { sessionId: opened.id, command: { id: 'sys' }, engine: 'crash' });
});
afterAll(async () => {
  if (opened) await api.call('session.close', { sessionId: opened.id });
  await api?.dispose();
});

describe('hung-mutex-6.12: drgn first, crash later', () => {
  it('answers ps from drgn while crash starts', () => {
    expect(opened.state).toBe('starting');
    expect(opened.drgn?.state).toBe('starting');
    expect([early.engine, early.engineVersion, early.raw]).toEqual(['drgn', '0.0.22', '']);
    expect((early.parsed?.model as PsModel).tasks.length).toBeGreaterThan(0);
  });

  it("a command asked of crash itself waits for crash, even while drgn could answer it", async () => {
    const sys = await asked;
    expect([sys.engine, sys.engineVersion]).toEqual(['crash', '9.0.2']);
    expect(sys.raw).toMatch(/PANIC:/);
  });

  it('answers ps from crash once crash is ready, the same tasks as drgn listed', async () => {
    // The console is crash's: it waits for crash to be ready.
    const consolePs = await api.call('session.console', { sessionId: opened.id, line: 'ps' });
    expect([consolePs.engine, consolePs.engineVersion]).toEqual(['crash', '9.0.2']);
    const info = await api.call('session.info', { sessionId: opened.id });
    expect([info.state, info.drgn?.state]).toEqual(['ready', 'ready']);
    const late = await api.call('session.run', { sessionId: opened.id, command: { id: 'ps' } });
    expect([late.engine, late.crashVersion]).toEqual(['crash', '9.0.2']);
    expect(late.raw).not.toBe('');
    const row = (t: PsModel['tasks'][number]): string => `${t.pid} ${t.ppid} ${t.cpu} ${t.state} ${t.comm.slice(0, 15)}`;
    expect((early.parsed?.model as PsModel).tasks.map(row).sort()).toEqual((late.parsed?.model as PsModel).tasks.map(row).sort());
  });
});
