/**
 * drgn's answers -> the parse/models.ts models crash's text parsers produce, so views, analyze/
 * and reports read one shape whichever engine answered. Pure functions. Where drgn's view of
 * the kernel differs from crash's the model stays crash's and the difference is named here:
 * - stacks: drgn unwinds with ORC and shows inlined functions; crash does not show inlines, so
 *   inline frames are left out (their names stay in `inlined` of the answer, not in the model).
 *   crash starts the panic task at machine_kexec (its own entry), drgn at the saved registers in
 *   __crash_kexec; frames below agree. A function interrupted by an exception (an Oops, the
 *   timer interrupt of a lockup) is crash's `[exception RIP: ...]` block, not a frame.
 * - ps: each CPU's idle task is listed, as crash does; the ppid of idle tasks on other CPUs is
 *   their real_parent (crash prints 0).
 * - `%MEM` is rss / the pages present in all zones (crash's MEMORY), rounded to one decimal.
 * - zones: an unpopulated zone has no counters in crash's `kmem -z`, so none here either.
 */
import type {
  BtExceptionFrame, BtFrame, BtModel, BtTask, KmemFreeAreaRow, KmemFreeModel, KmemFreeZone, KmemInfoModel, KmemInfoRow,
  KmemSlabModel, KmemZoneModel, LockOwnerWordModel, ModModel, ModTaintModel, ModuleLoadModel, PsModel, PsTask, SlabCache,
  StackWordsModel, SymbolAtModel, SysModel, SysTaintModel,
} from '../parse/models.ts';
import { decodeTaint } from '../parse/sys-taint.ts';
import type {
  DrgnFrame, DrgnLoadModuleAnswer, DrgnLockAnswer, DrgnMemoryAnswer, DrgnModulesAnswer, DrgnSlabAnswer, DrgnStackAnswer,
  DrgnStacksAnswer, DrgnStackWordsAnswer, DrgnSymbolAnswer, DrgnSysAnswer, DrgnTaintAnswer, DrgnTaskRow, DrgnTasksAnswer,
  DrgnZonesAnswer,
} from './answers.ts';

/** A model plus what could not be read (never silently dropped). */
export interface Converted<M> {
  model: M;
  /** One sentence per row or field drgn could not read ("slab cache kmalloc-64: ..."). */
  problems: string[];
}

function isTaskRow(row: DrgnTasksAnswer['tasks'][number]): row is DrgnTaskRow {
  return 'pid' in row;
}

/** `ps`. */
export function psFromDrgn(answer: DrgnTasksAnswer): Converted<PsModel> {
  const kbPerPage = answer.pageSize / 1024;
  const problems: string[] = [];
  const tasks: PsTask[] = [];
  for (const row of answer.tasks) {
    if (!isTaskRow(row)) {
      problems.push(`task ${row.task}: ${row.error}`);
      continue;
    }
    tasks.push({
      pid: row.pid,
      ppid: row.ppid,
      cpu: row.cpu,
      task: row.task,
      state: row.state,
      memPercent: answer.presentPages > 0 ? Math.round((row.rssPages * 1000) / answer.presentPages) / 10 : 0,
      vszKb: row.totalVmPages * kbPerPage,
      rssKb: row.rssPages * kbPerPage,
      comm: row.comm,
      kernelThread: row.kernelThread,
      active: row.active,
    });
  }
  return { model: { tasks }, problems };
}

