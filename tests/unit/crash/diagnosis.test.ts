/**
 * Mapping crash's startup failures and warnings to ApiErrors and Diagnoses. Inputs are crash's
 * real output (8.0.6 / 8.0.2, recorded on this project's fixtures and bad-input copies).
 */
import { describe, expect, it } from 'vitest';
import { classifyStartupFailure, crashMissing, diagnoseCommand, diagnoseStartup, type StartupContext } from '../../../electron/crash/diagnosis.ts';
import { transcript } from '../../support/fixtures.ts';

const ctx = (over: Partial<StartupContext> = {}): StartupContext => ({
  vmcore: '/tmp/x/vmcore',
  vmlinux: '/dbg/vmlinux-6.1.0-56-cloud-amd64',
  release: '6.1.0-56-cloud-amd64',
  truncated: false,
  notADump: false,
  ...over,
});

const usage = '\nUsage:\n\n  crash [OPTION]... NAMELIST MEMORY-IMAGE[@ADDRESS]\t(dumpfile form)\n  crash [OPTION]... [NAMELIST]             \t\t(live system form)\n\nEnter "crash -h" for details.\n';

describe('classifyStartupFailure', () => {
  it('not a dump', () => {
    const out = `crash: /tmp/x/vmcore: lseek: Invalid argument\nread_maps: unable to read header from /tmp/x/vmcore, errno = 0\ncrash: /tmp/x/vmcore: not a supported file format\n${usage}/tmp/x/vmcore: file too small!\n`;
    const e = classifyStartupFailure(out, ctx({ notADump: true }));
    expect(e.code).toBe('not-a-dump');
    expect(e.message).toContain('not a supported file format');
    expect(e.message).not.toContain('Usage:');
  });

  it('a vmlinux without debug data', () => {
    const e = classifyStartupFailure('\ncrash: /bin/ls: no debugging data available\n\n', ctx({ vmlinux: '/bin/ls' }));
    expect(e.code).toBe('vmlinux-mismatch');
    expect(e.hint).toContain('linux-image-6.1.0-56-cloud-amd64-dbg');
  });

  it('a vmlinux of another kernel', () => {
    expect(classifyStartupFailure('crash: vmlinux and /tmp/x/vmcore do not match!\n', ctx()).code).toBe('vmlinux-mismatch');
  });

  it('a missing vmlinux', () => {
    expect(classifyStartupFailure(`crash: /dbg/vmlinux-6.1.0-56-cloud-amd64: No such file or directory\n${usage}`, ctx()).code).toBe('vmlinux-not-found');
  });

  it('permission denied on the dump', () => {
    const e = classifyStartupFailure(`crash: /tmp/x/vmcore: Permission denied\n${usage}`, ctx());
    expect(e.code).toBe('dump-unreadable');
    expect(e.message).toContain('dump');
  });

  it('a truncated dump that crash read errors on, or left silently', () => {
    const reads = 'crash: read error: kernel virtual address: ffff88801761fb80  type: "current_task (per_cpu)"\n';
    expect(classifyStartupFailure(reads, ctx({ truncated: true })).code).toBe('dump-truncated');
    expect(classifyStartupFailure('', ctx({ truncated: true })).code).toBe('dump-truncated');
    expect(classifyStartupFailure(reads, ctx()).code).toBe('dump-unreadable');
  });
});

