/**
 * A host whose sshd_config has no `Subsystem sftp` line (hardened and minimal hosts): a real
 * sshd on 127.0.0.1 (the remote host is this machine, so the test checks files directly).
 * crashdeck asks for the subsystem once, closes the refused channel, and reads files with POSIX
 * commands over exec channels: byte-exact, every path quoted, with clear errors for a dropped
 * connection, a missing `dd`, and a file that changes size while it is read.
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, readdirSync, readlinkSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshTransport } from '../../../electron/transport/ssh.ts';
import { vmlinuxPath } from '../../support/fixtures.ts';
import { childrenOf, keygen, startSshd, type Sshd } from '../../support/sshd.ts';
import { rejectionCode, transportFor } from './options.ts';

let sshd: Sshd;
let t: SshTransport;
let dir: string;

/** sshd's log lines of refused subsystem requests and refused sessions. */
function refusals(): { subsystem: number; sessions: number } {
  const log = sshd.log();
  return {
    subsystem: (log.match(/subsystem request for sftp by user \S+ failed/g) ?? []).length,
    sessions: (log.match(/no more sessions/g) ?? []).length,
  };
}

/** Every byte value, then a name-specific tail: no text decoding survives this unchanged. */
function binaryContent(i: number): Buffer {
  return Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, b) => b)), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, i])]);
}

const canary = `CANARY${process.pid}`;
const hostile = ['with space', "it's", '"double"', `$(touch ${canary})`, `\`touch ${canary}\``, 'new\nline', '-rf', `a;touch ${canary}`, '* star', 'back\\slash', 'ünï'];

beforeAll(async () => {
  // PermitUserEnvironment: the missing-dd tests give their keys a PATH of their own.
  sshd = await startSshd({ name: 'nosftp', sftp: false, extraConfig: ['PermitUserEnvironment yes'] });
  t = transportFor(sshd);
  dir = mkdtempSync(path.join(sshd.dir, "crash dir 'q' $(x) "));
  hostile.forEach((n, i) => writeFileSync(path.join(dir, n), binaryContent(i)));
  mkdirSync(path.join(dir, 'sub; dir'));
});
afterAll(async () => {
  await t?.close();
  await sshd?.stop();
});

describe('no sftp subsystem', () => {
  it('asks for sftp once, closes the refused channel, and works over exec for many operations', async () => {
    const before = refusals();
    // More operations than sshd's ten sessions: a leaked channel per refused request would
    // make sshd refuse every session by the tenth ("no more sessions").
    for (let i = 0; i < 6; i++) {
      expect(await t.stat(path.join(dir, 'with space'))).toMatchObject({ size: binaryContent(0).length, isFile: true });
      expect(await t.listDir(dir)).toHaveLength(hostile.length + 1);
    }
    expect(t.fileAccess).toBe('exec');
    expect(t.notes.join('\n')).toMatch(/no sftp subsystem/);
    const after = refusals();
    expect(after.subsystem - before.subsystem).toBe(1);
    expect(after.sessions).toBe(0);
    await expect.poll(() => t.openChannels).toBe(0);
  });

  it('lists hostile names exactly and reads them byte-exact; no $(...) ever ran', async () => {
    const listed = await t.listDir(dir);
    expect([...(listed ?? [])].sort()).toEqual(readdirSync(dir).sort());
    for (const [i, n] of hostile.entries()) {
      const p = path.join(dir, n);
      const want = binaryContent(i);
      expect(await t.stat(p)).toMatchObject({ size: want.length, isFile: true, isDirectory: false, mtimeMs: Math.floor(statSync(p).mtimeMs / 1000) * 1000 });
      const got = await t.readRange(p, 250, 10);
      expect(got.equals(want.subarray(250, 260))).toBe(true);
    }
    expect(await t.stat(path.join(dir, 'sub; dir'))).toMatchObject({ isDirectory: true, isFile: false });
    expect(await t.stat(path.join(dir, `missing $(touch ${canary})`))).toBeNull();
    expect(await t.listDir(path.join(dir, `missing $(touch ${canary})`))).toBeNull();
    for (const d of [dir, path.dirname(dir), sshd.home, '/root', '/']) expect(existsSync(path.join(d, canary))).toBe(false);
  });

  it('reads a large range byte-exact (the whole first 3 MiB of the debug vmlinux)', async () => {
    const vmlinux = vmlinuxPath();
    const got = await t.readRange(vmlinux, 4093, 3 * 1024 * 1024);
    const want = Buffer.alloc(3 * 1024 * 1024);
    const fd = openSync(vmlinux, 'r');
    try {
      readSync(fd, want, 0, want.length, 4093);
    } finally {
      closeSync(fd);
    }
    expect(got.equals(want)).toBe(true);
    // Past the end: only what is there.
    const size = statSync(vmlinux).size;
    expect((await t.readRange(vmlinux, size - 5, 100)).length).toBe(5);
  });

  it('a busy client still gets every quick command\'s exit status (reply, output, status and close in one read)', async () => {
    // Files never listed, so every stat runs its own exec channel.
    const quick = mkdtempSync(path.join(sshd.dir, 'quick-'));
    const names = Array.from({ length: 40 }, (_, i) => path.join(quick, `f${i}`));
    names.forEach((n, i) => writeFileSync(n, Buffer.alloc(i + 1)));
    // The event loop is busy between its reads of the socket, as on a loaded machine: sshd's
    // answers pile up and each read parses several of them at once.
    let running = true;
    const busy = (): void => {
      const until = Date.now() + 20;
      while (Date.now() < until) { /* busy */ }
      if (running) setImmediate(busy);
    };
    setImmediate(busy);
    try {
      const sizes = await Promise.all(names.map(async (n) => (await t.stat(n))?.size));
      expect(sizes).toEqual(names.map((_, i) => i + 1));
    } finally {
      running = false;
    }
  });

  it('writes a private temp file and reads it back whole', async () => {
    const data = binaryContent(7);
    const remote = await t.writeTempFile(data);
    try {
      expect(statSync(remote).mode & 0o777).toBe(0o600);
      expect((await t.readFile(remote)).equals(data)).toBe(true);
      expect((await rejectionCode(t.readFile(remote, 100))).message).toMatch(/larger than 100 bytes/);
    } finally {
      unlinkSync(remote);
    }
  });

  it('says a file changed size while it was read (still being written)', async () => {
    const growing = path.join(dir, 'growing vmcore');
    writeFileSync(growing, Buffer.alloc(8 * 1024 * 1024, 1));
    const writer = setInterval(() => appendFileSync(growing, Buffer.alloc(4096, 2)), 5);
    try {
      const e = await rejectionCode(t.readRange(growing, 0, 8 * 1024 * 1024));
      expect(e.code).toBe('dump-unreadable');
      expect(e.message).toMatch(/changed size while it was read/);
      expect(e.hint).toMatch(/still being written/);
    } finally {
      clearInterval(writer);
    }
  });

  it('fails a read cut by a dropped connection with connection-lost at once, and the next read reconnects without asking for sftp again', async () => {
    const vmlinux = vmlinuxPath();
    const before = refusals().subsystem;
    const reading = t.readRange(vmlinux, 0, 400 * 1024 * 1024);
    // Wait until the remote dd is running, then kill the sshd session process under it.
    await expect.poll(() => processesReading(vmlinux), { timeout: 30_000 }).toBeGreaterThan(0);
    for (const pid of sshd.connectionPids()) process.kill(pid, 'SIGKILL');
    const started = Date.now();
    const e = await rejectionCode(reading);
    expect(e.code).toBe('connection-lost');
    expect(e.message).toMatch(/lost while reading/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await t.readRange(vmlinux, 0, 4)).toString('latin1')).toBe('\x7fELF');
    expect(refusals().subsystem).toBe(before);
  });
});

