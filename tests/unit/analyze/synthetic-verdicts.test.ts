/**
 * OOM verdicts for the culprit kinds the fixtures do not show, from hand-built Linux 6.1 OOM
 * reports (format: see synthetic-oom.ts) parsed by the real log parser. Each case states what
 * it models; expectations come from the kernel semantics of the case, not from the engine.
 */
import { describe, expect, it } from 'vitest';
import { triage, type Gathered } from '../../../electron/analyze/triage.ts';
import { parseKmemInfo } from '../../../electron/parse/kmem-info.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { buildOomLog, x86Zones, type SynthReport } from './synthetic-oom.ts';

/** An 8 GB x86_64 machine: 15 MB DMA + ~2.9 GB DMA32 + 4.8 GB Normal managed. */
const NORMAL_KB = 5_000_000;
const MANAGED_PAGES = (15360 + 3_000_000 + NORMAL_KB) / 4;
const RESERVED = 60_000;
const machine = { ramPages: MANAGED_PAGES + RESERVED, reservedPages: RESERVED };
/** Usable zones at their min watermark (a plain exhaustion). */
const exhausted = x86Zones({ dmaFree: 3000, dma32Free: 2400, normalFree: 5800, normalKb: NORMAL_KB });
const exhaustedFree = (3000 + 2400 + 5800) / 4;

const fromLog = (r: SynthReport, extra: Partial<Gathered> = {}) => triage({ log: parseLog(buildOomLog(r)).model, logOnly: true, ...extra });

const userTasks = [
  { pid: 812, rss: 60_000, comm: 'postgres' },
  { pid: 901, rss: 20_000, comm: 'nginx' },
  { pid: 933, rss: 15_000, comm: 'node' },
];

