import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parsePs } from '../../../electron/parse/index.ts';
import type { PsModel } from '../../../electron/parse/index.ts';
import { fixtureFile, fixtureMeta, scenarios, transcript } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

/** guest/facts.env "pid_<comm>=<pid>" pairs recorded inside the guest. */
function guestPids(s: (typeof scenarios)[number]): [string, number][] {
  return readFileSync(fixtureFile(s, 'guest/facts.env'), 'utf8').split('\n')
    .map((l) => /^pid_(\w+)=(\d+)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1] as string, Number(m[2])]);
}

/** (pid, comm) pairs from the `list task_struct.tasks -s task_struct.pid,comm -h init_task` transcript. */
function listedTasks(s: (typeof scenarios)[number]): string[] {
  const text = transcript(s, 'list task_struct.tasks -s task_struct.pid,comm -h init_task');
  const pids = [...text.matchAll(/pid = (\d+),\n\s+comm = "([^"\\]*)/g)];
  return pids.map((m) => `${m[1]} ${m[2]}`);
}

describe('ps', () => {
  for (const s of scenarios) {
    it(`${s}: every task, the active marker on the panic task, guest pids with their names`, () => {
      const truth = fixtureMeta(s).truth.panic_task;
      for (const command of ['ps', 'ps -G']) {
        const parsed = parseCommandOutput(command, transcript(s, command));
        expect(parsed?.parser).toBe('ps');
        expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
        const { tasks } = parsed?.model as PsModel;
        const byPid = new Map(tasks.map((t) => [t.pid, t]));
        expect(byPid.get(truth.pid)).toMatchObject({ comm: truth.comm, cpu: truth.cpu, active: true, state: 'RU' });
        for (const [comm, pid] of guestPids(s)) expect(byPid.get(pid)?.comm).toBe(comm);
        // the task list walked by hand from init_task holds the same thread-group leaders
        const listed = listedTasks(s);
        expect(listed.length).toBeGreaterThan(50);
        const psSet = new Set(tasks.map((t) => `${t.pid} ${t.comm}`));
        for (const l of listed) expect(psSet.has(l)).toBe(true);
        // one active task per CPU (2 vCPUs), swapper is a kernel thread, init is not
        expect(tasks.filter((t) => t.active)).toHaveLength(2);
        expect(byPid.get(2)).toMatchObject({ comm: 'kthreadd', kernelThread: true, ppid: 0 });
        expect(byPid.get(1)).toMatchObject({ kernelThread: false, ppid: 0 });
      }
    });
  }

  it('oom-user-hog: VSZ equals the OOM task dump\'s total_vm pages x 4 KiB', () => {
    const dump = (fixtureMeta('oom-user-hog').truth.oom as { task_dump: { pid: number; total_vm_pages: number; comm: string }[] }).task_dump;
    const byPid = new Map(parsePs(transcript('oom-user-hog', 'ps')).model.tasks.map((t) => [t.pid, t]));
    for (const t of dump) {
      expect(byPid.get(t.pid)?.comm).toBe(t.comm);
      expect(byPid.get(t.pid)?.vszKb).toBe(t.total_vm_pages * 4);
    }
  });

  it('crash 8.0.2 finds only the active tasks and no parent for the panic task', () => {
    const truth = fixtureMeta('oom-slab-leak').truth.panic_task;
    const { model, diagnostics } = parsePs(transcript('oom-slab-leak', 'ps', '8.0.2'));
    expect(problems(diagnostics)).toEqual([`parent-unknown: ps: crash could not find the parent of 1 task(s) (PPID -1): ${truth.pid} ${truth.comm}`]);
    expect(model.tasks.map((t) => [t.pid, t.ppid, t.comm])).toEqual([[0, 0, 'swapper/0'], [0, 0, 'swapper/1'], [truth.pid, -1, truth.comm]]);
  });

  it('crash 7.x column widths, a comm with spaces, an 8-digit pid after the marker', () => {
    // crash 7.2 task.c show_ps(): header "   PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM", rows "%s%5ld %5ld %2d  %s  %3s"
    const text = [
      '   PID    PPID  CPU       TASK        ST  %MEM     VSZ    RSS  COMM',
      '>     0      0   0  ffffffff81a13480  RU   0.0       0      0  [swapper/0]',
      '   1234      1   3  ffff88003a4b8000  UN   1.5  123456  45678  my daemon',
      '>12345678      1   1  ffff88003a4b9000  ZO   0.0       0      0  zomb',
    ].join('\n');
    const { model, diagnostics } = parsePs(text);
    expect(diagnostics).toEqual([]);
    expect(model.tasks[1]).toEqual({
      pid: 1234, ppid: 1, cpu: 3, task: 'ffff88003a4b8000', state: 'UN', memPercent: 1.5, vszKb: 123456, rssKb: 45678,
      comm: 'my daemon', kernelThread: false, active: false,
    });
    expect(model.tasks[2]).toMatchObject({ pid: 12345678, active: true, state: 'ZO' });
  });

  it('garbled rows are skipped and named in a diagnostic', () => {
    const text = `${transcript('panic-sysrq', 'ps')}      12  x  0  ffff888003e38000  IN   0.0  0  0  bad\nps: invalid task or pid value: 99999\n`;
    const { model, diagnostics } = parsePs(text);
    expect(model.tasks.some((t) => t.comm === 'bad')).toBe(false);
    expect(diagnostics.find((d) => d.code === 'unparsed-lines')?.message).toMatch(/skipped 1 line.*bad/);
    expect(diagnostics.find((d) => d.code === 'crash-error')?.message).toBe('ps: invalid task or pid value: 99999');
  });
});