describe('crash too old', () => {
  it("recognises 8.0.2's PID-hash warning at startup and names the version needed", () => {
    const d = diagnoseStartup('WARNING: active task ffff888005610000 on cpu 0 not found in PID hash\n', '8.0.2', '6.1.0-56-cloud-amd64');
    expect(d).toHaveLength(1);
    expect(d[0]?.code).toBe('crash-too-old');
    expect(d[0]?.message).toContain('crash 8.0.2');
    // crash-utility/crash: the task-table fix for the flexible-array struct pid (88580068b7dd)
    // first shipped in 8.0.4; the fixtures are verified with 8.0.6.
    expect(d[0]?.hint).toContain('needs crash 8.0.4 or newer');
    expect(d[0]?.hint).toContain('8.0.6 and 9.0.2 verified');
    expect(d[0]?.hint).toContain('Run: bash native-tools/install-crash.sh ');
  });

  it('on a remote host the hint says what to run there', () => {
    const d = diagnoseStartup('WARNING: active task ffff888005610000 on cpu 0 not found in PID hash\n', '8.0.2', '6.1.0-56-cloud-amd64', 'root@db1:22');
    expect(d[0]?.hint).toContain('On root@db1:22');
    expect(d[0]?.hint).toContain('scp native-tools/install-crash.sh root@db1: && ssh root@db1 bash install-crash.sh');
    expect(d[0]?.hint).toContain('--crash');
    const other = diagnoseCommand('vm: invalid structure member offset: mm_struct_mmap\n', '8.0.2', '6.1.0-56-cloud-amd64', 'me@db2:2222');
    expect(other[0]?.hint).toContain('scp -P 2222 native-tools/install-crash.sh me@db2: && ssh -p 2222 me@db2 bash install-crash.sh');
  });

  it('a 6.12 dump: 8.0.6 needed (measured), and the PID-hash warning from a new enough crash means an incomplete dump, not an old crash', () => {
    const tooOld = diagnoseCommand('vm: invalid structure member offset: mm_struct_mmap\n', '8.0.4', '6.12.118+deb13-cloud-amd64');
    expect(tooOld[0]?.hint).toContain('kernel 6.12.118+deb13-cloud-amd64 needs crash 8.0.6 or newer');
    const warn = 'WARNING: active task ffff888003c40000 on cpu 0 not found in PID hash\n';
    expect(diagnoseStartup(warn, '8.0.6', '6.12.118+deb13-cloud-amd64').map((x) => x.code)).toEqual(['dump-incomplete']);
    expect(diagnoseStartup(warn, '9.0.2', '6.12.118+deb13-cloud-amd64')[0]?.hint).toMatch(/makedumpfile older than the kernel/);
  });

  it('a 7.x kernel: says plainly it is known only from crash history, with the unreleased 7.1 fixes', () => {
    const d = diagnoseCommand('bt: invalid structure member offset: x\n', '8.0.6', '7.1.0-1-amd64');
    expect(d[0]?.hint).toContain('needs crash 9.0.2 or newer (from crash\'s history; no fixture of this kernel was measured)');
    expect(d[0]?.hint).toContain('d0ee428664f9');
    expect(d[0]?.hint).toContain('install-crash.sh 9.0.2');
  });

  it('crash 8.0.2 that cannot start on a 6.12 dump is reported as too old, with the command', () => {
    const out = 'crash: invalid structure member offset: module_core_size\n       FILE: kernel.c  LINE: 3781  FUNCTION: module_init()\n';
    const e = classifyStartupFailure(out, ctx({ release: '6.12.118+deb13-cloud-amd64', crashVersion: '8.0.2' }));
    expect(e.code).toBe('crash-too-old');
    expect(e.message).toContain('module_core_size');
    expect(e.hint).toContain('8.0.6 or newer');
    expect(e.hint).toContain('bash native-tools/install-crash.sh');
  });

  it('tells a user of 8.0.3 (maple tree, but not the new struct pid) that it is not enough', () => {
    const d = diagnoseStartup('WARNING: active task ffff888005610000 on cpu 0 not found in PID hash\n', '8.0.3', '6.1.0-56-cloud-amd64');
    expect(d[0]?.message).toContain('crash 8.0.3 is too old');
    expect(d[0]?.hint).toContain('needs crash 8.0.4 or newer');
  });

  it('a missing crash: the hint names the minimum and the verified release', () => {
    const e = crashMissing('/opt/nope/crash');
    expect(e.code).toBe('crash-missing');
    expect(e.hint).toContain('bash native-tools/install-crash.sh');
    expect(e.hint).toContain('crash 8.0.4 or newer');
  });

  it("recognises 8.0.2's vm failure on a maple-tree kernel", () => {
    expect(diagnoseCommand(transcript('panic-sysrq', 'vm', '8.0.2'), '8.0.2', null).map((d) => d.code)).toEqual(['crash-too-old']);
  });

  it('turns a kernel version inconsistency warning into a vmlinux-mismatch finding', () => {
    const d = diagnoseStartup('WARNING: kernel version inconsistency between vmlinux and dumpfile\n', '8.0.6', '6.1.0-56-cloud-amd64');
    expect(d.map((x) => [x.code, x.severity])).toEqual([['vmlinux-mismatch', 'error']]);
  });

  it('finds nothing wrong in crash 8.0.6 output', () => {
    expect(diagnoseStartup('', '8.0.6', '6.1.0-56-cloud-amd64')).toEqual([]);
    expect(diagnoseCommand(transcript('panic-sysrq', 'vm', '8.0.6'), '8.0.6', null)).toEqual([]);
  });
});
