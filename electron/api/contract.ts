/**
 * The one Api contract: every request, response and event crashdeck's front doors carry
 * (Electron IPC, the serve host's WebSocket, the CLI), with valibot schemas checked at runtime.
 * The renderer imports only types from here.
 */
import * as v from 'valibot';
import type { TraceEvidence } from './trace-links.ts';
import type { CacheLink, TaskLinkReport, TimelineLink } from './trace-links.ts';
import type { TraceSummary } from './trace-model.ts';
import type { BucketTable } from './fleet-lines.ts';
import type { FleetLine } from './fleet-lines.ts';

/** Commands the guided views may send; arguments are validated by crash/allowlist.ts. */
export const commandIds = [
  'sys', 'sys -t', 'log', 'ps', 'ps -G', 'bt', 'bt -a', 'foreach bt', 'mod', 'mod -t', 'dev',
  'kmem -i', 'kmem -s', 'kmem -S', 'kmem -z', 'kmem -f', 'kmem -V', 'kmem -g', 'kmem -p',
  'vm', 'task', 'help', 'vtop -c',
  // Task states and how long since each task last ran (hung tasks, stalls).
  'ps -m', 'ps -S',
  // Panic-kind triage follow-ups (analyze/kind-details.ts): D-state stacks, stack words for the lock,
  // lock owners, source lines and module debuginfo.
  'foreach UN bt', 'bt -F', 'sym', 'struct mutex.owner', 'struct rw_semaphore.owner', 'mod -s', 'dis -rl',
  // A task's frames as symbol+offset (the Overview's lock-owner stack).
  'bt -s',
] as const;
export type CommandId = (typeof commandIds)[number];

export const GuidedCommandSchema = v.object({
  id: v.picklist(commandIds),
  /** One argument (pid, address, cache name) where the command takes one; for 'vtop -c' "PID ADDR...". */
  arg: v.optional(v.pipe(v.string(), v.maxLength(256))),
});
export type GuidedCommand = v.InferOutput<typeof GuidedCommandSchema>;

/** A finding about the session or a command: crash too old, degraded mode, parse gaps. */
export const DiagnosisSchema = v.object({
  code: v.string(),
  severity: v.picklist(['info', 'warning', 'error']),
  message: v.string(),
  /** What the user can do next. */
  hint: v.optional(v.string()),
});
export type Diagnosis = v.InferOutput<typeof DiagnosisSchema>;

/**
 * Whether the dump holds every task the kernel had (crash/incomplete-dump.ts): 'complete' when
 * crash's task table has the kernel's own count (nr_threads + one idle task per CPU), 'incomplete'
 * when it has fewer or crash could not read task pages, 'unknown' when it was not or could not be
 * checked (the kernel log alone cannot say; crash too old; --minimal). `reason` says why in one
 * sentence, `fix` what to do; both null when complete.
 */
export const DumpCompletenessSchema = v.object({
  state: v.picklist(['complete', 'incomplete', 'unknown']),
  tasksRead: v.nullable(v.number()),
  tasksInKernel: v.nullable(v.number()),
  reason: v.nullable(v.string()),
  fix: v.nullable(v.string()),
});
export type DumpCompleteness = v.InferOutput<typeof DumpCompletenessSchema>;

/** A parsed command output: model plus what the parser could not read. */
export const ParsedSchema = v.object({
  parser: v.string(),
  parserVersion: v.number(),
  /** The typed model (see electron/parse/models.ts for each parser's shape). */
  model: v.unknown(),
  diagnostics: v.array(DiagnosisSchema),
});
export type Parsed = v.InferOutput<typeof ParsedSchema>;

/** A command's output the caller already holds: crash's raw text, or drgn's model (a drgn answer has no raw text). */
export const HeldResultSchema = v.object({
  command: v.pipe(v.string(), v.maxLength(256)),
  raw: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)),
  parsed: v.optional(ParsedSchema),
});

export const CommandResponseSchema = v.object({
  sessionId: v.string(),
  /** The exact command line crash ran. */
  command: v.string(),
  raw: v.string(),
  durationMs: v.number(),
  /** WARNING/NOTE lines crash wrote inside this command's output. */
  warnings: v.array(v.string()),
  /** crash's error text when the command failed (also part of raw), or a session-level error. */
  error: v.optional(v.string()),
  parsed: v.nullable(ParsedSchema),
  crashVersion: v.nullable(v.string()),
  at: v.number(),
  /** Findings about this output, e.g. 'crash-too-old' (do not trust it) or 'degraded'. */
  diagnoses: v.optional(v.array(DiagnosisSchema)),
  /** Whether the dump this output comes from holds every task (travels with each result, like diagnoses). */
  completeness: v.optional(DumpCompletenessSchema),
  /** Which engine answered (absent: crash). A drgn answer has an empty raw: its model is the answer. */
  engine: v.optional(v.picklist(['crash', 'drgn'])),
  /** That engine's release ("0.3.0" for drgn; crash's is crashVersion). */
  engineVersion: v.optional(v.string()),
});
export type CommandResponse = v.InferOutput<typeof CommandResponseSchema>;

export const sessionStates = ['starting', 'ready', 'busy', 'restarting', 'failed', 'closed'] as const;
export type SessionState = (typeof sessionStates)[number];

/** crash's start-up options that skip a part of the dump (electron/crash/start-options.ts says what each costs). */
export const crashStartOptionNames = ['no_kmem_cache', 'no_modules', 'zero_excluded', 'minimal'] as const;
export type CrashStartOption = (typeof crashStartOptionNames)[number];

