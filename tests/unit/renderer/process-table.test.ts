/** Processes table logic on rows shaped like the ps parser's output for the oom-user-hog fixture. */
import { describe, expect, it } from 'vitest';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { PsModel } from '../../../electron/parse/models.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { filterTasks, sortTasks, taskKey, treeOrder } from '../../../renderer/views/Processes/process-table.ts';

const tasks = (parseCommandOutput('ps', transcript('oom-user-hog', 'ps'))!.model as PsModel).tasks;
const truth = fixtureMeta('oom-user-hog').truth as { oom: { largest_rss_task: { pid: number; comm: string } }; guest_facts?: Record<string, string> };
const all = { text: '', state: '', kernelThreads: true };

describe('sortTasks', () => {
  it('puts the largest RSS task of the fixture first when sorted by RSS descending', () => {
    const top = sortTasks(tasks, 'rssKb', 'desc')[0]!;
    expect([top.pid, top.comm]).toEqual([truth.oom.largest_rss_task.pid, truth.oom.largest_rss_task.comm]);
  });

  it('sorts by comm case-insensitively and is stable on ties by pid', () => {
    const byComm = sortTasks(tasks, 'comm', 'asc').map((t) => t.comm.toLowerCase());
    expect(byComm).toEqual([...byComm].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(sortTasks(tasks, 'comm', 'desc').map((t) => t.comm.toLowerCase())).toEqual([...byComm].reverse().sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    const idle = sortTasks(tasks, 'rssKb', 'asc').filter((t) => t.pid === 0);
    expect(idle.map((t) => t.cpu)).toEqual([...idle.map((t) => t.cpu)].sort());
  });

  it('does not change the input array', () => {
    const before = tasks.map(taskKey);
    sortTasks(tasks, 'vszKb', 'desc');
    expect(tasks.map(taskKey)).toEqual(before);
  });
});

describe('filterTasks', () => {
  it('a number matches the pid exactly, text matches comm case-insensitively', () => {
    const pid = truth.oom.largest_rss_task.pid;
    expect(filterTasks(tasks, { ...all, text: String(pid) }).map((t) => t.pid)).toContain(pid);
    expect(filterTasks(tasks, { ...all, text: String(pid) }).every((t) => t.pid === pid || t.comm.includes(String(pid)))).toBe(true);
    expect(filterTasks(tasks, { ...all, text: truth.oom.largest_rss_task.comm.toUpperCase() }).map((t) => t.comm)).toContain(truth.oom.largest_rss_task.comm);
  });

  it('hides kernel threads (crash prints them in brackets) when the toggle is off', () => {
    const kernelRows = transcript('oom-user-hog', 'ps').split('\n').filter((l) => /\[[^\]]+\]\s*$/.test(l)).length;
    const user = filterTasks(tasks, { ...all, kernelThreads: false });
    expect(user.length).toBe(tasks.length - kernelRows);
    expect(user.every((t) => !t.kernelThread)).toBe(true);
  });

  it('filters by state', () => {
    const running = filterTasks(tasks, { ...all, state: 'RU' });
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((t) => t.state === 'RU')).toBe(true);
  });
});

