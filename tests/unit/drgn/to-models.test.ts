/**
 * drgn's answers become crash's models: what a view shows must not depend on the engine. Small
 * answers in the engine's wire shape (the real engine's output is compared with crash in
 * tests/integration/drgn/).
 */
import { describe, expect, it } from 'vitest';
import type { DrgnFrame, DrgnStackAnswer } from '../../../electron/drgn/answers.ts';
import {
  lockOwnerWordFromDrgn, memoryFromDrgn, modTaintFromDrgn, moduleLoadFromDrgn, modulesFromDrgn, psFromDrgn, sizeText, slabFromDrgn, stackFromDrgn, stacksFromDrgn,
  stackWordsFromDrgn, symbolFromDrgn, sysTaintFromDrgn, zonesFromDrgn,
} from '../../../electron/drgn/to-models.ts';
import { compareDrgnVersions, drgnNeededFor, drgnSupportFor } from '../../../electron/drgn/drgn-requirements.ts';

const frame = (over: Partial<DrgnFrame>): DrgnFrame => ({
  level: 0, pc: 'ffffffff81000000', sp: 'ffffc90000000000', function: 'f', offset: 0, module: null, inline: false, interrupted: false, source: null, ...over,
});

describe('tasks', () => {
  it('gives crash\'s ps columns: kB from pages, %MEM of the present pages to one decimal, unreadable tasks as problems', () => {
    const { model, problems } = psFromDrgn({
      pageSize: 4096, ramPages: 50_000, presentPages: 98_171,
      tasks: [
        { pid: 1, ppid: 0, tgid: 1, cpu: 0, task: 'ffff888004250000', state: 'IN', stateChar: 'S', rssPages: 417, totalVmPages: 565, comm: 'init', kernelThread: false, active: false },
        { task: 'ffff888004254200', error: 'could not read memory at 0x10' },
      ],
    });
    expect(model.tasks).toEqual([{ pid: 1, ppid: 0, cpu: 0, task: 'ffff888004250000', state: 'IN', memPercent: 0.4, vszKb: 2260, rssKb: 1668, comm: 'init', kernelThread: false, active: false }]);
    expect(problems).toEqual(['task ffff888004254200: could not read memory at 0x10']);
  });
});

describe('slab caches', () => {
  it('keeps caches with counts and names those without instead of showing zeros', () => {
    const { model, problems } = slabFromDrgn({
      caches: [
        { address: 'ffff888005138500', name: 'ext4_groupinfo_4k', objSize: 152, slabSize: 4096, slabs: 1, total: 26, allocated: 4 },
        { address: 'ffff888005138600', name: 'bio-128', objSize: 128, slabSize: 4096, error: 'slab counts of this kernel need drgn 0.3.0 or newer (per-node sheaves)' },
      ],
    });
    expect(model.caches).toEqual([{ address: 'ffff888005138500', name: 'ext4_groupinfo_4k', objSize: 152, allocated: 4, total: 26, slabs: 1, slabSize: 4096, slabSizeText: '4k', totalBytes: 152 * 26 }]);
    expect(problems).toEqual(['slab cache bio-128: slab counts of this kernel need drgn 0.3.0 or newer (per-node sheaves)']);
    expect(sizeText(32768)).toBe('32k');
  });
});

describe('zones', () => {
  it('leaves an unpopulated zone without counters, as crash prints it', () => {
    const { model } = zonesFromDrgn({
      pageSize: 4096,
      zones: [{ node: 0, zone: 2, address: 'ffff888017e96c00', name: 'Normal', spanned: 0, present: 0, managed: 0, startPfn: 0, min: 0, low: 0, high: 0, vmStat: { NR_FREE_PAGES: 0 } }],
    });
    expect(model.zones[0]).toMatchObject({ populated: false, spanned: null, present: null, min: null, vmStat: {} });
  });
});

describe('memory counters', () => {
  it('derives kmem -i rows from the kernel counters and says SHARED is not printed', () => {
    const { model } = memoryFromDrgn({
      pageSize: 4096, totalRamPages: 53_967, zoneStat: { NR_FREE_PAGES: 41_665 },
      nodeStat: { NR_FILE_PAGES: 1_164, NR_SWAPCACHE: 0, NR_SLAB_RECLAIMABLE_B: 279, NR_SLAB_UNRECLAIMABLE_B: 2_025 },
      totalSwapPages: 0, freeSwapPages: 0, committedPages: 6_493, overcommitRatio: 50, totalreservePages: 0, bufferPages: 31,
    });
    expect(Object.fromEntries(model.rows.map((r) => [r.label, r.pages]))).toMatchObject({ 'TOTAL MEM': 53_967, FREE: 41_665, USED: 12_302, BUFFERS: 31, CACHED: 1_133, SLAB: 2_304, 'COMMIT LIMIT': 26_983 });
    expect(model.byLabel.FREE?.percent).toBe(77);
    expect(model.notPrinted).toEqual(['SHARED']);
  });
});