/** One thing a session started with an option cannot have. */
export const SessionLimitSchema = v.object({
  option: v.picklist(crashStartOptionNames),
  /** Commands that fail or say nothing in this session. */
  commands: v.array(v.string()),
  /** The missing facts, in words. */
  unavailable: v.string(),
  /** Why crash was started with the option (its start-up error, or remembered from an earlier start). */
  why: v.string(),
});
export type SessionLimit = v.InferOutput<typeof SessionLimitSchema>;

/** Where the drgn engine beside crash stands ('missing': no python3 that imports drgn on the dump's host). */
export const drgnEngineStates = ['starting', 'ready', 'missing', 'failed'] as const;
export type DrgnEngineState = (typeof drgnEngineStates)[number];

export const DrgnEngineInfoSchema = v.object({
  state: v.picklist(drgnEngineStates),
  /** drgn's release once loaded. */
  version: v.nullable(v.string()),
  /** Human text: what it answers, or why not (with the fix in hint). */
  message: v.string(),
  hint: v.optional(v.string()),
});
export type DrgnEngineInfo = v.InferOutput<typeof DrgnEngineInfoSchema>;

export const SessionInfoSchema = v.object({
  id: v.string(),
  /** Stable dump id (size + header hash + release + crash time); the renderer cache keys on it. */
  fingerprint: v.string(),
  vmcore: v.string(),
  vmlinux: v.nullable(v.string()),
  /** "local" or "user@host:port". */
  host: v.string(),
  state: v.picklist(sessionStates),
  /** Human text for the current state (progress while starting, cause when failed). */
  message: v.string(),
  crashPath: v.string(),
  crashVersion: v.nullable(v.string()),
  release: v.nullable(v.string()),
  /** null, or the fallback crash needed to read the dump ('zero_excluded' | 'minimal'). */
  degraded: v.nullable(v.picklist(['zero_excluded', 'minimal'])),
  /** crash's start-up options ('no_modules', 'no_kmem_cache', 'zero_excluded', 'minimal'); absent or empty: a plain start. */
  startOptions: v.optional(v.array(v.picklist(crashStartOptionNames))),
  /** What the session cannot have because of those options, and why it was started so (said once here). */
  limits: v.optional(v.array(SessionLimitSchema)),
  startupWarnings: v.array(v.string()),
  diagnoses: v.array(DiagnosisSchema),
  /** Whether the dump holds every task the kernel had, once crash counted them. */
  completeness: v.optional(DumpCompletenessSchema),
  shellEnabled: v.boolean(),
  startedAt: v.number(),
  /** The drgn engine beside crash (absent: none was tried: no vmlinux, turned off, a commandPrefix, or a case session). */
  drgn: v.optional(DrgnEngineInfoSchema),
  /** 'case': a read-only session answering from a .crashcase bundle (no crash; see case.attach). */
  source: v.optional(v.picklist(['crash', 'case'])),
  /** True when commands not in the bundle are refused (a case session). */
  readOnly: v.optional(v.boolean()),
});
export type SessionInfo = v.InferOutput<typeof SessionInfoSchema>;

export const DumpEntrySchema = v.object({
  vmcore: v.string(),
  dmesg: v.nullable(v.string()),
  size: v.number(),
  mtimeMs: v.number(),
  layout: v.picklist(['kdump-tools', 'rhel', 'file']),
});
export type DumpEntry = v.InferOutput<typeof DumpEntrySchema>;

/** One fact a triage verdict rests on: the command, the row the UI jumps to, the numbers. */
const TriageEvidenceSchema = v.object({ command: v.string(), row: v.string(), detail: v.string() });

