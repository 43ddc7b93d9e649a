/**
 * The gdb-indexed vmlinux copy end to end on panic-sysrq (6.1, crash 8.0.6), with a private
 * debuginfod cache and settings.json: the first open starts crash from the plain vmlinux and
 * then builds `<cache>/<build-id>/vmlinux.gdb-index` in the background; the next open starts
 * crash from that copy (said in the session's diagnoses; the session's vmlinux stays the
 * user's file) and triages the same; doctor then finds the copy. With settings.json
 * `gdbIndex: false` nothing is built. One plain start, one build, one indexed start, one plain
 * start with the setting off.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { gdbIndexPath } from '../../../electron/crash/gdb-index.ts';
import { gdbIndexCheck } from '../../../electron/doctor/gdb-index-check.ts';
import { createApi } from '../../../electron/host/create-api.ts';
import { readBuildId } from '../../../electron/symbols/build-id.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { crash806, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const root = mkdtempSync(path.join(tmpdir(), 'crashdeck-gdb-index-'));
const apis: ApiHost[] = [];
afterAll(async () => {
  for (const a of apis) await a.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** An Api whose debuginfod cache, start-option store and settings.json are private to this test. */
function apiWith(name: string, settings: Record<string, unknown>): { api: ApiHost; env: NodeJS.ProcessEnv; cache: string } {
  const cache = path.join(root, name, 'debuginfod');
  const config = path.join(root, name, 'config');
  mkdirSync(path.join(config, 'crashdeck'), { recursive: true });
  writeFileSync(path.join(config, 'crashdeck', 'settings.json'), JSON.stringify(settings));
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUGINFOD_CACHE_PATH: cache, XDG_CONFIG_HOME: config, XDG_CACHE_HOME: path.join(root, name, 'cache') };
  delete env.CRASHDECK_GDB_INDEX;
  const api = createApi({ crashPath: crash806(), env });
  apis.push(api);
  return { api, env, cache };
}

const open = (api: ApiHost): Promise<SessionInfo> => api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath('panic-sysrq') });

/** Wait until `check` holds (no deadline of its own: the test timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 500));
}

describe('gdb-indexed vmlinux copy (panic-sysrq, crash 8.0.6)', () => {
  it('is built after the first open and used by the next crash start, with the same triage', async () => {
    const { api, env, cache } = apiWith('on', {});
    const buildId = (await readBuildId(new LocalTransport(), vmlinuxPath('panic-sysrq'))).buildId as string;
    const indexed = gdbIndexPath(cache, buildId);
    const vmlinuxBefore = statSync(vmlinuxPath('panic-sysrq'));

    const first = await open(api);
    expect(first.diagnoses.map((d) => d.code)).not.toContain('gdb-index');
    const plainTriage = await api.call('analyze.triage', { sessionId: first.id });
    await until(() => existsSync(indexed));
    await api.call('session.close', { sessionId: first.id });
    // Renamed into place only when whole, and verified by build-id.
    expect((await readBuildId(new LocalTransport(), indexed)).buildId).toBe(buildId);
    expect(readdirSync(path.dirname(indexed))).toEqual(['vmlinux.gdb-index']);
    expect(statSync(indexed).size).toBeGreaterThan(vmlinuxBefore.size);
    const after = statSync(vmlinuxPath('panic-sysrq'));
    expect([after.size, after.mtimeMs]).toEqual([vmlinuxBefore.size, vmlinuxBefore.mtimeMs]);

    const second = await open(api);
    expect(second.vmlinux).toBe(vmlinuxPath('panic-sysrq'));
    const note = second.diagnoses.find((d) => d.code === 'gdb-index');
    expect(note?.severity).toBe('info');
    expect(note?.message).toContain(indexed);
    const indexedTriage = await api.call('analyze.triage', { sessionId: second.id });
    expect(indexedTriage).toEqual(plainTriage);
    const ready = await api.call('session.info', { sessionId: second.id });
    expect(ready.state === 'ready' || ready.state === 'busy').toBe(true);
    await api.call('session.close', { sessionId: second.id });

    const doctor = await gdbIndexCheck(new LocalTransport(), 'this machine', env, {});
    expect(doctor.status).toBe('ok');
    expect(doctor.detail).toContain(`1 indexed copy in ${cache}`);
  });

  it('builds nothing when settings.json says gdbIndex: false', async () => {
    const { api, cache } = apiWith('off', { gdbIndex: false });
    const info = await open(api);
    await api.call('analyze.triage', { sessionId: info.id });
    await api.call('session.close', { sessionId: info.id });
    expect(info.diagnoses.map((d) => d.code)).not.toContain('gdb-index');
    // A build starts within milliseconds of a good start (mkdir first); triage took seconds.
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });
});
