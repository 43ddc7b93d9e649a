/**
 * `ps -m` / `ps -l` (when each task last ran) and `ps -S` (tasks per state) on real crash output
 * (samples/: crash 8.0.6 on hung-mutex-6.12, crash 9.0.2 on the incomplete oops-syscall-6.12-mdf172),
 * checked against meta.json truth, the kernel log and the fixtures' `ps` transcripts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { PsLastRunModel, PsModel, PsStatesModel } from '../../../electron/parse/models.ts';
import { fixtureFile, fixtureMeta, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

const sample = (name: string): string => readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples', name), 'utf8');

function parse<M>(command: string, text: string): { model: M; problems: string[]; parser: string | undefined } {
  const p = parseCommandOutput(command, text);
  return { model: p?.model as M, problems: problems(p?.diagnostics ?? []), parser: p?.parser };
}

describe('ps -m / ps -l / ps -S on the hung-task dump (crash 8.0.6)', () => {
  const truth = fixtureMeta('hung-mutex-6.12').truth;
  const ps = parse<PsModel>('ps', transcript('hung-mutex-6.12', 'ps')).model;

  it('ps -m: every task of ps, and the blocked task in D state for longer than the hung-task report says', () => {
    const r = parse<PsLastRunModel>('ps -m', sample('ps-m-hung-mutex-6.12-crash-8.0.6.txt'));
    expect(r.parser).toBe('ps -m');
    expect(r.problems).toEqual([]);
    expect(r.model.format).toBe('since-last-run');
    expect(r.model.tasks.map((t) => `${t.pid}/${t.task}`).sort()).toEqual(ps.tasks.map((t) => `${t.pid}/${t.task}`).sort());
    const blocked = r.model.tasks.find((t) => t.pid === truth.blocked_task!.pid)!;
    expect(blocked.command).toBe(truth.blocked_task!.comm);
    expect(blocked.state).toBe('UN');
    const log = readFileSync(fixtureFile('hung-mutex-6.12', 'vmcore-dmesg.txt'), 'utf8');
    const reported = Number(new RegExp(`task ${truth.blocked_task!.comm}:${truth.blocked_task!.pid} blocked for more than (\\d+) seconds`).exec(log)?.[1]);
    expect(reported).toBeGreaterThan(0);
    expect(blocked.sinceLastRunMs).toBeGreaterThan(reported * 1000);
    // Every state agrees with ps.
    for (const t of r.model.tasks) expect(t.state, String(t.pid)).toBe(ps.tasks.find((x) => x.task === t.task)?.state);
  });

  it('ps -l: the same tasks with raw last-run timestamps, most recent first', () => {
    const r = parse<PsLastRunModel>('ps -l', sample('ps-l-hung-mutex-6.12-crash-8.0.6.txt'));
    expect(r.parser).toBe('ps -m');
    expect(r.problems).toEqual([]);
    expect(r.model.format).toBe('last-run-timestamp');
    expect(r.model.tasks.length).toBe(ps.tasks.length);
    const stamps = r.model.tasks.map((t) => BigInt(t.lastRunNs!));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! <= stamps[i - 1]!).toBe(true);
    expect(r.model.tasks.every((t) => t.sinceLastRunMs === null)).toBe(true);
  });

  it('ps -S: the per-state counts of ps, summing to sys TASKS', () => {
    const r = parse<PsStatesModel>('ps -S', sample('ps-S-hung-mutex-6.12-crash-8.0.6.txt'));
    expect(r.problems).toEqual([]);
    const fromPs: Record<string, number> = {};
    for (const t of ps.tasks) fromPs[t.state] = (fromPs[t.state] ?? 0) + 1;
    expect(r.model.counts).toEqual(fromPs);
    expect(r.model.total).toBe(Number(/TASKS: (\d+)/.exec(transcript('hung-mutex-6.12', 'sys'))?.[1]));
    expect(r.model.counts.UN).toBe(1);
  });
});

describe('ps -m / ps -S on the incomplete dump (crash 9.0.2)', () => {
  const inc = (fixtureMeta('oops-syscall-6.12-mdf172').truth as { dump_incomplete?: { crash_ps_tasks: number } }).dump_incomplete!;
  it('lists only the tasks crash could read, as ps does', () => {
    const m = parse<PsLastRunModel>('ps -m', sample('ps-m-oops-syscall-6.12-mdf172-crash-9.0.2.txt')).model;
    expect(m.tasks.length).toBe(inc.crash_ps_tasks);
    const ps = parse<PsModel>('ps', transcript('oops-syscall-6.12-mdf172', 'ps', '9.0.2')).model;
    expect(new Set(m.tasks.map((t) => t.task))).toEqual(new Set(ps.tasks.map((t) => t.task)));
    expect(parse<PsStatesModel>('ps -S', sample('ps-S-oops-syscall-6.12-mdf172-crash-9.0.2.txt')).model.total).toBe(inc.crash_ps_tasks);
  });
});

describe('ps -m / ps -S: bad input is said, not dropped silently', () => {
  it('an unreadable row and crash\'s own error become diagnostics; an empty output says so', () => {
    const r = parseCommandOutput('ps -m', '[0 00:00:01.000] [UN]  PID: 7  TASK: ffff8880  CPU: 0    COMMAND: "a"\n[x] [UN] PID: 8\nps: invalid task or pid value: 99\n');
    expect((r?.model as PsLastRunModel).tasks.map((t) => t.pid)).toEqual([7]);
    expect(r?.diagnostics.map((d) => d.code).sort()).toEqual(['crash-error', 'unparsed-lines']);
    expect(parseCommandOutput('ps -S', '')?.diagnostics.map((d) => d.code)).toEqual(['empty-output']);
    expect(parseCommandOutput('ps -S', '  RU: x\n')?.diagnostics.map((d) => d.code).sort()).toEqual(['no-data', 'unparsed-lines']);
  });

  it('only the layouts it reads are routed to it', () => {
    expect(parseCommandOutput('ps -m 307', '')?.parser).toBe('ps -m');
    expect(parseCommandOutput('ps -m -C0', '')?.parser).toBe('ps -m');
    expect(parseCommandOutput('ps -m -l', '')).toBeNull();
    expect(parseCommandOutput('ps -S 1', '')).toBeNull();
  });
});