/** The `crashdeck.triage/1` document (electron/api/triage-report.ts documents every field). */
export const TriageReportSchema = v.object({
  schema: v.literal('crashdeck.triage/1'),
  // Bundles written before `basis` existed were always crash-based.
  basis: v.optional(v.picklist(['log', 'crash', 'drgn']), 'crash'),
  // Reports written before completeness was recorded (older bundles, index entries) say so.
  completeness: v.optional(DumpCompletenessSchema, () => ({ state: 'unknown' as const, tasksRead: null, tasksInKernel: null, reason: 'not recorded: this verdict was written by an older crashdeck', fix: 'Triage the dump again with crash to check it.' })),
  dump: v.object({ release: v.nullable(v.string()), panicMessage: v.nullable(v.string()), headline: v.optional(v.nullable(v.string())), crashTime: v.nullable(v.string()), uptimeSeconds: v.nullable(v.number()) }),
  panic: v.object({
    kind: v.picklist(['oom', 'oops', 'bug', 'sysrq', 'hung-task', 'soft-lockup', 'hard-lockup', 'mce', 'other']),
    task: v.object({ pid: v.nullable(v.number()), comm: v.nullable(v.string()) }),
    function: v.nullable(v.string()),
    functionModule: v.nullable(v.string()),
    modules: v.array(v.string()),
    signature: v.string(),
    signatureDetail: v.optional(v.nullable(v.object({
      lock: v.nullable(v.string()),
      owner: v.nullable(v.object({ pid: v.nullable(v.number()), comm: v.nullable(v.string()) })),
      ownerFunction: v.nullable(v.string()),
    }))),
    taint: v.nullable(v.string()),
    evidence: v.array(TriageEvidenceSchema),
    otherFaults: v.optional(v.array(v.object({ kind: v.picklist(['oom', 'oops', 'bug', 'sysrq', 'hung-task', 'soft-lockup', 'hard-lockup', 'mce', 'other']), timestamp: v.nullable(v.number()), summary: v.string() }))),
  }),
  oom: v.nullable(v.object({
    constraint: v.nullable(v.string()),
    panicOnOom: v.nullable(v.number()),
    trigger: v.object({ pid: v.nullable(v.number()), comm: v.nullable(v.string()), gfpMask: v.nullable(v.string()), order: v.nullable(v.number()), oomScoreAdj: v.nullable(v.number()) }),
    victim: v.nullable(v.object({ pid: v.number(), comm: v.string(), rssKb: v.number(), killed: v.boolean(), points: v.nullable(v.number()), oomScoreAdj: v.nullable(v.number()) })),
    culprit: v.object({
      kind: v.picklist(['user-anon', 'slab', 'shmem', 'memcg', 'pagecache', 'hugetlb', 'kernel-other', 'fragmentation', 'unknown']),
      name: v.string(),
      bytes: v.nullable(v.number()),
      module: v.optional(v.string()),
      cgroup: v.optional(v.string()),
      pid: v.optional(v.number()),
    }),
    confidence: v.picklist(['high', 'medium', 'low']),
    explanation: v.string(),
    evidence: v.array(TriageEvidenceSchema),
    memory: v.array(v.object({ key: v.string(), label: v.string(), bytes: v.number() })),
    topCaches: v.optional(v.array(v.object({ name: v.string(), bytes: v.number(), unreclaimable: v.nullable(v.boolean()), source: v.string() }))),
    topTasks: v.optional(v.array(v.object({ pid: v.number(), comm: v.string(), rssKb: v.number(), source: v.string() }))),
    totalBytes: v.nullable(v.number()),
    zones: v.array(v.object({
      node: v.number(), zone: v.string(), usable: v.boolean(), freeKb: v.number(), minKb: v.number(), reserveKb: v.number(),
      largestFreeOrder: v.nullable(v.number()), aboveMin: v.boolean(), hasOrder: v.nullable(v.boolean()),
    })),
    freeByZone: v.optional(v.nullable(v.object({
      request: v.string(), highestZone: v.string(), usableKb: v.number(), belowWatermarkKb: v.number(), unusableKb: v.number(),
      movableSetting: v.nullable(v.string()),
      zones: v.array(v.object({
        node: v.nullable(v.number()), zone: v.string(), usable: v.boolean(), freeKb: v.number(), usableKb: v.number(),
        belowWatermarkKb: v.number(), unusableKb: v.number(),
        cause: v.nullable(v.picklist(['movable', 'gfp-zone', 'cma', 'node', 'unlisted'])), reason: v.nullable(v.string()),
        source: v.object({ command: v.string(), row: v.string() }),
      })),
    }))),
    ranking: v.array(v.object({
      pid: v.number(), comm: v.string(), points: v.nullable(v.number()), rssKb: v.number(), oomScoreAdj: v.number(), eligible: v.boolean(), why: v.optional(v.string()),
    })),
    missing: v.array(v.string()),
  limits: v.optional(v.array(v.object({ option: v.string(), unavailable: v.string(), why: v.string() }))),
    conflicts: v.array(v.string()),
    nextCommands: v.array(v.string()),
  })),
  oops: v.optional(v.nullable(v.object({
    function: v.nullable(v.string()), module: v.nullable(v.string()), offset: v.nullable(v.string()),
    faultAddress: v.nullable(v.string()), errorCode: v.nullable(v.string()), context: v.string(),
    rip: v.optional(v.nullable(v.string())), ripAddress: v.optional(v.nullable(v.string())),
    callTrace: v.optional(v.array(v.object({ function: v.string(), module: v.nullable(v.string()), offset: v.nullable(v.string()) }))),
    source: v.optional(v.nullable(v.string())), disassembly: v.optional(v.array(v.string())), debugInfo: v.optional(v.nullable(v.string())),
  }))),
  hung: v.optional(v.nullable(v.object({
    tasks: v.array(v.object({
      pid: v.nullable(v.number()), comm: v.string(), blockedSeconds: v.nullable(v.number()), function: v.nullable(v.string()),
      waitsOn: v.nullable(v.object({ kind: v.string(), symbol: v.nullable(v.string()) })),
      owner: v.nullable(v.object({
        pid: v.nullable(v.number()), comm: v.nullable(v.string()), state: v.nullable(v.string()), function: v.nullable(v.string()),
        task: v.optional(v.nullable(v.string())), stack: v.optional(v.array(v.string())),
      })),
      state: v.optional(v.nullable(v.string())), stack: v.optional(v.array(v.string())), note: v.optional(v.nullable(v.string())),
    })),
  }))),
  lockup: v.optional(v.nullable(v.object({
    kind: v.picklist(['soft-lockup', 'hard-lockup']), cpu: v.nullable(v.number()), pid: v.nullable(v.number()), comm: v.nullable(v.string()),
    function: v.nullable(v.string()), module: v.nullable(v.string()), seconds: v.nullable(v.number()),
    lock: v.optional(v.nullable(v.string())), stack: v.optional(v.array(v.string())),
    otherCpus: v.optional(v.array(v.object({ cpu: v.number(), pid: v.number(), comm: v.string(), function: v.nullable(v.string()), module: v.nullable(v.string()) }))),
  }))),
  missing: v.array(v.string()),
});
export type TriageReportShape = v.InferOutput<typeof TriageReportSchema>;

