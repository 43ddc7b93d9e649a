/**
 * Fleet triage at scale, side by side in one run: three real sshd hosts on loopback holding a few
 * hundred dumps (hard links of the fixture vmcores, kdump-tools layout), all triaged from their
 * logs and bucketed by one `crashdeck triage --all`, beside
 * - the same with `--no-index` (every file triaged on its own, no sharing between copies),
 * - the sum of single `crashdeck triage <vmcore> --host H` runs (one per fixture measured, times
 *   the number of dumps),
 * - a second `--all` run with no new dumps (goal ≤ 2 s; first run goal ≤ 30 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCrashdeck } from '../support/cli.ts';
import { allScenarios, type Scenario } from '../support/fixtures.ts';
import { startFleetHosts } from '../support/fleet-hosts.ts';

const perHostCopies = 15; // × 7 fixtures × 3 hosts = 315 dumps

export async function runBench(): Promise<void> {
  const spec = [0, 1, 2].map(() => ({ dumps: allScenarios.map((s) => [s, perHostCopies] as const) }));
  const fleet = await startFleetHosts(spec);
  const cache = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-bench-fleet-'));
  const env = { HOME: fleet.home, SSH_AUTH_SOCK: '', XDG_CACHE_HOME: cache };
  const targets = fleet.hosts.map((h) => `${h.alias}:${h.dir}`);
  const total = fleet.hosts.reduce((n, h) => n + h.dumps.size, 0);
  try {
    const timed = async (args: string[]): Promise<{ ms: number; out: string; err: string; code: number | null }> => {
      const t0 = performance.now();
      const r = await runCrashdeck(args, env, { timeoutMs: 600_000 });
      return { ms: performance.now() - t0, out: r.stdout, err: r.stderr, code: r.code };
    };
    const first = await timed(['triage', '--all', ...targets, '--jsonl']);
    const lines = first.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { schema: string });
    const verdicts = lines.filter((l) => l.schema === 'crashdeck.triage/1').length;
    const buckets = /(\d+) dump\(s\) in (\d+) bucket/.exec(first.err);
    const second = await timed(['triage', '--all', ...targets, '--jsonl']);
    const fromIndex = second.out.split('\n').filter((l) => l.includes('"fromIndex":true')).length;
    const noIndex = await timed(['triage', '--all', ...targets, '--jsonl', '--no-index']);
    const noIndexVerdicts = noIndex.out.split('\n').filter((l) => l.includes('"schema":"crashdeck.triage/1"')).length;

    // Single runs: one dump of each fixture on h1, as a user would run them one by one.
    const h1 = fleet.hosts[0]!;
    const one = new Map<Scenario, string>();
    for (const [p, s] of h1.dumps) if (!one.has(s)) one.set(s, p);
    let singleMs = 0;
    for (const p of one.values()) singleMs += (await timed(['triage', p, '--host', h1.alias, '--json'])).ms;
    const meanSingle = singleMs / one.size;

    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const engine = (err: string): string => /problem\(s\), ([\d.]+ s)/.exec(err)?.[1] ?? '?';
    const start = await timed(['--version']);
    console.log(`fleet: ${total} dumps on 3 sshd hosts (${allScenarios.length} fixtures × ${perHostCopies} hard links each per host)`);
    console.log(`  (crashdeck --version alone, node + tsx start: ${s(start.ms)}; "engine" below is the run itself as the command reports it)`);
    console.log(`  triage --all, first run:   ${s(first.ms)}, engine ${engine(first.err)} (goal ≤ 30 s) — ${verdicts} verdicts, ${buckets?.[2] ?? '?'} buckets; copies share one triage (exit ${first.code})`);
    console.log(`  triage --all --no-index:   ${s(noIndex.ms)}, engine ${engine(noIndex.err)} — ${noIndexVerdicts} verdicts, every file triaged on its own`);
    console.log(`  sum of single triage runs: ${s(meanSingle * total)} (mean ${s(meanSingle)} over ${one.size} measured × ${total}) | first run / single sum ${(first.ms / (meanSingle * total)).toFixed(3)} | --no-index / single sum ${(noIndex.ms / (meanSingle * total)).toFixed(3)}`);
    console.log(`  second run, no new dumps:  ${s(second.ms)}, engine ${engine(second.err)} (goal ≤ 2 s) — ${fromIndex} answered from the index`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    await fleet.stop();
  }
}
