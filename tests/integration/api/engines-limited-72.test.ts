/**
 * Both engines, one session, when crash starts but without parts of the dump: hung-mutex-7.2 with
 * crash 9.0.2, which reads Linux 7.2 only with --no_modules (the start-up ladder). Once crash is
 * ready, `ps` is crash's, while `mod` (no module list) and the hung task's stack (module frames
 * unnamed without modules) come from drgn 0.3.0, labelled so. One session for the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import type { BtModel, ModModel } from '../../../electron/parse/models.ts';
import { crash902, drgnPythonPrefix, fixtureMeta, scenario72, vmcorePath, vmlinux72 } from '../../support/fixtures.ts';

const truth = fixtureMeta(scenario72).truth;
const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-engines-'));
let api: ApiHost;
let info: SessionInfo;

beforeAll(async () => {
  api = createApi({ env: { ...process.env, XDG_CACHE_HOME: cacheHome, CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.3.0') } });
  info = await api.call('session.open', { vmcore: vmcorePath(scenario72), vmlinux: vmlinux72(), crash: crash902() });
  // The console is crash's: it answers once crash has started (after the ladder's failed plain start).
  await api.call('session.console', { sessionId: info.id, line: 'sys' });
  info = await api.call('session.info', { sessionId: info.id });
});
afterAll(async () => {
  if (info) await api.call('session.close', { sessionId: info.id });
  await api?.dispose();
  rmSync(cacheHome, { recursive: true, force: true });
});

describe('hung-mutex-7.2 with crash 9.0.2 (--no_modules) and drgn 0.3.0', () => {
  it('has crash ready without modules and drgn ready beside it', () => {
    expect(info.state).toBe('ready');
    expect(info.startOptions).toContain('no_modules');
    expect(info.drgn).toMatchObject({ state: 'ready', version: '0.3.0' });
  });

  it('answers ps from crash', async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'ps' } });
    expect([r.engine, r.engineVersion]).toEqual(['crash', '9.0.2']);
  });

  it('answers mod from drgn: the module list crash was started without', async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'mod' } });
    expect([r.engine, r.engineVersion]).toEqual(['drgn', '0.3.0']);
    expect((r.parsed?.model as ModModel).modules.map((m) => m.name)).toContain(truth.module);
  });

  it('answers the hung task\'s stack from drgn, its module frame named', async () => {
    const pid = truth.blocked_task?.pid as number;
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'bt', arg: String(pid) } });
    expect(r.engine).toBe('drgn');
    expect((r.parsed?.model as BtModel).tasks[0]?.frames.find((f) => f.function === truth.function)?.module).toBe(truth.module);
  });
});
