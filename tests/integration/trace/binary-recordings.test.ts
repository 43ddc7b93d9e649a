/**
 * trace.dat through the real trace-cmd and perf.data through the real perf, in the import
 * worker thread, checked against the fixtures' own text conversions and ground truth.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../electron/api/handlers.ts';
import { createTraceMethods } from '../../../electron/host/methods/trace-methods.ts';
import { chunkFromWire } from '../../../electron/trace/chunk-wire.ts';
import type { TraceImportProgress } from '../../../electron/api/trace-model.ts';
import { importTraceInWorker } from '../../../electron/trace/worker-client.ts';
import { fixtureFile, fixtureMeta, vmlinuxPath } from '../../support/fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trace-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const eventLines = (text: string): string[] => text.split('\n').filter((l) => /-\d+\s+\[\d{3}\]\s+\d+\.\d+:/.test(l));
const perfSamples = (text: string): string[] => text.split('\n').filter((l) => /^\S.*\s\d+\s+\[\d{3}\]\s+[\d.]+:/.test(l));

describe('trace.dat through trace-cmd', () => {
  it('gives the same events as the fixture report, with progress, and names the module behind the call site', async () => {
    const report = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8');
    const progress: TraceImportProgress[] = [];
    const s = await importTraceInWorker(fixtureFile('oom-slab-leak', 'trace.dat'), {}, { onProgress: (p) => progress.push(p) });
    expect(s.source).toBe('trace.dat');
    expect(s.events).toBe(eventLines(report).length);
    expect(progress[0]?.phase).toBe('converting');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', events: s.events });
    const module = String(fixtureMeta('oom-slab-leak').truth.culprit.module);
    expect(s.callSites[0]).toMatchObject({ module, event: 'kmem_cache_alloc' });
    expect(s.callSites[0]!.fn.startsWith(module)).toBe(true);
  });

  it('reads the other shapes trace-cmd report prints: latency (-l), nanosecond (-t) and raw (-R)', async () => {
    const dat = fixtureFile('oom-slab-leak', 'trace.dat');
    const expected = eventLines(readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8')).length;
    for (const flag of ['-l', '-t', '-R']) {
      const p = path.join(dir, `report${flag}.txt`);
      writeFileSync(p, execFileSync('trace-cmd', ['report', flag, '-i', dat], { maxBuffer: 64 * 1024 * 1024 }));
      const s = await importTraceInWorker(p);
      expect([flag, s.events, s.skippedLines]).toEqual([flag, expected, 0]);
      expect(s.callSites[0]!.fn.startsWith(String(fixtureMeta('oom-slab-leak').truth.culprit.module))).toBe(true);
    }
  });

  it("has the hog's events under pid 179 ingestd", async () => {
    const facts = fixtureMeta('oom-user-hog').truth.guest_facts!;
    const s = await importTraceInWorker(fixtureFile('oom-user-hog', 'trace.dat'));
    expect(s.tasks.find((t) => t.pid === Number(facts.pid_ingestd))?.comm).toBe(facts.culprit_comm);
  });

  it('says plainly which package to install when trace-cmd is missing', async () => {
    const err = await importTraceInWorker(fixtureFile('oom-slab-leak', 'trace.dat'), { tools: { traceCmd: path.join(dir, 'no-such-trace-cmd') } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'trace-tool-missing', message: expect.stringContaining('trace-cmd is not installed'), hint: expect.stringContaining('apt-get install trace-cmd') });
  });
});

describe('truncated recordings', () => {
  it('says a trace.dat or perf.data cut short is empty or truncated, with the tool\'s own words', async () => {
    const dat = path.join(dir, 'cut.dat');
    writeFileSync(dat, readFileSync(fixtureFile('oom-slab-leak', 'trace.dat')).subarray(0, 400_000));
    await expect(importTraceInWorker(dat)).rejects.toMatchObject({ code: 'not-a-trace', message: expect.stringContaining('empty or truncated') });
    const perf = path.join(dir, 'cut.perf.data');
    writeFileSync(perf, readFileSync(fixtureFile('oom-slab-leak', 'perf.data')).subarray(0, 150_000));
    await expect(importTraceInWorker(perf)).rejects.toMatchObject({ code: 'not-a-trace', message: expect.stringMatching(/perf script exited with status \d+: .+/) });
  });
});

describe('perf.data through perf script', () => {
  const perfText = readFileSync(fixtureFile('oom-slab-leak', 'perf-script.txt'), 'utf8');
  const textTopSite = (): string => {
    const counts = new Map<string, number>();
    for (const l of perfSamples(perfText)) {
      const m = / kmem:kmalloc: call_site=(\S+)/.exec(l);
      if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  };

  it('reads every sample; without symbols kernel call sites stay raw addresses and the import says so', async () => {
    const s = await importTraceInWorker(fixtureFile('oom-slab-leak', 'perf.data'));
    expect(s.source).toBe('perf.data');
    expect(s.events).toBe(perfSamples(perfText).length);
    expect(s.callSites[0]!.callSite).toMatch(/^0x[0-9a-f]{16}$/);
    expect(s.diagnostics.map((d) => d.code)).toContain('kernel-symbols-unresolved');
  });

  it('names call sites and module frames with the kallsyms a trace.dat of the same boot carries', async () => {
    const s = await importTraceInWorker(fixtureFile('oom-slab-leak', 'perf.data'), { kallsyms: fixtureFile('oom-slab-leak', 'trace.dat') });
    expect(s.callSites[0]!.callSite).toBe(textTopSite());
    const module = String(fixtureMeta('oom-slab-leak').truth.culprit.module);
    const caller = s.stackCallers.find((c) => c.fn.startsWith(module));
    expect(caller).toMatchObject({ event: 'mm_page_alloc', module });
    // The same count the guest's own (symbolised) perf script shows.
    const fromText = perfText.split('\n\n').filter((rec) => / kmem:mm_page_alloc: /.test(rec) && new RegExp(`\\s${caller!.fn}\\+`).test(rec)).length;
    expect(caller!.count).toBe(fromText);
  });

  it('names core-kernel call sites with --vmlinux', async () => {
    const s = await importTraceInWorker(fixtureFile('oom-slab-leak', 'perf.data'), { vmlinux: vmlinuxPath() });
    expect(s.callSites[0]!.callSite).toBe(textTopSite());
  });

  it('says plainly which package to install when perf is missing', async () => {
    const err = await importTraceInWorker(fixtureFile('oom-user-hog', 'perf.data'), { tools: { perf: path.join(dir, 'no-such-perf') } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'trace-tool-missing', hint: expect.stringContaining('apt-get install linux-perf') });
  });
});

describe('perf stat from the real perf', () => {
  it('turns its output into a counters card with a page-fault rate', async () => {
    const p = path.join(dir, 'stat.txt');
    // perf stat writes its report to stderr.
    execFileSync('sh', ['-c', `perf stat -e page-faults,task-clock -- sleep 0.2 2> ${JSON.stringify(p)}`]);
    const text = readFileSync(p, 'utf8');
    const faults = Number(/^\s*([\d,]+)\s+page-faults/m.exec(text)![1]!.replace(/,/g, ''));
    const elapsed = Number(/([\d.]+) seconds time elapsed/.exec(text)![1]);
    const s = await importTraceInWorker(p);
    const pf = s.perfStat!.counters.find((c) => c.event === 'page-faults')!;
    expect(pf.value).toBe(faults);
    expect(pf.perSecond).toBeCloseTo(faults / elapsed, 3);
    expect(s.perfStat!.target).toBe('sleep 0.2');
  });
});

describe('worker', () => {
  it('stops an import when the signal fires', async () => {
    const ac = new AbortController();
    const p = path.join(dir, 'big.txt');
    const text = readFileSync(fixtureFile('oom-user-hog', 'perf-script.txt'));
    writeFileSync(p, Buffer.concat(Array.from({ length: 8 }, () => text)));
    const started = Date.now();
    const err = await importTraceInWorker(p, {}, { signal: ac.signal, onProgress: () => ac.abort() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('trace.import through the Api host (worker thread, chunk spool)', () => {
  it('imports a trace.dat and serves its chunks', async () => {
    const bus = new EventBus();
    const phases: string[] = [];
    bus.subscribe((event, payload) => {
      if (event === 'trace.progress') phases.push((payload as { phase: string }).phase);
    });
    const trace = createTraceMethods(bus, { spoolRoot: path.join(dir, 'spool') });
    try {
      const { traceId, summary } = await trace.impls['trace.import']({ file: fixtureFile('oom-user-hog', 'trace.dat') });
      expect(phases.at(-1)).toBe('done');
      let n = 0;
      for (let i = 0; i < summary.chunks; i++) n += chunkFromWire(await trace.impls['trace.chunk']({ traceId, index: i })).count;
      expect(n).toBe(summary.events);
    } finally {
      await trace.dispose();
    }
  });
});