describe('stacks', () => {
  const base: Omit<DrgnStackAnswer, 'frames'> = { pid: 302, task: 'ffff888004fd4200', cpu: 0, comm: 'qctl', state: 'RU', active: true, truncated: false, crashed: true };

  it('drops inline frames, turns an Oops\'s interrupted first frame into crash\'s exception block and user registers into the last', () => {
    const { model } = stackFromDrgn({
      ...base,
      frames: [
        frame({ function: 'qdrv_submit.constprop.0', offset: 5, pc: 'ffffffffc02140e5', module: 'qdrv', interrupted: true, registers: { rip: 'ffffffffc02140e5', rsp: 'ffffc9000071bdc8', cs: '0000000000000010' } }),
        frame({ level: 1, function: 'qdrv_write', pc: 'ffffffffc02141a3', module: 'qdrv' }),
        frame({ level: 2, function: 'do_syscall_x64', inline: true }),
        frame({ level: 3, function: 'do_syscall_64' }),
        frame({ level: 4, function: null, pc: '0000000000438460', interrupted: true, registers: { rip: '0000000000438460', cs: '0000000000000033' } }),
      ],
    });
    const task = model.tasks[0];
    // As crash shows it: the faulting function only in the exception block, the frames from its caller on.
    expect(task?.frames.map((f) => [f.level, f.function, f.module])).toEqual([[0, 'qdrv_write', 'qdrv'], [1, 'do_syscall_64', null]]);
    expect(task?.exceptionFrames).toEqual([
      { afterLevel: -1, exceptionRip: 'qdrv_submit.constprop.0+5', registers: { RIP: 'ffffffffc02140e5', RSP: 'ffffc9000071bdc8', CS: '0010' }, userMode: false },
      { afterLevel: 1, exceptionRip: null, registers: { RIP: '0000000000438460', CS: '0033' }, userMode: true },
    ]);
    expect(task?.panic).toBe(true);
  });

  it('does not call the registers saved for kexec an exception, and says when a stack was cut', () => {
    const { model, problems } = stackFromDrgn({
      ...base, crashed: false, truncated: true,
      frames: [frame({ function: 'crash_setup_regs', inline: true, interrupted: true, registers: { rip: '1' } }), frame({ function: '__crash_kexec', interrupted: true, registers: { rip: '1' } }), frame({ level: 2, function: 'vpanic' })],
    });
    expect(model.tasks[0]?.exceptionFrames).toEqual([]);
    expect(model.tasks[0]?.panic).toBe(true);
    expect(problems[0]).toMatch(/ends early/);
  });
});

