/**
 * The orphan guard LocalTransport gives each program: it SIGKILLs the program once crashdeck's end
 * of its pipe closes (crashdeck died), leaves it alone while crashdeck lives, and goes away with
 * the program, so no guard outlives what it guards.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startOrphanGuard } from '../../../electron/transport/orphan-guard.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';

function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live guard processes watching `pid`. */
function guardsOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        return argv.includes('crashdeck-orphan-guard') && argv.includes(String(pid)) && alive(p);
      } catch {
        return false;
      }
    });
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe('orphan guard', () => {
  it('kills the program once its pipe from crashdeck closes, after the grace period, not before', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = child.pid as number;
    const guard = startOrphanGuard(pid, 1);
    expect(guard).not.toBeNull();
    // While crashdeck holds the pipe, nothing happens.
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(pid)).toBe(true);
    const closedAt = Date.now();
    const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    guard?.stdin?.end();
    expect(await exited).toBe('SIGKILL');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
  });

  it('goes away with the program it guards (spawn and exec)', async () => {
    const t = new LocalTransport();
    const p = await t.spawn({ command: 'sleep', args: ['30'] });
    const pid = p.pid as number;
    expect(await until(() => guardsOf(pid).length === 1, 2000)).toBe(true);
    const exit = new Promise((resolve) => p.onExit(resolve));
    p.kill('SIGKILL');
    await exit;
    expect(await until(() => guardsOf(pid).length === 0, 2000)).toBe(true);

    const r = await t.exec({ command: 'sh', args: ['-c', 'echo $$; sleep 0.3'] });
    expect(r.code).toBe(0);
    expect(await until(() => guardsOf(Number(r.stdout.trim())).length === 0, 2000)).toBe(true);
  });

  it('is not started when asked not to', async () => {
    const p = await new LocalTransport({ dieWithParent: false }).spawn({ command: 'sleep', args: ['30'] });
    await new Promise((r) => setTimeout(r, 300));
    expect(guardsOf(p.pid as number)).toEqual([]);
    p.kill('SIGKILL');
  });
});
