/**
 * Parser throughput on synthetic crash output in crash 8.0.6's exact column layout (checked by
 * re-formatting the fixture transcripts' own rows): `ps` of 100,000 tasks (target <= 200 ms) and
 * `kmem -s` of 2,000 caches (target <= 20 ms), and a large real OOM log, each beside `wc -l` on the same text.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseKmemSlab, parseLog, parsePs } from '../../electron/parse/index.ts';
import type { PsTask, SlabCache } from '../../electron/parse/index.ts';
import { transcript } from '../support/fixtures.ts';

const PS_HEADER = '      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM';
const SLAB_HEADER = 'CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME';

/** One ps row as crash 8.0.6 prints it. */
function psRow(t: PsTask): string {
  const comm = t.kernelThread ? `[${t.comm}]` : t.comm;
  return `${t.active ? '>' : ' '}${String(t.pid).padStart(8)} ${String(t.ppid).padStart(7)} ${String(t.cpu).padStart(3)}  ${t.task}  ${t.state}  ${t.memPercent.toFixed(1).padStart(4)} ${String(t.vszKb).padStart(8)} ${String(t.rssKb).padStart(8)}  ${comm}`;
}

/** One kmem -s row as crash 8.0.6 prints it. */
function slabRow(c: SlabCache): string {
  return `${c.address}${String(c.objSize).padStart(9)}${String(c.allocated).padStart(11)}${String(c.total).padStart(10)}${String(c.slabs).padStart(7)}${c.slabSizeText.padStart(7)}  ${c.name}`;
}

/** Fail loudly if the synthetic format drifts from the real transcripts. */
function checkFormat(): void {
  const ps = transcript('oom-slab-leak', 'ps');
  const psOut = [PS_HEADER, ...parsePs(ps).model.tasks.map(psRow)].join('\n');
  if (psOut !== ps.trimEnd()) throw new Error('synthetic ps format differs from crash 8.0.6 output');
  const slab = transcript('oom-slab-leak', 'kmem -s');
  const slabOut = [SLAB_HEADER, ...parseKmemSlab(slab).model.caches.map(slabRow)].join('\n');
  if (slabOut !== slab.trimEnd()) throw new Error('synthetic kmem -s format differs from crash 8.0.6 output');
}

function syntheticPs(n: number): string {
  const states = ['RU', 'IN', 'UN', 'ID', 'ZO'];
  const rows = [PS_HEADER];
  for (let i = 0; i < n; i++) {
    const kthread = i % 3 === 0;
    rows.push(psRow({
      pid: i, ppid: kthread ? 2 : 1, cpu: i % 64, task: (0xffff888000000000n + BigInt(i) * 0x2100n).toString(16),
      state: states[i % states.length] as string, memPercent: (i % 1000) / 10, vszKb: kthread ? 0 : 2260 + i,
      rssKb: kthread ? 0 : 88 + (i % 5000), comm: kthread ? `kworker/${i % 64}:${i % 7}` : `proc-${i}`,
      kernelThread: kthread, active: i % 1563 === 0,
    }));
  }
  return `${rows.join('\n')}\n`;
}

function syntheticSlab(n: number): string {
  const rows = [SLAB_HEADER];
  for (let i = 0; i < n; i++) {
    const objSize = 8 << (i % 10);
    const total = 100 + i * 7;
    rows.push(slabRow({
      address: (0xffff888004400000n + BigInt(i) * 0x100n).toString(16), name: `cache_${i}`, objSize, allocated: total - (i % 13),
      total, slabs: Math.ceil(total / 16), slabSize: 8192, slabSizeText: ['4k', '8k', '16k', '32k'][i % 4] as string, totalBytes: 0,
    }));
  }
  return `${rows.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

interface Timing { minMs: number; medianMs: number; cpuMs: number }

/** Wall time (min and median) and process CPU time (median) after JIT warm-up. */
function time(fn: () => void, runs = 15, warmup = 5): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { minMs: Math.min(...wall), medianMs: median(wall), cpuMs: median(cpu) };
}

function wcTime(text: string): Timing {
  return time(() => {
    const r = spawnSync('wc', ['-l'], { input: text });
    if (r.status !== 0) throw new Error('wc -l failed');
  }, 7, 1);
}

function report(name: string, text: string, parse: () => number, targetMs: number | null): void {
  let rows = 0;
  const t = time(() => {
    rows = parse();
  });
  const wc = wcTime(text);
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  const rate = (ms: number): string => `${(mb / (ms / 1000)).toFixed(0)} MB/s`;
  console.log(
    `${name}: ${rows} rows, ${mb.toFixed(2)} MB | parse min ${t.minMs.toFixed(1)} ms (${rate(t.minMs)}), median ${t.medianMs.toFixed(1)} ms, ` +
    `cpu ${t.cpuMs.toFixed(1)} ms; ${targetMs === null ? 'no target' : `target <= ${targetMs} ms: ${t.minMs <= targetMs ? 'OK' : 'MISSED'} (min wall)`}` +
    ` | wc -l min ${wc.minMs.toFixed(1)} ms incl. spawn (${rate(wc.minMs)}) | parse/wc ${(t.minMs / wc.minMs).toFixed(2)}x`,
  );
}

/** Run the parser benchmarks and print their lines. */
export async function runBench(): Promise<void> {
  checkFormat();
  // Shared CI/dev boxes: wall times under load mostly measure preemption; print the load beside them.
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const ps = syntheticPs(100_000);
  report('ps 100,000 tasks', ps, () => parsePs(ps).model.tasks.length, 200);
  const slab = syntheticSlab(2_000);
  report('kmem -s 2,000 caches', slab, () => parseKmemSlab(slab).model.caches.length, 20);
  // No target in the issue: a real OOM log repeated to ~8 MB (one OOM report per copy).
  const oomLog = transcript('oom-slab-leak', 'log');
  const bigLog = oomLog.repeat(Math.ceil((8 * 1024 * 1024) / oomLog.length));
  report('log ~8 MB (OOM reports)', bigLog, () => parseLog(bigLog).model.records.length, null);
}
