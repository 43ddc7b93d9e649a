import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parseLog } from '../../../electron/parse/index.ts';
import type { LogModel } from '../../../electron/parse/index.ts';
import { fixtureFile, fixtureMeta, transcript } from '../../support/fixtures.ts';
import { problems, taintString } from './helpers.ts';

/** The parts of meta.json's `truth.oom` these tests read. */
interface OomTruth {
  invoker_comm: string;
  invoker_pid: number;
  gfp_mask: string;
  order: number;
  invoker_oom_score_adj: number;
  victim: unknown;
  mem_info_pages: Record<string, number>;
  unreclaimable_slab_top?: { cache: string; used_kb: number; total_kb: number }[];
  task_dump: {
    pid: number; uid: number; tgid: number; total_vm_pages: number; rss_pages: number;
    pgtables_bytes: number; swapents: number; oom_score_adj: number; comm: string;
  }[];
}

const oomScenarios = ['oom-slab-leak', 'oom-user-hog'] as const;

describe('log: the fixtures\' OOM reports match meta.json truth', () => {
  for (const s of oomScenarios) {
    const meta = fixtureMeta(s);
    const truth = meta.truth.oom as OomTruth;
    const sources = {
      'crash 8.0.6 log': transcript(s, 'log'),
      'crash 8.0.2 log': transcript(s, 'log', '8.0.2'),
      'vmcore-dmesg.txt': readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8'),
    };
    for (const [name, text] of Object.entries(sources)) {
      it(`${s} (${name})`, () => {
        const parsed = parseCommandOutput('log', text);
        expect(problems(parsed?.diagnostics ?? [])).toEqual([]);
        const model = parsed?.model as LogModel;
        expect(model.oomReports).toHaveLength(1);
        const oom = model.oomReports[0];
        if (!oom) return;
        expect(oom.invoker.comm).toBe(truth.invoker_comm);
        expect(oom.invoker.pid).toBe(truth.invoker_pid);
        expect(`${oom.invoker.gfpMask}(${oom.invoker.gfpFlags.join('|')})`).toBe(truth.gfp_mask);
        expect(oom.invoker.order).toBe(truth.order);
        expect(oom.invoker.oomScoreAdj).toBe(truth.invoker_oom_score_adj);
        expect(oom.memInfo).toEqual(truth.mem_info_pages);
        expect(oom.tasksFormat).toBe('rss');
        expect(oom.tasks).toEqual(truth.task_dump.map((t) => ({
          pid: t.pid, uid: t.uid, tgid: t.tgid, totalVmPages: t.total_vm_pages, rssPages: t.rss_pages,
          pgtablesBytes: t.pgtables_bytes, swapents: t.swapents, oomScoreAdj: t.oom_score_adj, comm: t.comm,
        })));
        if (truth.unreclaimable_slab_top) {
          const top = [...oom.unreclaimableSlab].sort((a, b) => b.usedKb - a.usedKb).slice(0, truth.unreclaimable_slab_top.length);
          expect(top).toEqual(truth.unreclaimable_slab_top.map((r) => ({ cache: r.cache, usedKb: r.used_kb, totalKb: r.total_kb })));
        }
        // panic_on_oom panics before a victim is chosen: no oom-kill: line, no Killed process.
        expect(truth.victim).toBeNull();
        expect(text.includes('oom-kill:')).toBe(false);
        expect(oom.killed).toBeNull();
        expect(oom.constraint).toBeNull();
        expect(oom.panicLine).toBe(meta.truth.panic_message);
        expect(model.panics.map((p) => p.message)).toEqual([meta.truth.panic_message]);
        // zones and free areas: one per populated zone (DMA, DMA32 on these 320-384 MiB guests)
        expect(oom.zones.map((z) => z.zone)).toEqual(['DMA', 'DMA32']);
        expect(oom.freeAreas.map((z) => z.zone)).toEqual(['DMA', 'DMA32']);
        for (const z of oom.zones) {
          expect(z.minKb).toBeLessThan(z.lowKb ?? 0);
          expect(z.lowKb).toBeLessThan(z.highKb ?? 0);
        }
        for (const fa of oom.freeAreas) {
          // the "= NkB" total is the sum of count*size over orders
          expect(fa.orders.reduce((n, o) => n + o.count * o.sizeKb, 0)).toBe(fa.totalKb);
          expect(fa.orders).toHaveLength(11);
        }
        expect(oom.callTrace).toContain('dump_header+0x4c/0x22b');
        expect(oom.callTrace.some((f) => f.startsWith('?'))).toBe(false);
      });
    }
  }

  it('oom-slab-leak: the DMA32 zone line, read by hand, below its min watermark', () => {
    const oom = parseLog(transcript('oom-slab-leak', 'log')).model.oomReports[0];
    // "Node 0 DMA32 free:1648kB boost:2048kB min:3588kB low:3972kB high:4356kB ... present:311156kB managed:172816kB"
    expect(oom?.zones[1]).toMatchObject({ node: 0, freeKb: 1648, minKb: 3588, lowKb: 3972, highKb: 4356, presentKb: 311156, managedKb: 172816 });
    expect(oom?.zones[1]?.counters.boost).toBe(2048);
    expect(oom?.zones[0]?.lowmemReserve).toEqual([0, 159, 159, 159, 159]);
    expect(oom?.freeAreas[1]?.orders[0]).toEqual({ count: 140, sizeKb: 4, migrateTypes: 'UME' });
    expect(oom?.nodes[0]?.allUnreclaimable).toBe(true);
    expect(oom?.nodes[0]?.countersKb['isolated(anon)']).toBe(0);
    expect(oom?.totals).toMatchObject({ 'pages RAM': 81787, 'pages reserved': 34743, 'total pagecache pages': 18, 'Free swap kB': 0 });
    expect(oom?.taint).toBe(taintString(fixtureMeta('oom-slab-leak')));
  });

  it('every timestamped line of the transcript is one record; continuation lines fold into theirs', () => {
    const text = transcript('oom-slab-leak', 'log');
    const lines = text.split('\n').filter((l) => l !== '');
    const stamped = lines.filter((l) => /^\[\s*\d+\.\d+\]/.test(l)).length;
    const { model } = parseLog(text);
    expect(model.records).toHaveLength(stamped);
    const memInfo = model.records.find((r) => r.text.startsWith('active_anon:10 '));
    expect(memInfo?.text.split('\n')).toHaveLength(8);
    expect(model.records[0]?.timestamp).toBe(0);
    expect(model.records.at(-1)?.timestamp).toBeCloseTo(28.386085, 6);
  });

  it('panic-sysrq: the sysrq panic, its task and call trace; no OOM report', () => {
    const truth = fixtureMeta('panic-sysrq').truth;
    const { model, diagnostics } = parseLog(transcript('panic-sysrq', 'log'));
    expect(problems(diagnostics)).toEqual([]);
    expect(model.oomReports).toEqual([]);
    expect(model.panics).toHaveLength(1);
    expect(model.panics[0]).toMatchObject({ message: truth.panic_message, pid: truth.panic_task.pid, comm: truth.panic_task.comm, cpu: truth.panic_task.cpu });
    expect(model.panics[0]?.callTrace.some((f) => f.startsWith(`${String(truth.culprit.function)}+`))).toBe(true);
  });
});

