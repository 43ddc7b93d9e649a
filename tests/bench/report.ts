/**
 * Report and case bundle costs on the bundled demo case (real oom-slab-leak results) and on a
 * large synthetic one (the demo's `ps` and `log` repeated to ~20 MB of raw text), each beside
 * JSON.stringify + gzip of the same case as the floor any serialisation pays: HTML and Markdown
 * rendering, writing and reading (with all the import checks) the .crashcase.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { readCaseBundle } from '../../electron/report/bundle-read.ts';
import { writeCaseBundle } from '../../electron/report/bundle-write.ts';
import type { CaseBundle } from '../../electron/report/case-types.ts';
import { renderHtmlReport } from '../../electron/report/html-report.ts';
import { renderMarkdownReport } from '../../electron/report/markdown-report.ts';
import { repoRoot } from '../support/fixtures.ts';

async function time(fn: () => unknown | Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

function big(c: CaseBundle): CaseBundle {
  const results = [...c.results];
  for (const cmd of ['ps', 'log']) {
    const r = c.results.find((x) => x.command === cmd);
    if (!r) continue;
    const raw = Array.from({ length: Math.ceil(10_000_000 / r.raw.length) }, () => r.raw).join('');
    results.push({ ...r, command: `${cmd} (x${Math.ceil(10_000_000 / r.raw.length)})`, raw, parsed: null });
  }
  return { ...c, results };
}

/** Print ms per operation and the ratio to JSON.stringify + gzip. */
export async function runBench(): Promise<void> {
  const demo = await readCaseBundle(await readFile(`${repoRoot}/resources/demo/oom-slab-leak.crashcase`));
  for (const [name, c, reps] of [['demo', demo, 20], ['20 MB raw', big(demo), 2]] as const) {
    const zip = await writeCaseBundle(c);
    const floor = await time(() => gzipSync(JSON.stringify(c)), reps);
    const rows: Array<[string, number]> = [
      ['JSON.stringify + gzip (floor)', floor],
      ['HTML report', await time(() => renderHtmlReport(c), reps)],
      ['Markdown report', await time(() => renderMarkdownReport(c), reps)],
      ['write .crashcase', await time(() => writeCaseBundle(c), reps)],
      ['read + check .crashcase', await time(() => readCaseBundle(zip), reps)],
    ];
    console.log(`${name}: ${c.results.length} results, ${c.results.reduce((n, r) => n + r.raw.length, 0)} chars raw, bundle ${zip.length} bytes`);
    for (const [label, ms] of rows) console.log(`  ${label.padEnd(32)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / floor).toFixed(2)}x floor`);
  }
}