/** What a dump says about itself (electron/dumpinfo/vmcoreinfo.ts documents every field). */
export const DumpIdentitySchema = v.object({
  format: v.picklist(['kdump-compressed', 'elf', 'flattened', 'unknown']),
  size: v.number(),
  release: v.nullable(v.string()),
  buildId: v.nullable(v.string()),
  crashTimeMs: v.nullable(v.number()),
  pageSize: v.nullable(v.number()),
  machine: v.nullable(v.string()),
  nodeName: v.nullable(v.string()),
  kaslrOffset: v.nullable(v.string()),
  vmcoreinfo: v.record(v.string(), v.string()),
  truncated: v.boolean(),
  expectedSize: v.nullable(v.number()),
  /** makedumpfile's dump level (bits: 1 zero, 2 cache, 4 cache with private, 8 user, 16 free pages left out); absent in answers cached before it was read. */
  dumpLevel: v.optional(v.nullable(v.number())),
});
export type DumpIdentityShape = v.InferOutput<typeof DumpIdentitySchema>;

/** The dump's kernel log and where it came from (electron/dumpinfo/dump-log.ts). */
export const DumpLogSchema = v.object({
  text: v.nullable(v.string()),
  source: v.nullable(v.picklist(['saved-dmesg', 'makedumpfile'])),
  sourcePath: v.nullable(v.string()),
  notes: v.array(v.string()),
});

const SessionRef = v.object({ sessionId: v.string() });
/** An absolute directory (the dump's), for module debuginfo next to it. */
const ModuleDir = v.pipe(v.string(), v.regex(/^\/[^\0]{0,4095}$/));
const Path = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));

/** Annotation tags (electron/report/case-types.ts). */
export const annotationTagIds = ['root-cause', 'suspect', 'ruled-out', 'question'] as const;
/** A user's note on a view row, evidence item, wizard step or trace span (Markdown text). */
export const CaseAnnotationSchema = v.object({
  uid: v.pipe(v.string(), v.maxLength(128)),
  view: v.pipe(v.string(), v.maxLength(128)),
  rowKey: v.pipe(v.string(), v.maxLength(4096)),
  label: v.pipe(v.string(), v.maxLength(4096)),
  tag: v.nullable(v.picklist(annotationTagIds)),
  text: v.pipe(v.string(), v.maxLength(100_000)),
  order: v.number(),
  createdAt: v.number(),
  updatedAt: v.number(),
});
export type CaseAnnotationShape = v.InferOutput<typeof CaseAnnotationSchema>;
export const reportFormats = ['html', 'md', 'pdf', 'case'] as const;

/** Trace import (electron/trace/): formats the text importers read. */
export const traceFormatIds = ['trace-cmd-report', 'tracefs', 'function-graph', 'perf-script', 'perf-stat'] as const;
const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null;
/** The import summary and aggregates; electron/api/trace-model.ts documents every field. */
const TraceSummaryResult = v.custom<TraceSummary>(isObject);

/**
 * Bounds on report.export's `results`: how many, and how much output text (raw + warnings +
 * error, UTF-8) in all — under the serve host's 64 MiB WebSocket message, with room for JSON.
 */
export const exportResultLimits = { maxResults: 2000, maxTotalTextBytes: 48 * 1024 * 1024, maxCommandChars: 4096 } as const;

/** One result from the renderer's cache, as report.export takes it (renderer/lib/db.ts ResultRecord). */
export const CachedResultSchema = v.object({
  command: v.pipe(v.string(), v.minLength(1), v.maxLength(exportResultLimits.maxCommandChars)),
  raw: v.string(),
  /** Accepted for the record's shape only: the host re-parses `raw` and never stores this. */
  parsed: v.optional(v.nullable(ParsedSchema)),
  parserVersion: v.optional(v.nullable(v.number())),
  crashVersion: v.nullable(v.pipe(v.string(), v.maxLength(256))),
  at: v.pipe(v.number(), v.finite()),
  durationMs: v.pipe(v.number(), v.finite()),
  warnings: v.pipe(v.array(v.string()), v.maxLength(10_000)),
  error: v.nullable(v.string()),
  diagnoses: v.optional(v.pipe(v.array(DiagnosisSchema), v.maxLength(1000))),
});
export type CachedResult = v.InferOutput<typeof CachedResultSchema>;
/** The parts of a TraceSummary that trace.link and its evidence read, checked before use. */
function isLinkableSummary(x: unknown): boolean {
  const s = x as Partial<Record<keyof TraceSummary, unknown>> | null;
  const tsOk = (t: unknown): boolean => t === null || typeof t === 'number';
  return isObject(s) && ['tasks', 'callSites', 'stackCallers', 'oomEvents'].every((k) => Array.isArray(s![k as keyof TraceSummary]))
    && isObject(s!.pageAlloc) && isObject(s!.directReclaim) && tsOk(s!.firstTs) && tsOk(s!.lastTs);
}
const TraceRef = v.object({ traceId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)) });

/**
 * One columnar chunk of trace events, JSON-safe: each column is the base64 of a little-endian
 * typed array (ts Float64, cpu Uint16, pid Int32, comm Uint16, event Uint16, stack Int32,
 * argsEnd Uint32) of `count` entries; comm/event/stack index the chunk's own string tables;
 * event i's argument text is args.slice(argsEnd[i-1] ?? 0, argsEnd[i]). Self-contained, so the
 * renderer can store each chunk as one IndexedDB record.
 */
