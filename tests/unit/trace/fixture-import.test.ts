/**
 * The fixtures' trace texts imported in-process and checked against the ground truth
 * (meta.json truth, guest/facts.env) and against counts taken from the text independently.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import type { TraceEventChunk } from '../../../electron/api/trace-model.ts';
import { fixtureFile, fixtureMeta } from '../../support/fixtures.ts';

const slabReport = fixtureFile('oom-slab-leak', 'trace-report.txt');
const hogReport = fixtureFile('oom-user-hog', 'trace-report.txt');

/** Event lines as anyone would count them: "comm-pid [cpu] ts:". */
function eventLines(text: string): string[] {
  return text.split('\n').filter((l) => /-\d+\s+\[\d{3}\]\s+\d+\.\d+:/.test(l));
}

/** The panic's timestamp in vmcore-dmesg.txt. */
function dmesgPanicTs(scenario: 'oom-slab-leak' | 'oom-user-hog'): number {
  const line = readFileSync(fixtureFile(scenario, 'vmcore-dmesg.txt'), 'utf8').split('\n').find((l) => l.includes('Kernel panic - not syncing'))!;
  return Number(/\[\s*([\d.]+)\]/.exec(line)![1]);
}

describe('trace-cmd report text of oom-slab-leak', () => {
  it('imports every event line with nothing skipped', async () => {
    const text = readFileSync(slabReport, 'utf8');
    const s = await importTraceFile(slabReport);
    expect(s.format).toBe('trace-cmd-report');
    expect(s.events).toBe(eventLines(text).length);
    expect(s.skippedLines).toBe(0);
  });

  it('puts the leaking module code path at the top of the slab call sites', async () => {
    const truth = fixtureMeta('oom-slab-leak').truth;
    const module = String(truth.culprit.module);
    const s = await importTraceFile(slabReport);
    const top = s.callSites[0]!;
    expect(top.fn.startsWith(module)).toBe(true);
    expect(top.event).toBe('kmem_cache_alloc');
    // Every allocation of that call site is one object of the leaking cache's size.
    expect(Object.keys(top.sizes)).toEqual([String(truth.culprit.object_size)]);
    const text = readFileSync(slabReport, 'utf8');
    expect(top.count).toBe(eventLines(text).filter((l) => l.includes(`call_site=${top.callSite} `)).length);
    expect(top.bytesAlloc).toBe(top.count * Number(truth.culprit.object_size));
    // Workqueue workers do it (the module refills from a work item), the OOM invoker among them.
    expect(top.topPids.every((p) => p.comm.startsWith('kworker/'))).toBe(true);
    expect(top.topPids.map((p) => p.pid)).toContain(truth.panic_task.pid);
  });

  it('ends before the panic in vmcore-dmesg.txt, on the same since-boot clock', async () => {
    const s = await importTraceFile(slabReport);
    const panic = dmesgPanicTs('oom-slab-leak');
    expect(s.lastTs!).toBeLessThan(panic);
    expect(s.firstTs!).toBeGreaterThan(0);
    expect(s.lastTs!).toBeLessThan(Number(fixtureMeta('oom-slab-leak').truth.guest_facts!.uptime_at_push));
  });

  it('streams columnar chunks whose rows add up to the events and read back as the text', async () => {
    const chunks: TraceEventChunk[] = [];
    const s = await importTraceFile(slabReport, {}, { onChunk: (c) => { chunks.push(c); } });
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(s.events);
    expect(chunks.length).toBe(s.chunks);
    const first = eventLines(readFileSync(slabReport, 'utf8'))[0]!;
    const c = chunks[0]!;
    const m = /^\s*(.+)-(\d+)\s+\[(\d+)\]\s+([\d.]+): (\w+):\s+(.*)$/.exec(first)!;
    expect(c.comms[c.comm[0]!]).toBe(m[1]);
    expect(c.pid[0]).toBe(Number(m[2]));
    expect(c.cpu[0]).toBe(Number(m[3]));
    expect(c.ts[0]).toBe(Number(m[4]));
    expect(c.events[c.event[0]!]).toBe(m[5]);
    expect(c.args.slice(0, c.argsEnd[0])).toBe(m[6]);
  });

  it('counts page allocations by order like the text does', async () => {
    const lines = eventLines(readFileSync(slabReport, 'utf8')).filter((l) => l.includes(' mm_page_alloc:'));
    const s = await importTraceFile(slabReport);
    expect(s.pageAlloc.total).toBe(lines.length);
    const order0 = lines.filter((l) => l.includes(' order=0 ')).length;
    expect(s.pageAlloc.byOrder['0']).toBe(order0);
  });
});

describe('trace-cmd report text of oom-user-hog', () => {
  it("has the hog's events under its pid and comm", async () => {
    const facts = fixtureMeta('oom-user-hog').truth.guest_facts!;
    const pid = Number(facts.pid_ingestd);
    const s = await importTraceFile(hogReport);
    const task = s.tasks.find((t) => t.pid === pid);
    expect(task?.comm).toBe(facts.culprit_comm);
    const text = readFileSync(hogReport, 'utf8');
    expect(task!.count).toBe(eventLines(text).filter((l) => new RegExp(`^\\s*${facts.culprit_comm}-${pid}\\s`).test(l)).length);
    // It is the biggest page consumer of the trace.
    expect(s.pageAlloc.byTask[0]!.pid).toBe(pid);
    expect(s.lastTs!).toBeLessThan(dmesgPanicTs('oom-user-hog'));
  });
});

describe('perf script text', () => {
  it('reads every sample of oom-slab-leak with its callchain and finds bufpool under the slab page allocations', async () => {
    const file = fixtureFile('oom-slab-leak', 'perf-script.txt');
    const text = readFileSync(file, 'utf8');
    const samples = text.split('\n').filter((l) => /^\S.*\s\d+\s+\[\d{3}\]\s+[\d.]+:/.test(l)).length;
    const s = await importTraceFile(file);
    expect(s.format).toBe('perf-script');
    expect(s.events).toBe(samples);
    expect(s.skippedLines).toBe(0);
    const module = String(fixtureMeta('oom-slab-leak').truth.culprit.module);
    const caller = s.stackCallers.find((c) => c.fn.startsWith(module));
    expect(caller?.event).toBe('mm_page_alloc');
    expect(s.lastTs!).toBeLessThan(dmesgPanicTs('oom-slab-leak'));
  });

  it('reads perf script output recorded without -g (no frames, no blank lines)', async () => {
    const text = readFileSync(fixtureFile('oom-user-hog', 'perf-script.txt'), 'utf8');
    const flat = text.split('\n').filter((l) => l.length > 0 && !l.startsWith('\t')).join('\n') + '\n';
    const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-perf-flat-'));
    try {
      const p = path.join(dir, 'flat.txt');
      writeFileSync(p, flat);
      const s = await importTraceFile(p);
      expect(s.format).toBe('perf-script');
      expect(s.events).toBe(flat.split('\n').filter((l) => l.length > 0).length);
      expect(s.stackCallers).toEqual([]);
      expect(s.skippedLines).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the oom-user-hog samples with the hog as the top task', async () => {
    const facts = fixtureMeta('oom-user-hog').truth.guest_facts!;
    const s = await importTraceFile(fixtureFile('oom-user-hog', 'perf-script.txt'));
    expect(s.tasks[0]).toMatchObject({ pid: Number(facts.pid_ingestd), comm: facts.culprit_comm });
    expect(s.skippedLines).toBe(0);
  });
});