/** crash's size text for bytes ("4k", "32k", "2048k"). */
export function sizeText(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}k` : String(bytes);
}

/** `kmem -s`: caches whose counts drgn could not read are problems, not rows of zeros. */
export function slabFromDrgn(answer: DrgnSlabAnswer): Converted<KmemSlabModel> {
  const caches: SlabCache[] = [];
  const problems: string[] = [];
  for (const row of answer.caches) {
    const { objSize, slabSize, slabs, total, allocated } = row;
    if (row.error !== undefined || objSize === undefined || slabSize === undefined || slabs === undefined || total === undefined || allocated === undefined) {
      problems.push(`slab cache ${row.name ?? row.address}: ${row.error ?? 'counts not read'}`);
      continue;
    }
    caches.push({
      address: row.address,
      name: row.name ?? '(unknown)',
      objSize,
      allocated,
      total,
      slabs,
      slabSize,
      slabSizeText: sizeText(slabSize),
      totalBytes: objSize * total,
      ...(row.name === null ? { nameUnknown: true as const } : {}),
    });
  }
  return { model: { caches }, problems };
}

/** `kmem -z`: zones with their VM_STAT counters (zone_stat_item names, as crash prints them). */
export function zonesFromDrgn(answer: DrgnZonesAnswer): Converted<KmemZoneModel> {
  return {
    model: {
      zones: answer.zones.map((z) => {
        const populated = z.present > 0;
        return {
          node: z.node,
          zone: z.zone,
          address: z.address,
          name: z.name,
          populated,
          spanned: populated ? z.spanned : null,
          present: populated ? z.present : null,
          min: populated ? z.min : null,
          low: populated ? z.low : null,
          high: populated ? z.high : null,
          vmStat: populated ? z.vmStat : {},
        };
      }),
    },
    problems: [],
  };
}

/** `kmem -f`: per zone, per order, the blocks on each migrate type's list. */
export function freeAreasFromDrgn(answer: DrgnZonesAnswer): Converted<KmemFreeModel> {
  const problems: string[] = [];
  const zones: KmemFreeZone[] = [];
  let nrFree = 0;
  for (const z of answer.zones) {

    const areas: KmemFreeAreaRow[] = [];
    const blocksPerOrder: number[] = [];
    const pagesPerOrder: number[] = [];
    for (const area of z.freeAreas ?? []) {
      const bytes = answer.pageSize << area.order;
      let orderBlocks = 0;
      area.perType.forEach((list, migrateIndex) => {
        if (list.blocks < 0) {
          problems.push(`${z.name} order ${area.order} ${list.type}: free list not readable`);
          return;
        }
        orderBlocks += list.blocks;
        areas.push({ order: area.order, sizeText: sizeText(bytes), sizeBytes: bytes, address: list.address, migrateIndex, blocks: list.blocks, pages: list.blocks << area.order });
      });
      blocksPerOrder.push(orderBlocks);
      pagesPerOrder.push(orderBlocks << area.order);
    }
    const free = z.vmStat.NR_FREE_PAGES ?? pagesPerOrder.reduce((a, b) => a + b, 0);
    nrFree += free;
    zones.push({ zone: z.zone, name: z.name, size: z.spanned, free, memMap: '', startPaddr: (z.startPfn * answer.pageSize).toString(16), startMapnr: z.startPfn, areas, blocksPerOrder, pagesPerOrder });
  }
  const found = zones.reduce((sum, z) => sum + z.pagesPerOrder.reduce((a, b) => a + b, 0), 0);
  return { model: { zones, nrFreePages: nrFree, foundFreePages: found }, problems };
}

function infoRow(label: string, pages: number | null, pageSize: number, percentOf: { label: string; pages: number } | null): KmemInfoRow {
  const bytes = pages === null ? null : pages * pageSize;
  return {
    label,
    pages,
    bytes,
    bytesText: bytes === null ? '' : humanBytes(bytes),
    percent: percentOf && pages !== null && percentOf.pages > 0 ? Math.floor((pages * 100) / percentOf.pages) : null,
    percentOf: percentOf ? percentOf.label : null,
  };
}

function humanBytes(bytes: number): string {
  if (bytes === 0) return '0';
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1).replace(/\.0$/, '')} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1).replace(/\.0$/, '')} GB`;
}

/**
 * `kmem -i`, from the kernel's own counters the way crash derives its rows: USED = TOTAL - FREE,
 * SHARED = NR_SHMEM, CACHED = file pages - swap cache - buffers, SLAB = both slab counters (bytes
 * counters since 5.9, in pages), COMMIT LIMIT = (RAM - hugetlb) * overcommit_ratio% + swap.
 */
export function memoryFromDrgn(answer: DrgnMemoryAnswer): Converted<KmemInfoModel> {
  const ps = answer.pageSize;
  const total = answer.totalRamPages;
  const free = answer.zoneStat.NR_FREE_PAGES ?? null;
  const node = answer.nodeStat;
  const slabOf = (name: string): number | null => node[`${name}_B`] ?? node[name] ?? null;
  const slabR = slabOf('NR_SLAB_RECLAIMABLE');
  const slabU = slabOf('NR_SLAB_UNRECLAIMABLE');
  const buffers = answer.bufferPages;
  const file = node.NR_FILE_PAGES ?? null;
  const swapCache = node.NR_SWAPCACHE ?? 0;
  const cached = file === null ? null : Math.max(file - swapCache - (buffers ?? 0), 0);
  const mem = { label: 'TOTAL MEM', pages: total };
  const swap = { label: 'TOTAL SWAP', pages: answer.totalSwapPages };
  const limitPages = answer.overcommitRatio === null ? null : Math.floor((total * answer.overcommitRatio) / 100) + answer.totalSwapPages;
  const rows: KmemInfoRow[] = [
    infoRow('TOTAL MEM', total, ps, null),
    infoRow('FREE', free, ps, mem),
    infoRow('USED', free === null ? null : total - free, ps, mem),
    infoRow('BUFFERS', buffers, ps, mem),
    infoRow('CACHED', cached, ps, mem),
    infoRow('SLAB', slabR === null || slabU === null ? null : slabR + slabU, ps, mem),
    infoRow('TOTAL SWAP', answer.totalSwapPages, ps, null),
    infoRow('SWAP USED', answer.totalSwapPages - answer.freeSwapPages, ps, swap),
    infoRow('SWAP FREE', answer.freeSwapPages, ps, swap),
    infoRow('COMMIT LIMIT', limitPages, ps, null),
    infoRow('COMMITTED', answer.committedPages, ps, limitPages === null ? null : { label: 'TOTAL LIMIT', pages: limitPages }),
  ];
  const problems = rows.filter((r) => r.pages === null).map((r) => `${r.label}: not read`);
  // crash's SHARED counts pages mapped more than once by walking every struct page (what crash 9.0
  // no longer prints); no kernel counter holds it, so drgn's answer says it is not printed.
  return { model: { rows, byLabel: Object.fromEntries(rows.map((r) => [r.label, r])), notPrinted: ['SHARED'] }, problems };
}

