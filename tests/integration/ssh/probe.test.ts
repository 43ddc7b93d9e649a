import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statfsSync, statSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe, type ProbeResult } from '../../../electron/transport/probe.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import type { SshTransport } from '../../../electron/transport/ssh.ts';
import { crash806, fixtureFile, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { transportFor } from './options.ts';

let sshd: Sshd;
let t: SshTransport;
let crashDir: string;
let sysroot: string;
let result: ProbeResult;
const release = fixtureMeta('panic-sysrq').kernel.release;
const hostileLoose = "vmcore it's\n$(x)=y";

beforeAll(async () => {
  sshd = await startSshd({ name: 'probe' });
  t = transportFor(sshd);
  const root = mkdtempSync(path.join(sshd.dir, 'probe-'));
  crashDir = path.join(root, 'var crash');
  // Debian kdump-tools: STAMP/dump.STAMP + dmesg.STAMP
  mkdirSync(path.join(crashDir, '202611161234'), { recursive: true });
  symlinkSync(vmcorePath('panic-sysrq'), path.join(crashDir, '202611161234', 'dump.202611161234'));
  copyFileSync(fixtureFile('panic-sysrq', 'vmcore-dmesg.txt'), path.join(crashDir, '202611161234', 'dmesg.202611161234'));
  // RHEL kdump: <ip>-<date>/vmcore + vmcore-dmesg.txt, and one that makedumpfile did not finish
  const rhel = path.join(crashDir, '127.0.0.1-2026-11-16-12:34:56');
  mkdirSync(rhel);
  symlinkSync(vmcorePath('oom-user-hog'), path.join(rhel, 'vmcore'));
  copyFileSync(fixtureFile('oom-user-hog', 'vmcore-dmesg.txt'), path.join(rhel, 'vmcore-dmesg.txt'));
  const partial = path.join(crashDir, '10.0.0.9-2026-11-17-01:02:03');
  mkdirSync(partial);
  writeFileSync(path.join(partial, 'vmcore-incomplete'), 'not a dump');
  // A loose dump with a name built to break line- and key=value-based parsing.
  symlinkSync(vmcorePath('oom-slab-leak'), path.join(crashDir, hostileLoose));
  // The debug vmlinux where Debian's -dbg package puts it, inside a sysroot.
  sysroot = path.join(root, 'sysroot');
  mkdirSync(path.join(sysroot, 'usr/lib/debug/boot'), { recursive: true });
  symlinkSync(vmlinuxPath(), path.join(sysroot, 'usr/lib/debug/boot', `vmlinux-${release}`));
  result = await runProbe(t, { crashDir, crashPath: crash806(), sysroot });
});
afterAll(async () => {
  await t?.close();
  await sshd?.stop();
});

describe('remote probe over SSH', () => {
  it('finds crash and its version', () => {
    expect(result.crash).toEqual({ path: crash806(), version: '8.0.6' });
  });

  it('lists the kdump-tools dump with size, date, dmesg and release', () => {
    const d = result.dumps.find((x) => x.layout === 'kdump-tools');
    const vmcore = path.join(crashDir, '202611161234', 'dump.202611161234');
    expect(d).toEqual({
      vmcore,
      dmesg: path.join(crashDir, '202611161234', 'dmesg.202611161234'),
      size: fixtureMeta('panic-sysrq').vmcore.size,
      mtimeMs: Math.floor(statSync(vmcore).mtimeMs / 1000) * 1000,
      layout: 'kdump-tools',
      release,
      incomplete: false,
    });
  });

  it('lists the RHEL dumps, marking the incomplete one', () => {
    const rhel = result.dumps.filter((x) => x.layout === 'rhel');
    const full = rhel.find((x) => x.vmcore.endsWith('/vmcore'));
    expect(full).toMatchObject({ size: fixtureMeta('oom-user-hog').vmcore.size, release: fixtureMeta('oom-user-hog').kernel.release, incomplete: false });
    expect(full?.dmesg).toMatch(/vmcore-dmesg\.txt$/);
    const partial = rhel.find((x) => x.vmcore.endsWith('vmcore-incomplete'));
    expect(partial).toMatchObject({ incomplete: true, release: null, size: 'not a dump'.length });
  });

  it('keeps a loose dump whose name holds a newline, quotes and key=value text intact', () => {
    const loose = result.dumps.filter((x) => x.layout === 'file');
    expect(loose.map((x) => x.vmcore)).toEqual([path.join(crashDir, hostileLoose)]);
    expect(loose[0]?.size).toBe(fixtureMeta('oom-slab-leak').vmcore.size);
    expect(result.dumps).toHaveLength(4);
  });

  it('offers the debug vmlinux for the dumps\' release', () => {
    expect(result.debuginfo[release]).toEqual([{ path: path.join(sysroot, 'usr/lib/debug/boot', `vmlinux-${release}`), size: statSync(vmlinuxPath()).size }]);
  });

  it('reports free disk of the crash directory and whether sudo -n works', () => {
    const fs = statfsSync(crashDir);
    const free = fs.bavail * fs.bsize;
    expect(Math.abs((result.diskFree?.bytes ?? 0) - free)).toBeLessThan(free * 0.01 + 1024 * 1024);
    const sudo = spawnSync('sudo', ['-n', 'true']);
    expect(result.sudo).toBe(sudo.error ? 'missing' : sudo.status === 0 ? 'yes' : 'no');
    expect(result.crashDirExists).toBe(true);
  });

  it('gives the same findings run locally', async () => {
    const local = await runProbe(new LocalTransport(), { crashDir, crashPath: crash806(), sysroot });
    // Free disk moves while other work writes to the same filesystem.
    const { diskFree: _l, ...localRest } = local;
    const { diskFree: _r, ...remoteRest } = result;
    expect(localRest).toEqual(remoteRest);
    expect(local.diskFree?.path).toBe(result.diskFree?.path);
  });

  it('says when the crash directory does not exist and crash is missing', async () => {
    const r = await runProbe(t, { crashDir: path.join(crashDir, 'nope'), crashPath: '/nonexistent/crash' });
    expect(r.crashDirExists).toBe(false);
    expect(r.dumps).toEqual([]);
    expect(r.crash).toBeNull();
  });
});
