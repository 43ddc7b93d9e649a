/**
 * Panic kinds and signatures from kernel logs in Linux 6.1's exact formats (the oops/BUG header
 * from arch/x86/mm/fault.c and lib/bug.c, "Kernel panic - not syncing:" from kernel/panic.c,
 * hung task from kernel/hung_task.c, soft lockup from kernel/watchdog.c, hard lockup from
 * kernel/watchdog_hld.c, machine check from arch/x86/kernel/cpu/mce/core.c), parsed by the real
 * log parser, as `crashdeck triage --dmesg` sees them.
 */
import { describe, expect, it } from 'vitest';
import { triage } from '../../../electron/analyze/triage.ts';
import { classify } from '../../../electron/analyze/panic-triage.ts';
import { parseLog } from '../../../electron/parse/log.ts';

const CPU = (pid: number, comm: string, taint = 'Not tainted') =>
  `CPU: 1 PID: ${pid} Comm: ${comm} ${taint === 'Not tainted' ? 'Not tainted' : `Tainted: ${taint}`} 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2`;

function log(lines: string[], t0 = 100): string {
  return lines.map((l, i) => (l.startsWith(' '.repeat(16)) ? l : `[${(t0 + i * 0.0001).toFixed(6).padStart(12)}] ${l}`)).join('\n') + '\n';
}

const dmesg = (lines: string[]) => triage({ log: parseLog(log(lines)).model, logOnly: true });

const HW = 'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014';
const REGS = ['RSP: 0018:ffffc90000633b58 EFLAGS: 00010246', 'RAX: 0000000000000000 RBX: ffff888004a10480 RCX: 0000000000000000'];

