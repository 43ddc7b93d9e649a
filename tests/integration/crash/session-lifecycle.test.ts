/**
 * One real crash 8.0.6 session on the oom-slab-leak fixture: framing of concurrent commands,
 * crash's own errors, timeout, cancel and SIGKILL with the queue surviving the restart.
 */
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/contract.ts';
import type { CrashSession } from '../../../electron/crash/session.ts';
import { backgroundNice } from '../../../electron/transport/local.ts';
import { transcript } from '../../support/fixtures.ts';
import { contentLines, fixtureSession, waitForState } from './helpers.ts';

/** A command that takes tens of seconds on this fixture (walks every task with `list -s`). */
const slowCommand = 'list task_struct.tasks -s task_struct.pid,comm -h init_task';

let session: CrashSession;

beforeAll(async () => {
  session = fixtureSession('oom-slab-leak');
  await session.start();
});

afterAll(async () => {
  await session?.close();
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the command to fail');
}

describe('CrashSession on oom-slab-leak (crash 8.0.6)', () => {
  it('starts ready, not degraded, with no startup warnings', () => {
    // 'busy' too: right after start the session runs its own task-count check (incomplete dumps).
    expect(['ready', 'busy']).toContain(session.state);
    expect(session.degraded).toBeNull();
    expect(session.diagnoses.filter((d) => d.code === 'crash-too-old')).toEqual([]);
  });

  it('runs crash at a lower CPU priority than crashdeck, so the page is not kept waiting by its start-up', () => {
    expect(getPriority(session.pid as number)).toBe(Math.max(getPriority(), backgroundNice));
    expect(backgroundNice).toBeGreaterThan(0);
  });

  it('gives concurrent callers each their own output, identical to the transcripts', async () => {
    const commands = ['sys', 'ps', 'kmem -s', 'mod', 'sys -t', 'kmem -f', 'bt', 'ps -G'];
    const results = await Promise.all(commands.map((c) => session.run(c)));
    for (const [i, r] of results.entries()) {
      const cmd = commands[i] as string;
      expect(r.command).toBe(cmd);
      expect(r.error).toBeUndefined();
      expect(contentLines(r.raw)).toEqual(contentLines(transcript('oom-slab-leak', cmd)));
    }
  });

  it('reports an unknown command with crash\'s own message', async () => {
    const r = await session.run('nosuchcommand');
    expect(r.error).toBe('crash: command not found: nosuchcommand');
    expect(r.raw.trim()).toBe('crash: command not found: nosuchcommand');
  });

  it("reports crash's own invalid-argument error and the next command is unaffected", async () => {
    const [bad, good] = await Promise.all([session.run('vm 999999'), session.run('sys -t')]);
    expect(bad.error).toBe('vm: invalid task or pid value: 999999');
    expect(good.error).toBeUndefined();
    expect(contentLines(good.raw)).toEqual(contentLines(transcript('oom-slab-leak', 'sys -t')));
  });

  it('times out a long command, tells why, restarts crash and runs the next command', async () => {
    const states: string[] = [];
    const off = session.onEvent((e) => e.type === 'state' && states.push(e.state));
    const err = await rejection(session.run(slowCommand, { timeoutMs: 1500 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('did not finish within 1.5 s');
    const next = await session.run('mod');
    off();
    expect(contentLines(next.raw)).toEqual(contentLines(transcript('oom-slab-leak', 'mod')));
    expect(states).toContain('restarting');
    expect(session.restarts).toBeGreaterThanOrEqual(1);
  });

  it('fails the in-flight command with crash-died when crash is SIGKILLed, and runs the queued ones after the restart', async () => {
    const slow = session.run(slowCommand);
    const queued = [session.run('sys'), session.run('kmem -s')] as const;
    await waitForState(session, 'busy');
    await new Promise((r) => setTimeout(r, 300));
    const pid = session.pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid as number, 'SIGKILL');
    const err = await rejection(slow);
    expect(err.code).toBe('crash-died');
    expect(err.message).toContain('SIGKILL');
    expect(err.message).toContain(slowCommand);
    const [sys, slab] = await Promise.all(queued);
    expect(contentLines(sys.raw)).toEqual(contentLines(transcript('oom-slab-leak', 'sys')));
    expect(contentLines(slab.raw)).toEqual(contentLines(transcript('oom-slab-leak', 'kmem -s')));
    expect(session.pid).not.toBe(pid);
  });

  it('cancels a running command on request; the session keeps working', async () => {
    const running = session.run(slowCommand);
    const after = session.run('sys -t');
    await waitForState(session, 'busy');
    const progress = new Promise<number>((resolve) => {
      const off = session.onEvent((e) => {
        if (e.type === 'progress') {
          off();
          resolve(e.elapsedMs);
        }
      });
    });
    expect(await progress).toBeGreaterThanOrEqual(900);
    expect(session.cancel()).toBe(true);
    const err = await rejection(running);
    expect(err.code).toBe('cancelled');
    const r = await after;
    expect(contentLines(r.raw)).toEqual(contentLines(transcript('oom-slab-leak', 'sys -t')));
    expect(session.cancel()).toBe(false);
  });

  it('restarts by itself when crash dies while idle (e.g. the OOM killer), and the next command just works', async () => {
    const pid = session.pid as number;
    const restarted = waitForState(session, 'restarting');
    // (crash, through gdb, defers SIGTERM until it next reads a command, so SIGKILL it is.)
    process.kill(pid, 'SIGKILL');
    await restarted;
    const r = await session.run('mod -t');
    expect(contentLines(r.raw)).toEqual(contentLines(transcript('oom-slab-leak', 'mod -t')));
    expect(session.pid).not.toBe(pid);
    expect(session.state).toBe('ready');
  });
});