describe('sortTasks on many synthetic tasks', () => {
  const many = Array.from({ length: 5000 }, (_, i) => ({
    ...tasks[i % tasks.length]!,
    pid: 5000 - i,
    cpu: i % 3,
    rssKb: (i * 7919) % 977,
    memPercent: ((i * 31) % 1000) / 10,
    comm: `c${(i * 13) % 50}`,
  }));
  const reference = (key: 'rssKb' | 'memPercent' | 'comm', dir: 1 | -1) =>
    [...many].sort((a, b) => {
      const ka = key === 'comm' ? a.comm.toLowerCase() : a[key];
      const kb = key === 'comm' ? b.comm.toLowerCase() : b[key];
      return (ka < kb ? -dir : ka > kb ? dir : 0) || a.pid - b.pid || a.cpu - b.cpu;
    });
  it.each([
    ['rssKb', 'asc'],
    ['rssKb', 'desc'],
    ['memPercent', 'desc'],
    ['comm', 'asc'],
    ['comm', 'desc'],
  ] as const)('%s %s matches a plain comparator sort with pid/cpu ties', (key, dir) => {
    expect(sortTasks(many, key, dir).map(taskKey)).toEqual(reference(key, dir === 'asc' ? 1 : -1).map(taskKey));
  });

  it.each(['rssKb', 'comm', 'pid'] as const)('filtering a list sorted by %s finds exactly the tasks whose comm matches, in sorted order', (key) => {
    // Typed filter text on a freshly sorted list: what a user does after clicking a header.
    filterTasks(many, { ...all, text: 'c1' }); // the unsorted list's comms are cached first
    const sorted = sortTasks(many, key, 'desc');
    for (const text of ['C1', 'c4', 'c49', '42']) {
      const expected = sorted.filter((t) => t.comm.toLowerCase().includes(text.toLowerCase()) || String(t.pid) === text);
      expect(filterTasks(sorted, { ...all, text }).map(taskKey)).toEqual(expected.map(taskKey));
    }
    const resorted = sortTasks(sorted, 'rssKb', 'asc');
    expect(filterTasks(resorted, { ...all, text: 'c7' }).map(taskKey)).toEqual(resorted.filter((t) => t.comm.includes('c7')).map(taskKey));
  });
});

describe('treeOrder', () => {
  it('puts every child after its parent, one level deeper, and lists each task once', () => {
    const { order, depth } = treeOrder(tasks);
    expect(order).toHaveLength(tasks.length);
    expect(new Set(order).size).toBe(tasks.length);
    const pos = new Map(order.map((t, i) => [t, i]));
    for (const t of tasks) {
      if (t.pid === 0) continue;
      const parent = tasks.find((p) => p.pid === t.ppid);
      if (!parent || parent === t) continue;
      expect(pos.get(parent)!).toBeLessThan(pos.get(t)!);
      expect(depth.get(t)).toBe(depth.get(parent)! + 1);
    }
  });

  it('the biggest process sits under its parent from the fixture (ingestd under the shell that started it)', () => {
    const hog = tasks.find((t) => t.pid === truth.oom.largest_rss_task.pid)!;
    const { order, depth } = treeOrder(tasks);
    const parent = tasks.find((t) => t.pid === hog.ppid)!;
    expect(depth.get(hog)).toBe(depth.get(parent)! + 1);
    expect(order.indexOf(hog)).toBeGreaterThan(order.indexOf(parent));
  });

  it('survives a parent cycle', () => {
    const a = { ...tasks[2]!, pid: 900, ppid: 901 };
    const b = { ...tasks[2]!, pid: 901, ppid: 900 };
    expect(treeOrder([a, b]).order).toHaveLength(2);
  });
});

describe('filterTasks while typing', () => {
  // Every tenth task's comm has no digits, so only its pid can match a number.
  const many = Array.from({ length: 3000 }, (_, i) => ({ ...tasks[i % tasks.length]!, pid: i + 1, comm: (i + 1) % 10 === 0 ? 'bash' : `${['ingestd', 'bash', 'kworker/1:2'][i % 3]}-${i}` }));
  it('typing, deleting and retyping character by character gives what filtering the whole text at once gives', () => {
    const typed = ['i', 'in', 'ing', 'inge', 'ingestd-1', 'ingestd-12', 'ingestd-1', '1', '12', '123', '123x', '7', '70', '700', 'k', 'kw', 'kworker/1:2-2'];
    for (const [n, text] of typed.entries()) {
      const kernelThreads = n % 5 !== 4;
      const fresh = many.filter((t) => (kernelThreads || !t.kernelThread) && (String(t.pid) === text || t.comm.toLowerCase().includes(text)));
      expect(filterTasks(many, { text, state: '', kernelThreads }).map(taskKey), text).toEqual(fresh.map(taskKey));
    }
  });
});
