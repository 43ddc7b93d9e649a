/**
 * Builds OOM reports as Linux 6.1 prints them, for cases the fixtures do not cover. Every line
 * follows the kernel's format strings:
 *   mm/oom_kill.c      dump_header(): "%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd",
 *                      dump_task(): "[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s",
 *                      dump_oom_summary(): "oom-kill:constraint=%s,nodemask=%*pbl" + cpuset/memcg context,
 *                      __oom_kill_process(): "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,
 *                      shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd"
 *   mm/page_alloc.c    __show_free_areas() (Mem-Info block, "Node %d" summary, per-zone line, lowmem_reserve[],
 *                      free_area "%lu*%lukB (%s)" per order), hugetlb_show_meminfo_node(), show_swap_cache_info()
 *   lib/show_mem.c     "%lu pages RAM", "%lu pages HighMem/MovableOnly", "%lu pages reserved"
 *   mm/slab_common.c   dump_unreclaimable_slab(): "%-17s %10luKB %10luKB"
 *   mm/memcontrol.c    mem_cgroup_print_oom_meminfo(): "memory: usage %llukB, limit %llukB, failcnt %lu", swap line,
 *                      "Memory cgroup stats for <path>:" and memory.stat lines
 * The text goes through the real log parser; the engine never sees these objects.
 */

export interface SynthZone {
  name: string;
  freeKb: number;
  minKb: number;
  managedKb: number;
  /** lowmem_reserve[] in pages (5 slots on x86_64: DMA, DMA32, Normal, Movable, Device). */
  reserve: number[];
  /** Free blocks per order 0..10. */
  blocks: number[];
  /** Free kB in CMA pageblocks (free_cma:), 0 when not given. */
  cmaKb?: number;
}

export interface SynthTask {
  pid: number;
  rss: number;
  pgtablesBytes?: number;
  swapents?: number;
  adj?: number;
  comm: string;
}

export interface SynthReport {
  comm: string;
  pid: number;
  gfp: string;
  order: number;
  adj?: number;
  /** Mem-Info counters in pages; missing ones print as 0. */
  mem: Partial<Record<'active_anon' | 'inactive_anon' | 'active_file' | 'inactive_file' | 'unevictable' | 'dirty' | 'writeback' | 'slab_reclaimable' | 'slab_unreclaimable' | 'mapped' | 'shmem' | 'pagetables' | 'free', number>>;
  kernelStackKb: number;
  zones: SynthZone[];
  /** hugetlb pool lines; `node` defaults to 0. */
  hugepages?: Array<{ node?: number; total: number; free: number; sizeKb: number }>;
  swapTotalKb?: number;
  swapFreeKb?: number;
  ramPages: number;
  reservedPages: number;
  slab?: Array<{ name: string; usedKb: number; totalKb: number }>;
  tasks: SynthTask[];
  /** Stack frames between out_of_memory and the allocation's caller. */
  trace: string[];
  /** What ends the report. */
  end:
    | { kind: 'panic'; mode: 'system-wide' | 'compulsory' }
    | { kind: 'kill'; constraint: string; memcg?: string; victim: { pid: number; comm: string; anonKb: number; fileKb: number; shmemKb: number; adj?: number } };
  memcg?: { path: string; usageKb: number; limitKb: number; failcnt: number; stats: Record<string, number> };
}

const PAD = '                ';