export const TraceChunkSchema = v.object({
  traceId: v.string(),
  index: v.number(),
  count: v.number(),
  ts: v.string(),
  cpu: v.string(),
  pid: v.string(),
  comm: v.string(),
  event: v.string(),
  stack: v.string(),
  argsEnd: v.string(),
  comms: v.array(v.string()),
  events: v.array(v.string()),
  stacks: v.array(v.string()),
  args: v.string(),
});
export type TraceChunkWire = v.InferOutput<typeof TraceChunkSchema>;

export const TraceListEntrySchema = v.object({
  traceId: v.string(),
  file: v.string(),
  format: v.picklist(traceFormatIds),
  source: v.picklist(['text', 'trace.dat', 'perf.data']),
  events: v.number(),
  skippedLines: v.number(),
  firstTs: v.nullable(v.number()),
  lastTs: v.nullable(v.number()),
  chunks: v.number(),
  importedAt: v.number(),
});
export type TraceListEntry = v.InferOutput<typeof TraceListEntrySchema>;

/** Dump facts a trace is linked against: minimal rows from parsed `ps`, `kmem -s`, `log` / `sys`. */
const TraceLinkParams = v.object({
  traceId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  tasks: v.optional(v.array(v.object({ pid: v.number(), comm: v.string(), kernelThread: v.optional(v.boolean()) }))),
  caches: v.optional(v.array(v.object({
    name: v.string(), objsize: v.number(), allocated: v.optional(v.number()), total: v.optional(v.number()), ssize: v.optional(v.string()),
  }))),
  /** Seconds since boot of the panic line in the dump's log. */
  panicTs: v.optional(v.nullable(v.number())),
  /** `sys` UPTIME in seconds (whole seconds; used when the log has no panic line). */
  uptimeSeconds: v.optional(v.nullable(v.number())),
  /** What the dump analysis blames, so the evidence picks the matching call site / task. */
  culprit: v.optional(v.object({ cache: v.optional(v.nullable(v.string())), pid: v.optional(v.nullable(v.number())), comm: v.optional(v.nullable(v.string())) })),
  /**
   * The trace's summary as an earlier import returned it (kept in the renderer's IndexedDB), for
   * a host that no longer holds the trace (it restarted): linking needs only the summary.
   */
  summary: v.optional(v.custom<TraceSummary>(isLinkableSummary, 'summary lacks the tasks / call sites / times a link needs')),
});

