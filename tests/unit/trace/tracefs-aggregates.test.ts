/**
 * Raw tracefs `trace` text (header, latency flags, tgid column, %pS call sites with module) and
 * the reclaim / compaction / oom aggregates, on a hand-written trace whose answers are worked
 * out by hand.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { linkTimeline } from '../../../electron/trace/links.ts';
import { sniffTrace } from '../../../electron/trace/sniff.ts';
import { fixtureFile } from '../../support/fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-tracefs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tracefs = `# tracer: nop
#
# entries-in-buffer/entries-written: 11/11   #P:2
#
#                                _-----=> irqs-off/BH-disabled
#                               / _----=> need-resched
#                              | / _---=> hardirq/softirq
#                              || / _--=> preempt-depth
#                              ||| / _-=> migrate-disable
#                              |||| /     delay
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
         ingestd-179     [001] .....    20.100000: mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP
        cachesrv-162     [000] d..1.    20.100500: mm_vmscan_direct_reclaim_begin: order=2 gfp_flags=GFP_KERNEL
        cachesrv-162     [000] .....    20.101500: mm_vmscan_direct_reclaim_end: nr_reclaimed=5
         ingestd-179     [001] .....    20.150000: mm_vmscan_direct_reclaim_end: nr_reclaimed=32
         kswapd0-40      [000] .....    20.200000: mm_vmscan_kswapd_wake: nid=0 zid=2 order=0
         ingestd-179     [001] .....    20.300000: mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x3fe00 zone_end=0x40000, mode=sync
         ingestd-179     [001] .....    20.310000: mm_compaction_end: zone_start=0x1000 migrate_pfn=0x2000 free_pfn=0x3fe00 zone_end=0x40000, mode=sync status=complete
    kworker/u4:1-29      [001] .....    20.350000: kmalloc: call_site=bufpool_refill+0x46/0x1f0 [bufpool] ptr=000000003a5c1d2e bytes_req=500 bytes_alloc=512 gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false
            bash-1234    (   1234) [000] .....    20.360000: kmalloc: call_site=load_elf_phdrs+0x4d/0xa0 ptr=00000000aa ptr2=1 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL_ACCOUNT node=-1 accounted=true
         ingestd-179     [001] .....    20.400000: mark_victim: pid=179
         ingestd-179     [001] .....    20.500000: mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE
`;

describe('tracefs trace text', () => {
  it('is recognised as tracefs and read with its flags and tgid columns', async () => {
    expect(sniffTrace(Buffer.from(tracefs))).toEqual({ kind: 'text', format: 'tracefs' });
    const p = path.join(dir, 'trace');
    writeFileSync(p, tracefs);
    const s = await importTraceFile(p);
    expect(s.events).toBe(11);
    expect(s.skippedLines).toBe(0);
    expect(s.tasks.find((t) => t.pid === 1234)?.comm).toBe('bash');
    expect(s.byCpu).toEqual({ 0: 4, 1: 7 });
  });

  it('pairs direct-reclaim begin/end per task with latencies, and keeps the unfinished one', async () => {
    const p = path.join(dir, 'trace2');
    writeFileSync(p, tracefs);
    const s = await importTraceFile(p);
    const dr = s.directReclaim;
    expect(dr.count).toBe(2);
    expect(dr.unfinished).toBe(1);
    expect(dr.maxLatency).toBeCloseTo(0.05, 9);
    expect(dr.totalLatency).toBeCloseTo(0.05 + 0.001, 9);
    expect(dr.longest[0]).toMatchObject({ pid: 179, comm: 'ingestd', result: 'nr_reclaimed=32' });
    expect(dr.longest[1]).toMatchObject({ pid: 162, detail: 'order=2 gfp_flags=GFP_KERNEL' });
    expect(s.vmscan).toEqual({ mm_vmscan_direct_reclaim_begin: 3, mm_vmscan_direct_reclaim_end: 2, mm_vmscan_kswapd_wake: 1 });
    expect(s.compaction).toMatchObject({ count: 1, byEvent: { mm_compaction_begin: 1, mm_compaction_end: 1 } });
    expect(s.compaction.maxLatency).toBeCloseTo(0.01, 9);
    expect(s.compaction.longest[0]?.result).toBe('status=complete');
    expect(s.oomEvents).toEqual([{ ts: 20.4, event: 'mark_victim', pid: 179, comm: 'ingestd', args: 'pid=179' }]);
  });

  it('reads %pS call sites with their module and size suffix', async () => {
    const p = path.join(dir, 'trace3');
    writeFileSync(p, tracefs);
    const s = await importTraceFile(p);
    expect(s.callSites.find((c) => c.fn === 'bufpool_refill')).toMatchObject({ callSite: 'bufpool_refill+0x46', module: 'bufpool', bytesReq: 500, bytesAlloc: 512, accounted: 0 });
    expect(s.callSites.find((c) => c.fn === 'load_elf_phdrs')).toMatchObject({ accounted: 1, sizes: { 128: 1 } });
  });
});

describe('format sniffing', () => {
  it('tells the fixture files apart by their first bytes', () => {
    const head = (scenario: 'oom-slab-leak' | 'oom-user-hog', f: string) => readFileSync(fixtureFile(scenario, f)).subarray(0, 64 * 1024);
    expect(sniffTrace(head('oom-slab-leak', 'trace.dat'))).toEqual({ kind: 'trace.dat' });
    expect(sniffTrace(head('oom-user-hog', 'perf.data'))).toEqual({ kind: 'perf.data' });
    expect(sniffTrace(head('oom-slab-leak', 'trace-report.txt'))).toEqual({ kind: 'text', format: 'trace-cmd-report' });
    expect(sniffTrace(head('oom-user-hog', 'perf-script.txt'))).toEqual({ kind: 'text', format: 'perf-script' });
    expect(sniffTrace(head('oom-slab-leak', 'vmcore-dmesg.txt')).kind).toBe('not-a-trace');
    expect(sniffTrace(head('oom-slab-leak', 'vmcore')).kind).toBe('not-a-trace');
  });
});

describe('other trace clocks', () => {
  it('reads integer (TSC / counter clock) timestamps, and the panic link then says the clocks differ', async () => {
    const p = path.join(dir, 'tsc');
    writeFileSync(p, [
      '# tracer: nop',
      '            bash-1234    [001] .....  98765432101234: kmalloc: call_site=load_elf_phdrs+0x4d/0xa0 ptr=00000000aa bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL node=-1 accounted=false',
      '            bash-1234    [001] .....  98765432109999: kmalloc: call_site=load_elf_phdrs+0x4d/0xa0 ptr=00000000ab bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL node=-1 accounted=false',
      '',
    ].join('\n'));
    const s = await importTraceFile(p);
    expect([s.events, s.firstTs, s.lastTs]).toEqual([2, 98765432101234, 98765432109999]);
    const tl = linkTimeline({ firstTs: s.firstTs, lastTs: s.lastTs }, { panicTs: 28.384756 });
    expect(tl.placement).toBe('before-trace');
    expect(tl.warnings[0]).toContain('another trace clock');
  });
});
