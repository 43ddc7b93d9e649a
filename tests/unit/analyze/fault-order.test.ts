/**
 * Bad input for panic-kind triage: more than one fault in a log, reports without a panic, a
 * panicking task without a usable stack, and the other shapes the kernel log arrives in
 * (journal text, hard lockups, 6.15+ hung-task blocker lines). Built on the real 6.12 fixture
 * logs, with the extra reports in the kernel's own formats (kernel/watchdog.c, hung_task.c,
 * arch/x86/kernel/dumpstack.c).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { triage } from '../../../electron/analyze/triage.ts';
import { parseBt } from '../../../electron/parse/bt.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { parseSys } from '../../../electron/parse/sys.ts';
import { fixtureFile, fixtureMeta, transcript } from '../../support/fixtures.ts';

const text = (s: 'oops-syscall-6.12' | 'hung-mutex-6.12' | 'softlockup-spin-6.12'): string => readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8');
const dmesg = (t: string) => triage({ log: parseLog(t).model, logOnly: true });
const at = (ts: number, caller: string, lines: string[]): string => lines.map((l) => `[${ts.toFixed(6).padStart(12)}] [${caller.padStart(7)}] ${l}`).join('\n') + '\n';
const CPU = (cpu: number, pid: number, comm: string) => `CPU: ${cpu} UID: 0 PID: ${pid} Comm: ${comm} Kdump: loaded Tainted: G      D    OE      6.12.118+deb13-cloud-amd64 #1  Debian 6.12.118-1`;

describe('the first real fault names the verdict, the rest are listed', () => {
  it('an Oops followed by a second Oops: the first one (#1) is the fault', () => {
    const t = fixtureMeta('oops-syscall-6.12').truth;
    const second = at(9.5, 'T400', [
      'Oops: general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#2] PREEMPT SMP NOPTI',
      CPU(1, 400, 'kworker/1:2'),
      'RIP: 0010:list_del_entry_valid_or_report+0x3a/0xc0',
      'Call Trace:', ' <TASK>', ' process_one_work+0x177/0x330', ' worker_thread+0x252/0x390', ' kthread+0xd2/0x100', ' </TASK>',
      'Kernel panic - not syncing: Fatal exception',
    ]);
    const r = dmesg(text('oops-syscall-6.12') + second);
    expect(r.panic.kind).toBe('oops');
    expect(r.panic.task).toEqual({ pid: t.culprit_task?.pid, comm: t.culprit_task?.comm });
    expect(r.panic.signature).toBe(`oops:${t.module}!${t.function}`);
    expect(r.panic.otherFaults).toEqual([expect.objectContaining({ kind: 'oops', summary: expect.stringContaining('[#2]') })]);
    expect(r.oops?.faultAddress).toBe('0x4');
  });

  it('a soft lockup without softlockup_panic, then a hung-task panic: the lockup is the fault', () => {
    const sl = text('softlockup-spin-6.12').split('\n');
    const end = sl.findIndex((l) => l.includes('Kernel panic - not syncing'));
    const hung = text('hung-mutex-6.12').split('\n');
    const from = hung.findIndex((l) => l.includes('blocked for more than'));
    const r = dmesg([...sl.slice(0, end), ...hung.slice(from)].join('\n'));
    const t = fixtureMeta('softlockup-spin-6.12').truth;
    expect(r.panic.kind).toBe('soft-lockup');
    expect(r.panic.task).toEqual({ pid: t.culprit_task?.pid, comm: t.culprit_task?.comm });
    expect(r.panic.signature).toBe(`soft-lockup:${t.module}!${t.function}`);
    expect(r.dump.panicMessage).toContain('hung_task: blocked tasks');
    expect(r.panic.otherFaults?.map((f) => f.kind)).toEqual(['hung-task']);
  });

  it('hung-task reports for several tasks: every one is listed, the first is the culprit', () => {
    const lines = text('hung-mutex-6.12').split('\n');
    const from = lines.findIndex((l) => l.includes('blocked for more than'));
    const until = lines.findIndex((l) => l.includes('Kernel panic - not syncing'));
    const report = lines.slice(from, until);
    const other = report.map((l) => l.replace('backupd:307', 'restored:311').replace('task:backupd ', 'task:restored').replace('pid:307 ', 'pid:311 '));
    const r = dmesg([...lines.slice(0, until), ...other, ...lines.slice(until)].join('\n'));
    expect(r.hung?.tasks.map((x) => [x.comm, x.pid, x.function, x.waitsOn?.kind])).toEqual([['backupd', 307, 'qdrv_sync', 'mutex'], ['restored', 311, 'qdrv_sync', 'mutex']]);
    expect(r.panic.task.comm).toBe('backupd');
    expect(r.panic.otherFaults).toHaveLength(1);
  });

  it('a panicking task without a usable stack: the log still names the fault, crash\'s empty bt is not trusted', () => {
    const t = fixtureMeta('oops-syscall-6.12').truth;
    const bt = parseBt(`PID: ${t.panic_task.pid}      TASK: ffff888004fd4200  CPU: 0    COMMAND: "${t.panic_task.comm}"\nbt: cannot determine starting stack frame for task ffff888004fd4200\n`).model;
    const r = triage({ log: parseLog(text('oops-syscall-6.12')).model, bt });
    expect(r.panic.function).toBe(t.function);
    expect(r.panic.functionModule).toBe(t.module);
    expect(r.oops?.callTrace?.length).toBeGreaterThan(0);
    expect(r.missing.join(' ')).toMatch(/stack/);
  });
});

describe('more log shapes', () => {
  it('journalctl -k text (short-precise, no kernel timestamps) gives the same verdict as the dmesg file', () => {
    const journal = text('oops-syscall-6.12').split('\n').filter(Boolean)
      .map((l) => `Dec 04 13:15:15.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')} stor02 kernel: ${l.replace(/^\[[^\]]*\] \[[^\]]*\] ?/, '')}`);
    journal.splice(5, 0, 'Dec 04 13:15:15.000001 stor02 systemd[1]: Started foo.service.');
    const r = dmesg(journal.join('\n'));
    const l = dmesg(text('oops-syscall-6.12'));
    expect([r.panic.kind, r.panic.task, r.panic.function, r.panic.functionModule, r.oops?.faultAddress]).toEqual([l.panic.kind, l.panic.task, l.panic.function, l.panic.functionModule, l.oops?.faultAddress]);
  });

  it('hard lockup: the task from the CPU line, the RIP function and module', () => {
    const r = dmesg(at(50, 'C1', [
      'Watchdog detected hard LOCKUP on cpu 1',
      'Modules linked in: qdrv(OE)',
      CPU(1, 300, 'qpoll'),
      'RIP: 0010:qdrv_poll_hw+0x1d/0x40 [qdrv]',
      'Call Trace:', ' <TASK>', ' qdrv_write+0x92/0xb0 [qdrv]', ' vfs_write+0xf8/0x440', ' </TASK>',
      'Kernel panic - not syncing: Hard LOCKUP',
    ]));
    expect(r.panic.kind).toBe('hard-lockup');
    expect(r.lockup).toMatchObject({ kind: 'hard-lockup', cpu: 1, pid: 300, comm: 'qpoll', function: 'qdrv_poll_hw', module: 'qdrv', seconds: null });
    expect(r.panic.signature).toBe('hard-lockup:qdrv!qdrv_poll_hw');
  });

  it('6.15+ hung-task blocker line: the owner the kernel itself names, from the log alone', () => {
    const lines = text('hung-mutex-6.12').split('\n');
    const until = lines.findIndex((l) => l.includes('Kernel panic - not syncing'));
    lines.splice(until, 0, '[   31.809000] [     T34] INFO: task backupd:307 is blocked on a mutex likely owned by task qholder:304.');
    const r = dmesg(lines.join('\n'));
    const t = fixtureMeta('hung-mutex-6.12').truth;
    expect(r.hung?.tasks[0]?.owner).toMatchObject({ pid: t.lock_holder?.pid, comm: t.lock_holder?.comm });
  });

  it('crash 9.0.2 without the log: the function, RIP address and context from the exception frame', () => {
    const t = fixtureMeta('oops-syscall-6.12').truth;
    const v = '9.0.2' as const;
    const r = triage({ sys: parseSys(transcript('oops-syscall-6.12', 'sys', v)).model, bt: parseBt(transcript('oops-syscall-6.12', 'bt', v)).model });
    expect(r.panic).toMatchObject({ kind: 'oops', function: t.function, task: { pid: t.culprit_task?.pid, comm: t.culprit_task?.comm } });
    const rip = /RIP: ([0-9a-f]+)/.exec(transcript('oops-syscall-6.12', 'bt', v))?.[1];
    expect(r.oops).toMatchObject({ function: t.function, context: 'syscall', ripAddress: `0x${rip}` });
  });
});
