/**
 * Trace import throughput and peak memory (issue 8, "Performance"), side by side in one run:
 *  - two `trace-cmd report` texts built by repeating both OOM fixtures' events with shifted
 *    timestamps: exactly 1,000,000 events (about 200 MB at the fixtures' line length), and about
 *    1 GB (about 5 million events); both under the OS temp dir, deleted afterwards;
 *  - import in the worker thread as the app ships it (worker-client.ts and import-worker.ts built
 *    by Vite, as Forge builds them), and on the calling thread (TypeScript source through tsx),
 *    each run in a fresh child process so its CPU time and peak RSS are the import's own
 *    (targets: >= 100 MB/s wall, <= 300 MB peak RSS on the 1 GB text);
 *  - `wc -l` on the same files, and `trace-cmd report` producing the fixture's text from its trace.dat.
 * The machine is shared: every figure is the median of several runs, printed with the load average.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile, repoRoot } from '../support/fixtures.ts';

const runs = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function load(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}

/** The fixtures' event lines, each with its timestamp's position. */
function fixtureEvents(): { line: string; ts: number; at: number; end: number }[] {
  const out: { line: string; ts: number; at: number; end: number }[] = [];
  for (const scenario of ['oom-slab-leak', 'oom-user-hog'] as const) {
    for (const line of readFileSync(fixtureFile(scenario, 'trace-report.txt'), 'utf8').split('\n')) {
      const m = /\]\s+(\d+\.\d+):/.exec(line);
      if (!m) continue;
      const at = m.index + m[0].indexOf(m[1]!);
      out.push({ line, ts: Number(m[1]), at, end: at + m[1]!.length });
    }
  }
  return out;
}

