/**
 * The JSON answers of crashdeck_drgn.py, one interface per question. They are the engine's
 * wire format only: to-models.ts turns them into parse/models.ts models, which is what views and
 * analyze/ read. Addresses are hex strings without 0x (as crash prints them); counts are pages,
 * objects or bytes as named.
 */
import type { SymbolAtModel } from '../parse/models.ts';

/** The first line the engine prints once the dump is loaded. */
export interface DrgnReady {
  event: 'ready';
  drgn: string;
  python: string;
  release: string;
  features: {
    moduleKallsyms: boolean;
    moduleKallsymsError?: string;
    /** With a module directory: which loaded modules' `<name>.ko` were loaded from it, and why others were not. */
    moduleDebugInfo?: { dir: string; loaded: string[]; failed: Record<string, string> };
    /** After a restart: the modules a `load_module` had loaded, loaded again. */
    modulesLoaded?: DrgnLoadModuleAnswer[];
  };
  loadSeconds: number;
}

/** A task as `sys` / `lock_owner` name it. */
export interface DrgnTaskRef {
  pid: number;
  comm: string;
  task: string;
  cpu?: number;
  state: string;
}

export interface DrgnSysAnswer {
  release: string;
  version: string;
  machine: string;
  nodename: string;
  cpus: number;
  /** The timekeeper's monotonic seconds (the log's clock), null when not found. */
  uptimeSeconds: number | null;
  loadAverage: [number, number, number];
  ramPages: number;
  /** Pages present in all zones: crash's MEMORY. */
  presentPages: number;
  pageSize: number;
  tasks: number;
  panicTask: DrgnTaskRef | { error: string } | null;
  drgn: string;
}

export interface DrgnTaskRow {
  pid: number;
  ppid: number;
  tgid: number;
  cpu: number;
  task: string;
  /** crash's two-letter state (RU, IN, UN, ID, ...). */
  state: string;
  stateChar: string;
  rssPages: number;
  totalVmPages: number;
  comm: string;
  kernelThread: boolean;
  active: boolean;
}

/** A task the engine could not read (kept, so a shortfall is visible). */
export interface DrgnTaskError {
  task: string;
  error: string;
}

export interface DrgnTasksAnswer {
  tasks: (DrgnTaskRow | DrgnTaskError)[];
  pageSize: number;
  ramPages: number;
  /** Pages present in all zones: the base of crash's %MEM. */
  presentPages: number;
}

export interface DrgnFrame {
  level: number;
  pc: string;
  sp: string | null;
  /** Null when neither debug info nor a symbol table names the address. */
  function: string | null;
  offset: number | null;
  module: string | null;
  /** An inlined function's frame (shares its PC with the frame that follows). */
  inline: boolean;
  /** The frame was interrupted (exception, interrupt, NMI, the crash registers). */
  interrupted: boolean;
  source: string | null;
  /** For interrupted frames: register name (lower case) -> hex. */
  registers?: Record<string, string>;
}

export interface DrgnStackAnswer {
  pid: number;
  task: string;
  cpu: number;
  comm: string;
  state: string;
  active: boolean;
  frames: DrgnFrame[];
  /** The engine cut the stack where the unwinder lost its way (an older drgn past a module frame). */
  truncated: boolean;
  /** This is the task the dump was taken in (the panic / Oops task). */
  crashed: boolean;
  /** The panic task only: its registers at the panic. */
  registers?: Record<string, string> | null;
}

export interface DrgnSlabRow {
  address: string;
  name: string | null;
  objSize?: number;
  slabSize?: number;
  slabs?: number;
  total?: number;
  allocated?: number;
  /** Why the counts could not be read (this drgn on this kernel, or pages missing). */
  error?: string;
}

export interface DrgnSlabAnswer {
  caches: DrgnSlabRow[];
}

export interface DrgnFreeArea {
  order: number;
  blocks: number;
  perType: { type: string; address: string; blocks: number }[];
}

export interface DrgnZone {
  node: number;
  zone: number;
  address: string;
  name: string;
  spanned: number;
  present: number;
  managed: number;
  startPfn: number;
  min: number;
  low: number;
  high: number;
  vmStat: Record<string, number>;
  freeAreas?: DrgnFreeArea[];
}

export interface DrgnZonesAnswer {
  zones: DrgnZone[];
  pageSize: number;
}

export interface DrgnMemoryAnswer {
  pageSize: number;
  totalRamPages: number;
  zoneStat: Record<string, number>;
  nodeStat: Record<string, number>;
  totalSwapPages: number;
  freeSwapPages: number;
  committedPages: number | null;
  overcommitRatio: number | null;
  totalreservePages: number | null;
  bufferPages: number | null;
}