describe('panic kinds from the log', () => {
  it('oops: NULL dereference in a module names the RIP function and the module', () => {
    // Models a NULL pointer dereference in an out-of-tree module's work function, panic_on_oops=1.
    const r = dmesg([
      'BUG: kernel NULL pointer dereference, address: 0000000000000008',
      '#PF: supervisor read access in kernel mode',
      '#PF: error_code(0x0000) - not-present page',
      'PGD 0 P4D 0 ',
      'Oops: 0000 [#1] PREEMPT SMP NOPTI',
      CPU(1234, 'kworker/0:2', 'G           OE     '),
      HW,
      'Workqueue: bufpool_wq bufpool_refill [bufpool]',
      'RIP: 0010:bufpool_refill+0x46/0x1fd [bufpool]',
      'Code: 48 8b 47 08 48 85 c0 74 0a',
      ...REGS,
      'Call Trace:',
      ' <TASK>',
      ' process_one_work+0x1c7/0x380',
      ' worker_thread+0x4d/0x380',
      ' kthread+0xda/0x100',
      ' ret_from_fork+0x22/0x30',
      ' </TASK>',
      'Modules linked in: bufpool(OE) virtio_blk virtio_pci',
      'CR2: 0000000000000008',
      '---[ end trace 0000000000000000 ]---',
      'Kernel panic - not syncing: Fatal exception',
    ]);
    expect(r.panic.kind).toBe('oops');
    expect(r.panic.function).toBe('bufpool_refill');
    expect(r.panic.functionModule).toBe('bufpool');
    expect(r.panic.signature).toBe('oops:bufpool!bufpool_refill');
    expect(r.panic.task).toEqual({ pid: 1234, comm: 'kworker/0:2' });
    expect(r.oom).toBeNull();
  });

  it('bug: kernel BUG at ... is a BUG, not an oops, even though it ends in invalid opcode', () => {
    // Models BUG_ON() in ext4 writeback (lib/bug.c prints "kernel BUG at file:line!").
    const r = dmesg([
      '------------[ cut here ]------------',
      'kernel BUG at fs/ext4/inode.c:3456!',
      'invalid opcode: 0000 [#1] PREEMPT SMP NOPTI',
      CPU(300, 'kworker/u4:2'),
      HW,
      'RIP: 0010:ext4_writepages+0x10d3/0x1100 [ext4]',
      ...REGS,
      'Call Trace:',
      ' <TASK>',
      ' do_writepages+0xbf/0x1a0',
      ' __writeback_single_inode+0x3d/0x350',
      ' </TASK>',
      'Kernel panic - not syncing: Fatal exception',
    ]);
    expect(r.panic.kind).toBe('bug');
    expect(r.panic.signature).toBe('bug:ext4!ext4_writepages');
  });

  it('hung task: the blocked task\'s first frame past the scheduler and wait primitives', () => {
    // Models kernel.hung_task_panic=1 with jbd2 stuck waiting on I/O.
    const r = dmesg([
      'INFO: task jbd2/vda-8:123 blocked for more than 120 seconds.',
      '      Not tainted 6.1.0-56-cloud-amd64 #1 Debian 6.1.192-2',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      'task:jbd2/vda-8      state:D stack:0     pid:123   ppid:2      flags:0x00004000',
      'Call Trace:',
      ' <TASK>',
      ' __schedule+0x34d/0x9e0',
      ' schedule+0x5a/0xd0',
      ' io_schedule+0x42/0x70',
      ' bit_wait_io+0xd/0x60',
      ' __wait_on_bit+0x4b/0x140',
      ' out_of_line_wait_on_bit+0x91/0xb0',
      ' jbd2_journal_commit_transaction+0x1679/0x1a70 [jbd2]',
      ' kjournald2+0xa9/0x280 [jbd2]',
      ' kthread+0xda/0x100',
      ' ret_from_fork+0x22/0x30',
      ' </TASK>',
      'Kernel panic - not syncing: hung_task: blocked tasks',
      CPU(30, 'khungtaskd'),
    ]);
    expect(r.panic.kind).toBe('hung-task');
    // the wait kind joins the bucket: jbd2 waiting on I/O is another bug than jbd2 waiting on a mutex
    expect(r.panic.signature).toBe('hung-task:jbd2!jbd2_journal_commit_transaction<-io');
    expect(r.hung?.tasks[0]).toMatchObject({ pid: 123, comm: 'jbd2/vda-8', function: 'jbd2_journal_commit_transaction', waitsOn: { kind: 'io', symbol: null }, state: 'D' });
  });

  it('soft lockup: kind and the looping module', () => {
    // Models kernel.softlockup_panic=1 with a module spinning with preemption disabled.
    const r = dmesg([
      'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [spin:4242]',
      'Modules linked in: spinmod(OE) virtio_blk',
      CPU(4242, 'spin', 'G           OEL    '),
      HW,
      'RIP: 0010:spin_forever+0x12/0x20 [spinmod]',
      ...REGS,
      'Call Trace:',
      ' <TASK>',
      ' spinmod_write+0x33/0x50 [spinmod]',
      ' vfs_write+0xc7/0x3f0',
      ' ksys_write+0x6b/0xf0',
      ' </TASK>',
      'Kernel panic - not syncing: softlockup: hung tasks',
    ]);
    expect(r.panic.kind).toBe('soft-lockup');
    expect(r.panic.functionModule).toBe('spinmod');
    expect(r.panic.signature).toMatch(/^soft-lockup:spinmod!spin/);
  });

  it('soft lockup: the faulting function is the RIP the watchdog printed, not the interrupt frames', () => {
    // Models a driver spinning on a lock in its ioctl on 6.1 with softlockup_panic=1. watchdog_timer_fn()
    // runs in the hrtimer interrupt and calls show_regs(regs) on the interrupted context: "RIP: %04x:%pS"
    // is where the CPU was stuck; the Call Trace starts with the <IRQ> frames of the watchdog itself, and the
    // <TASK> part lists the callers of the stuck function, not the function.
    const r = dmesg([
      'watchdog: BUG: soft lockup - CPU#0 stuck for 23s! [ctl:5150]',
      'Modules linked in: lockdrv(OE) virtio_net',
      CPU(5150, 'ctl', 'G           OEL    '),
      HW,
      'RIP: 0010:lockdrv_wait_ready+0x21/0x40 [lockdrv]',
      ...REGS,
      'Call Trace:',
      ' <IRQ>',
      ' watchdog_timer_fn+0x1e5/0x240',
      ' __hrtimer_run_queues+0x112/0x2b0',
      ' hrtimer_interrupt+0xf8/0x230',
      ' __sysvec_apic_timer_interrupt+0x5f/0x110',
      ' sysvec_apic_timer_interrupt+0x6d/0x90',
      ' </IRQ>',
      ' <TASK>',
      ' asm_sysvec_apic_timer_interrupt+0x16/0x20',
      ' lockdrv_ioctl+0x5a/0x90 [lockdrv]',
      ' __x64_sys_ioctl+0x8d/0xd0',
      ' </TASK>',
      'Kernel panic - not syncing: softlockup: hung tasks',
    ]);
    expect(r.panic.kind).toBe('soft-lockup');
    expect(r.panic.function).toBe('lockdrv_wait_ready');
    expect(r.panic.functionModule).toBe('lockdrv');
    expect(r.panic.signature).toBe('soft-lockup:lockdrv!lockdrv_wait_ready');
  });

  it('hard lockup and machine check from their panic strings', () => {
    expect(classify('Kernel panic - not syncing: Hard LOCKUP', null)).toBe('hard-lockup');
    expect(classify('Kernel panic - not syncing: Fatal machine check', null)).toBe('mce');
    expect(classify('Kernel panic - not syncing: Fatal hardware error!', null)).toBe('mce');
    expect(classify('Kernel panic - not syncing: sysrq triggered crash', null)).toBe('sysrq');
    expect(classify('Kernel panic - not syncing: Out of memory and no killable processes...', null)).toBe('oom');
    expect(classify('Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled', null)).toBe('oom');
    expect(classify('Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009', null)).toBe('other');
    // crash's PANIC line when the dump was taken on an oops without a panic() string
    expect(classify('Oops: 0002 [#1] PREEMPT SMP NOPTI', null)).toBe('oops');
    expect(classify('kernel BUG at mm/slub.c:431!', null)).toBe('bug');
  });

  it('machine check in the log', () => {
    // Models an uncorrected memory error: mce_panic() after the [Hardware Error] lines.
    const r = dmesg([
      'mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: b200000000070005',
      'mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff8106c62f> {native_safe_halt+0xf/0x20}',
      'mce: [Hardware Error]: TSC 0 ADDR 1234000 MISC 0',
      'mce: [Hardware Error]: Machine check: Processor context corrupt',
      'Kernel panic - not syncing: Fatal machine check',
    ]);
    expect(r.panic.kind).toBe('mce');
    expect(r.panic.signature).toMatch(/^mce:/);
  });

  it('signatures drop offsets, so the same bug in two dumps groups together', () => {
    const mk = (off: string) => dmesg([
      'BUG: unable to handle page fault for address: ffffffffffffffe8',
      'Oops: 0000 [#1] PREEMPT SMP NOPTI',
      CPU(77, 'python3'),
      `RIP: 0010:__list_del_entry_valid+${off}/0x90`,
      'Kernel panic - not syncing: Fatal exception',
    ]);
    expect(mk('0x4a').panic.signature).toBe(mk('0x12').panic.signature);
    expect(mk('0x4a').panic.kind).toBe('oops');
  });
});
