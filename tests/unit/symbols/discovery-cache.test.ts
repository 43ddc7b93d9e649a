/**
 * findVmlinux also looks in the debuginfod client cache by the dump's build-id (where gdb, drgn,
 * debuginfod-find or crashdeck put it), trusting only a file whose build-id note matches.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/contract.ts';
import { findVmlinux } from '../../../electron/crash/discovery.ts';
import { readDumpIdentity } from '../../../electron/dumpinfo/vmcoreinfo.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

const t = new LocalTransport();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-disc-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findVmlinux and the debuginfod cache', () => {
  it('finds <cache>/<build-id>/debuginfo for the dump\'s BUILD-ID, and refuses another ELF there', async () => {
    const id = await readDumpIdentity(t, vmcorePath('panic-sysrq'));
    expect(id.buildId).toMatch(/^[0-9a-f]{40}$/);
    const buildId = id.buildId as string;
    const good = path.join(dir, 'good');
    mkdirSync(path.join(good, buildId), { recursive: true });
    symlinkSync(vmlinuxPath('panic-sysrq'), path.join(good, buildId, 'debuginfo'));
    // A release nothing is installed for: only the cache can answer.
    expect(await findVmlinux(t, 'no-such-release', { buildId, env: { DEBUGINFOD_CACHE_PATH: good } })).toBe(path.join(good, buildId, 'debuginfo'));

    const bad = path.join(dir, 'bad');
    mkdirSync(path.join(bad, buildId), { recursive: true });
    symlinkSync('/bin/true', path.join(bad, buildId, 'debuginfo'));
    const err = await findVmlinux(t, 'no-such-release', { buildId, env: { DEBUGINFOD_CACHE_PATH: bad } }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('vmlinux-not-found');
    expect((err as ApiError).message).toContain(path.join(bad, buildId, 'debuginfo'));
    expect((err as ApiError).hint).toContain(`fetch it by build-id ${buildId}: set DEBUGINFOD_URLS`);
  });
});