describe('log: formats the fixtures lack', () => {
  it('5.x+/6.x report with the oom-kill constraint line and a Killed process victim', () => {
    // mm/oom_kill.c (v5.0+): dump_oom_summary() "oom-kill:constraint=%s,nodemask=%*pbl" + cpuset/mems_allowed,
    // global_oom, task_memcg, task, pid, uid; __oom_kill_process() "%s: Killed process %d (%s) total-vm:%lukB, ..."
    const text = [
      '[ 100.000001] stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0',
      '[ 100.000002] CPU: 3 PID: 4242 Comm: stress Not tainted 5.15.0-91-generic #101-Ubuntu',
      '[ 100.000003] Call Trace:',
      '[ 100.000004]  <TASK>',
      '[ 100.000005]  dump_stack_lvl+0x4a/0x63',
      '[ 100.000006]  dump_header+0x4a/0x1f4',
      '[ 100.000007]  </TASK>',
      '[ 100.000008] Mem-Info:',
      '[ 100.000009] active_anon:10 inactive_anon:900000 isolated_anon:0',
      '               free:1000 free_pcp:20 free_cma:0',
      '[ 100.000010] Tasks state (memory values in pages):',
      '[ 100.000011] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '[ 100.000012] [   4242]  1000  4242   950000   899000  7300000        0             0 stress',
      '[ 100.000013] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice,task=stress,pid=4242,uid=1000',
      '[ 100.000014] Out of memory: Killed process 4242 (stress) total-vm:3800000kB, anon-rss:3596000kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:7129kB oom_score_adj:0',
    ].join('\n');
    const { model, diagnostics } = parseLog(text);
    const oom = model.oomReports[0];
    expect(oom?.constraint).toEqual({
      constraint: 'CONSTRAINT_NONE', nodemask: '(null)', cpuset: '/', memsAllowed: '0', globalOom: true, oomMemcg: null,
      taskMemcg: '/user.slice/user-1000.slice', task: 'stress', pid: 4242, uid: 1000,
    });
    expect(oom?.killed).toEqual({
      pid: 4242, comm: 'stress', totalVmKb: 3800000, anonRssKb: 3596000, fileRssKb: 4, shmemRssKb: 0, uid: 1000,
      pgtablesKb: 7129, oomScoreAdj: 0, memcg: false,
    });
    expect(oom?.invoker).toMatchObject({ pid: 4242, cpu: 3, gfpFlags: ['GFP_HIGHUSER_MOVABLE'] });
    expect(oom?.taint).toBe('Not tainted');
    // zones missing from this cut-down report: an info diagnostic names the gap
    expect(problems(diagnostics)).toEqual([]);
    expect(diagnostics.find((d) => d.code === 'oom-section-missing')?.message).toContain('zone watermarks');
  });

  it('older (4.10-4.14) report: nodemask in the invoker line, nr_ptes columns, Kill process + Killed process, no oom-kill line', () => {
    // mm/oom_kill.c v4.14: dump_header() "%s invoked oom-killer: gfp_mask=%#x(%pGg), nodemask=%*pbl, order=%d, oom_score_adj=%hd",
    // dump_tasks() "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name",
    // oom_kill_process() "%s: Kill process %d (%s) score %u or sacrifice child" then "Killed process %d (%s) total-vm:..."
    const text = [
      '[ 50.1] java invoked oom-killer: gfp_mask=0x14280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null),  order=0, oom_score_adj=0',
      '[ 50.2] java cpuset=/ mems_allowed=0',
      '[ 50.3] CPU: 0 PID: 812 Comm: java Not tainted 4.14.0 #1',
      '[ 50.4] Call Trace:',
      '[ 50.5]  dump_stack+0x5c/0x85',
      '[ 50.6]  dump_header+0x94/0x229',
      '[ 50.7] Mem-Info:',
      '[ 50.8] active_anon:200000 inactive_anon:10 isolated_anon:0',
      '[ 50.9] [ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name',
      '[ 51.0] [  812]  1000   812   500000   200000     400       3        0             0 java',
      '[ 51.1] Out of memory: Kill process 812 (java) score 950 or sacrifice child',
      '[ 51.2] Killed process 812 (java) total-vm:2000000kB, anon-rss:800000kB, file-rss:0kB, shmem-rss:0kB',
    ].join('\n');
    const { model, diagnostics } = parseLog(text);
    const oom = model.oomReports[0];
    expect(oom?.invoker).toMatchObject({ comm: 'java', gfpMask: '0x14280ca', order: 0, oomScoreAdj: 0, pid: 812 });
    expect(oom?.tasks[0]).toMatchObject({ pid: 812, rssPages: 200000, pgtablesBytes: (400 + 3) * 4096, comm: 'java' });
    expect(oom?.constraint).toBeNull();
    expect(oom?.killed).toMatchObject({ pid: 812, comm: 'java', anonRssKb: 800000, uid: null, oomScoreAdj: null });
    expect(oom?.callTrace).toEqual(['dump_stack+0x5c/0x85', 'dump_header+0x94/0x229']);
    expect(diagnostics.map((d) => d.code)).toContain('oom-nr-ptes');
  });

  it('pre-4.10 invoker line without GFP flag names', () => {
    // mm/oom_kill.c v3.10: "%s invoked oom-killer: gfp_mask=0x%x, order=%d, oom_score_adj=%hd"
    const oom = parseLog('[ 9.0] httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0\n').model.oomReports[0];
    expect(oom?.invoker).toMatchObject({ comm: 'httpd', gfpMask: '0x201da', gfpFlags: [], order: 0 });
  });

  it('6.9+ Tasks table with rss_anon/rss_file/rss_shmem columns and a memcg OOM', () => {
    // mm/oom_kill.c since v6.9 (dump_task: "rss rss_anon rss_file rss_shmem pgtables_bytes"),
    // memcg OOM: dump_oom_summary() prints oom_memcg=, __oom_kill_process() "Memory cgroup out of memory: Killed process ..."
    const text = [
      '[  7.1] worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=200',
      '[  7.2] Tasks state (memory values in pages):',
      '[  7.3] [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name',
      '[  7.4] [    675]     0   675   162013    10969    10712      257         0   155648        0           200 worker proc',
      '[  7.5] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/jobs/a,task_memcg=/jobs/a,task=worker proc,pid=675,uid=0',
      '[  7.6] Memory cgroup out of memory: Killed process 675 (worker proc) total-vm:648052kB, anon-rss:42848kB, file-rss:1028kB, shmem-rss:0kB, UID:0 pgtables:152kB oom_score_adj:200',
    ].join('\n');
    const { model, diagnostics } = parseLog(text);
    const oom = model.oomReports[0];
    expect(oom?.tasksFormat).toBe('rss_split');
    expect(oom?.tasks[0]).toEqual({
      pid: 675, uid: 0, tgid: 675, totalVmPages: 162013, rssPages: 10969, rssAnon: 10712, rssFile: 257, rssShmem: 0,
      pgtablesBytes: 155648, swapents: 0, oomScoreAdj: 200, comm: 'worker proc',
    });
    expect(oom?.constraint).toMatchObject({ constraint: 'CONSTRAINT_MEMCG', oomMemcg: '/jobs/a', globalOom: false, task: 'worker proc' });
    expect(oom?.killed).toMatchObject({ pid: 675, comm: 'worker proc', memcg: true, oomScoreAdj: 200 });
    // memcg OOMs print memcg stats instead of Mem-Info: not reported as missing
    expect(diagnostics.filter((d) => d.code === 'oom-section-missing')).toEqual([]);
  });

  it('3.x Oops RIP with raw addresses; OOM that panics as deadlocked', () => {
    // arch/x86/kernel/dumpstack_64.c (3.10): "RIP: 0010:[<%016lx>]  [<%016lx>] %pS"; mm/oom_kill.c: panic("System is deadlocked on memory\n")
    const { model } = parseLog([
      '[ 1.0] BUG: unable to handle kernel NULL pointer dereference at 0000000000000008',
      '[ 1.1] RIP: 0010:[<ffffffffa0123456>]  [<ffffffffa0123456>] bad_init+0x10/0x30 [badmod]',
      '[ 2.0] x invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0',
      '[ 2.1] Kernel panic - not syncing: System is deadlocked on memory',
    ].join('\n'));
    expect(model.oopses[0]?.rip).toBe('bad_init+0x10/0x30 [badmod]');
    expect(model.oomReports[0]?.panicLine).toBe('System is deadlocked on memory');
  });

  it('a garbled task row is a warning naming the row, not a silent drop', () => {
    const text = [
      '[ 1.0] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '[ 1.1] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '[ 1.2] [    1]     0     1      565       x    28672        0             0 init',
    ].join('\n');
    const { model, diagnostics } = parseLog(text);
    expect(model.oomReports[0]?.tasks).toEqual([]);
    expect(diagnostics.find((d) => d.code === 'oom-task-row')?.message).toContain('[    1]');
  });

  it('Oops with BUG header, RIP and call trace; hung task; soft lockup', () => {
    // arch/x86/mm/fault.c show_fault_oops "BUG: kernel NULL pointer dereference, address: %px", __die "Oops: %04lx [#%d]",
    // kernel/hung_task.c "INFO: task %s:%d blocked for more than %ld seconds.", kernel/watchdog.c "BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]"
    const text = [
      '[ 10.0] BUG: kernel NULL pointer dereference, address: 0000000000000008',
      '[ 10.1] #PF: supervisor read access in kernel mode',
      '[ 10.2] Oops: 0000 [#1] PREEMPT SMP NOPTI',
      '[ 10.3] CPU: 1 PID: 77 Comm: modprobe Tainted: G           O      6.1.0 #1',
      '[ 10.4] RIP: 0010:bad_init+0x10/0x30 [badmod]',
      '[ 10.5] Call Trace:',
      '[ 10.6]  <TASK>',
      '[ 10.7]  do_one_initcall+0x41/0x200',
      '[ 10.8]  ? kmem_cache_alloc+0x1/0x2',
      '[ 10.9]  </TASK>',
      '[ 11.0] INFO: task jbd2/sda1-8:200 blocked for more than 120 seconds.',
      '[ 11.1] Call Trace:',
      '[ 11.2]  __schedule+0x2/0x3',
      '[ 12.0] watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [spin:300]',
      '[ 12.1] CPU: 2 PID: 300 Comm: spin Tainted: G      D W  O L    6.1.0 #1',
      '[ 12.2] Call Trace:',
      '[ 12.3]  spin_loop+0x5/0x10 [spinmod]',
    ].join('\n');
    const { model } = parseLog(text);
    expect(model.oopses).toHaveLength(1);
    expect(model.oopses[0]).toMatchObject({
      header: 'BUG: kernel NULL pointer dereference, address: 0000000000000008', oopsLine: 'Oops: 0000 [#1] PREEMPT SMP NOPTI',
      pid: 77, comm: 'modprobe', cpu: 1, taint: 'Tainted: G           O', rip: 'bad_init+0x10/0x30 [badmod]',
      callTrace: ['do_one_initcall+0x41/0x200'],
    });
    expect(model.hungTasks[0]).toMatchObject({ comm: 'jbd2/sda1-8', pid: 200, seconds: 120, callTrace: ['__schedule+0x2/0x3'] });
    expect(model.softLockups[0]).toMatchObject({ cpu: 2, seconds: 22, comm: 'spin', pid: 300, callTrace: ['spin_loop+0x5/0x10 [spinmod]'] });
  });

  it('log -t (no timestamps) and log -m (levels)', () => {
    const plain = parseLog('Linux version 6.1.0\n Call Trace entry\nsecond line\n').model;
    expect(plain.records.map((r) => [r.timestamp, r.text])).toEqual([[null, 'Linux version 6.1.0'], [null, ' Call Trace entry'], [null, 'second line']]);
    // crash help log: -m "Display the message log level in brackets preceding each message"
    const levels = parseLog('[    0.000000] <6>Linux version 6.1.0\n[    1.5] <3>I/O error\n').model;
    expect(levels.records.map((r) => r.level)).toEqual([6, 3]);
    expect(levels.records[1]?.text).toBe('I/O error');
    // log -T: crash prints the wall-clock time instead of seconds since boot
    const human = parseLog('[Thu Nov 26 04:35:31 UTC 2026] Linux version 6.1.0\n[Thu Nov 26 04:35:59 UTC 2026] Kernel panic - not syncing: x\n').model;
    expect(human.records.map((r) => [r.timestamp, r.text])).toEqual([[null, 'Linux version 6.1.0'], [null, 'Kernel panic - not syncing: x']]);
    expect(human.panics[0]?.message).toBe('x');
  });

  it('crash\'s own log error is a diagnostic', () => {
    expect(parseLog('log: invalid log_buf\n').diagnostics.map((d) => d.code)).toContain('crash-error');
  });
});