/** `mod`: the object file is the .ko drgn loaded for the module (module directory, `mod -s`), else "(not loaded)". */
export function modulesFromDrgn(answer: DrgnModulesAnswer): Converted<ModModel> {
  return {
    model: { modules: answer.modules.map((m) => ({ module: m.module, name: m.name, base: m.base, size: m.size, objectFile: m.objectFile ?? null, note: null, taints: null })) },
    problems: [],
  };
}

const registerNames: Record<string, string> = { rflags: 'RFLAGS', orig_rax: 'ORIG_RAX' };

function crashRegisters(registers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(registers)) {
    const key = registerNames[name] ?? name.toUpperCase();
    // crash prints segment registers in 4 digits (CS: 0010).
    out[key] = key === 'CS' || key === 'SS' ? value.slice(-4) : value;
  }
  return out;
}

const kernelSpace = 0xffff800000000000n;

function frameName(frame: DrgnFrame): string {
  return frame.function ?? frame.pc;
}

/** `bt [pid]`: one task's stack in crash's shape (inline frames left out, user registers last). */
export function stackFromDrgn(answer: DrgnStackAnswer): Converted<BtModel> {
  const frames: BtFrame[] = [];
  const exceptionFrames: BtExceptionFrame[] = [];
  const problems: string[] = [];
  let level = 0;
  for (const f of answer.frames) {
    const user = BigInt(`0x${f.pc}`) < kernelSpace;
    if (user) {
      exceptionFrames.push({ afterLevel: level - 1, exceptionRip: null, registers: crashRegisters(f.registers ?? { rip: f.pc }), userMode: true });
      break;
    }
    if (f.inline) continue;
    const kexecEntry = level === 0 && /^(crash_setup_regs|__crash_kexec|crash_kexec|machine_kexec)$/.test(f.function ?? '');
    if (f.interrupted && f.registers && !kexecEntry) {
      // Registers saved by an exception inside this frame's function: crash's [exception RIP: ...] block.
      exceptionFrames.push({
        afterLevel: level - 1,
        exceptionRip: f.function ? `${f.function}+${f.offset ?? 0}` : null,
        registers: crashRegisters(f.registers),
        userMode: false,
      });
      // crash lists the interrupted function only in that block, not as a frame of its own.
      continue;
    }
    frames.push({ level, sp: f.sp ?? '', function: frameName(f), address: f.pc, module: f.module, source: f.source });
    level += 1;
  }
  if (answer.truncated) problems.push(`the stack of ${answer.comm} (${answer.pid}) ends early: this drgn cannot unwind past a module frame without the module's debug info`);
  const task: BtTask = {
    pid: answer.pid,
    task: answer.task,
    cpu: answer.cpu,
    command: answer.comm,
    frames,
    exceptionFrames,
    stackTransitions: [],
    // drgn knows the dump's crashed thread; its stack of an Oops starts at the fault, not in panic().
    panic: answer.crashed || frames.some((f) => /^(panic|vpanic|__crash_kexec|crash_kexec)$/.test(f.function)),
  };
  return { model: { tasks: [task] }, problems };
}

