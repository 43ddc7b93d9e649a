/**
 * The Overview's first screen helpers on the 6.12 fixtures' own kernel logs (vmcore-dmesg.txt):
 * the first fault line, RIP, registers and Code: bytes as the kernel printed them; the reporter
 * told apart from the culprit; the lockup's lock held or waited for; the uptime the log gives
 * and why crash's `sys` differs; one format for offsets, dates, paths and evidence text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureFile } from '../../support/fixtures.ts';
import { firstFaultReport, parseCodeLine, parseRegisterLine } from '../../../renderer/views/Overview/fault-report.ts';
import { hasOom, lockRole, navNotes, otherBlocked, reporterOf, sinceRanMap } from '../../../renderer/views/Overview/first-screen.ts';
import { formatUptime, uptimeFact } from '../../../renderer/views/Overview/uptime.ts';
import { evidenceText, formatCrashDate, hexOffset, middleEllipsis, parseCrashDate } from '../../../renderer/lib/format.ts';

const dmesg = (s: 'oops-syscall-6.12' | 'softlockup-spin-6.12' | 'hung-mutex-6.12'): string => readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8');

describe('the first fault report of the kernel log', () => {
  it('Oops: the NULL dereference line is the headline, RIP with its module, the registers and the marked code byte', () => {
    const f = firstFaultReport(dmesg('oops-syscall-6.12'))!;
    expect(f.headline).toMatch(/^BUG: kernel NULL pointer dereference, address: 0+4$/);
    expect(f.rip).toBe('qdrv_submit.constprop.0+0x5/0x30 [qdrv]');
    expect(f.registers.map((r) => r.name)).toEqual(expect.arrayContaining(['RSP', 'EFLAGS', 'RAX', 'RDI', 'R15', 'CR2']));
    expect(f.registers.find((r) => r.name === 'CR2')?.value).toBe('0000000000000004');
    // The kernel-mode block only: the user-mode RIP 0033 after the call trace is not the fault.
    expect(f.registers.filter((r) => r.name === 'RAX')).toHaveLength(1);
    expect(f.code?.at).toBe('8b');
    expect(f.code?.after.slice(0, 4)).toEqual(['04', '25', '04', '00']);
  });

  it('soft lockup: the watchdog line, where the CPU spun', () => {
    const f = firstFaultReport(dmesg('softlockup-spin-6.12'))!;
    expect(f.headline).toBe('watchdog: BUG: soft lockup - CPU#0 stuck for 13s! [qpoll:300]');
    expect(f.rip).toBe('qdrv_poll_hw+0x1d/0x40 [qdrv]');
    expect(f.code?.before.slice(-2)).toEqual(['f3', '90']);
  });

  it('hung task: the detector line, no registers', () => {
    const f = firstFaultReport(dmesg('hung-mutex-6.12'))!;
    expect(f.headline).toBe('INFO: task backupd:307 blocked for more than 10 seconds');
    expect(f.rip).toBeNull();
  });

  it('odd lines are not read as registers or code', () => {
    expect(parseRegisterLine('Hardware name: QEMU')).toEqual([]);
    expect(parseCodeLine('Code: Unable to access opcode bytes at 0x43845a.')).toBeNull();
    expect(firstFaultReport('')).toBeNull();
  });
});

describe('who is who on the first screen', () => {
  const hungLog = { panics: [{ recordIndex: 30, timestamp: 31.8, message: 'Kernel panic - not syncing: hung_task: blocked tasks', pid: 34, comm: 'khungtaskd', cpu: 1, callTrace: [] }] };
  it('khungtaskd reported the hung task; an Oops has no separate reporter', () => {
    expect(reporterOf({ panic: { kind: 'hung-task', task: { pid: 307, comm: 'backupd' } }, lockup: null } as never, hungLog, null)).toBe('khungtaskd (pid 34), the hung-task detector');
    expect(reporterOf({ panic: { kind: 'oops', task: { pid: 302, comm: 'qctl' } }, lockup: null } as never, { panics: [] }, null)).toBeNull();
    expect(reporterOf({ panic: { kind: 'soft-lockup', task: { pid: 300, comm: 'qpoll' } }, lockup: { cpu: 0 } } as never, null, null)).toBe('the soft-lockup watchdog on CPU 0, interrupting the culprit');
  });

  it('a spinner in its own code holds the lock; one in a lock primitive waits for it', () => {
    expect(lockRole({ lock: 'qdrv_hw_lock', function: 'qdrv_poll_hw' })).toMatch(/^qdrv_hw_lock: held by the spinning task/);
    expect(lockRole({ lock: 'qdrv_hw_lock', function: 'native_queued_spin_lock_slowpath' })).toMatch(/waits for it/);
    expect(lockRole({ lock: null, function: 'qdrv_poll_hw' })).toMatch(/no register names a lock/);
  });

  it('other D-state tasks leave out the chain, ps -m gives the time blocked', () => {
    const ps = { tasks: [{ pid: 307, comm: 'backupd', state: 'UN' }, { pid: 304, comm: 'qholder', state: 'IN' }, { pid: 400, comm: 'syncd', state: 'UN' }] } as never;
    expect(otherBlocked(ps, [{ pid: 307, comm: 'backupd', blockedSeconds: 10, function: null, waitsOn: null, owner: { pid: 304, comm: 'qholder', state: 'IN', function: null } }])).toEqual([{ pid: 400, comm: 'syncd' }]);
    expect(sinceRanMap({ tasks: [{ pid: 307, sinceLastRunMs: 19234 }, { pid: 0, sinceLastRunMs: 1 }] } as never)).toEqual(new Map([[307, 19234]]));
  });

  it('no OOM wizard question on a dump without an OOM report, and the nav says so', () => {
    expect(hasOom({ panic: { kind: 'hung-task' }, oom: null } as never)).toBe(false);
    expect(navNotes({ panic: { kind: 'hung-task' }, oom: null } as never)).toEqual({ 'oom-wizard': 'no OOM report in this dump' });
    expect(navNotes({ panic: { kind: 'oom' }, oom: null } as never)).toEqual({});
    expect(navNotes(null)).toEqual({});
  });
});

describe('one format per fact', () => {
  it('uptime from the log, with why crash says otherwise (HZ 250 read as 1000)', () => {
    const u = uptimeFact({ panics: [{ timestamp: 31.809303 }] } as never, 232)!;
    expect(u.text).toBe('31.8 s');
    expect(u.source).toBe('kernel log timestamp of the panic');
    expect(u.note).toMatch(/crash's sys says 3 min 52 s: .*HZ/);
    expect(uptimeFact({ panics: [{ timestamp: 31.8 }] } as never, 32)!.note).toBeNull();
    expect(uptimeFact(null, 232)!.source).toMatch(/^crash sys/);
    expect(formatUptime(3 * 3600 + 125)).toBe('3 h 02 min');
  });

  it('offsets in hex as the kernel prints them', () => {
    expect(hexOffset('qdrv_poll_hw+29')).toBe('qdrv_poll_hw+0x1d');
    expect(hexOffset('qdrv_poll_hw+0x1d/0x40 [qdrv]')).toBe('qdrv_poll_hw+0x1d/0x40 [qdrv]');
    expect(hexOffset('schedule')).toBe('schedule');
  });

  it('dates in one format, crash DATE included', () => {
    expect(formatCrashDate('Fri Dec  4 13:20:46 UTC 2026')).toBe('2026-12-04 13:20:46 UTC');
    expect(parseCrashDate('Fri Dec  4 13:20:46 CET 2026')).toBeNull();
  });

  it('long paths keep both ends', () => {
    const p = '/var/lib/crashdeck/fixtures/shared/hung-mutex-6.12/vmcore';
    const short = middleEllipsis(p, 32);
    expect(short).toHaveLength(32);
    expect(short.startsWith('/var/lib/')).toBe(true);
    expect(short.endsWith('6.12/vmcore')).toBe(true);
    expect(middleEllipsis('/a/vmcore', 32)).toBe('/a/vmcore');
  });

  it('evidence text says each thing once', () => {
    expect(evidenceText('task backupd:307 blocked for more than 10 seconds', 'first fault report: task backupd:307 blocked for more than 10 seconds')).toBe('first fault report: task backupd:307 blocked for more than 10 seconds');
    expect(evidenceText('Node 0 DMA free:', 'DMA: 12 kB free')).toBe('Node 0 DMA free: DMA: 12 kB free');
    expect(evidenceText('qdrv', 'modules tainting the kernel: qdrv')).toBe('modules tainting the kernel: qdrv');
    expect(evidenceText('ps', 'pid 3')).toBe('ps: pid 3');
  });
});
