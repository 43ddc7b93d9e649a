/**
 * The Api over real crash 8.0.6 on panic-sysrq: open returns at once and crash starts in the
 * background; guided commands, the console's shell guard, events, listing and closing. Quick
 * validation failures of session.open are checked here too (no crash session is started).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import { crash802, everyScenario, crash806, fixtureMeta, fixturesDir, transcript, vmcorePath, vmlinuxPath, type Scenario } from '../../support/fixtures.ts';

function contentLines(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => !/^\s*(KERNEL|DUMPFILE): /.test(l));
}

let api: ApiHost;
let info: SessionInfo;
const states: SessionInfo[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-api-'));
  chmodSync(dir, 0o755);
  api = createApi({ crashPath: crash806() });
  api.events.subscribe((event, payload) => {
    if (event === 'session.state') states.push(payload as SessionInfo);
  });
  info = await api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath() });
});

afterAll(async () => {
  await api?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('session.open on panic-sysrq', () => {
  it('returns before crash is ready, with release, crash version and a fingerprint', () => {
    // crash needs seconds to start; open returns before it is ready.
    expect(info.state).toBe('starting');
    expect(info.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
    expect(info.crashVersion).toBe('8.0.6');
    expect(info.fingerprint).toMatch(/^v1-/);
    expect(info.host).toBe('local');
  });

  it('session.run waits for ready and returns sys exactly as crash prints it, with its parse', async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'sys' } });
    expect(contentLines(r.raw)).toEqual(contentLines(transcript('panic-sysrq', 'sys')));
    expect(r.parsed?.parser).toBe('sys');
    expect(r.crashVersion).toBe('8.0.6');
    expect(states.some((s) => s.state === 'starting')).toBe(true);
    expect(states.some((s) => s.state === 'ready')).toBe(true);
  });

  it('runs a guided command with a validated pid', async () => {
    const r = await api.call('session.run', { sessionId: info.id, command: { id: 'vm', arg: '139' } });
    expect(contentLines(r.raw)).toEqual(contentLines(transcript('panic-sysrq', 'vm 139')));
  });

  it('rejects hostile guided arguments before they reach crash', async () => {
    for (const arg of ['1; !sh', '1 | sh', '$(reboot)', '139\nquit']) {
      await expect(api.call('session.run', { sessionId: info.id, command: { id: 'vm', arg } })).rejects.toMatchObject({ code: 'bad-request' });
    }
    await expect(api.call('session.run', { sessionId: info.id, command: { id: 'kmem -S', arg: 'kmalloc-64 > /tmp/x' } })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('the console refuses shell escapes, pipes and redirection until shell is turned on', async () => {
    const marker = path.join(dir, 'shell-ran');
    // `she` is gdb's abbreviation of `shell`, which crash itself only blocks when spelled out.
    for (const line of [`!touch ${marker}`, `log | tee ${marker}`, `sys > ${marker}`, `sys >> ${marker}`, `she touch ${marker}`, `gdb she touch ${marker}`]) {
      await expect(api.call('session.console', { sessionId: info.id, line })).rejects.toMatchObject({ code: 'refused' });
    }
    const on = await api.call('session.setShell', { sessionId: info.id, enabled: true });
    expect(on.shellEnabled).toBe(true);
    const r = await api.call('session.console', { sessionId: info.id, line: '!echo shell on' });
    expect(r.raw).toBe('shell on\n');
    const viaGdb = await api.call('session.console', { sessionId: info.id, line: 'she echo through gdb' });
    expect(viaGdb.raw).toBe('through gdb\n');
    expect(existsSync(marker)).toBe(false);
    await api.call('session.setShell', { sessionId: info.id, enabled: false });
    await expect(api.call('session.console', { sessionId: info.id, line: '!echo again' })).rejects.toMatchObject({ code: 'refused' });
  });

  it('the console runs ordinary lines and reports crash errors in the response', async () => {
    const r = await api.call('session.console', { sessionId: info.id, line: 'vm 999999' });
    expect(r.error).toBe('vm: invalid task or pid value: 999999');
    await expect(api.call('session.console', { sessionId: info.id, line: 'quit' })).rejects.toMatchObject({ code: 'refused' });
  });

  it('lists, cancels nothing when idle, and closes', async () => {
    const list = await api.call('session.list', {});
    expect(list.map((s) => s.id)).toContain(info.id);
    expect(await api.call('session.cancel', { sessionId: info.id })).toEqual({ cancelled: false });
    expect(await api.call('session.close', { sessionId: info.id })).toEqual({ closed: true });
    await expect(api.call('session.info', { sessionId: info.id })).rejects.toMatchObject({ code: 'not-found' });
    expect(await api.call('session.close', { sessionId: info.id })).toEqual({ closed: false });
  });
});

describe('session.open refuses quickly what it can check without starting crash', () => {
  it('a missing vmcore', async () => {
    await expect(api.call('session.open', { vmcore: path.join(dir, 'missing'), vmlinux: vmlinuxPath() })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a file that is not a dump, with crash --osrelease\'s verdict', async () => {
    const f = path.join(dir, 'dmesg.txt');
    writeFileSync(f, '[    0.000000] Linux version 6.1.0\n'.repeat(100));
    const err = await api.call('session.open', { vmcore: f, vmlinux: vmlinuxPath() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not-a-dump' });
    expect((err as Error).message).toContain(f);
  });

  it('a vmlinux of something else (/bin/ls)', async () => {
    const err = await api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: '/bin/ls' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'vmlinux-mismatch' });
    expect((err as { hint?: string }).hint).toContain('6.1.0-56-cloud-amd64');
  });

  it('a vmlinux path that does not exist', async () => {
    await expect(api.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: path.join(dir, 'vmlinux-nope') })).rejects.toMatchObject({ code: 'vmlinux-not-found' });
  });

  it('no vmlinux given and none installed: the session opens failed with symbols-missing naming the package and build-id; the log verdict works', async () => {
    const info = await api.call('session.open', { vmcore: vmcorePath('panic-sysrq') });
    expect(info.state).toBe('failed');
    expect(info.vmlinux).toBeNull();
    const d = info.diagnoses.find((x) => x.code === 'symbols-missing');
    expect(d?.message).toContain('/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64');
    expect(d?.hint).toContain('linux-image-6.1.0-56-cloud-amd64-dbg');
    expect(d?.hint).toContain(`debuginfod-find debuginfo ${(await api.call('dump.identify', { sessionId: info.id })).identity.buildId}`);
    await expect(api.call('session.run', { sessionId: info.id, command: { id: 'sys' } })).rejects.toMatchObject({ code: 'vmlinux-not-found' });
    const early = await api.call('dump.identify', { sessionId: info.id });
    expect(early.report?.basis).toBe('log');
    expect(early.report?.panic.kind).toBe('sysrq');
    expect(early.report?.panic.task.pid).toBe(fixtureMeta('panic-sysrq').truth.panic_task.pid);
    expect(await api.call('session.close', { sessionId: info.id })).toEqual({ closed: true });
  });

  it('crash missing (CRASHDECK_CRASH points nowhere): the session opens failed with crash-missing naming what to install', async () => {
    const other = createApi({ env: { CRASHDECK_CRASH: path.join(dir, 'crash-not-installed'), CRASHDECK_DRGN: 'off' } });
    try {
      const info = await other.call('session.open', { vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath() });
      expect(info.state).toBe('failed');
      expect(info.crashVersion).toBeNull();
      expect(info.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
      const d = info.diagnoses.find((x) => x.code === 'crash-missing');
      expect(d?.hint).toContain('dnf install crash');
      expect(info.diagnoses.some((x) => x.code === 'symbols-missing')).toBe(false);
      await expect(other.call('session.run', { sessionId: info.id, command: { id: 'log' } })).rejects.toMatchObject({ code: 'crash-missing' });
      expect((await other.call('dump.identify', { sessionId: info.id })).log.source).toBe('saved-dmesg');
    } finally {
      await other.dispose();
    }
  });

  it('crash missing and a file that is no dump: still refused as not-a-dump', async () => {
    const other = createApi({ env: { CRASHDECK_CRASH: path.join(dir, 'crash-not-installed'), CRASHDECK_DRGN: 'off' } });
    const f = path.join(dir, 'plain.txt');
    writeFileSync(f, 'not a dump\n'.repeat(100));
    const err = await other.call('session.open', { vmcore: f }).catch((e: unknown) => e);
    await other.dispose();
    expect(err).toMatchObject({ code: 'not-a-dump' });
  });

  it('a dump the analysing user may not read (crash run as another user)', async () => {
    try {
      execFileSync('id', ['crashdeck-test'], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'crashdeck-test']);
    }
    const locked = path.join(dir, 'vmcore.600');
    copyFileSync(vmcorePath('panic-sysrq'), locked);
    chownSync(locked, 0, 0);
    chmodSync(locked, 0o600);
    const other = createApi({ crashPath: crash802(), commandPrefix: ['runuser', '-u', 'crashdeck-test', '--'] });
    const err = await other.call('session.open', { vmcore: locked, vmlinux: vmlinuxPath() }).catch((e: unknown) => e);
    await other.dispose();
    expect(err).toMatchObject({ code: 'dump-unreadable' });
    expect((err as Error).message).toContain(locked);
  });
});

describe('dumps.list and app.info', () => {
  it('lists the fixtures directory (one dump per scenario, dmesg beside it)', async () => {
    const list = await api.call('dumps.list', { dir: fixturesDir() });
    const names = list.map((d) => path.basename(path.dirname(d.vmcore))).sort();
    // Every scenario directory: the 6.1, 6.12 and 7.2 ones.
    expect(names).toEqual([...everyScenario].sort());
    for (const d of list) {
      expect(d.layout).toBe('rhel');
      expect(d.dmesg).toBe(path.join(path.dirname(d.vmcore), 'vmcore-dmesg.txt'));
      expect(d.size).toBe(fixtureMeta(path.basename(path.dirname(d.vmcore)) as Scenario).vmcore.size);
    }
  });

  it('app.info names the crash in use and /var/crash', async () => {
    const a = await api.call('app.info', {});
    expect(a.crashPath).toBe(crash806());
    expect(a.defaultCrashDir).toBe('/var/crash');
  });
});