/** `sys`: the facts drgn reads; what only crash knows (file paths, date, panic string) stays null. */
export function sysFromDrgn(answer: DrgnSysAnswer): Converted<SysModel> {
  const memoryBytes = answer.presentPages * answer.pageSize;
  const pt = answer.panicTask && 'pid' in answer.panicTask ? answer.panicTask : null;
  const problems = answer.panicTask && 'error' in answer.panicTask ? [`panic task: ${answer.panicTask.error}`] : [];
  const up = answer.uptimeSeconds;
  const uptime = up === null ? null : [Math.floor(up / 3600), Math.floor((up % 3600) / 60), up % 60].map((n) => String(n).padStart(2, '0')).join(':');
  const load = answer.loadAverage.map((n) => Math.round(n * 100) / 100) as [number, number, number];
  return {
    model: {
      kernel: null,
      kernelTainted: false,
      dumpfile: null,
      partialDump: false,
      cpus: answer.cpus,
      offlineCpus: null,
      date: null,
      uptime,
      uptimeSeconds: up,
      loadAverage: load,
      tasks: answer.tasks,
      nodename: answer.nodename,
      release: answer.release,
      version: answer.version,
      machine: answer.machine,
      machineMhz: null,
      memory: humanBytes(memoryBytes),
      memoryBytes,
      panic: null,
      taintedMask: null,
      panicTask: pt ? { pid: pt.pid, command: pt.comm, task: pt.task, cpu: pt.cpu ?? null, state: pt.state } : null,
      fields: {},
    },
    problems,
  };
}

// ---------------------------------------------------------------------------------- follow-ups

/** `bt -a` / `foreach UN bt`: each task's stack as `bt PID` gives it; tasks drgn could not unwind are problems. */
export function stacksFromDrgn(answer: DrgnStacksAnswer): Converted<BtModel> {
  const tasks: BtTask[] = [];
  const problems: string[] = [];
  for (const stack of answer.stacks) {
    if (!('frames' in stack)) {
      problems.push(`the stack of ${stack.comm} (${stack.pid}) was not read: ${stack.error}`);
      continue;
    }
    const one = stackFromDrgn(stack);
    tasks.push(...one.model.tasks);
    problems.push(...one.problems);
  }
  return { model: { tasks }, problems };
}

/** `bt -F PID`: the frames with their stack words as crash's -F writes them. */
export function stackWordsFromDrgn(answer: DrgnStackWordsAnswer): Converted<StackWordsModel> {
  const problems = answer.frames.filter((f) => f.error !== undefined).map((f) => `the stack words of frame #${f.level} (${f.function ?? f.pc}) were not read: ${f.error}`);
  if (answer.truncated) problems.push(`the stack of ${answer.comm} (${answer.pid}) ends early: this drgn cannot unwind past a module frame without the module's debug info`);
  return {
    model: {
      pid: answer.pid,
      command: answer.comm,
      frames: answer.frames.map((f) => ({ level: f.level, function: f.function ?? f.pc, module: f.module, words: f.words })),
      error: null,
    },
    problems,
  };
}

/** `struct mutex.owner SYM` / `struct rw_semaphore.owner SYM`: the owner word as read, flag bits included. */
export function lockOwnerWordFromDrgn(answer: DrgnLockAnswer): Converted<LockOwnerWordModel> {
  return { model: { word: answer.ownerRaw.padStart(16, '0'), error: null }, problems: [] };
}

/** `sym ADDR`. */
export function symbolFromDrgn(answer: DrgnSymbolAnswer): Converted<SymbolAtModel> {
  return {
    model: {
      address: answer.address,
      name: answer.name,
      offset: answer.offset,
      type: answer.type,
      module: answer.module,
      source: answer.source,
      error: null,
    },
    problems: [],
  };
}

/** `mod -s NAME FILE`: a failed load is the model's error (what crash would have said), not a problem of the reading. */
export function moduleLoadFromDrgn(answer: DrgnLoadModuleAnswer): Converted<ModuleLoadModel> {
  return { model: { module: answer.module, objectFile: answer.objectFile, error: answer.error }, problems: [] };
}

/** `sys -t`: the kernel's tainted_mask, decoded with crash's parser's table. */
export function sysTaintFromDrgn(answer: DrgnTaintAnswer): Converted<SysTaintModel> {
  if (answer.mask === null) {
    return { model: { mask: null, maskValue: null, letters: '', flags: [], tainted: false }, problems: ['tainted_mask: not in this kernel\'s symbols'] };
  }
  const flags = decodeTaint(answer.mask);
  return {
    model: { mask: answer.mask.toString(16), maskValue: answer.mask, letters: flags.map((f) => f.letter).join(''), flags, tainted: answer.mask !== 0 },
    problems: [],
  };
}

/** `mod -t`: the tainted modules with their letters in bit order ("OE"), as crash lists them. */
export function modTaintFromDrgn(answer: DrgnTaintAnswer): Converted<ModTaintModel> {
  return {
    model: { modules: answer.modules.filter((m) => m.taints !== 0).map((m) => ({ name: m.name, taints: decodeTaint(m.taints).map((f) => f.letter).join('') })) },
    problems: [],
  };
}