/** Write a synthetic report of `events` events, or of about `bytes` bytes: the fixture events repeated, each repetition shifted past the last. */
async function buildReport(file: string, limit: { events: number } | { bytes: number }): Promise<{ bytes: number; events: number }> {
  const events = fixtureEvents();
  const span = Math.ceil(Math.max(...events.map((e) => e.ts))) + 1;
  const out = createWriteStream(file);
  let n = 0;
  let written = 0;
  let rep = 0;
  let block: string[] = ['cpus=2'];
  const full = (): boolean => ('events' in limit ? n >= limit.events : written >= limit.bytes);
  const flush = async (): Promise<void> => {
    if (block.length === 0) return;
    const text = block.join('\n') + '\n';
    written += text.length;
    block = [];
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  while (!full()) {
    for (const e of events) {
      const ts = (e.ts + rep * span).toFixed(6);
      block.push(e.line.slice(0, e.at) + ts + e.line.slice(e.end));
      n++;
      if (block.length >= 20000 || ('events' in limit && n >= limit.events)) {
        await flush();
        if (full()) break;
      }
    }
    rep++;
  }
  await flush();
  await new Promise<void>((r) => out.end(() => r()));
  return { bytes: statSync(file).size, events: n };
}

/** Build the worker and its client the way Forge builds the app (Vite, ESM, dependencies bundled). */
async function buildAppWorker(outDir: string): Promise<string> {
  const { build } = await import('vite');
  for (const [name, entry] of [['import-worker', 'electron/trace/import-worker.ts'], ['trace-client', 'electron/trace/worker-client.ts']] as const) {
    await build({
      configFile: false, logLevel: 'warn', root: repoRoot,
      ssr: { noExternal: true },
      build: { ssr: entry, outDir, emptyOutDir: false, minify: false, rollupOptions: { output: { format: 'es', entryFileNames: `${name}.js` } } },
    });
  }
  return path.join(outDir, 'trace-client.js');
}

interface ChildResult { ms: number; cpuMs: number; maxRssMb: number; events: number }

/** Import `file` in a fresh Node process and report its own wall time, CPU time (all threads) and peak RSS. */
function importInChild(dir: string, file: string, mode: 'worker' | 'in-process', client: string): ChildResult {
  const script = path.join(dir, `child-${mode}.mjs`);
  const importer = mode === 'worker' ? `const { importTraceInWorker: run } = await import(${JSON.stringify(client)});`
    : `const { importTraceFile: run } = await import(${JSON.stringify(path.join(repoRoot, 'electron/trace/importer.ts'))});`;
  writeFileSync(script, `
    ${importer}
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    // Chunks are built and handed over as the app does, then dropped (the app stores them).
    const s = await run(${JSON.stringify(file)}, {}, { onChunk: () => undefined });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, events: s.events }));
  `);
  const args = mode === 'worker' ? [script] : ['--import', 'tsx', script];
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function timeCommand(cmd: string, args: string[]): { ms: number; stdoutBytes: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed`);
  return { ms, stdoutBytes: r.stdout.length };
}

export async function runBench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-bench-trace-'));
  try {
    console.log(`load average at start: ${load()} (1/5/15 min; 2 cores shared with other jobs)`);
    const client = await buildAppWorker(path.join(dir, 'app'));

    const dat = fixtureFile('oom-slab-leak', 'trace.dat');
    const tc = Array.from({ length: 5 }, () => timeCommand('trace-cmd', ['report', '-i', dat]));
    const tcMs = median(tc.map((t) => t.ms));
    const tcRate = tc[0]!.stdoutBytes / 1e6 / (tcMs / 1000);
    console.log(`trace-cmd report -i trace.dat (oom-slab-leak): ${tcMs.toFixed(0)} ms for ${(tc[0]!.stdoutBytes / 1e6).toFixed(2)} MB of text = ${tcRate.toFixed(1)} MB/s of text produced`);

    const small = fixtureFile('oom-slab-leak', 'trace-report.txt');
    const startup = median(Array.from({ length: runs }, () => importInChild(dir, small, 'worker', client).ms));
    console.log(`worker fixed cost (start the thread, load the bundle, import the 1.6 MB fixture text): ${startup.toFixed(0)} ms (median of ${runs})`);

    const inputs = [
      { name: '1,000,000 events', file: path.join(dir, 'report-1M.txt'), limit: { events: 1_000_000 } },
      { name: '1 GB', file: path.join(dir, 'report-1GB.txt'), limit: { bytes: 1e9 } },
    ];
    for (const input of inputs) {
      const built = await buildReport(input.file, input.limit);
      const mb = built.bytes / 1e6;
      const rate = (ms: number): number => mb / (ms / 1000);
      console.log(`\ninput ${input.name}: ${built.events.toLocaleString('en-US')} events, ${mb.toFixed(1)} MB of trace-cmd report text (fixture events repeated with shifted timestamps); load average ${load()}`);
      const worker: ChildResult[] = [];
      const inProc: ChildResult[] = [];
      for (let i = 0; i < runs; i++) {
        worker.push(importInChild(dir, input.file, 'worker', client));
        inProc.push(importInChild(dir, input.file, 'in-process', client));
      }
      for (const r of [...worker, ...inProc]) if (r.events !== built.events) throw new Error(`imported ${r.events} events, expected ${built.events}`);
      const wc = median(Array.from({ length: runs }, () => timeCommand('wc', ['-l', input.file]).ms));
      for (const [label, rs] of [['worker thread (app build)', worker], ['calling thread (tsx)', inProc]] as const) {
        const ms = median(rs.map((r) => r.ms));
        const cpu = median(rs.map((r) => r.cpuMs));
        const rss = Math.max(...rs.map((r) => r.maxRssMb));
        console.log(`  import, ${label}: ${rate(ms).toFixed(0)} MB/s wall (median of ${runs}: ${rs.map((r) => rate(r.ms).toFixed(0)).join(', ')}), ` +
          `${(built.events / (ms / 1000) / 1e6).toFixed(2)} M events/s, ${rate(cpu).toFixed(0)} MB per CPU-second (all threads); ` +
          `peak RSS ${rss.toFixed(0)} MB (max of ${runs}) | ${(ms / wc).toFixed(1)}x the time of wc -l, ${(rate(ms) / tcRate).toFixed(1)}x trace-cmd report's MB/s`);
      }
      const wMs = median(worker.map((r) => r.ms));
      const wRss = Math.max(...worker.map((r) => r.maxRssMb));
      console.log(`  worker thread after its fixed cost: ${rate(wMs - startup).toFixed(0)} MB/s wall`);
      console.log(`  wc -l on the same file: ${wc.toFixed(0)} ms = ${rate(wc).toFixed(0)} MB/s`);
      console.log(`  targets (worker thread): >= 100 MB/s wall ${rate(wMs) >= 100 ? 'met' : 'NOT met'}; <= 300 MB peak RSS ${wRss <= 300 ? 'met' : 'NOT met'}`);
      rmSync(input.file, { force: true });
    }
    console.log(`\nload average at end: ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
