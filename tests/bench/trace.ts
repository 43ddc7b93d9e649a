/**
 * Trace import throughput and peak memory, side by side in one run:
 *  - a 1,000,000-event `trace-cmd report` text built by repeating both OOM fixtures' events with
 *    shifted timestamps (a 1 GB text is too big for this disk/time budget: the size is printed);
 *  - import in the worker thread (the app's and CLI's path) and on the calling thread, each in a
 *    fresh child process so its peak RSS is the import's own (targets: >= 100 MB/s, <= 300 MB);
 *  - `wc -l` on the same file, and `trace-cmd report` producing the fixture report from trace.dat.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureFile, repoRoot } from '../support/fixtures.ts';

const targetEvents = 1_000_000;
const runs = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
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

/** Write the synthetic report: repetitions of the fixture events, each shifted past the last. */
async function buildReport(file: string): Promise<{ bytes: number; events: number }> {
  const events = fixtureEvents();
  const span = Math.ceil(Math.max(...events.map((e) => e.ts))) + 1;
  const out = createWriteStream(file);
  let n = 0;
  let rep = 0;
  let block: string[] = ['cpus=2'];
  const flush = async (): Promise<void> => {
    const ok = out.write(block.join('\n') + '\n');
    block = [];
    if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  while (n < targetEvents) {
    for (const e of events) {
      if (n >= targetEvents) break;
      const ts = (e.ts + rep * span).toFixed(6);
      block.push(e.line.slice(0, e.at) + ts + e.line.slice(e.end));
      n++;
      if (block.length >= 20000) await flush();
    }
    rep++;
  }
  await flush();
  await new Promise<void>((r) => out.end(() => r()));
  return { bytes: statSync(file).size, events: n };
}

interface ChildResult { ms: number; cpuMs: number; maxRssMb: number; events: number }

/** Import in a fresh Node process (tsx for the TypeScript source) and report its own numbers. */
function importInChild(dir: string, file: string, mode: 'worker' | 'in-process' | 'baseline'): ChildResult {
  // 'baseline' with a file: start the worker on that (tiny) file, to measure the worker's start-up.
  const script = path.join(dir, `child-${mode}.mts`);
  const src = `
    import { importTraceInWorker } from ${JSON.stringify(path.join(repoRoot, 'electron/trace/worker-client.ts'))};
    import { importTraceFile } from ${JSON.stringify(path.join(repoRoot, 'electron/trace/importer.ts'))};
    const mode = ${JSON.stringify(mode)};
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let events = 0;
    let chunks = 0;
    if (mode === 'baseline' && ${JSON.stringify(file)}.endsWith('trace-report.txt')) {
      events = (await importTraceInWorker(${JSON.stringify(file)})).events;
    } else if (mode !== 'baseline') {
      // Chunks are built and handed over as the app does, then dropped (the app spools them to disk).
      const hooks = { onChunk: () => { chunks++; } };
      const s = mode === 'worker' ? await importTraceInWorker(${JSON.stringify(file)}, {}, hooks) : await importTraceFile(${JSON.stringify(file)}, {}, hooks);
      events = s.events;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, events }));
  `;
  writeFileSync(script, src);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function timeCommand(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
  return performance.now() - t0;
}

export async function runBench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-bench-trace-'));
  try {
    const file = path.join(dir, 'report-1M.txt');
    const built = await buildReport(file);
    const mb = built.bytes / 1e6;
    console.log(`input: ${built.events.toLocaleString('en-US')} events of trace-cmd report text, ${mb.toFixed(1)} MB (fixture events repeated with shifted timestamps); load average ${loadavg()[0]!.toFixed(2)} on this shared machine`);

    const baseline = importInChild(dir, file, 'baseline');
    // The worker's fixed start-up: in development it loads the TypeScript through tsx; the app ships bundled JS.
    const startup = median(Array.from({ length: runs }, () => importInChild(dir, fixtureFile('oom-slab-leak', 'trace-report.txt'), 'baseline').ms));
    const worker: ChildResult[] = [];
    const inProc: ChildResult[] = [];
    for (let i = 0; i < runs; i++) {
      worker.push(importInChild(dir, file, 'worker'));
      inProc.push(importInChild(dir, file, 'in-process'));
    }
    for (const r of [...worker, ...inProc]) if (r.events !== built.events) throw new Error(`imported ${r.events} events, expected ${built.events}`);
    const wMs = median(worker.map((r) => r.ms));
    const iMs = median(inProc.map((r) => r.ms));
    const wCpu = median(worker.map((r) => r.cpuMs));
    const iCpu = median(inProc.map((r) => r.cpuMs));
    const wRss = Math.max(...worker.map((r) => r.maxRssMb));
    const iRss = Math.max(...inProc.map((r) => r.maxRssMb));
    const rate = (ms: number): number => mb / (ms / 1000);
    console.log(`import in worker thread:  ${wMs.toFixed(0)} ms wall (median of ${runs}) = ${rate(wMs).toFixed(0)} MB/s, ${(built.events / (wMs / 1000) / 1e6).toFixed(2)} M events/s  (target >= 100 MB/s: ${rate(wMs) >= 100 ? 'met' : 'NOT met'}); CPU ${wCpu.toFixed(0)} ms (both threads)`);
    console.log(`  of which worker start-up (a 1.6 MB import, tsx-loaded source): ${startup.toFixed(0)} ms; after start-up: ${rate(wMs - startup).toFixed(0)} MB/s`);
    console.log(`import on calling thread: ${iMs.toFixed(0)} ms wall = ${rate(iMs).toFixed(0)} MB/s; CPU ${iCpu.toFixed(0)} ms = ${rate(iCpu).toFixed(0)} MB/s per CPU-second`);
    console.log(`peak RSS: worker ${wRss.toFixed(0)} MB, in-process ${iRss.toFixed(0)} MB (target <= 300 MB: ${Math.max(wRss, iRss) <= 300 ? 'met' : 'NOT met'}); an idle child with the modules loaded: ${baseline.maxRssMb.toFixed(0)} MB`);

    const wc = median(Array.from({ length: runs }, () => timeCommand('wc', ['-l', file])));
    console.log(`wc -l on the same file: ${wc.toFixed(0)} ms = ${rate(wc).toFixed(0)} MB/s; import/wc -l time ratio: ${(wMs / wc).toFixed(1)}x (worker), ${(iMs / wc).toFixed(1)}x (in-process)`);

    const dat = fixtureFile('oom-slab-leak', 'trace.dat');
    const reportBytes = statSync(fixtureFile('oom-slab-leak', 'trace-report.txt')).size;
    const tc = median(Array.from({ length: 5 }, () => timeCommand('trace-cmd', ['report', '-i', dat])));
    const tcRate = reportBytes / 1e6 / (tc / 1000);
    console.log(`trace-cmd report -i trace.dat (fixture, ${(reportBytes / 1e6).toFixed(1)} MB of text): ${tc.toFixed(0)} ms = ${tcRate.toFixed(0)} MB/s of text; our import reads text ${(rate(wMs) / tcRate).toFixed(1)}x as fast as trace-cmd writes it (worker), ${(rate(iMs) / tcRate).toFixed(1)}x (in-process)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