/** The report as `log` / dmesg prints it, with timestamps from `t0`. */
export function buildOomLog(r: SynthReport, t0 = 1234.5): string {
  let n = 0;
  const out: string[] = [];
  const line = (text: string): void => {
    const ts = (t0 + n++ * 0.000137).toFixed(6).padStart(12);
    out.push(`[${ts}] ${text}`);
  };
  const cont = (text: string): void => void out.push(`${PAD}${text}`);
  line('Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)');
  line(`${r.comm} invoked oom-killer: gfp_mask=${r.gfp}, order=${r.order}, oom_score_adj=${r.adj ?? 0}`);
  line(`CPU: 1 PID: ${r.pid} Comm: ${r.comm} Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2`);
  line('Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014');
  line('Call Trace:');
  line(' <TASK>');
  for (const f of ['dump_stack_lvl+0x44/0x5c', 'dump_header+0x4c/0x22b', 'oom_kill_process.cold+0xb/0x10', 'out_of_memory+0x1fd/0x4f0', ...r.trace]) line(` ${f}`);
  line(' </TASK>');
  const m = (k: keyof SynthReport['mem']): number => r.mem[k] ?? 0;
  if (r.memcg) {
    line(`memory: usage ${r.memcg.usageKb}kB, limit ${r.memcg.limitKb}kB, failcnt ${r.memcg.failcnt}`);
    line('swap: usage 0kB, limit 9007199254740988kB, failcnt 0');
    line(`Memory cgroup stats for ${r.memcg.path}:`);
    const stats = Object.entries(r.memcg.stats);
    const first = stats[0];
    if (first) {
      line(`${first[0]} ${first[1]}`);
      for (const [k, v] of stats.slice(1)) cont(`${k} ${v}`);
    }
  } else {
    line('Mem-Info:');
    line(`active_anon:${m('active_anon')} inactive_anon:${m('inactive_anon')} isolated_anon:0`);
    cont(`active_file:${m('active_file')} inactive_file:${m('inactive_file')} isolated_file:0`);
    cont(`unevictable:${m('unevictable')} dirty:${m('dirty')} writeback:${m('writeback')}`);
    cont(`slab_reclaimable:${m('slab_reclaimable')} slab_unreclaimable:${m('slab_unreclaimable')}`);
    cont(`mapped:${m('mapped')} shmem:${m('shmem')} pagetables:${m('pagetables')}`);
    cont('sec_pagetables:0 bounce:0');
    cont('kernel_misc_reclaimable:0');
    cont(`free:${m('free')} free_pcp:0 free_cma:${r.zones.reduce((sum, z) => sum + (z.cmaKb ?? 0), 0) / 4}`);
    const kb = (k: keyof SynthReport['mem']): number => m(k) * 4;
    line(`Node 0 active_anon:${kb('active_anon')}kB inactive_anon:${kb('inactive_anon')}kB active_file:${kb('active_file')}kB inactive_file:${kb('inactive_file')}kB unevictable:${kb('unevictable')}kB isolated(anon):0kB isolated(file):0kB mapped:${kb('mapped')}kB dirty:${kb('dirty')}kB writeback:${kb('writeback')}kB shmem:${kb('shmem')}kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:${r.kernelStackKb}kB pagetables:${kb('pagetables')}kB sec_pagetables:0kB all_unreclaimable? yes`);
    for (const z of r.zones) {
      line(`Node 0 ${z.name} free:${z.freeKb}kB boost:0kB min:${z.minKb}kB low:${Math.round(z.minKb * 1.25)}kB high:${Math.round(z.minKb * 1.5)}kB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:${z.managedKb + 1024}kB managed:${z.managedKb}kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:${z.cmaKb ?? 0}kB`);
      line(`lowmem_reserve[]: ${z.reserve.join(' ')}`);
    }
    for (const z of r.zones) {
      const parts = z.blocks.map((c, o) => `${c}*${4 << o}kB${c > 0 ? ' (UME)' : ''}`);
      const total = z.blocks.reduce((s, c, o) => s + c * (4 << o), 0);
      line(`Node 0 ${z.name}: ${parts.join(' ')} = ${total}kB`);
    }
    const huge = r.hugepages ?? [{ total: 0, free: 0, sizeKb: 1048576 }, { total: 0, free: 0, sizeKb: 2048 }];
    for (const h of huge) line(`Node ${h.node ?? 0} hugepages_total=${h.total} hugepages_free=${h.free} hugepages_surp=0 hugepages_size=${h.sizeKb}kB`);
    line(`${m('active_file') + m('inactive_file') + m('shmem')} total pagecache pages`);
    line('0 pages in swap cache');
    line(`Free swap  = ${r.swapFreeKb ?? 0}kB`);
    line(`Total swap = ${r.swapTotalKb ?? 0}kB`);
    line(`${r.ramPages} pages RAM`);
    line('0 pages HighMem/MovableOnly');
    line(`${r.reservedPages} pages reserved`);
    if (r.slab) {
      line('Unreclaimable slab info:');
      line('Name                      Used          Total');
      for (const s of r.slab) line(`${s.name.padEnd(17)} ${String(s.usedKb).padStart(10)}KB ${String(s.totalKb).padStart(10)}KB`);
    }
  }
  line('Tasks state (memory values in pages):');
  line('[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name');
  for (const t of r.tasks) {
    line(`[${String(t.pid).padStart(7)}] ${'0'.padStart(5)} ${String(t.pid).padStart(5)} ${String(t.rss + 300).padStart(8)} ${String(t.rss).padStart(8)} ${String(t.pgtablesBytes ?? 65536).padStart(8)} ${String(t.swapents ?? 0).padStart(8)}         ${String(t.adj ?? 0).padStart(5)} ${t.comm}`);
  }
  if (r.end.kind === 'panic') {
    line(`Kernel panic - not syncing: Out of memory: ${r.end.mode} panic_on_oom is enabled`);
    line(`CPU: 1 PID: ${r.pid} Comm: ${r.comm} Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2`);
  } else {
    const v = r.end.victim;
    const ctx = r.end.memcg ? `oom_memcg=${r.end.memcg},task_memcg=${r.end.memcg}` : 'global_oom,task_memcg=/system.slice';
    line(`oom-kill:constraint=${r.end.constraint},nodemask=(null),cpuset=/,mems_allowed=0,${ctx},task=${v.comm},pid=${v.pid},uid=0`);
    line(`${r.end.memcg ? 'Memory cgroup out of memory' : 'Out of memory'}: Killed process ${v.pid} (${v.comm}) total-vm:${v.anonKb + v.fileKb + 4096}kB, anon-rss:${v.anonKb}kB, file-rss:${v.fileKb}kB, shmem-rss:${v.shmemKb}kB, UID:0 pgtables:${Math.round(v.anonKb / 500)}kB oom_score_adj:${v.adj ?? 0}`);
  }
  return out.join('\n') + '\n';
}

