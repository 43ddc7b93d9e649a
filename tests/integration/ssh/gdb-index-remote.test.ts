/**
 * The gdb-indexed vmlinux copy on an SSH host (the test sshd): built there by the host's own
 * gdb-add-index through the SshTransport into the host's debuginfod cache (a private one, given
 * as DEBUGINFOD_CACHE_PATH in the host environment), verified by build-id over the same
 * transport, and then chosen for the next crash start. One build, no crash start (crash reading
 * the copy is tests/integration/crash/gdb-index.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGdbIndex, chooseVmlinux, gdbIndexPath } from '../../../electron/crash/gdb-index.ts';
import { readBuildId } from '../../../electron/symbols/build-id.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import type { SshTransport } from '../../../electron/transport/ssh.ts';
import { vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { transportFor } from './options.ts';

let sshd: Sshd;
let ssh: SshTransport;
const cache = mkdtempSync(path.join(tmpdir(), 'crashdeck-gdb-index-remote-'));
const hostEnv = { DEBUGINFOD_CACHE_PATH: cache };

beforeAll(async () => {
  sshd = await startSshd({ name: 'gdb-index' });
  ssh = transportFor(sshd);
});
afterAll(async () => {
  await ssh?.close();
  await sshd?.stop();
  rmSync(cache, { recursive: true, force: true });
});

describe('gdb-indexed vmlinux over SSH', () => {
  it('is built on the host, verified by build-id there, and chosen for the next start', async () => {
    const vmlinux = vmlinuxPath('panic-sysrq');
    const buildId = (await readBuildId(new LocalTransport(), vmlinux)).buildId as string;
    const before = await chooseVmlinux(ssh, vmlinux, {}, hostEnv);
    expect(before).toEqual({ vmlinux, indexed: null, buildId, cacheDir: cache });

    const built = await buildGdbIndex(ssh, vmlinux, cache, buildId, { hostEnv });
    expect(built).toEqual({ built: gdbIndexPath(cache, buildId) });
    expect((await readBuildId(ssh, gdbIndexPath(cache, buildId))).buildId).toBe(buildId);

    const after = await chooseVmlinux(ssh, vmlinux, {}, hostEnv);
    expect(after.vmlinux).toBe(gdbIndexPath(cache, buildId));
  });
});
