/**
 * The hung-task chain of hung-mutex-7.2 from what crash read with its start-up options (the
 * fixture's transcripts: crash 9.0.2 --no_modules, 8.0.6 --no_kmem_cache --no_modules) plus the
 * kernel log, whose 7.2 hung-task report names the likely owner. What crash could not read is
 * said as such, never turned into a claim about the lock.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SessionLimit } from '../../../electron/api/contract.ts';
import { triage, triageFollowUps, type Gathered } from '../../../electron/analyze/triage.ts';
import { renderText } from '../../../electron/analyze/render.ts';
import { buildGuidedCommand } from '../../../electron/crash/allowlist.ts';
import { costsOf, type CrashStartOption } from '../../../electron/crash/start-options.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { fixtureFile, fixtureMeta, scenario72 } from '../../support/fixtures.ts';

const truth = fixtureMeta(scenario72).truth;

function limits(options: CrashStartOption[]): SessionLimit[] {
  return costsOf(options).map((c) => ({ ...c, why: `crash stopped in a start-up step without --${c.option}` }));
}

/** Gathered from one transcript directory of the 7.2 fixture, as a session with `options` would. */
function gathered(dir: 'transcripts' | 'transcripts-crash-8.0.6', options: CrashStartOption[]): Gathered {
  const model = (cmd: string): unknown => parseCommandOutput(cmd, readFileSync(fixtureFile(scenario72, `${dir}/${cmd.replaceAll(' ', '_')}.txt`), 'utf8'))?.model ?? null;
  const g = { sys: model('sys'), sysT: model('sys -t'), bt: model('bt'), log: model('log'), ps: model('ps'), probes: {}, limits: limits(options) } as Gathered;
  return g;
}

describe('the kernel log: 7.2 names the likely owner and prints its stack', () => {
  it('reads owner, state and call trace after "is blocked on a mutex likely owned by task"', () => {
    const log = parseLog(readFileSync(fixtureFile(scenario72, 'vmcore-dmesg.txt'), 'utf8')).model;
    const h = log.hungTasks[0];
    expect(h?.state).toBe('D');
    expect(h?.blockedOn).toMatchObject({ kind: 'mutex', ownerComm: truth.lock_holder?.comm, ownerPid: truth.lock_holder?.pid, ownerState: truth.lock_holder?.state });
    expect(h?.blockedOn?.ownerTrace).toContain('qdrv_hold_locked+0x27/0x30 [qdrv]');
  });
});

for (const [dir, options] of [['transcripts', ['no_modules']], ['transcripts-crash-8.0.6', ['no_kmem_cache', 'no_modules']]] as const) {
  describe(`${dir} (crash started with ${options.map((o) => `--${o}`).join(' ')})`, () => {
    const g = gathered(dir, [...options]);

    it('asks crash for the blocked stack but never for mod -s (module symbols are unavailable)', () => {
      const wanted = triageFollowUps(g).map(buildGuidedCommand);
      expect(wanted).toContain(`bt -F ${truth.blocked_task?.pid}`);
      expect(wanted.some((w) => w.startsWith('mod'))).toBe(false);
    });

    it('the owner is the log\'s, with crash\'s ps state and the function from the log\'s stack, said so', () => {
      const r = triage(g);
      const t = r.hung?.tasks[0];
      expect(t).toMatchObject({ pid: truth.blocked_task?.pid, comm: truth.blocked_task?.comm, function: truth.function });
      expect(t?.owner).toMatchObject({ pid: truth.lock_holder?.pid, comm: truth.lock_holder?.comm, state: 'IN', function: truth.lock_holder_function });
      expect(t?.note).toMatch(/^owner from the kernel log: the hung-task report says "backupd:272 is blocked on a mutex likely owned by task qholder:269"/);
    });

    it('a real bt -F without the module frame says crash left it out, not that the lock is no symbol', () => {
      // crash's `bt` of backupd from this session (the same frames bt -F shows): qdrv_sync is missing under --no_modules.
      const foreach = readFileSync(fixtureFile(scenario72, `${dir}/foreach_bt.txt`), 'utf8');
      const start = foreach.indexOf(`PID: ${truth.blocked_task?.pid} `);
      const btOfBlocked = foreach.slice(start, foreach.indexOf('\nPID: ', start + 1));
      const r = triage({ ...g, probes: { [`bt -F ${truth.blocked_task?.pid}`]: btOfBlocked } });
      const note = r.hung?.tasks[0]?.note ?? '';
      expect(note).toContain("crash runs with --no_modules and leaves qdrv's frames and variables out of bt -F 272");
      expect(JSON.stringify(r)).not.toMatch(/dynamically allocated|not a named kernel symbol/);
    });

    it('the report says once what the session could not read and why', () => {
      const r = triage(g);
      expect(r.limits?.map((l) => l.option)).toEqual([...options]);
      expect(renderText(r).match(/crash ran with --no_modules/g)).toHaveLength(1);
    });
  });
}

describe('--minimal (the issue\'s case): only the log', () => {
  it('does not ask for stacks and says crash could not read them; the owner comes from the log', () => {
    const log = parseCommandOutput('log', readFileSync(fixtureFile(scenario72, 'transcripts/log.txt'), 'utf8'))?.model;
    const g = { log, probes: {}, limits: limits(['minimal']) } as Gathered;
    expect(triageFollowUps(g)).toEqual([]);
    const t = triage(g).hung?.tasks[0];
    expect(t?.note).toContain("crash runs with --minimal and cannot read backupd's stack (bt -F 272)");
    expect(t?.owner).toMatchObject({ comm: truth.lock_holder?.comm, pid: truth.lock_holder?.pid, state: truth.lock_holder?.state, function: truth.lock_holder_function });
    expect(JSON.stringify(triage(g))).not.toMatch(/dynamically allocated|not a named kernel symbol/);
  });

  it('an error instead of a stack is not read as a stack', () => {
    const log = parseCommandOutput('log', readFileSync(fixtureFile(scenario72, 'transcripts/log.txt'), 'utf8'))?.model;
    const r = triage({ log, probes: { 'bt -F 272': 'bt: cannot be run in minimal mode\n' } } as Gathered);
    expect(r.hung?.tasks[0]?.note).toContain("crash could not read backupd's stack (bt -F 272: bt: cannot be run in minimal mode)");
  });
});
