/**
 * drgn vs crash, side by side in one run on hung-mutex-6.12: time from opening the dump to
 *  1. the hung-task wait chain with the owner's stack (drgn: `blocked_tasks`; crash: `ps`,
 *     `foreach UN bt`, `struct mutex.owner qdrv_cfg_mutex`, `bt OWNER`),
 *  2. the slab table (`slab_caches` / `kmem -s`),
 *  3. the task table (`tasks` / `ps`).
 * One engine start each (drgn 0.3.0 from install-drgn.sh, bookworm's 0.0.22, crash 8.0.6); each
 * figure is the start-up plus that question's own time, as if it were asked first. Goal: drgn
 * <= 2 s on an idle machine and <= 0.15 of crash's time. Wall clock: on a busy machine both
 * sides slow down, the ratio less so.
 * Then the product's own path with crash absent: the Api opens the dump, drgn (trixie's 0.0.31)
 * answers the Panic view's commands and follow-ups and analyze.triageRaw names the lock and its
 * owner: open -> verdict with the wait chain, against crash's bare chain above.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createApi } from '../../electron/host/create-api.ts';
import { panicVerdictThroughApi } from '../support/panic-flow.ts';
import { CrashSession } from '../../electron/crash/session.ts';
import { DrgnSession } from '../../electron/drgn/session.ts';
import { LocalTransport } from '../../electron/transport/local.ts';
import { crash806, drgnPythonBookworm, drgnPythonPrefix, fixtureMeta, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';

const scenario = 'hung-mutex-6.12';

interface Times {
  start: number;
  chain: number;
  slab: number;
  tasks: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

async function drgnTimes(python: string): Promise<Times> {
  const session = new DrgnSession({ transport: new LocalTransport(), python, vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario) });
  try {
    const [start] = await timed(() => session.start());
    const [chain, blocked] = await timed(() => session.ask('blocked_tasks'));
    if (!blocked.owners.length) throw new Error('drgn found no lock owner');
    const [slab] = await timed(() => session.ask('slab_caches'));
    const [tasks] = await timed(() => session.ask('tasks'));
    return { start, chain: start + chain, slab: start + slab, tasks: start + tasks };
  } finally {
    await session.close();
  }
}

async function crashTimes(): Promise<Times> {
  const session = new CrashSession({ transport: new LocalTransport(), crashPath: crash806(), vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario) });
  try {
    const [start] = await timed(() => session.start());
    const owner = fixtureMeta(scenario).truth.lock_holder?.pid ?? 0;
    const [chain] = await timed(async () => {
      await session.run('ps');
      await session.run('foreach UN bt');
      await session.run('struct mutex.owner qdrv_cfg_mutex');
      await session.run(`bt ${owner}`);
    });
    const [slab] = await timed(() => session.run('kmem -s'));
    const [tasks] = await timed(() => session.run('ps'));
    return { start, chain: start + chain, slab: start + slab, tasks: start + tasks };
  } finally {
    await session.close();
  }
}

/** Open with crash absent and reach the Panic view's verdict through the Api as the view does; ms to a verdict naming the owner. */
async function productVerdict(python: string): Promise<number> {
  const api = createApi({ env: { ...process.env, CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: python, CRASHDECK_GDB_INDEX: '0' } });
  try {
    const t0 = performance.now();
    const info = await api.call('session.open', { vmcore: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario), crash: '/nonexistent/crash-for-this-bench' });
    const { report } = await panicVerdictThroughApi(api, info.id, vmcorePath(scenario));
    const ms = performance.now() - t0;
    if (report.hung?.tasks[0]?.owner?.pid !== fixtureMeta(scenario).truth.lock_holder?.pid) throw new Error(`the verdict names no owner: ${JSON.stringify(report.hung)}`);
    return ms;
  } finally {
    await api.dispose();
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function runBench(): Promise<void> {
  const crash = await crashTimes();
  for (const [label, python] of [['drgn 0.3.0', () => drgnPythonPrefix('0.3.0')], ['drgn 0.0.22', drgnPythonBookworm]] as const) {
    const drgn = await drgnTimes(python());
    for (const key of ['chain', 'slab', 'tasks'] as const) {
      const ratio = drgn[key] / crash[key];
      console.log(`${scenario} ${key.padEnd(5)}: ${label} ${s(drgn[key])} (load ${s(drgn.start)}) | crash 8.0.6 ${s(crash[key])} (start ${s(crash.start)}) | ratio ${ratio.toFixed(3)} ${ratio <= 0.15 && drgn[key] <= 2000 ? 'goal met' : 'goal NOT met (<= 2 s, <= 0.15)'}`);
    }
  }
  // Three fresh opens, each printed; the median is compared.
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await productVerdict(drgnPythonPrefix('0.0.31')));
  const median = [...runs].sort((a, b) => a - b)[1] as number;
  const ratio = median / crash.chain;
  console.log(`${scenario} verdict: Api open -> Panic verdict with the owner, crash absent, drgn 0.0.31: ${runs.map(s).join(', ')} (median ${s(median)}) | crash 8.0.6 bare chain ${s(crash.chain)} | ratio ${ratio.toFixed(3)} ${ratio <= 0.15 && median <= 2000 ? 'goal met' : 'goal NOT met (<= 2 s, <= 0.15)'}`);
  console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