describe('log: memcg block, hugetlb pool lines and the soft-lockup RIP', () => {
  /** crash's `log` prints a multi-line record's continuation lines indented by the timestamp width. */
  const PAD = ' '.repeat(15);

  it('6.1 memcg OOM (cgroup v2): usage, limit, failcnt, swap line and memory.stat as one multi-line record', () => {
    // mm/memcontrol.c v6.1 mem_cgroup_print_oom_meminfo(): pr_info("memory: usage %llukB, limit %llukB, failcnt %lu"),
    // pr_info("swap: usage %llukB, limit %llukB, failcnt %lu") (cgroup v2), pr_info("Memory cgroup stats for ") +
    // pr_cont_cgroup_path() + pr_cont(":"), then pr_info("%s", buf) of memory_stat_format(): ONE record, "name value\n" lines.
    // mem_cgroup_print_oom_context(): ",oom_memcg=<path>" ",task_memcg=<path>" on the oom-kill: line.
    // swap limit 9007199254740988kB = PAGE_COUNTER_MAX pages (LONG_MAX / PAGE_SIZE) x 4 kB: "max".
    const path = '/system.slice/foo.service';
    const text = [
      '[  812.301122] foo invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      '[  812.301150] CPU: 0 PID: 4310 Comm: foo Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2',
      '[  812.301170] Call Trace:',
      '[  812.301171]  <TASK>',
      '[  812.301180]  dump_stack_lvl+0x44/0x5c',
      '[  812.301190]  dump_header+0x4a/0x211',
      '[  812.301200]  oom_kill_process.cold+0xb/0x10',
      '[  812.301210]  out_of_memory+0x1ed/0x2e0',
      '[  812.301220]  mem_cgroup_out_of_memory+0x134/0x150',
      '[  812.301230]  try_charge_memcg+0x696/0x780',
      '[  812.301240]  </TASK>',
      '[  812.301250] memory: usage 524288kB, limit 524288kB, failcnt 1234',
      '[  812.301260] swap: usage 0kB, limit 9007199254740988kB, failcnt 0',
      `[  812.301270] Memory cgroup stats for ${path}:`,
      '[  812.301290] anon 532148224',
      `${PAD}file 1232896`,
      `${PAD}kernel 3420160`,
      `${PAD}kernel_stack 98304`,
      `${PAD}shmem 0`,
      `${PAD}slab_unreclaimable 1156824`,
      `${PAD}pgfault 190213`,
      '[  812.301300] Tasks state (memory values in pages):',
      '[  812.301310] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '[  812.301320] [   4310]     0  4310   135000   130100  1110016        0             0 foo',
      `[  812.301330] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${path},task_memcg=${path},task=foo,pid=4310,uid=0`,
      '[  812.301340] Memory cgroup out of memory: Killed process 4310 (foo) total-vm:540000kB, anon-rss:519552kB, file-rss:848kB, shmem-rss:0kB, UID:0 pgtables:1084kB oom_score_adj:0',
    ].join('\n');
    const { model, diagnostics } = parseLog(text);
    expect(problems(diagnostics)).toEqual([]);
    const oom = model.oomReports[0];
    expect(oom?.memcg).toEqual({
      usageKb: 524288, limitKb: 524288, failcnt: 1234, swapUsageKb: 0, swapLimitKb: 9007199254740988, statsFor: path,
      stats: { anon: 532148224, file: 1232896, kernel: 3420160, kernel_stack: 98304, shmem: 0, slab_unreclaimable: 1156824, pgfault: 190213 },
    });
    expect(oom?.constraint).toMatchObject({ constraint: 'CONSTRAINT_MEMCG', oomMemcg: path, taskMemcg: path });
    // the stat block did not swallow the Tasks table
    expect(oom?.tasks.map((t) => t.comm)).toEqual(['foo']);
    expect(oom?.killed).toMatchObject({ pid: 4310, memcg: true });
  });

  it('6.5+ memcg block one record per line (seq_buf_do_printk), and `log -t` without timestamps', () => {
    // mm/memcontrol.c since v6.5: seq_buf_do_printk(&s, KERN_INFO) prints each memory.stat line as its own record.
    const lines = [
      'java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
      'memory: usage 2097152kB, limit 2097152kB, failcnt 77',
      'swap: usage 10240kB, limit 102400kB, failcnt 3',
      'Memory cgroup stats for /kubepods/burstable/pod1234:',
      'anon 2143289344',
      'file 4096',
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/burstable/pod1234,task_memcg=/kubepods/burstable/pod1234/c1,task=java,pid=5100,uid=1000',
    ];
    for (const text of [lines.map((l, i) => `[ 90.${String(i).padStart(6, '0')}] ${l}`).join('\n'), lines.join('\n')]) {
      const oom = parseLog(text).model.oomReports[0];
      expect(oom?.memcg).toEqual({
        usageKb: 2097152, limitKb: 2097152, failcnt: 77, swapUsageKb: 10240, swapLimitKb: 102400,
        statsFor: '/kubepods/burstable/pod1234', stats: { anon: 2143289344, file: 4096 },
      });
      expect(oom?.constraint?.constraint).toBe('CONSTRAINT_MEMCG');
    }
  });

  it('cgroup v1 (4.x): memory+swap and kmem lines, stats inline as name:NKB, one stats line per child cgroup', () => {
    // mm/memcontrol.c v4.14 mem_cgroup_print_oom_info(): "memory:", "memory+swap:", "kmem:" usage lines, then
    // for_each_mem_cgroup_tree: pr_info("Memory cgroup stats for ") + path + ":" + pr_cont(" %s:%luKB", ...).
    const text = [
      '[ 50.0] dd invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=0',
      '[ 50.1] memory: usage 102400kB, limit 102400kB, failcnt 52',
      '[ 50.2] memory+swap: usage 102400kB, limit 9007199254740988kB, failcnt 0',
      '[ 50.3] kmem: usage 1024kB, limit 9007199254740988kB, failcnt 0',
      '[ 50.4] Memory cgroup stats for /lxc/web: cache:128KB rss:100352KB rss_huge:0KB shmem:0KB',
      '[ 50.5] Memory cgroup stats for /lxc/web/child: cache:0KB rss:50KB rss_huge:0KB shmem:0KB',
      '[ 50.6] Memory cgroup out of memory: Kill process 77 (dd) score 990 or sacrifice child',
      '[ 50.7] Killed process 77 (dd) total-vm:110000kB, anon-rss:100000kB, file-rss:100kB, shmem-rss:0kB',
    ].join('\n');
    const oom = parseLog(text).model.oomReports[0];
    // v1 has no swap: line; the memory+swap limit is a different counter, not a swap limit
    expect(oom?.memcg).toEqual({
      usageKb: 102400, limitKb: 102400, failcnt: 52, swapUsageKb: null, swapLimitKb: null, statsFor: '/lxc/web',
      stats: { cache: 128 * 1024, rss: 100352 * 1024, rss_huge: 0, shmem: 0 },
    });
    expect(oom?.killed?.pid).toBe(77);
  });

  it('a global OOM has no memcg block and reads every hugetlb pool line per node and size', () => {
    // mm/hugetlb.c v6.1 hugetlb_show_meminfo_node(): "Node %d hugepages_total=%u hugepages_free=%u hugepages_surp=%u hugepages_size=%lukB",
    // one line per node and hstate (1 GB and 2 MB on x86_64), printed by __show_free_areas() after the free_area lines.
    const text = [
      '[ 30.0] node invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
      '[ 30.1] Mem-Info:',
      '[ 30.2] active_anon:20000 inactive_anon:80000 isolated_anon:0',
      `${' '.repeat(8)}free:2800 free_pcp:0 free_cma:0`,
      '[ 30.3] Node 0 Normal: 10*4kB (UME) 2*8kB (M) = 56kB',
      '[ 30.4] Node 0 hugepages_total=2 hugepages_free=2 hugepages_surp=0 hugepages_size=1048576kB',
      '[ 30.5] Node 0 hugepages_total=1750 hugepages_free=1500 hugepages_surp=0 hugepages_size=2048kB',
      '[ 30.6] Node 1 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB',
      '[ 30.7] Node 1 hugepages_total=1750 hugepages_free=1500 hugepages_surp=5 hugepages_size=2048kB',
      '[ 30.8] 20000 total pagecache pages',
    ].join('\n');
    const oom = parseLog(text).model.oomReports[0];
    expect(oom?.hugepages).toEqual([
      { node: 0, total: 2, free: 2, surp: 0, sizeKb: 1048576 },
      { node: 0, total: 1750, free: 1500, surp: 0, sizeKb: 2048 },
      { node: 1, total: 0, free: 0, surp: 0, sizeKb: 1048576 },
      { node: 1, total: 1750, free: 1500, surp: 5, sizeKb: 2048 },
    ]);
    expect(oom?.memcg).toBeNull();
    // the hugepages lines are not taken for free_area or zone lines
    expect(oom?.freeAreas.map((f) => f.zone)).toEqual(['Normal']);
    expect(oom?.zones).toEqual([]);
    expect(oom?.totals['total pagecache pages']).toBe(20000);
  });

  it('the fixtures (6.1, global OOMs): one hugepages entry per printed pool line, no memcg block', () => {
    for (const s of oomScenarios) {
      const text = transcript(s, 'log');
      const printed = text.split('\n').filter((l) => l.includes(' hugepages_total=')).length;
      const oom = parseLog(text).model.oomReports[0];
      // both x86_64 hstates (1 GB and 2 MB) on node 0, no pool configured on these VMs
      expect(printed).toBe(2);
      expect(oom?.hugepages?.map((h) => [h.node, h.sizeKb, h.total])).toEqual([[0, 1048576, 0], [0, 2048, 0]]);
      expect(oom?.memcg).toBeNull();
    }
  });

  it('soft lockup: the RIP of the registers the watchdog printed', () => {
    // kernel/watchdog.c v6.1 watchdog_timer_fn(): "BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]", print_modules(),
    // then show_regs(regs) -> arch/x86/kernel/process_64.c __show_regs / show_ip(): "RIP: %04x:%pS" (module in brackets).
    const text = [
      '[ 64.0] watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [kworker/3:1:150]',
      '[ 64.1] Modules linked in: spinmod(OE) virtio_net',
      '[ 64.2] CPU: 3 PID: 150 Comm: kworker/3:1 Tainted: G           OEL     6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2',
      '[ 64.3] RIP: 0010:spin_forever+0x12/0x20 [spinmod]',
      '[ 64.4] RSP: 0018:ffffc90000633e58 EFLAGS: 00000246',
      '[ 64.5] Call Trace:',
      '[ 64.6]  <TASK>',
      '[ 64.7]  process_one_work+0x1c7/0x380',
      '[ 64.8]  </TASK>',
      '[ 65.0] BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '[ 65.1] RIP: 0010:other_fn+0x1/0x2',
    ].join('\n');
    const { model } = parseLog(text);
    expect(model.softLockups[0]).toMatchObject({ cpu: 3, comm: 'kworker/3:1', pid: 150, rip: 'spin_forever+0x12/0x20 [spinmod]' });
    // a later report's RIP belongs to that report
    expect(model.oopses[0]?.rip).toBe('other_fn+0x1/0x2');
  });
});
