/**
 * `npm run bench`: runs every benchmark module and prints its side-by-side ratios.
 * Each module exports `runBench()`, which measures in this one run and prints its own lines.
 * `npm run bench -- parse session` runs only the named ones.
 */
const benches: Record<string, () => Promise<{ runBench(): Promise<void> }>> = {
  parse: () => import('./parse.ts'),
  session: () => import('./session.ts'),
  ssh: () => import('./ssh.ts'),
  renderer: () => import('./renderer.ts'),
  trace: () => import('./trace.ts'),
  'trace-reopen': () => import('./trace-reopen.ts'),
  serve: () => import('./serve.ts'),
  analyze: () => import('./analyze.ts'),
  views: () => import('./views.ts'),
  report: () => import('./report.ts'),
  fleet: () => import('./fleet.ts'),
  'log-first': () => import('./log-first.ts'),
  drgn: () => import('./drgn.ts'),
  'startup-index': () => import('./startup-index.ts'),
};

const wanted = process.argv.slice(2);
for (const [name, load] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n## ${name}`);
  await (await load()).runBench();
}