/** Every request: params schema and result schema. */
export const methods = {
  'app.info': {
    params: v.object({}),
    result: v.object({ version: v.string(), crashPath: v.string(), defaultCrashDir: v.string() }),
  },
  'dumps.list': {
    params: v.object({ dir: v.optional(Path) }),
    result: v.array(DumpEntrySchema),
  },
  'session.open': {
    params: v.object({
      vmcore: Path,
      vmlinux: v.optional(Path),
      crash: v.optional(Path),
      /** ssh://user@host:port or a ~/.ssh/config alias; omitted = local. */
      host: v.optional(v.string()),
    }),
    result: SessionInfoSchema,
  },
  'session.info': { params: SessionRef, result: SessionInfoSchema },
  'session.list': { params: v.object({}), result: v.array(SessionInfoSchema) },
  'session.run': {
    /** `engine: 'crash'` asks crash itself (a verdict labelled crash's); otherwise drgn may answer while crash starts or cannot. */
    params: v.object({ sessionId: v.string(), command: GuidedCommandSchema, engine: v.optional(v.literal('crash')) }),
    result: CommandResponseSchema,
  },
  'session.console': {
    params: v.object({ sessionId: v.string(), line: v.pipe(v.string(), v.maxLength(4096)) }),
    result: CommandResponseSchema,
  },
  'session.setShell': {
    params: v.object({ sessionId: v.string(), enabled: v.boolean() }),
    result: SessionInfoSchema,
  },
  'session.cancel': { params: SessionRef, result: v.object({ cancelled: v.boolean() }) },
  'session.close': { params: SessionRef, result: v.object({ closed: v.boolean() }) },
  /**
   * Fetch the debug vmlinux of a session opened without one (symbols-missing) by the dump's
   * BUILD-ID from the debuginfod servers (DEBUGINFOD_URLS, settings), on the dump's host, with
   * 'symbols.progress' events; on success the session starts crash with it (same id).
   */
  'symbols.fetch': { params: SessionRef, result: SessionInfoSchema },
  /** Stop a running symbols.fetch; nothing is left in the cache. */
  'symbols.cancel': { params: SessionRef, result: v.object({ cancelled: v.boolean() }) },
  'parse.reparse': {
    params: v.object({ command: v.string(), raw: v.string() }),
    result: v.nullable(ParsedSchema),
  },
  /** Panic triage and the OOM verdict for an open session's dump (gathers its commands). */
  'analyze.triage': { params: SessionRef, result: TriageReportSchema },
  /**
   * The same verdict over command outputs the caller already has (the renderer's cache, a case
   * bundle): Node parses each raw text and runs the engine, so it works without a crash session.
   */
  'analyze.triageRaw': {
    params: v.object({
      results: v.pipe(v.array(HeldResultSchema), v.maxLength(64)),
      /** The dump's directory on its host, where a module's unstripped .ko may lie (as analyze.triage looks). */
      moduleDir: v.optional(ModuleDir),
      /** The session's start-up limits (SessionInfo.limits): what crash could not read, so it is not read as a fact. */
      limits: v.optional(v.pipe(v.array(SessionLimitSchema), v.maxLength(8))),
    }),
    result: TriageReportSchema,
  },
  /**
   * The dump's own facts and verdict without crash or vmlinux, in milliseconds: identity (kdump
   * header + VMCOREINFO: release, build-id, crash time…), the kernel log (a saved dmesg of this
   * crash beside the dump, else makedumpfile on the dump's host) parsed as crash's `log` is, and
   * the log-based triage (`basis: 'log'`). Works before crash is ready and when it cannot run.
   * Give an open session's id, or a dump path (+ host) directly.
   */
  'dump.identify': {
    params: v.union([SessionRef, v.object({ vmcore: Path, host: v.optional(v.string()) })]),
    result: v.object({
      identity: DumpIdentitySchema,
      log: DumpLogSchema,
      /** The log parsed as crash's `log` output is (null without a log). */
      parsed: v.nullable(ParsedSchema),
      report: v.nullable(TriageReportSchema),
      /** Why there is no report (null when there is one). */
      reason: v.nullable(v.string()),
    }),
  },
  /**
   * An Oops' `Code:` line (from the kernel log) disassembled around RIP, as the kernel's
   * scripts/decodecode does with objdump; null when the line has no marked byte or objdump is
   * missing. Needs neither crash nor the vmlinux.
   */
  'dump.decodeCode': {
    params: v.object({ line: v.pipe(v.string(), v.maxLength(2048)) }),
    result: v.nullable(v.object({
      instructions: v.array(v.object({ offset: v.number(), bytes: v.string(), text: v.string() })),
      atRip: v.number(),
      tool: v.string(),
    })),
  },
  /**
   * Where a log-based verdict and crash's verdict on the same dump differ, each difference said
   * plainly (panic kind, task, function, OOM culprit); the renderer shows them, never decides.
   */
  'analyze.compare': {
    params: v.object({ log: TriageReportSchema, crash: TriageReportSchema }),
    result: v.object({ agree: v.boolean(), differences: v.array(v.string()) }),
  },
  /**
   * The follow-up crash commands the panic verdict still needs after these outputs (a blocked
   * task's stack words, the lock's owner, the faulting line...): the caller runs them (cache
   * first) and asks analyze.triageRaw again with their outputs. Empty when nothing is missing.
   */
  'analyze.followUps': {
    params: v.object({
      results: v.pipe(v.array(HeldResultSchema), v.maxLength(64)),
      moduleDir: v.optional(ModuleDir),
      /** The session's start-up limits (SessionInfo.limits): what crash could not read, so it is not read as a fact. */
      limits: v.optional(v.pipe(v.array(SessionLimitSchema), v.maxLength(8))),
    }),
    result: v.array(GuidedCommandSchema),
  },
  /**
   * Import a trace file (text, trace.dat through trace-cmd, perf.data through perf) in a worker
   * thread. Progress arrives as 'trace.progress' events tagged with `importId` (chosen by the
   * caller so it can cancel before the result arrives; it becomes the traceId).
   */
  'trace.import': {
    params: v.object({
      file: Path,
      importId: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,64}$/))),
      /** Debug vmlinux: names kernel frames of a perf.data. */
      vmlinux: v.optional(Path),
      /** kallsyms text or a trace.dat of the same boot: names kernel and module addresses. */
      kallsyms: v.optional(Path),
      format: v.optional(v.picklist(traceFormatIds)),
    }),
    result: v.object({ traceId: v.string(), summary: TraceSummaryResult }),
  },
  'trace.cancel': { params: v.object({ importId: v.string() }), result: v.object({ cancelled: v.boolean() }) },
  'trace.list': { params: v.object({}), result: v.array(TraceListEntrySchema) },
  'trace.summary': { params: TraceRef, result: TraceSummaryResult },
  /** One chunk of events (index 0 .. summary.chunks - 1). */
  'trace.chunk': {
    params: v.object({ traceId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)), index: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    result: TraceChunkSchema,
  },
  /** Link an imported trace to the dump's tasks, slab caches and panic time, with OOM evidence. */
  'trace.link': {
    params: TraceLinkParams,
    result: v.object({
      tasks: v.nullable(v.custom<TaskLinkReport>(isObject)),
      caches: v.nullable(v.custom<CacheLink[]>(Array.isArray)),
      timeline: v.nullable(v.custom<TimelineLink>(isObject)),
      evidence: v.custom<TraceEvidence[]>(Array.isArray),
    }),
  },
  'trace.close': { params: TraceRef, result: v.object({ closed: v.boolean() }) },
  /** Open a .crashcase as a read-only session: session.run answers from the bundle, without crash. */
  'case.open': { params: v.object({ path: Path }), result: SessionInfoSchema },
  /** What a case session's bundle carries besides results: notes, verdict, commands, manifest. */
  'case.contents': {
    params: SessionRef,
    result: v.object({
      annotations: v.array(CaseAnnotationSchema),
      triage: v.nullable(TriageReportSchema),
      commands: v.array(v.string()),
      manifest: v.object({ schema: v.string(), appVersion: v.string(), createdAt: v.string() }),
      traces: v.custom<unknown[]>(Array.isArray),
    }),
  },
  /** The trace files a case bundle carries (name as stored in the bundle, size in bytes). */
  'case.traceFiles': { params: SessionRef, result: v.array(v.object({ name: v.string(), bytes: v.number() })) },
  /**
   * Import one of the case bundle's trace files, looked up by its bundle name (never a path): the
   * host writes its bytes to a private temp dir and imports it as trace.import does (same
   * 'trace.progress' events and result); the temp copy goes with trace.close or the Api.
   */
  'case.importTrace': {
    params: v.object({
      sessionId: v.string(),
      name: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
      importId: v.optional(v.pipe(v.string(), v.regex(/^[\w.-]{1,64}$/))),
    }),
    result: v.object({ traceId: v.string(), summary: TraceSummaryResult }),
  },
  /** Continue a case with the real dump: starts crash on it (same fingerprint required) and closes the case session. */
  'case.attach': {
    params: v.object({ sessionId: v.string(), vmcore: Path, vmlinux: v.optional(Path), crash: v.optional(Path) }),
    result: SessionInfoSchema,
  },
  /**
   * Export a session's analysis: html | md | pdf | case. A case session exports its bundle's
   * results; a crash session runs the triage and view commands first. `content` is UTF-8 text
   * for html/md, base64 for pdf/case (the client saves it; the host writes no file).
   * `results`: the caller's cached results for this dump (what the user looked at); the host
   * adds every command the session's own results do not cover (those win), re-parsing the raw
   * text with its own parsers (a sent `parsed` is ignored). At most `exportResultLimits`.
   */
  'report.export': {
    params: v.object({
      sessionId: v.string(),
      format: v.picklist(reportFormats),
      annotations: v.optional(v.pipe(v.array(CaseAnnotationSchema), v.maxLength(100_000))),
      traces: v.optional(v.pipe(v.array(TraceSummaryResult), v.maxLength(1000))),
      results: v.optional(v.pipe(v.array(CachedResultSchema), v.maxLength(exportResultLimits.maxResults))),
    }),
    result: v.object({ fileName: v.string(), mime: v.string(), encoding: v.picklist(['utf8', 'base64']), content: v.string(), bytes: v.number() }),
  },
  /**
   * The user compared and accepted the unknown host key of a 'host-key-unknown' error (its
   * `hostKey.fingerprint`); the next session.open to that host accepts exactly this key and
   * stores it in the app's known_hosts. Never overrides a changed or revoked key.
   */
  'ssh.acceptHostKey': {
    params: v.object({ fingerprint: v.pipe(v.string(), v.regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'expected an OpenSSH SHA256 fingerprint')) }),
    result: v.object({ accepted: v.boolean() }),
  },
  /**
   * The user's answer to an 'ssh.prompt' event (passphrase, password, keyboard-interactive);
   * null = cancelled. `answered` is false when the question is unknown or already timed out.
   * Answers are passed to the SSH login only: never logged or stored.
   */
  'ssh.answer': {
    params: v.object({ id: v.string(), answer: v.nullable(v.pipe(v.string(), v.maxLength(65_536))) }),
    result: v.object({ answered: v.boolean() }),
  },
  /**
   * What an analysis host offers (native-tools/probe.sh run there): crash and its version, the
   * dumps in `crashDir` (default /var/crash; kdump-tools, RHEL and plain-file layouts), debug
   * vmlinux candidates per dump release, free disk, whether `sudo -n` works. `host` as in
   * session.open ("ssh://user@host:port", an ssh alias, or "local").
   */
  'host.probe': {
    params: v.object({ host: v.string(), crashDir: v.optional(v.string()) }),
    result: v.object({
      hostName: v.string(),
      hostRelease: v.string(),
      crash: v.nullable(v.object({ path: v.string(), version: v.nullable(v.string()) })),
      crashDir: v.string(),
      crashDirExists: v.boolean(),
      sudo: v.picklist(['yes', 'no', 'missing']),
      diskFree: v.nullable(v.object({ path: v.string(), bytes: v.number() })),
      dumps: v.array(v.object({ ...DumpEntrySchema.entries, release: v.nullable(v.string()), incomplete: v.boolean() })),
      debuginfo: v.record(v.string(), v.array(v.object({ path: v.string(), size: v.number() }))),
    }),
  },
  /**
   * A directory on a host, for picking a dump or vmlinux by hand: entries (directories first,
   * then by name; symlinks followed), at most 2000 with `truncated` set beyond.
   */
  'host.listDir': {
    params: v.object({ host: v.string(), path: v.pipe(v.string(), v.minLength(1)) }),
    result: v.object({
      path: v.string(),
      entries: v.array(v.object({ name: v.string(), isDir: v.boolean(), size: v.number() })),
      truncated: v.boolean(),
    }),
  },
  /**
   * `crashdeck doctor`'s checks (electron/doctor/): on the dump's host (`host` as in
   * session.open; omitted = this machine) SSH, crash and whether it is new enough for `dump` (or
   * the dumps in crashDir), the debug vmlinux, makedumpfile, kdump; on this machine trace-cmd,
   * perf, Chromium, debuginfod. Each failing check carries its fix; `ok` = nothing failed.
   */
  'doctor.run': {
    params: v.object({ host: v.optional(v.string()), dump: v.optional(Path), vmlinux: v.optional(Path), crash: v.optional(Path), crashDir: v.optional(Path) }),
    result: v.object({
      schema: v.literal('crashdeck.doctor/1'),
      host: v.string(),
      ok: v.boolean(),
      checks: v.array(v.object({
        id: v.string(), where: v.string(), title: v.string(), status: v.picklist(['ok', 'fail', 'warn', 'skip']), detail: v.string(), fix: v.optional(v.string()),
      })),
    }),
  },
  /** Hosts named in the user's ~/.ssh/config (Host entries without wildcards), for the Dumps view's picker. */
  'fleet.sshHosts': {
    params: v.object({}),
    result: v.object({ hosts: v.array(v.object({ alias: v.string(), hostname: v.nullable(v.string()), user: v.nullable(v.string()), port: v.nullable(v.number()) })) }),
  },
  /**
   * Triage every dump under the targets (as `crashdeck triage --all`: a local directory,
   * ssh://[user@]host[:port][/dir], [user@]host:[dir]) from its own kernel log. Returns at once;
   * each dump's line arrives as a 'fleet.line' event and progress (with the buckets so far) as
   * 'fleet.state', phase 'done' or 'cancelled' once at the end.
   */
  'fleet.start': {
    params: v.object({
      targets: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))), v.minLength(1), v.maxLength(500)),
      jobs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(256))),
      perHost: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64))),
    }),
    result: v.object({ runId: v.string() }),
  },
  /** Stop a fleet run: running triages finish, nothing new starts; 'fleet.state' says 'cancelled'. */
  'fleet.cancel': { params: v.object({ runId: v.string() }), result: v.object({ cancelled: v.boolean() }) },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = v.InferInput<Methods[M]['params']>;
