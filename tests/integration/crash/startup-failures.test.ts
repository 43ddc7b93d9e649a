/**
 * crash refusing to start, seen through CrashSession: each failure must become the right
 * ApiError code with crash's own words and a next step. These bypass session.open's quick
 * checks on purpose, so crash itself meets the bad input.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdtempSync, rmSync, writeFileSync, openSync, readSync, writeSync, closeSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/contract.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { CrashSession } from '../../../electron/crash/session.ts';
import { readDumpFacts } from '../../../electron/crash/dump-format.ts';
import { crash802, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { fixtureSession } from './helpers.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-startup-'));
  chmodSync(dir, 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function startFailure(session: CrashSession): Promise<ApiError> {
  try {
    await session.start();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect(session.state).toBe('failed');
    return err as ApiError;
  }
  await session.close();
  throw new Error('crash started although it should not have');
}

/** First `bytes` of a fixture dump, as a copy interrupted mid-way would leave it. */
function cutCopy(bytes: number): string {
  const src = openSync(vmcorePath('panic-sysrq'), 'r');
  const out = path.join(dir, 'vmcore.cut');
  const dst = openSync(out, 'w');
  const buf = Buffer.alloc(bytes);
  const n = readSync(src, buf, 0, bytes, 0);
  writeSync(dst, buf, 0, n);
  closeSync(src);
  closeSync(dst);
  return out;
}

/** A user that is not root, for the permission test (CI runs as root, which reads everything). */
function testUser(): string {
  const name = 'crashdeck-test';
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  }
  return name;
}

describe('crash startup failures (real crash)', () => {
  it('a file that is not a dump: not-a-dump with crash\'s message', async () => {
    const notDump = path.join(dir, 'notes.txt');
    writeFileSync(notDump, 'this is the dmesg, not the dump\n'.repeat(200));
    const err = await startFailure(fixtureSession('panic-sysrq', { vmcore: notDump, dumpFacts: { truncated: false, notADump: true } }));
    expect(err.code).toBe('not-a-dump');
    expect(err.message).toContain('not a supported file format');
    expect(err.hint).toMatch(/vmcore|dump\./);
  });

  it('a vmlinux that is no debug kernel image (/bin/ls): vmlinux-mismatch naming the debug package', async () => {
    const err = await startFailure(fixtureSession('panic-sysrq', { vmlinux: '/bin/ls', fallback: false }));
    expect(err.code).toBe('vmlinux-mismatch');
    expect(err.message).toContain('no debugging data available');
    expect(err.hint).toContain('linux-image-6.1.0-56-cloud-amd64-dbg');
  });

  it('a missing crash binary: crash-missing telling what to install', async () => {
    const err = await startFailure(fixtureSession('panic-sysrq', { crashPath: path.join(dir, 'no-such-crash') }));
    expect(err.code).toBe('crash-missing');
    // The project's own installer (a distribution's crash is often too old), then other distributions.
    expect(err.hint).toContain('native-tools/install-crash.sh');
    expect(err.hint).toContain('dnf install crash');
    expect(err.hint).toContain('CRASHDECK_CRASH');
  });

  it('a truncated dump: tries --zero_excluded and --minimal, then dump-truncated', async () => {
    const cut = cutCopy(4 * 1024 * 1024);
    const facts = await readDumpFacts(new LocalTransport(), cut);
    expect(facts.truncated).toBe(true);
    const session = fixtureSession('panic-sysrq', { vmcore: cut, dumpFacts: { truncated: facts.truncated, notADump: false } });
    const tried: string[] = [];
    session.onEvent((e) => e.type === 'state' && e.state === 'starting' && tried.push(e.message));
    const err = await startFailure(session);
    expect(err.code).toBe('dump-truncated');
    expect(err.message).toContain('truncated');
    expect(tried.some((m) => m.includes('--zero_excluded'))).toBe(true);
    expect(tried.some((m) => m.includes('--minimal'))).toBe(true);
    await expect(session.run('sys')).rejects.toMatchObject({ code: 'dump-truncated' });
  });

  it('a dump the user running crash may not read: dump-unreadable (crash run as another user)', async () => {
    const user = testUser();
    const locked = path.join(dir, 'vmcore.locked');
    copyFileSync(vmcorePath('panic-sysrq'), locked);
    chownSync(locked, 0, 0);
    chmodSync(locked, 0o600);
    // The vmlinux lives under /root; give the test user a readable name for it (a hard link
    // shares the 0644 inode), so crash gets as far as opening the dump.
    const vmlinux = path.join(dir, 'vmlinux');
    try {
      linkSync(vmlinuxPath(), vmlinux);
    } catch {
      copyFileSync(vmlinuxPath(), vmlinux);
    }
    chmodSync(vmlinux, 0o644);
    // crash 8.0.6 is installed under /root (mode 0700), out of the test user's reach; Debian's
    // crash 8.0.2 fails on permissions exactly the same way, before any version-specific work.
    const session = new CrashSession({
      transport: new LocalTransport(),
      crashPath: crash802(),
      commandPrefix: ['runuser', '-u', user, '--'],
      vmcore: locked,
      vmlinux,
    });
    const err = await startFailure(session);
    expect(err.code).toBe('dump-unreadable');
    expect(err.message).toContain('Permission denied');
    expect(err.message).toContain(locked);
  });

  it('closing while crash is still starting ends it at once and fails what was queued', async () => {
    const session = fixtureSession('panic-sysrq');
    const started = session.start().catch((e: unknown) => e);
    const queued = session.run('sys').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 500));
    await session.close();
    expect(session.state).toBe('closed');
    expect(await started).toMatchObject({ code: 'cancelled' });
    expect(await queued).toMatchObject({ code: 'cancelled' });
    await expect(session.run('sys')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a crash that does not become ready in time is stopped with a timeout error', async () => {
    const err = await startFailure(fixtureSession('panic-sysrq', { startupTimeoutMs: 300, fallback: false }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('was not ready after');
  });
});