describe('synthetic OOM reports (Linux 6.1 format)', () => {
  it('memcg: a cgroup at its limit is the culprit, whatever the rest of the machine does', () => {
    // Models a systemd service with MemoryMax=512M on 6.1 (cgroup v2): try_charge_memcg() fails,
    // dump_header() prints the memcg's usage/limit and memory.stat instead of Mem-Info, only the
    // cgroup's tasks, CONSTRAINT_MEMCG, and "Memory cgroup out of memory: Killed process".
    const path = '/system.slice/ingest.service';
    const r = fromLog({
      comm: 'worker', pid: 2201, gfp: '0xcc0(GFP_KERNEL)', order: 0,
      mem: {}, kernelStackKb: 0, zones: [], ramPages: machine.ramPages, reservedPages: RESERVED,
      memcg: { path, usageKb: 524288, limitKb: 524288, failcnt: 1873, stats: { anon: 529_000_000, file: 2_000_000, kernel: 5_000_000, shmem: 0, slab_unreclaimable: 1_500_000 } },
      tasks: [{ pid: 2199, rss: 3000, comm: 'ingest' }, { pid: 2201, rss: 127_000, comm: 'worker' }],
      trace: ['mem_cgroup_out_of_memory+0x134/0x150', 'try_charge_memcg+0x6d7/0x790', 'charge_memcg+0x40/0xa0', '__mem_cgroup_charge+0x2c/0x80', 'do_anonymous_page+0x122/0x3a0', '__handle_mm_fault+0x660/0xfa0', 'handle_mm_fault+0xdb/0x2d0', 'do_user_addr_fault+0x191/0x560', 'exc_page_fault+0x70/0x170', 'asm_exc_page_fault+0x22/0x30'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_MEMCG', memcg: path, victim: { pid: 2201, comm: 'worker', anonKb: 507_000, fileKb: 1000, shmemKb: 0 } },
    });
    expect(r.panic.kind).toBe('other'); // the machine did not panic: an OOM kill in a cgroup is not a panic
    expect(r.oom?.constraint).toBe('CONSTRAINT_MEMCG');
    expect(r.oom?.culprit.kind).toBe('memcg');
    expect(r.oom?.culprit.cgroup).toBe(path);
    expect(r.oom?.victim).toMatchObject({ pid: 2201, comm: 'worker', killed: true, rssKb: 508_000 });
    // The verdict names path, usage and limit (524288 kB = 512 MiB each) and holds the usage in bytes.
    expect(r.oom?.culprit.name).toContain(path);
    expect(r.oom?.culprit.name).toMatch(/usage 512(\.0)? MiB/);
    expect(r.oom?.culprit.name).toMatch(/limit 512(\.0)? MiB/);
    expect(r.oom?.culprit.bytes).toBe(524288 * 1024);
    // Usage at the limit with failcnt > 0 is the textbook memcg OOM; a memcg OOM never prints
    // Mem-Info or zones, so their absence must not cost confidence.
    expect(r.oom?.confidence).toBe('high');
    expect(r.oom?.evidence.some((e) => e.command === 'log' && /524288/.test(e.detail) && /limit/.test(e.detail))).toBe(true);
    expect(r.oom?.explanation).not.toMatch(/Not available/);
  });

  it('memcg: usage printed well below the limit is a conflict, not a confident verdict', () => {
    // Models a report whose cgroup usage (300 MB) is far from its 512 MB limit: try_charge_memcg()
    // invokes the OOM killer only after reclaim failed to bring usage under the limit, so the
    // printed numbers disagree with the constraint and the verdict must say so.
    const path = '/system.slice/batch.service';
    const r = fromLog({
      comm: 'batch', pid: 3300, gfp: '0xcc0(GFP_KERNEL)', order: 0,
      mem: {}, kernelStackKb: 0, zones: [], ...machine,
      memcg: { path, usageKb: 307_200, limitKb: 524_288, failcnt: 4, stats: { anon: 300_000_000, file: 10_000_000 } },
      tasks: [{ pid: 3300, rss: 73_000, comm: 'batch' }],
      trace: ['mem_cgroup_out_of_memory+0x134/0x150', 'try_charge_memcg+0x6d7/0x790'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_MEMCG', memcg: path, victim: { pid: 3300, comm: 'batch', anonKb: 290_000, fileKb: 2000, shmemKb: 0 } },
    });
    expect(r.oom?.culprit.kind).toBe('memcg');
    expect(r.oom?.culprit.cgroup).toBe(path);
    expect(r.oom?.confidence).not.toBe('high');
    expect(r.oom?.explanation).toMatch(/below its limit/);
  });

  it('shmem: tmpfs files nobody maps fill memory; killing a process does not free them', () => {
    // Models /dev/shm (tmpfs) filled with 6 GB of files by a job that exited, on 6.1 without swap:
    // shmem pages sit on the anon LRU (inactive_anon includes them) but "mapped" is tiny, so they
    // belong to no process. The OOM killer still kills the largest process (postgres).
    const shmem = 1_600_000;
    const userAnon = 95_000;
    const r = fromLog({
      comm: 'cp', pid: 4100, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
      mem: { active_anon: 2000, inactive_anon: shmem + userAnon - 2000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 40_000, slab_unreclaimable: 30_000, mapped: 2000, shmem, pagetables: 3000, free: exhaustedFree },
      kernelStackKb: 12_000, zones: exhausted, ...machine,
      tasks: userTasks,
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330', 'folio_alloc+0x17/0x50', 'shmem_alloc_folio+0x5b/0x70', 'shmem_alloc_and_acct_folio+0x7b/0x170', 'shmem_get_folio_gfp+0x1f5/0x790', 'shmem_write_begin+0x5f/0xd0', 'generic_perform_write+0xf3/0x1f0', '__generic_file_write_iter+0xe2/0x170', 'generic_file_write_iter+0x5e/0xd0', 'vfs_write+0x231/0x3f0', 'ksys_write+0x6b/0xf0', 'do_syscall_64+0x5d/0x90', 'entry_SYSCALL_64_after_hwframe+0x6e/0xd8'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    });
    expect(r.oom?.culprit.kind).toBe('shmem');
    // at least shmem - mapped pages are unmapped
    expect(r.oom?.culprit.bytes).toBeGreaterThanOrEqual((shmem - 2000) * 4096);
    expect(r.oom?.victim).toMatchObject({ pid: 812, killed: true });
    expect(r.oom?.confidence).toBe('high');
  });

  it('fragmentation: order-3 request with plenty free but nothing above order 2', () => {
    // Models an order-3 GFP_KERNEL|__GFP_COMP allocation (a 32 kB skb head) on a 6.1 box whose free
    // memory (160 MB in DMA32 + Normal, far above min + lowmem_reserve) is all in order 0-2 blocks;
    // compaction failed, so __alloc_pages_may_oom() ran the OOM killer although memory was "free".
    const dma32Blocks = [5000, 1000, 750, 0, 0, 0, 0, 0, 0, 0, 0]; // 40000 kB
    const normalBlocks = [12000, 5000, 2000, 0, 0, 0, 0, 0, 0, 0, 0]; // 120000 kB
    const zones = x86Zones({ dmaFree: 3000, dma32Free: 40_000, normalFree: 120_000, normalKb: NORMAL_KB, dma32Blocks, normalBlocks });
    const r = fromLog({
      comm: 'kworker/3:1H', pid: 377, gfp: '0x40cc0(GFP_KERNEL|__GFP_COMP)', order: 3,
      mem: { active_anon: 100_000, inactive_anon: 300_000, active_file: 500_000, inactive_file: 700_000, slab_reclaimable: 90_000, slab_unreclaimable: 60_000, mapped: 50_000, shmem: 1000, pagetables: 8000, free: (3000 + 40_000 + 120_000) / 4 },
      kernelStackKb: 14_000, zones, ...machine,
      tasks: [{ pid: 1500, rss: 300_000, comm: 'java' }, ...userTasks],
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330', '__kmalloc_large_node+0x79/0x150', '__kmalloc_node_track_caller+0x10c/0x150', 'kmalloc_reserve+0x2e/0xb0', '__alloc_skb+0x81/0x150', 'process_one_work+0x1c7/0x380', 'worker_thread+0x4d/0x380', 'kthread+0xda/0x100', 'ret_from_fork+0x22/0x30'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 1500, comm: 'java', anonKb: 1_196_000, fileKb: 4000, shmemKb: 0 } },
    });
    expect(r.oom?.culprit.kind).toBe('fragmentation');
    expect(r.oom?.culprit.name).toMatch(/order 3/);
    // free memory locked in small blocks: DMA32 + Normal (DMA is kept back by lowmem_reserve anyway)
    expect(r.oom?.culprit.bytes).toBe((40_000 + 120_000) * 1024);
    expect(r.oom?.zones.find((z) => z.zone === 'DMA')?.aboveMin).toBe(false);
    const normal = r.oom?.zones.find((z) => z.zone === 'Normal');
    expect(normal).toMatchObject({ usable: true, aboveMin: true, hasOrder: false, largestFreeOrder: 2 });
  });

  it('free only where the gfp mask cannot go: named per zone, and not called fragmentation', () => {
    // Models a GFP_DMA32 allocation (a 32-bit DMA buffer, 0xcc4 = GFP_KERNEL|__GFP_DMA32) on 6.1:
    // DMA32 is at its min watermark while Normal has 1.5 GB free that this request may not use.
    const zones = x86Zones({ dmaFree: 3000, dma32Free: 2400, normalFree: 1_500_000, normalKb: NORMAL_KB });
    const r = fromLog({
      comm: 'modprobe', pid: 2002, gfp: '0xcc4(GFP_KERNEL|GFP_DMA32)', order: 0,
      mem: { active_anon: 300_000, inactive_anon: 700_000, active_file: 100_000, inactive_file: 100_000, slab_reclaimable: 60_000, slab_unreclaimable: 50_000, mapped: 20_000, shmem: 1000, pagetables: 6000, free: (3000 + 2400 + 1_500_000) / 4 },
      kernelStackKb: 12_000, zones, ...machine, tasks: userTasks,
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330', 'dma_direct_alloc+0x1a5/0x2e0'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    });
    // Unusable-by-zone is not fragmentation: the culprit is what filled the zones the request may
    // use (user memory here); the 1.5 GB in Normal is named as out of this request's reach.
    expect(r.oom?.culprit.kind).not.toBe('fragmentation');
    expect(r.oom?.culprit.kind).toBe('user-anon');
    expect(r.oom?.zones.find((z) => z.zone === 'Normal')?.usable).toBe(false);
    const normal = r.oom?.freeByZone?.zones.find((z) => z.zone === 'Normal');
    expect(normal).toMatchObject({ usable: false, unusableKb: 1_500_000, cause: 'gfp-zone' });
    expect(normal?.reason).toMatch(/GFP_KERNEL\|GFP_DMA32 may use zones up to DMA32/);
    expect(r.oom?.freeByZone?.unusableKb).toBe(1_500_000);
    expect(r.oom?.explanation).toMatch(/1\.4 GiB were free in zone Normal, which GFP_KERNEL\|GFP_DMA32 allocations cannot use; the zones it may use \(DMA, DMA32\) had 5\.3 MiB free, at their min watermark/);
    expect(r.oom?.memory.find((b) => b.key === 'freeUnusable')?.label).toBe('free, not usable by this request (zone Normal)');
  });

  it('CMA: free pages in CMA pageblocks are out of reach of a non-movable request', () => {
    // Models a 6.1 box booted with cma=480M: Normal shows 500 MB free, 495 MB of it in CMA
    // pageblocks that only movable allocations may take; __zone_watermark_ok() leaves them out for
    // a GFP_KERNEL request, so Normal is below its watermark for it although "free" looks ample.
    const zones = x86Zones({ dmaFree: 3000, dma32Free: 2400, normalFree: 500_000, normalKb: NORMAL_KB });
    const normalZone = zones.find((z) => z.name === 'Normal');
    if (normalZone) normalZone.cmaKb = 495_000;
    const r = fromLog({
      comm: 'kworker/0:2', pid: 88, gfp: '0xcc0(GFP_KERNEL)', order: 0,
      mem: { active_anon: 300_000, inactive_anon: 1_100_000, active_file: 20_000, inactive_file: 20_000, slab_reclaimable: 30_000, slab_unreclaimable: 40_000, mapped: 10_000, shmem: 1000, pagetables: 6000, free: (3000 + 2400 + 500_000) / 4 },
      kernelStackKb: 12_000, zones, ...machine, tasks: [{ pid: 812, rss: 1_350_000, comm: 'postgres' }, ...userTasks.slice(1)],
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330', 'alloc_pages+0x90/0x1a0'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 5_400_000, fileKb: 0, shmemKb: 0 } },
    });
    expect(r.oom?.culprit.kind).toBe('user-anon');
    expect(r.oom?.zones.find((z) => z.zone === 'Normal')).toMatchObject({ usable: true, aboveMin: false });
    const normal = r.oom?.freeByZone?.zones.find((z) => z.zone === 'Normal');
    expect(normal).toMatchObject({ usable: true, unusableKb: 495_000, cause: 'cma' });
    expect(r.oom?.explanation).toMatch(/were free in CMA pageblocks of zone Normal, which GFP_KERNEL allocations cannot use/);
    // The watermark test ran on the reachable pages: no "memory was freed after the failure" conflict.
    expect(r.oom?.conflicts.join(' ')).not.toMatch(/high watermark/);
  });

  it('pagecache: dirty and writeback file pages a GFP_NOFS allocation cannot reclaim', () => {
    // Models writeback to a stalled device on 6.1: 3.8 GB of dirty/writeback page cache, and an ext4
    // allocation under GFP_NOFS (0xc40) that may not enter the filesystem to clean pages itself.
    const r = fromLog({
      comm: 'kworker/u8:2', pid: 310, gfp: '0xc40(GFP_NOFS)', order: 0,
      mem: { active_anon: 50_000, inactive_anon: 200_000, active_file: 600_000, inactive_file: 900_000, dirty: 700_000, writeback: 300_000, slab_reclaimable: 50_000, slab_unreclaimable: 30_000, mapped: 20_000, shmem: 1000, pagetables: 3000, free: exhaustedFree },
      kernelStackKb: 12_000, zones: exhausted, ...machine, tasks: userTasks,
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330', 'folio_alloc+0x17/0x50', '__filemap_get_folio+0x155/0x340', 'ext4_write_begin+0x12a/0x590 [ext4]'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    });
    expect(r.oom?.culprit.kind).toBe('pagecache');
    expect(r.oom?.culprit.name).toMatch(/dirty/);
    expect(r.oom?.explanation).toMatch(/__GFP_FS/);
  });

  it('hugetlb: a reserved huge page pool that nobody uses', () => {
    // Models vm.nr_hugepages=3500 (2 MB pages, 6.8 GB) set for a database that is not running, on 6.1:
    // the pool is taken from buddy memory and never reclaimed, so the rest of the system starves.
    // The dump's `kmem -i` (crash 8.0.6 format) carries the pool size.
    const hugePages = 3500 * 512;
    const rep: SynthReport = {
      comm: 'node', pid: 933, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
      mem: { active_anon: 20_000, inactive_anon: 80_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 20_000, slab_unreclaimable: 20_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
      kernelStackKb: 12_000, zones: exhausted, ...machine, tasks: userTasks,
      hugepages: [{ total: 0, free: 0, sizeKb: 1048576 }, { total: 3500, free: 3000, sizeKb: 2048 }],
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    };
    const kmemI = [
      '                 PAGES        TOTAL      PERCENTAGE',
      `    TOTAL MEM  ${MANAGED_PAGES}       7.6 GB         ----`,
      `         FREE     ${exhaustedFree}        11 MB    0% of TOTAL MEM`,
      `         USED  ${MANAGED_PAGES - exhaustedFree}       7.6 GB   99% of TOTAL MEM`,
      '       SHARED      500         2 MB    0% of TOTAL MEM',
      '      BUFFERS      100       400 KB    0% of TOTAL MEM',
      '       CACHED    20000      78.1 MB    0% of TOTAL MEM',
      '         SLAB    40000     156.2 MB    1% of TOTAL MEM',
      '',
      `   TOTAL HUGE  ${hugePages}       6.8 GB         ----`,
      `    HUGE FREE  ${3000 * 512}       5.9 GB   85% of TOTAL HUGE`,
      '',
      '   TOTAL SWAP        0            0         ----',
      '    SWAP USED        0            0    0% of TOTAL SWAP',
      '    SWAP FREE        0            0    0% of TOTAL SWAP',
      '',
      ' COMMIT LIMIT   105920     413.8 MB         ----',
      '    COMMITTED    90000     351.6 MB   84% of TOTAL LIMIT',
      '',
    ].join('\n');
    const r = triage({ log: parseLog(buildOomLog(rep)).model, kmemI: parseKmemInfo(kmemI).model });
    expect(r.oom?.culprit.kind).toBe('hugetlb');
    expect(r.oom?.explanation).toMatch(/unused/);
    // 6.8 GB of 7.6 GB: the pool dominates by a wide margin
    expect(r.oom?.culprit.bytes).toBeGreaterThan(6.5 * 1024 ** 3);

    // The log alone says the same: show_mem's hugepages_total x hugepages_size lines carry the pool.
    const logOnly = fromLog(rep);
    expect(logOnly.oom?.culprit.kind).toBe('hugetlb');
    expect(logOnly.oom?.culprit.bytes).toBe(3500 * 2048 * 1024);
    expect(logOnly.oom?.evidence.some((e) => e.command === 'log' && /hugepages/.test(e.row) && /3500/.test(e.detail))).toBe(true);
  });

  it('hugetlb from the log alone: 1 GB gigantic pages on two nodes', () => {
    // Models 3 gigantic 1 GB pages allocated at run time on each node of a 2-node 8 GB machine (6.1,
    // nodeN/hugepages/hugepages-1048576kB/nr_hugepages=3: taken from buddy memory, so inside totalram),
    // all unused. hugetlb_show_meminfo_node() prints one line per node and size.
    const rep: SynthReport = {
      comm: 'nginx', pid: 901, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
      mem: { active_anon: 30_000, inactive_anon: 70_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 15_000, slab_unreclaimable: 15_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
      kernelStackKb: 12_000, zones: exhausted, ...machine, tasks: userTasks,
      hugepages: [{ node: 0, total: 3, free: 3, sizeKb: 1048576 }, { node: 0, total: 0, free: 0, sizeKb: 2048 }, { node: 1, total: 3, free: 3, sizeKb: 1048576 }, { node: 1, total: 0, free: 0, sizeKb: 2048 }],
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    };
    const r = fromLog(rep);
    expect(r.oom?.culprit.kind).toBe('hugetlb');
    expect(r.oom?.culprit.bytes).toBe(6 * 1024 ** 3);
    expect(r.oom?.explanation).toMatch(/unused/);
    // both nodes' pools are named in the evidence
    const hugeEv = r.oom?.evidence.filter((e) => /hugepages/.test(e.row)) ?? [];
    expect(hugeEv.map((e) => /node (\d)/.exec(e.detail)?.[1]).sort()).toEqual(['0', '1']);
  });
});

describe('would-be victim under panic_on_oom (oom_badness)', () => {
  // Models vm.panic_on_oom=1 on 6.1: the report's Tasks table is printed, then the panic; no kill.
  // totalpages = totalram (MANAGED_PAGES, no swap); adj is scaled by floor(totalpages / 1000).
  const tasks = [
    { pid: 700, rss: 900_000, adj: -1000, comm: 'bigdb' },
    { pid: 710, rss: 300_000, adj: 0, comm: 'worker' },
    { pid: 720, rss: 100_000, adj: 300, comm: 'batch' },
    { pid: 730, rss: 50_000, adj: -500, comm: 'agent' },
  ];
  const report: SynthReport = {
    comm: 'worker', pid: 710, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
    mem: { active_anon: 300_000, inactive_anon: 1_050_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 40_000, slab_unreclaimable: 30_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
    kernelStackKb: 12_000, zones: exhausted, ...machine, tasks,
    trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
    end: { kind: 'panic', mode: 'system-wide' },
  };

  it('oom_score_adj turns a smaller task into the victim and -1000 is never chosen', () => {
    const r = fromLog(report);
    const unit = Math.floor(MANAGED_PAGES / 1000);
    const pgt = 65536 / 4096; // the builder's pgtables_bytes per task
    // worker: 300000 + 16 = 300016; batch: 100000 + 16 + 300 * unit = 700916 (unit 2003)
    expect(unit).toBe(2003);
    expect(r.oom?.victim).toMatchObject({ pid: 720, comm: 'batch', killed: false, points: 100_000 + pgt + 300 * unit });
    expect(r.oom?.ranking.find((t) => t.pid === 700)).toMatchObject({ eligible: false, points: null });
    expect(r.oom?.explanation).toMatch(/oom_score_adj changed the choice/);
    // the culprit is still who holds the memory, not who would be killed
    expect(r.oom?.culprit.kind).toBe('user-anon');
    expect(r.oom?.culprit.pid).toBe(700);
  });

  it('with every task at -1000 nobody would be killed', () => {
    const r = fromLog({ ...report, tasks: tasks.map((t) => ({ ...t, adj: -1000 })) });
    expect(r.oom?.victim).toBeNull();
    expect(r.oom?.explanation).toMatch(/nothing to kill/);
  });
});

describe('conflicting evidence', () => {
  it('anonymous memory the task table cannot explain lowers confidence and says so', () => {
    // Models a 6.1 report where 5.7 GB sit on the anon LRU but the listed processes hold only
    // 370 MB RSS (e.g. anon pages pinned by a driver or left by processes not in the table):
    // user-anon is the biggest bucket, but the evidence does not add up.
    const r = fromLog({
      comm: 'node', pid: 933, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
      mem: { active_anon: 500_000, inactive_anon: 1_000_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 40_000, slab_unreclaimable: 30_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
      kernelStackKb: 12_000, zones: exhausted, ...machine, tasks: userTasks,
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    });
    expect(r.oom?.culprit.kind).toBe('user-anon');
    expect(r.oom?.confidence).not.toBe('high');
    expect(r.oom?.conflicts.length).toBeGreaterThan(0);
    expect(r.oom?.explanation).toMatch(/Evidence conflicts/);
  });

  it('a killed victim that oom_badness would not pick is reported as a conflict', () => {
    // Models vm.oom_kill_allocating_task=1 on 6.1: the kernel kills the allocating task (nginx),
    // not the task with the highest badness (postgres).
    const r = fromLog({
      comm: 'nginx', pid: 901, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
      mem: { active_anon: 20_000, inactive_anon: 80_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 20_000, slab_unreclaimable: 1_700_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
      kernelStackKb: 12_000, zones: exhausted, ...machine, tasks: userTasks,
      slab: [{ name: 'kmalloc-4k', usedKb: 6_500_000, totalKb: 6_600_000 }, { name: 'dentry', usedKb: 2000, totalKb: 2100 }],
      trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 901, comm: 'nginx', anonKb: 78_000, fileKb: 2000, shmemKb: 0 } },
    });
    expect(r.oom?.culprit).toMatchObject({ kind: 'slab', name: 'kmalloc-4k' });
    expect(r.oom?.culprit.module).toBeUndefined(); // a generic kmalloc cache names no owner
    expect(r.oom?.victim).toMatchObject({ pid: 901, killed: true });
    expect(r.oom?.conflicts.some((c) => /postgres/.test(c))).toBe(true);
    expect(r.oom?.confidence).not.toBe('high');
  });
});

describe('more culprit shapes', () => {
  const base = (over: Partial<SynthReport>): SynthReport => ({
    comm: 'php-fpm', pid: 3001, gfp: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)', order: 0,
    mem: { active_anon: 400_000, inactive_anon: 1_300_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 40_000, slab_unreclaimable: 30_000, mapped: 2000, shmem: 500, pagetables: 9000, free: exhaustedFree },
    kernelStackKb: 20_000, zones: exhausted, ...machine, tasks: userTasks,
    trace: ['__alloc_pages_slowpath.constprop.0+0x67f/0xe70', '__alloc_pages+0x305/0x330'],
    end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 3001, comm: 'php-fpm', anonKb: 140_000, fileKb: 2000, shmemKb: 0 } },
    ...over,
  });

  it('user-anon process group: forty workers of one program, none of them large', () => {
    // Models a PHP-FPM pool on 6.1 whose 40 workers each grew to ~160 MB: no single process
    // dominates, the group does.
    const workers = Array.from({ length: 40 }, (_, i) => ({ pid: 3000 + i, rss: 40_000 + (i % 3) * 500, comm: 'php-fpm' }));
    const r = fromLog(base({ tasks: [...userTasks, ...workers] }));
    expect(r.oom?.culprit.kind).toBe('user-anon');
    expect(r.oom?.culprit.name).toBe('php-fpm (40 processes)');
    expect(r.oom?.culprit.pid).toBeUndefined();
  });

  it('kernel-other: memory no counter accounts for (a vmalloc or alloc_pages leak)', () => {
    // Models a driver leaking pages from alloc_pages() on 6.1: LRU, slab, page tables and stacks are
    // small, free is at the watermark, and 6 GB are simply not on any counter the report prints.
    const r = fromLog(base({
      comm: 'systemd-journal', pid: 402,
      mem: { active_anon: 40_000, inactive_anon: 80_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 20_000, slab_unreclaimable: 25_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    }));
    expect(r.oom?.culprit.kind).toBe('kernel-other');
    expect(r.oom?.culprit.name).toMatch(/not accounted/);
    expect(r.oom?.nextCommands).toContain('kmem -v');
  });

  it('slab in a generic kmalloc cache names the module only through trace call sites', () => {
    // Models a leak through kmalloc(4096) in an out-of-tree module on 6.1: the cache is kmalloc-4k,
    // whose name says nothing; the imported trace links the call site leaky_submit [leaky] to it.
    const rep = base({
      comm: 'kworker/1:1', pid: 77,
      mem: { active_anon: 20_000, inactive_anon: 80_000, active_file: 9000, inactive_file: 11_000, slab_reclaimable: 20_000, slab_unreclaimable: 1_700_000, mapped: 2000, shmem: 500, pagetables: 3000, free: exhaustedFree },
      slab: [{ name: 'kmalloc-4k', usedKb: 6_700_000, totalKb: 6_750_000 }, { name: 'kmalloc-512', usedKb: 3000, totalKb: 3100 }],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    });
    const log = parseLog(buildOomLog(rep)).model;
    const without = triage({ log, logOnly: true });
    expect(without.oom?.culprit).toMatchObject({ kind: 'slab', name: 'kmalloc-4k' });
    expect(without.oom?.culprit.module).toBeUndefined();
    const traces = { callSites: [{ fn: 'leaky_submit', module: 'leaky', cache: 'kmalloc-4k', bytes: 900_000_000, count: 220_000 }], notes: ['leaky_submit [leaky] called kmalloc 220,000 times in the last 20.0 s before the OOM'] };
    const withTrace = triage({ log, logOnly: true, traces });
    expect(withTrace.oom?.culprit).toMatchObject({ kind: 'slab', name: 'kmalloc-4k', module: 'leaky' });
    expect(withTrace.oom?.evidence.some((e) => e.command === 'trace')).toBe(true);
  });
});

describe('OOM report variants', () => {
  it('memcg OOM under panic_on_oom=2: no oom-kill line, the charge path in the stack still says memcg', () => {
    // Models vm.panic_on_oom=2 ("compulsory") on 6.1: check_panic_on_oom() panics even for a memcg
    // OOM, right after dump_header(), so neither the oom-kill: summary nor a kill is printed.
    const path = '/kubepods/burstable/pod1234';
    const r = fromLog({
      comm: 'java', pid: 5100, gfp: '0xcc0(GFP_KERNEL)', order: 0, mem: {}, kernelStackKb: 0, zones: [], ...machine,
      memcg: { path, usageKb: 2_097_152, limitKb: 2_097_152, failcnt: 77, stats: { anon: 2_100_000_000, file: 1_000_000 } },
      tasks: [{ pid: 5100, rss: 520_000, comm: 'java' }],
      trace: ['mem_cgroup_out_of_memory+0x134/0x150', 'try_charge_memcg+0x6d7/0x790', 'charge_memcg+0x40/0xa0', '__mem_cgroup_charge+0x2c/0x80'],
      end: { kind: 'panic', mode: 'compulsory' },
    });
    expect(r.panic.kind).toBe('oom');
    expect(r.oom?.panicOnOom).toBe(2);
    expect(r.oom?.culprit.kind).toBe('memcg');
    expect(r.oom?.constraint).toBe('CONSTRAINT_MEMCG');
  });

  it('SysRq-f (order=-1) is a manual OOM kill and is not taken as a confident verdict', () => {
    // Models "echo f > /proc/sysrq-trigger" on 6.1: moom_callback() runs out_of_memory() with order -1.
    const r = fromLog({
      comm: 'kworker/0:1', pid: 55, gfp: '0xcc0(GFP_KERNEL)', order: -1,
      mem: { active_anon: 20_000, inactive_anon: 180_000, active_file: 300_000, inactive_file: 900_000, slab_reclaimable: 40_000, slab_unreclaimable: 30_000, mapped: 20_000, shmem: 500, pagetables: 3000, free: 400_000 },
      kernelStackKb: 12_000, zones: x86Zones({ dmaFree: 3000, dma32Free: 600_000, normalFree: 1_000_000, normalKb: NORMAL_KB }), ...machine, tasks: userTasks,
      trace: ['moom_callback+0x7a/0xb0', 'process_one_work+0x1c7/0x380'],
      end: { kind: 'kill', constraint: 'CONSTRAINT_NONE', victim: { pid: 812, comm: 'postgres', anonKb: 236_000, fileKb: 4000, shmemKb: 0 } },
    });
    expect(r.oom?.confidence).not.toBe('high');
    expect(r.oom?.explanation).toMatch(/by hand \(SysRq-f/);
  });
});