describe('follow-up commands', () => {
  const stack = (pid: number, comm: string, functions: string[]): DrgnStackAnswer => ({
    pid, task: 'ffff888005150000', cpu: 0, comm, state: 'UN', active: false, truncated: false, crashed: false,
    frames: functions.map((f, level) => frame({ level, function: f, sp: `ffffc900005230${level}0` })),
  });

  it('bt -a / foreach UN bt: one task per stack, a stack drgn could not unwind named as a problem', () => {
    const { model, problems } = stacksFromDrgn({
      stacks: [
        stack(307, 'backupd', ['__schedule', 'schedule', 'qdrv_sync']),
        { pid: 12, task: 'ffff888004000000', comm: 'kworker/0:1', error: 'drgn 0.0.22 cannot unwind this stack (program counter not known)' },
      ],
    });
    expect(model.tasks.map((t) => [t.pid, t.command, t.frames.map((f) => f.function)])).toEqual([[307, 'backupd', ['__schedule', 'schedule', 'qdrv_sync']]]);
    expect(problems).toEqual(['the stack of kworker/0:1 (12) was not read: drgn 0.0.22 cannot unwind this stack (program counter not known)']);
  });

  it('bt -F: frames keep their words as crash writes them; an unnamed frame goes by its address', () => {
    const { model, problems } = stackWordsFromDrgn({
      pid: 307, comm: 'backupd', task: 'ffff888005150000', truncated: false,
      frames: [
        { level: 0, function: '__schedule', offset: 1258, module: null, pc: 'ffffffff81cc4e1a', sp: 'ffffc90000523bb0', words: ['qdrv_cfg_mutex+8', 'ffffc90000523c70', 'qdrv_cfg_mutex'] },
        { level: 1, function: null, offset: null, module: 'qdrv', pc: 'ffffffffc02140b1', sp: 'ffffc90000523cd8', words: [], error: 'could not read memory at 0xffffc90000523cd8' },
      ],
    });
    expect(model).toEqual({
      pid: 307, command: 'backupd', error: null,
      frames: [
        { level: 0, function: '__schedule', module: null, words: ['qdrv_cfg_mutex+8', 'ffffc90000523c70', 'qdrv_cfg_mutex'] },
        { level: 1, function: 'ffffffffc02140b1', module: 'qdrv', words: [] },
      ],
    });
    expect(problems).toEqual(['the stack words of frame #1 (ffffffffc02140b1) were not read: could not read memory at 0xffffc90000523cd8']);
  });

  it('struct mutex.owner: the owner word as read, flag bits kept, 16 digits', () => {
    const { model } = lockOwnerWordFromDrgn({
      address: 'ffffffffc0216040', kind: 'mutex', ownerRaw: 'ffff888005258001', symbol: 'qdrv_cfg_mutex',
      owner: { pid: 304, comm: 'qholder', task: 'ffff888005258000', state: 'IN' },
    });
    expect(model).toEqual({ word: 'ffff888005258001', error: null });
    expect(lockOwnerWordFromDrgn({ address: 'ffffffffc0216040', kind: 'mutex', ownerRaw: '0', symbol: null, owner: null }).model.word).toBe('0000000000000000');
  });

  it('sym: name, offset, type, module and source line; mod -s: the object file or crash-like refusal', () => {
    expect(symbolFromDrgn({ address: 'ffffffffc02140e5', name: 'qdrv_submit.constprop.0', offset: 5, type: 't', module: 'qdrv', source: '/build/qdrv.c: 43' }).model)
      .toEqual({ address: 'ffffffffc02140e5', name: 'qdrv_submit.constprop.0', offset: 5, type: 't', module: 'qdrv', source: '/build/qdrv.c: 43', error: null });
    expect(moduleLoadFromDrgn({ module: 'qdrv', objectFile: null, error: 'module qdrv is not loaded in this dump' }).model)
      .toEqual({ module: 'qdrv', objectFile: null, error: 'module qdrv is not loaded in this dump' });
  });

  it('mod names the .ko drgn loaded for a module, as crash\'s mod does after mod -s', () => {
    const { model } = modulesFromDrgn({
      modules: [
        { module: 'ffffffffc0216080', name: 'qdrv', base: 'ffffffffc0214000', size: 12288, taints: 12288, objectFile: '/dumps/qdrv.ko' },
        { module: 'ffffffffc02055c0', name: 'virtio_blk', base: 'ffffffffc0201000', size: 32768, taints: 0, objectFile: null },
      ],
    });
    expect(model.modules.map((m) => [m.name, m.objectFile])).toEqual([['qdrv', '/dumps/qdrv.ko'], ['virtio_blk', null]]);
  });

  it('sys -t decodes the mask with crash\'s table; mod -t lists tainted modules only, letters in bit order', () => {
    const answer = { mask: 0x3000, modules: [{ name: 'qdrv', taints: 0x3000 }, { name: 'virtio_blk', taints: 0 }] };
    const sys = sysTaintFromDrgn(answer).model;
    expect([sys.mask, sys.letters, sys.tainted, sys.flags.map((f) => f.name)]).toEqual(['3000', 'OE', true, ['TAINT_OOT_MODULE', 'TAINT_UNSIGNED_MODULE']]);
    expect(modTaintFromDrgn(answer).model).toEqual({ modules: [{ name: 'qdrv', taints: 'OE' }] });
    expect(sysTaintFromDrgn({ mask: null, modules: [] }).problems).toHaveLength(1);
  });
});

describe('which drgn reads which kernel', () => {
  it('judges a release by the newest measured one not newer than it, and names what a kernel needs', () => {
    expect(compareDrgnVersions('0.0.31', '0.3.0')).toBe(-1);
    expect(drgnSupportFor('0.0.22', '7.2.13+deb14-cloud-amd64')?.reads).not.toContain('slab');
    expect(drgnSupportFor('0.0.31', '6.12.118+deb13-cloud-amd64')?.reads).toContain('moduleFrames');
    expect(drgnSupportFor('0.0.31', '7.2.13+deb14-cloud-amd64')?.reads).not.toContain('stacks');
    expect(drgnSupportFor('0.1.0', '7.2.13')?.drgn).toBe('0.0.31');
    expect(drgnSupportFor('0.0.20', '6.1.0')).toBeNull();
    expect(drgnSupportFor('0.3.0', '5.10.0')).toBeNull();
    expect(drgnNeededFor('6.1.0-56-cloud-amd64')).toBe('0.0.31');
    expect(drgnNeededFor('7.2.13+deb14-cloud-amd64')).toBe('0.3.0');
  });
});