export type Result<M extends MethodName> = v.InferOutput<Methods[M]['result']>;

/** Events pushed from Node to the UI. */
export const events = {
  /** A session changed state (starting progress, ready, failed, restarted...). */
  'session.state': SessionInfoSchema,
  /** A long command is still running (for progress and cancel). */
  'command.progress': v.object({ sessionId: v.string(), command: v.string(), elapsedMs: v.number() }),
  /** A trace import is running (bytes read, events so far); phase 'done' comes once at the end. */
  'trace.progress': v.object({
    importId: v.string(),
    file: v.string(),
    bytesRead: v.number(),
    totalBytes: v.nullable(v.number()),
    events: v.number(),
    skippedLines: v.number(),
    phase: v.picklist(['converting', 'reading', 'done']),
  }),
  /** symbols.fetch is downloading: bytes so far, total from Content-Length (null when not sent). */
  'symbols.progress': v.object({ sessionId: v.string(), server: v.string(), bytes: v.number(), total: v.nullable(v.number()) }),
  /** An SSH login asks a question (key passphrase, password, keyboard-interactive); answer with ssh.answer. */
  'ssh.prompt': v.object({
    id: v.string(),
    /** "user@host:port" the question is for. */
    host: v.string(),
    kind: v.picklist(['passphrase', 'password', 'keyboard-interactive']),
    message: v.string(),
    /** Whether the answer may be shown while typed. */
    echo: v.boolean(),
  }),
  /** One dump's verdict (crashdeck.triage/1 + source + fleet) or problem line of a fleet run; `bucket` is its signature. */
  'fleet.line': v.object({ runId: v.string(), line: v.custom<FleetLine>(isObject), bucket: v.nullable(v.string()) }),
  /** A fleet run's progress and its buckets so far. */
  'fleet.state': v.object({
    runId: v.string(),
    phase: v.picklist(['running', 'done', 'cancelled']),
    found: v.number(),
    answered: v.number(),
    triaged: v.number(),
    fromIndex: v.number(),
    problems: v.number(),
    buckets: v.custom<BucketTable>(isObject),
  }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = v.InferOutput<Events[E]>;

export const apiErrorCodes = [
  'bad-request', 'not-found', 'refused', 'crash-missing', 'crash-too-old', 'not-a-dump',
  'dump-unreadable', 'dump-truncated', 'vmlinux-mismatch', 'vmlinux-not-found', 'timeout',
  'cancelled', 'crash-died', 'connection-lost', 'host-key-changed', 'host-key-unknown',
  'auth-failed', 'internal',
  // Trace import (electron/trace/): the file is no trace; trace-cmd / perf is not installed.
  'not-a-trace', 'trace-tool-missing',
  // Case bundles (electron/report/): damaged, unsafe or from a newer crashdeck.
  'bad-case',
  // Debug symbols by build-id (electron/symbols/): no server named; every server 404; none reachable.
  'debuginfod-not-configured', 'debuginfod-not-found', 'debuginfod-unreachable',
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

/** The error shape every front door returns: what happened and what to do next. */
export const ApiErrorSchema = v.object({
  code: v.picklist(apiErrorCodes),
  message: v.string(),
  hint: v.optional(v.string()),
  /** host-key-unknown / host-key-changed / revoked: the key the SSH server presented, for the accept dialog. */
  hostKey: v.optional(v.object({
    /** "user@host:port" of the hop that presented it. */
    host: v.string(),
    /** The known_hosts name (host, or [host]:port). */
    name: v.string(),
    keyType: v.string(),
    /** OpenSSH format: SHA256:... */
    fingerprint: v.string(),
  })),
});
export type ApiErrorShape = v.InferOutput<typeof ApiErrorSchema>;

/** Thrown by handlers and services; front doors serialise it as ApiErrorShape. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorShape {
    return this.hint === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, hint: this.hint };
  }
}

/** The Api as every client sees it (renderer over IPC or WebSocket, CLI in-process). */
export interface ApiClient {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
