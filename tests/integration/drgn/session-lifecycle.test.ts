/**
 * The drgn session as a user meets it: a bad question is an error and the engine goes on; cancel
 * and timeout stop the engine and the next question starts a new one; a python3 without drgn, a
 * missing python3 and a file that is no dump are said precisely; over SSH (real sshd on this
 * machine, the program text sent through the exec channel, nothing installed) the engine answers
 * the same as locally. Debian bookworm's drgn on panic-sysrq.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { DrgnError, DrgnSession } from '../../../electron/drgn/session.ts';
import { probeDrgn } from '../../../electron/drgn/probe.ts';
import { psFromDrgn } from '../../../electron/drgn/to-models.ts';
import { drgnPythonBookworm, fixtureFile, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { transportFor } from '../ssh/options.ts';

const transport = new LocalTransport();

async function failure(p: Promise<unknown>): Promise<DrgnError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DrgnError) return err;
    throw err;
  }
  throw new Error('expected a DrgnError');
}

describe('a drgn session on panic-sysrq', () => {
  let session: DrgnSession;
  beforeAll(async () => {
    session = new DrgnSession({ transport, python: drgnPythonBookworm(), vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath('panic-sysrq') });
    await session.start();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('answers a bad question with an error and keeps the engine for the next one', async () => {
    const err = await failure(session.ask('stack', { pid: 999_999 }));
    expect(err.code).toBe('question-failed');
    expect(err.message).toMatch(/no task with pid 999999/);
    const err2 = await failure(session.ask('lock_owner', { symbol: 'no_such_symbol_here' }));
    expect(err2.message).toMatch(/no symbol no_such_symbol_here/);
    expect((await session.ask('sys')).release).toBe(session.ready?.release);
    expect(session.startCount).toBe(1);
  });

  it('gives the stack of the task running on a CPU (a lockup\'s CPU)', async () => {
    const tasks = psFromDrgn(await session.ask('tasks')).model.tasks;
    for (const cpu of [0, 1]) {
      const onCpu = tasks.find((t) => t.active && t.cpu === cpu);
      const stack = await session.ask('stack', { cpu });
      expect([stack.pid, stack.comm, stack.cpu, stack.active]).toEqual([onCpu?.pid, onCpu?.comm, cpu, true]);
      expect(stack.frames.length).toBeGreaterThan(0);
    }
  });

  it('cancels a running question by restarting the engine; queued questions still get answers', async () => {
    const running = session.ask('zones');
    const queued = session.ask('tasks');
    expect(session.cancel()).toBe(true);
    expect((await failure(running)).code).toBe('cancelled');
    const ps = psFromDrgn(await queued).model;
    expect(ps.tasks.some((t) => t.comm === 'sh' && t.active)).toBe(true);
    expect(session.startCount).toBe(2);
  });

  it('times a question out, and the next one is answered by a new engine', async () => {
    const err = await failure(session.ask('slab_caches', {}, { timeoutMs: 1 }));
    expect(err.code).toBe('timeout');
    expect((await session.ask('modules')).modules.map((m) => m.name)).toContain('virtio_blk');
  });
});

describe('when drgn cannot run', () => {
  it('says a python3 without drgn cannot import it, with the install command', async () => {
    // Debian's python3 without site-packages (-S): a real interpreter that cannot import drgn.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-nodrgn-'));
    const python = path.join(dir, 'python3');
    writeFileSync(python, `#!/bin/sh\nexec ${drgnPythonBookworm()} -S "$@"\n`, { mode: 0o755 });
    const plain = await probeDrgn(transport, python);
    expect(plain.found ? 'found' : plain.reason).toBe('no-drgn');
    const s = new DrgnSession({ transport, python: plain.python, vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath('panic-sysrq') });
    const err = await failure(s.start());
    expect(err.code).toBe('drgn-missing');
    expect(err.hint).toMatch(/apt-get install python3-drgn/);
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a missing python3 is missing', async () => {
    const s = new DrgnSession({ transport, python: '/nonexistent/python3', vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath('panic-sysrq') });
    expect((await failure(s.ask('sys'))).code).toBe('drgn-missing');
    expect((await probeDrgn(transport, '/nonexistent/python3')).found).toBe(false);
    await s.close();
  });

  it('says drgn could not load a file that is no dump', async () => {
    const s = new DrgnSession({ transport, python: drgnPythonBookworm(), vmcore: fixtureFile('panic-sysrq', 'meta.json'), vmlinux: vmlinuxPath('panic-sysrq') });
    const err = await failure(s.start());
    expect(err.code).toBe('drgn-load-failed');
    expect(err.message).toMatch(/drgn could not load the dump/);
    await s.close();
  });
});

describe('over SSH', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd({ name: 'drgn' });
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('runs the engine on the dump\'s host through the exec channel and gets the same tasks', async () => {
    const remote = transportFor(sshd);
    const probe = await probeDrgn(remote, drgnPythonBookworm());
    expect(probe.found && probe.drgn).toBe('0.0.22');
    const s = new DrgnSession({ transport: remote, python: drgnPythonBookworm(), vmcore: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath('panic-sysrq') });
    try {
      const ready = await s.start();
      expect(ready.release).toMatch(/^6\.1\./);
      const ps = psFromDrgn(await s.ask('tasks')).model;
      expect(ps.tasks.find((t) => t.active && t.cpu === 0)?.comm).toBe('sh');
      expect(ps.tasks.length).toBeGreaterThan(60);
    } finally {
      await s.close();
      await remote.close();
    }
  });
});
