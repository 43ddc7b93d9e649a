/**
 * Memory map view logic: vm_flags words of the fixtures' VMAs decoded (bits from
 * include/linux/mm.h, reasoned independently below), the task chooser, and why `vm` gave no
 * VMA list on crash 8.0.2 (the fixture's 8.0.2 transcript through the real parser).
 */
import { describe, expect, it } from 'vitest';
import { parsePs, parseVm } from '../../../electron/parse/index.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { decodeVmFlags, vmFailure } from '../../../renderer/views/MemoryMap/vma-flags.ts';
import { userTasksByRss } from '../../../renderer/views/MemoryMap/task-choice.ts';

describe('Memory map view: vm_flags', () => {
  it('decodes a text segment: read + exec, private, soft-dirty', () => {
    // 0x8000075 = VM_SOFTDIRTY(0x8000000) | VM_MAYEXEC(0x40) | VM_MAYWRITE(0x20) | VM_MAYREAD(0x10) | VM_EXEC(4) | VM_READ(1)
    const d = decodeVmFlags('8000075')!;
    expect(d.perms).toBe('r-xp');
    expect(d.names).toEqual(['VM_READ', 'VM_EXEC', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_SOFTDIRTY']);
    expect(d.unknown).toBe('0');
  });

  it('decodes the stack and the vvar page', () => {
    // 0x100173 = VM_ACCOUNT | VM_GROWSDOWN | VM_MAYEXEC | VM_MAYWRITE | VM_MAYREAD | VM_WRITE | VM_READ
    expect(decodeVmFlags('100173')!.names).toEqual(['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_GROWSDOWN', 'VM_ACCOUNT']);
    // 0xc044411 = VM_SOFTDIRTY | VM_DONTDUMP | VM_DONTEXPAND | VM_IO | VM_PFNMAP | VM_MAYREAD | VM_READ
    const vvar = decodeVmFlags('c044411')!;
    expect(vvar.names).toEqual(['VM_READ', 'VM_MAYREAD', 'VM_PFNMAP', 'VM_IO', 'VM_DONTEXPAND', 'VM_DONTDUMP', 'VM_SOFTDIRTY']);
    expect(vvar.perms).toBe('r--p');
  });

  it('marks shared mappings and reports bits it has no name for', () => {
    expect(decodeVmFlags('fb')!.perms).toBe('rw-s');
    expect(decodeVmFlags('800')!.unknown).toBe('800');
    expect(decodeVmFlags('not hex')).toBeNull();
  });

  it("decodes every VMA of the fixture's biggest process", () => {
    const m = parseVm(transcript('oom-slab-leak', 'vm 154')).model;
    expect(m.vmas.length).toBeGreaterThan(0);
    for (const v of m.vmas) expect(decodeVmFlags(v.flags)?.unknown).toBe('0');
  });
});

describe('Memory map view: why there is no VMA list', () => {
  it('crash 8.0.2 on the 6.1 kernel: the maple tree, with what still works', () => {
    const r = parseVm(transcript('oom-user-hog', 'vm 179', '8.0.2'));
    expect(r.model.vmas).toEqual([]);
    const f = vmFailure(null, r.diagnostics)!;
    expect(f.reason).toBe('crash-too-old');
    expect(f.stillWorks.join(' ')).toMatch(/ps/);
    expect(f.stillWorks.join(' ')).toMatch(/OOM/);
  });

  it('crash 8.0.2 cannot find a task that is not on a CPU', () => {
    const r = parseVm(transcript('oom-slab-leak', 'vm 154', '8.0.2'));
    expect(vmFailure(null, r.diagnostics)?.reason).toBe('no-such-task');
  });

  it('crash 8.0.6 walks the VMAs: no failure', () => {
    const r = parseVm(transcript('oom-user-hog', 'vm 179'));
    expect(vmFailure(null, r.diagnostics)).toBeNull();
    // A kernel thread (panic task of oom-slab-leak) is not a failure either.
    expect(vmFailure(null, parseVm(transcript('oom-slab-leak', 'vm')).diagnostics)).toBeNull();
  });
});

describe('Memory map view: task chooser', () => {
  it('lists user tasks only, biggest RSS first: the largest process of the OOM report leads', () => {
    const truth = fixtureMeta('oom-user-hog').truth.oom as { largest_rss_task: { pid: number; comm: string } };
    const tasks = userTasksByRss(parsePs(transcript('oom-user-hog', 'ps')).model.tasks);
    expect(tasks[0]!.pid).toBe(truth.largest_rss_task.pid);
    expect(tasks.every((t) => !t.kernelThread && t.pid > 0)).toBe(true);
    expect(new Set(tasks.map((t) => t.pid)).size).toBe(tasks.length);
  });
});