/**
 * Processes under this sshd with `path` open (the remote dd or tail). Only its descendants: a
 * crash of a test file running alongside holds the same vmlinux open.
 */
function processesReading(file: string): number {
  let n = 0;
  const seen = new Set<number>();
  const queue = [...sshd.connectionPids()];
  while (queue.length) {
    const pid = queue.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    queue.push(...childrenOf(pid));
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === file)) n++;
    } catch {
      // gone
    }
  }
  return n;
}

function safeReadlink(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

describe('a host PATH without dd', () => {
  /** A key whose sessions get PATH=binDir (only the named tools), and a transport using it. */
  function transportWithPath(name: string, tools: readonly string[]): SshTransport {
    const bin = path.join(sshd.dir, `bin-${name}`);
    mkdirSync(bin);
    for (const tool of tools) symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
    const key = path.join(sshd.dir, `key-${name}`);
    keygen(key);
    sshd.authorize(`${key}.pub`, `environment="PATH=${bin}"`);
    return transportFor(sshd, { identityFiles: [key] });
  }

  it('falls back to tail and head, byte-exact', async () => {
    const nodd = transportWithPath('nodd', ['sh', 'sleep', 'stat', 'head', 'tail', 'cat', 'mktemp']);
    try {
      const p = path.join(dir, hostile[5] as string);
      expect((await nodd.readRange(p, 1, 300)).equals(binaryContent(5).subarray(1, 301))).toBe(true);
      expect((await nodd.exec({ command: 'sh', args: ['-c', 'command -v dd || echo none'] })).stdout).toBe('none\n');
      // tail's failure is not lost in the pipe to head.
      const e = await rejectionCode(nodd.readRange(path.join(dir, 'no such $(file)'), 0, 10));
      expect(e.code).toBe('dump-unreadable');
      expect(e.message).toMatch(/cannot read .*no such \$\(file\).*No such file or directory/s);
    } finally {
      await nodd.close();
    }
  });

  it('with neither dd nor head and tail, says which tools are missing and where it looked', async () => {
    const bare = transportWithPath('bare', ['stat']);
    try {
      const e = await rejectionCode(bare.readRange(path.join(dir, 'with space'), 0, 10));
      expect(e.code).toBe('dump-unreadable');
      expect(e.message).toMatch(/without SFTP: the host has no dd, no tail, no head in PATH \(.*bin-bare\)/);
      expect(e.hint).toMatch(/coreutils|sftp subsystem/);
      // stat still works: the listing of a crash directory does not need dd.
      expect(await bare.stat(path.join(dir, 'with space'))).toMatchObject({ isFile: true });
    } finally {
      await bare.close();
    }
  });
});
