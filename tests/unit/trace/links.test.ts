/**
 * Links to the dump, fed with rows read from the fixtures' crash transcripts (columns parsed
 * here, in the test, by a few lines of code independent of electron/parse).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceOomEvidence } from '../../../electron/trace/evidence.ts';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { kmallocCacheName, linkCallSitesToCaches, linkTasks, linkTimeline, panicTimeFromLog, uptimeSecondsFromSys } from '../../../electron/trace/links.ts';
import type { DumpSlabCache, DumpTask } from '../../../electron/api/trace-links.ts';
import { fixtureFile, fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';

function psRows(scenario: Scenario): DumpTask[] {
  return transcript(scenario, 'ps').split('\n').slice(1).flatMap((l) => {
    const f = l.replace(/^>/, ' ').trim().split(/\s+/);
    if (f.length < 9 || !/^\d+$/.test(f[0]!)) return [];
    return [{ pid: Number(f[0]), comm: f.slice(8).join(' ') }];
  });
}

function slabRows(scenario: Scenario): DumpSlabCache[] {
  return transcript(scenario, 'kmem -s').split('\n').slice(1).flatMap((l) => {
    const f = l.trim().split(/\s+/);
    if (f.length < 7 || !/^[0-9a-f]{16}$/.test(f[0]!)) return [];
    return [{ name: f[6]!, objsize: Number(f[1]), allocated: Number(f[2]), total: Number(f[3]), ssize: f[5]! }];
  });
}

const dmesgPanic = (scenario: Scenario): number => {
  const l = readFileSync(fixtureFile(scenario, 'vmcore-dmesg.txt'), 'utf8').split('\n').find((x) => x.includes('Kernel panic - not syncing'))!;
  return Number(/\[\s*([\d.]+)\]/.exec(l)![1]);
};

const slab = await importTraceFile(fixtureFile('oom-slab-leak', 'trace-report.txt'));
const hog = await importTraceFile(fixtureFile('oom-user-hog', 'trace-report.txt'));

describe('tasks: trace pid/comm <-> ps rows', () => {
  it("opens the hog's task from its events and its events from the task (same boot)", () => {
    const pid = Number(fixtureMeta('oom-user-hog').truth.guest_facts!.pid_ingestd);
    const r = linkTasks(hog.tasks, psRows('oom-user-hog'));
    expect(r.verdict).toBe('consistent');
    expect(r.warning).toBeNull();
    const link = r.links.find((l) => l.pid === pid)!;
    expect(link).toMatchObject({ match: 'same', traceComm: 'ingestd', dumpComm: 'ingestd' });
    expect(r.byDumpPid[String(pid)]?.events).toBe(hog.tasks.find((t) => t.pid === pid)!.count);
    // Tracing tools that exited before the dump are simply absent.
    expect(r.links.filter((l) => l.match === 'absent').map((l) => l.traceComm)).toEqual(expect.arrayContaining(['perf']));
  });

  it('links the slab trace through its kernel threads only, and says that is weak evidence', () => {
    const truth = fixtureMeta('oom-slab-leak').truth;
    const r = linkTasks(slab.tasks, psRows('oom-slab-leak'));
    expect(r.verdict).toBe('weak');
    expect(r.byDumpPid[String(truth.panic_task.pid)]?.traceComm).toBe(truth.panic_task.comm);
    expect(r.mismatched).toBe(0);
  });

  it('does not call a trace from another boot consistent', () => {
    // The hog's trace against the slab-leak dump: only kernel-thread pids coincide.
    const r = linkTasks(hog.tasks, psRows('oom-slab-leak'));
    expect(r.verdict).not.toBe('consistent');
    expect(r.warning).toContain('ingestd (pid 179');
  });

  it('warns that the trace cannot be from the same boot when shared pids name other tasks', () => {
    // Same pids, different programs: what another boot looks like.
    const dump = psRows('oom-user-hog').map((t) => (t.comm.startsWith('[') ? t : { ...t, comm: `other-${t.pid}` }));
    const r = linkTasks(hog.tasks, dump);
    expect(r.verdict).toBe('different-boot');
    expect(r.warning).toMatch(/cannot be from the same boot/);
    expect(linkTasks(hog.tasks, [{ pid: 99999, comm: 'x' }]).verdict).toBe('different-boot');
  });

  it('matches comms cut by tools and kworker suffixes, not different names', async () => {
    const perf = await importTraceFile(fixtureFile('oom-slab-leak', 'perf-script.txt'));
    const r = linkTasks(perf.tasks, psRows('oom-slab-leak'));
    // perf prints "kworker/u4:1-ev" for ps's "[kworker/u4:1]".
    expect(r.links.find((l) => l.pid === 29)).toMatchObject({ match: 'same', traceComm: 'kworker/u4:1-ev' });
    expect(r.mismatched).toBe(0);
  });
});

describe('call sites <-> kmem -s caches', () => {
  const caches = slabRows('oom-slab-leak');

  it("links the leaking call site to the module's cache with the dump's counts", () => {
    const truth = fixtureMeta('oom-slab-leak').truth;
    const culprit = truth.culprit as { cache: string; crash_kmem_s: { allocated: number; total: number } };
    const links = linkCallSitesToCaches(slab.callSites, caches);
    const top = links[0]!;
    expect(top.cache).toBe(culprit.cache);
    expect(top.how).toBe('size-and-symbol');
    expect(top.dumpCache).toMatchObject({ allocated: culprit.crash_kmem_s.allocated, total: culprit.crash_kmem_s.total });
  });

  it('maps kmalloc sizes to kmalloc-N classes, accounted ones to kmalloc-cg-N', () => {
    const links = linkCallSitesToCaches(slab.callSites, caches);
    const bprm = links.find((l) => l.fn === 'alloc_bprm')!; // bytes_alloc=512, accounted=false
    expect(bprm).toMatchObject({ cache: 'kmalloc-512', how: 'kmalloc-size-class' });
    expect(bprm.dumpCache?.objsize).toBe(512);
    const creds = links.find((l) => l.fn === 'security_prepare_creds')!; // 16 bytes, GFP_KERNEL_ACCOUNT
    expect(creds.cache).toBe('kmalloc-cg-16');
    expect(caches.some((c) => c.name === creds.cache)).toBe(true);
    expect([kmallocCacheName(96), kmallocCacheName(100), kmallocCacheName(1500), kmallocCacheName(9000)]).toEqual(['kmalloc-96', 'kmalloc-128', 'kmalloc-2k', null]);
    expect(kmallocCacheName(200, 'rcl')).toBe('kmalloc-rcl-256');
    expect(kmallocCacheName(64, 'dma')).toBe('dma-kmalloc-64');
  });

  it('says ambiguous rather than guessing between same-size caches', () => {
    const links = linkCallSitesToCaches(slab.callSites, caches);
    const dalloc = links.find((l) => l.fn === '__d_alloc')!;
    if (dalloc.cache === null) {
      expect(dalloc.how).toBe('ambiguous');
      expect(dalloc.candidates).toContain('dentry');
    } else expect(dalloc.cache).toBe('dentry');
  });
});

describe('timestamps <-> uptime at panic', () => {
  it('places the panic after the trace and measures the gap', () => {
    const panic = dmesgPanic('oom-slab-leak');
    const tl = linkTimeline({ firstTs: slab.firstTs, lastTs: slab.lastTs }, { panicTs: panicTimeFromLog(transcript('oom-slab-leak', 'log')) });
    expect(tl.panicTs).toBe(panic);
    expect(tl.placement).toBe('after-trace');
    expect(tl.gapSeconds).toBeCloseTo(panic - slab.lastTs!, 9);
    expect(tl.warnings).toEqual([]);
  });

  it('falls back to sys uptime (whole seconds) when the log has no panic line', () => {
    const uptime = /UPTIME:\s*(\S+)/.exec(transcript('oom-user-hog', 'sys'))![1]!;
    const secs = uptimeSecondsFromSys(uptime)!;
    expect(Math.abs(secs - dmesgPanic('oom-user-hog'))).toBeLessThan(1.5);
    const tl = linkTimeline({ firstTs: hog.firstTs, lastTs: hog.lastTs }, { uptimeSeconds: secs });
    expect(tl).toMatchObject({ source: 'uptime', precision: 1, placement: 'after-trace' });
    expect(uptimeSecondsFromSys('2 days, 01:02:03')).toBe(2 * 86400 + 3723);
  });

  it('warns when the trace runs past the panic or lies after it', () => {
    const inside = linkTimeline({ firstTs: 5, lastTs: 40 }, { panicTs: 28.38 });
    expect(inside.placement).toBe('inside-trace');
    expect(inside.warnings[0]).toMatch(/cannot be from this boot/);
    const after = linkTimeline({ firstTs: 1000, lastTs: 1010 }, { panicTs: 28.38 });
    expect(after.placement).toBe('before-trace');
    expect(after.warnings[0]).toMatch(/another trace clock/);
  });
});

describe('OOM evidence', () => {
  it('tells the slab story with the call site, count and time before the OOM', () => {
    const truth = fixtureMeta('oom-slab-leak').truth;
    const cacheLinks = linkCallSitesToCaches(slab.callSites, slabRows('oom-slab-leak'));
    const panicTs = dmesgPanic('oom-slab-leak');
    const timeline = linkTimeline({ firstTs: slab.firstTs, lastTs: slab.lastTs }, { panicTs });
    const ev = traceOomEvidence(slab, { culprit: { cache: String(truth.culprit.cache) }, cacheLinks, timeline });
    const site = ev.find((e) => e.id === 'slab-call-site')!;
    const top = slab.callSites[0]!;
    expect(site.severity).toBe('warning');
    expect(site.text).toContain(`${top.fn} called kmem_cache_alloc ${top.count.toLocaleString('en-US')} times`);
    expect(site.text).toContain(`in the last ${(panicTs - top.firstTs).toFixed(1)} s before the OOM`);
    expect(site.text).toContain(String(truth.culprit.cache));
    expect(ev.find((e) => e.id === 'timeline')?.text).toContain(`ends ${(panicTs - slab.lastTs!).toFixed(1)} s before the panic`);
  });

  it("names the hog's page allocations", () => {
    const pid = Number(fixtureMeta('oom-user-hog').truth.guest_facts!.pid_ingestd);
    const ev = traceOomEvidence(hog, { culprit: { pid }, panicTs: dmesgPanic('oom-user-hog') });
    const pages = ev.find((e) => e.id === 'task-page-alloc')!;
    expect(pages.severity).toBe('warning');
    expect(pages.data.pid).toBe(pid);
    expect(pages.text).toMatch(/^ingestd \(pid 179\) allocated [\d,]+ pages/);
  });
});