/** x86_64 zones of a machine with `normalKb` of Normal memory, blocks of every order free unless `blocks` say otherwise. */
export function x86Zones(o: { dmaFree: number; dma32Free: number; normalFree: number; normalKb: number; dma32Blocks?: number[]; normalBlocks?: number[]; normalMin?: number }): SynthZone[] {
  const dma32Kb = 3_000_000;
  const spread = (kb: number): number[] => {
    // All free memory in order-0..10 blocks, roughly evenly.
    const b = new Array<number>(11).fill(0);
    let left = kb;
    for (let ord = 10; ord >= 0; ord--) {
      const size = 4 << ord;
      const n = Math.floor(left / size / (ord + 1));
      b[ord] = n;
      left -= n * size;
    }
    b[0] = (b[0] ?? 0) + Math.floor(left / 4);
    return b;
  };
  return [
    { name: 'DMA', freeKb: o.dmaFree, minKb: 32, managedKb: 15360, reserve: [0, 2900, 7700, 7700, 7700], blocks: spread(o.dmaFree) },
    { name: 'DMA32', freeKb: o.dma32Free, minKb: 2500, managedKb: dma32Kb, reserve: [0, 0, 4800, 4800, 4800], blocks: o.dma32Blocks ?? spread(o.dma32Free) },
    { name: 'Normal', freeKb: o.normalFree, minKb: o.normalMin ?? 6000, managedKb: o.normalKb, reserve: [0, 0, 0, 0, 0], blocks: o.normalBlocks ?? spread(o.normalFree) },
  ];
}
