/**
 * Triage engine cost, side by side with the parsing it sits on, in one run:
 * - the three fixtures: parsing their 12 transcripts vs. running triage on the parsed models;
 * - a hand-built 6.1 OOM report with a 100,000-task table (a big host): parseLog vs. triage
 *   (oom_badness over every task, grouping, accounting).
 * The engine should stay a small fraction of parsing: it never re-reads text.
 */
import { performance } from 'node:perf_hooks';
import { triage, type Gathered } from '../../electron/analyze/triage.ts';
import { parseCommandOutput } from '../../electron/parse/index.ts';
import { parseLog } from '../../electron/parse/log.ts';
import { scenarios, transcript } from '../support/fixtures.ts';
import { buildOomLog, x86Zones } from '../unit/analyze/synthetic-oom.ts';

const inputs: Array<[keyof Gathered, string]> = [
  ['sys', 'sys'], ['sysT', 'sys -t'], ['bt', 'bt'], ['log', 'log'], ['mod', 'mod'], ['modT', 'mod -t'], ['ps', 'ps'],
  ['kmemI', 'kmem -i'], ['kmemZ', 'kmem -z'], ['kmemF', 'kmem -f'], ['kmemS', 'kmem -s'], ['kmemV', 'kmem -V'],
];

function best(fn: () => void, runs: number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

export async function runBench(): Promise<void> {
  for (const s of scenarios) {
    const texts = inputs.map(([k, c]) => [k, c, transcript(s, c)] as const);
    let g: Gathered = {};
    const parseMs = best(() => {
      g = {};
      for (const [k, c, t] of texts) (g as Record<string, unknown>)[k] = parseCommandOutput(c, t)?.model;
    }, 20);
    const triageMs = best(() => void triage(g), 20);
    console.log(`${s}: parse 12 transcripts ${parseMs.toFixed(2)} ms | triage ${triageMs.toFixed(2)} ms | triage/parse ${(triageMs / parseMs).toFixed(2)}`);
  }

  const tasks = Array.from({ length: 100_000 }, (_, i) => ({ pid: 1000 + i, rss: 100 + ((i * 7919) % 5000), adj: i % 97 === 0 ? -1000 : (i % 11) * 10, comm: `w${i % 500}` }));
  const text = buildOomLog({
    comm: 'w1', pid: 1001, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
    mem: { active_anon: 50_000_000, inactive_anon: 200_000_000, active_file: 100_000, inactive_file: 100_000, slab_reclaimable: 1_000_000, slab_unreclaimable: 800_000, mapped: 20_000, shmem: 10_000, pagetables: 400_000, free: 50_000 },
    kernelStackKb: 800_000, zones: x86Zones({ dmaFree: 3000, dma32Free: 2400, normalFree: 190_000, normalKb: 1_000_000_000, normalMin: 200_000 }),
    ramPages: 260_000_000, reservedPages: 9_000_000, tasks,
    trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
    end: { kind: 'panic', mode: 'system-wide' },
  });
  let log = parseLog(text).model;
  const parseMs = best(() => void (log = parseLog(text).model), 5);
  const triageMs = best(() => void triage({ log, logOnly: true }), 5);
  const mb = text.length / 1024 / 1024;
  console.log(`100,000-task OOM report (${mb.toFixed(1)} MB): parseLog ${parseMs.toFixed(1)} ms (${(mb / (parseMs / 1000)).toFixed(0)} MB/s) | triage ${triageMs.toFixed(1)} ms | triage/parse ${(triageMs / parseMs).toFixed(2)}`);
}