export interface DrgnModuleRow {
  module: string;
  name: string;
  base: string;
  size: number;
  taints: number | null;
  /** The .ko drgn holds the module's debug info from (module directory, `mod -s`); null when none. */
  objectFile?: string | null;
}

export interface DrgnModulesAnswer {
  modules: DrgnModuleRow[];
}

export interface DrgnLogAnswer {
  text: string;
}

export interface DrgnLockAnswer {
  address: string;
  kind: 'mutex' | 'rwsem';
  ownerRaw: string;
  owner: DrgnTaskRef | null;
  readerOwned?: boolean;
  count?: number;
  symbol: string | null;
  /** blocked_tasks: the wait function whose parameter named the lock. */
  function?: string;
}

export interface DrgnBlockedTask {
  pid: number;
  comm: string;
  task: string;
  state: string;
  /** The first frame past the scheduler and the lock primitives (backupd: qdrv_sync). */
  waitingIn: string | null;
  lock: DrgnLockAnswer | { kind: string; function: string; error: string } | null;
  frames: DrgnFrame[];
  truncated: boolean;
}

export interface DrgnLockOwnerStack {
  pid: number;
  comm: string;
  task: string;
  state: string;
  frames: DrgnFrame[];
  truncated: boolean;
}

export interface DrgnBlockedAnswer {
  tasks: (DrgnBlockedTask | { pid: number; error: string })[];
  owners: (DrgnLockOwnerStack | { pid: number; error: string })[];
}

/** A task whose stack could not be unwound, kept in a many-task answer. */
export interface DrgnStackError {
  pid: number;
  task: string;
  comm: string;
  cpu?: number;
  error: string;
}

/** `bt -a` (each online CPU's running task) and `foreach UN bt` (every D-state task). */
export interface DrgnStacksAnswer {
  stacks: (DrgnStackAnswer | DrgnStackError)[];
}

/** One non-inline frame of `bt -F` with its stack words. */
export interface DrgnWordsFrame {
  level: number;
  function: string | null;
  offset: number | null;
  module: string | null;
  pc: string;
  sp: string;
  /** Each 8-byte word as crash's -F writes it: a symbol's name, `name+off` (decimal), else 16 hex digits. */
  words: string[];
  /** Why the frame's words could not be read. */
  error?: string;
}

export interface DrgnStackWordsAnswer {
  pid: number;
  comm: string;
  task: string;
  frames: DrgnWordsFrame[];
  truncated: boolean;
}

/** `symbol`: the model's fields (type from drgn's symbol kind; source null without the module's .ko or on drgn 0.0.22); a failure is an error line instead. */
export type DrgnSymbolAnswer = Omit<SymbolAtModel, 'error'>;

export interface DrgnLoadModuleAnswer {
  module: string;
  objectFile: string | null;
  error: string | null;
}

export interface DrgnTaintAnswer {
  /** The kernel's tainted_mask; null when the symbol is missing. */
  mask: number | null;
  /** Every loaded module's taint bits (same bit numbers as the kernel's mask). */
  modules: { name: string; taints: number }[];
}

/** Question name -> its arguments and answer. */
export interface DrgnQuestions {
  sys: { args: Record<string, never>; answer: DrgnSysAnswer };
  tasks: { args: Record<string, never>; answer: DrgnTasksAnswer };
  /** By pid, task address, or CPU (the task running there: a lockup's CPU); none: the panic task. */
  stack: { args: { pid?: number; task?: string; cpu?: number }; answer: DrgnStackAnswer };
  slab_caches: { args: Record<string, never>; answer: DrgnSlabAnswer };
  zones: { args: { freeAreas?: boolean }; answer: DrgnZonesAnswer };
  memory: { args: Record<string, never>; answer: DrgnMemoryAnswer };
  modules: { args: Record<string, never>; answer: DrgnModulesAnswer };
  log: { args: Record<string, never>; answer: DrgnLogAnswer };
  lock_owner: { args: { symbol?: string; address?: string; kind?: 'mutex' | 'rwsem' }; answer: DrgnLockAnswer };
  blocked_tasks: { args: Record<string, never>; answer: DrgnBlockedAnswer };
  active_stacks: { args: Record<string, never>; answer: DrgnStacksAnswer };
  blocked_stacks: { args: Record<string, never>; answer: DrgnStacksAnswer };
  stack_words: { args: { pid?: number; task?: string }; answer: DrgnStackWordsAnswer };
  /** By address (hex, with or without 0x) or by symbol name. */
  symbol: { args: { address: string } | { name: string }; answer: DrgnSymbolAnswer };
  load_module: { args: { module: string; path: string }; answer: DrgnLoadModuleAnswer };
  taint: { args: Record<string, never>; answer: DrgnTaintAnswer };
}

export type DrgnQuestion = keyof DrgnQuestions;
