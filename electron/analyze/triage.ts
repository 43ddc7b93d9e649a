/**
 * The triage engine's entry point: gathered parsed models in, the `crashdeck.triage/1` report
 * out. Every input is optional (degraded dumps, a crash too old, `--dmesg` with only the log);
 * what is missing is named in the report and lowers the OOM verdict's confidence.
 */
import type {
  BtModel, KmemFreeModel, KmemInfoModel, KmemSlabModel, KmemVmStatModel, KmemZoneModel, LogModel, ModModel, ModTaintModel,
  PsModel, SysModel, SysTaintModel, VmModel,
} from '../parse/models.ts';
import type { GuidedCommand, SessionLimit } from '../api/contract.ts';
import type { TraceEvidence } from './facts.ts';
import { dumpFacts, lastOomReport, moduleFacts, oomFactsFromLog } from './from-models.ts';
import { kindDetails, type Details } from './kind-details.ts';
import { analyzeOom } from './oom-rules.ts';
import { panicHeadline, panicMessage, triagePanicVerdict, type PanicInputs, type PanicVerdict } from './panic-triage.ts';
import type { TriageCompleteness, TriagePanic, TriageReport } from '../api/triage-report.ts';
import { logBasisCompleteness, unknownCompleteness } from '../crash/incomplete-dump.ts';
import { hungSignature, oomSignature, plainSignature, signatureDetail } from './signature.ts';

/** What the engine reads; each field may be missing. */
export interface Gathered {
  sys?: SysModel | null;
  sysT?: SysTaintModel | null;
  log?: LogModel | null;
  bt?: BtModel | null;
  kmemI?: KmemInfoModel | null;
  kmemZ?: KmemZoneModel | null;
  kmemF?: KmemFreeModel | null;
  kmemS?: KmemSlabModel | null;
  kmemV?: KmemVmStatModel | null;
  ps?: PsModel | null;
  mod?: ModModel | null;
  modT?: ModTaintModel | null;
  /** `vm <pid>` of the victim / top tasks, by pid. */
  vms?: Record<number, VmModel>;
  /** Trace evidence from electron/trace (plain data), when a trace was imported. */
  traces?: TraceEvidence | null;
  /** Why inputs are missing (command -> reason), from the gatherer. */
  failures?: Record<string, string>;
  /** True for `--dmesg` mode: only the log exists, no dump. */
  logOnly?: boolean;
  /** Raw output of the panic-kind follow-up commands (kind-details.ts), keyed by exact command line. */
  probes?: Record<string, string>;
  /** Models of follow-ups an engine answered as models (drgn: no text), by command line. */
  probeModels?: Record<string, unknown>;
  /** Directory to look for module debuginfo (`<dir>/<module>.ko`): usually the dump's own. */
  moduleDir?: string | null;
  /** Whether the dump holds every task, from the crash session's task check (crash/incomplete-dump.ts). */
  completeness?: TriageCompleteness | null;
  /** What the crash session cannot have because of its start-up options (SessionInfo.limits). */
  limits?: SessionLimit[];
}

/** Input name -> the crash command it comes from, for "not available" messages. */
export const gatheredCommands: Record<Exclude<keyof Gathered, 'vms' | 'traces' | 'failures' | 'logOnly' | 'probes' | 'probeModels' | 'moduleDir' | 'completeness' | 'limits'>, string> = {
  sys: 'sys', sysT: 'sys -t', log: 'log', bt: 'bt', kmemI: 'kmem -i', kmemZ: 'kmem -z', kmemF: 'kmem -f',
  kmemS: 'kmem -s', kmemV: 'kmem -V', ps: 'ps', mod: 'mod', modT: 'mod -t',
};

/** Run panic triage and, when the log holds an OOM report or the panic is an OOM, the OOM rules. */
export function triage(g: Gathered): TriageReport {
  const missing: string[] = [];
  for (const [k, cmd] of Object.entries(gatheredCommands)) {
    if (g[k as keyof typeof gatheredCommands]) continue;
    if (g.logOnly && k !== 'log') continue;
    const why = g.failures?.[cmd];
    missing.push(why ? `${cmd} (${why})` : cmd);
  }
  if (g.logOnly) missing.push('the dump itself (--dmesg mode: only the kernel log)');

  const panicInputs: PanicInputs = { sys: g.sys ?? null, sysT: g.sysT ?? null, bt: g.bt ?? null, log: g.log ?? null, mod: g.mod ?? null, modT: g.modT ?? null };
  const verdict = triagePanicVerdict(panicInputs);
  const panic = verdict.panic;
  const details = detailsOf(g, verdict);
  if (g.bt && !verdict.panicBt?.frames.length) {
    missing.push(`a usable stack of the panicking task (crash bt showed no frames${verdict.fault ? '; the kernel log\'s report is used instead' : ''})`);
  }
  adoptHungCulprit(panic, details);
  // crash's `mod` text ranges may name the module of a RIP the log did not print.
  const detailModule = details.oops?.module ?? details.lockup?.module ?? null;
  if (panic.functionModule === null && detailModule && panic.function === (details.oops?.function ?? details.lockup?.function)) panic.functionModule = detailModule;
  const report = lastOomReport(g.log);
  let oom: TriageReport['oom'] = null;
  if (report || panic.kind === 'oom') {
    const facts = oomFactsFromLog(g.log);
    facts.release = g.sys?.release ?? releaseFromLog(g.log);
    const unrecl = new Set(facts.slabCaches.map((c) => c.name));
    const dump = dumpFacts({ kmemI: g.kmemI, kmemZ: g.kmemZ, kmemF: g.kmemF, kmemS: g.kmemS, kmemV: g.kmemV, ps: g.ps, unreclaimableNames: unrecl });
    const oomMissing = missing.filter((m) => /^(?:log|kmem -i|kmem -z|kmem -s|ps|mod)\b/.test(m));
    oom = analyzeOom({ facts, dump, modules: moduleFacts(g.mod, g.modT, g.log), trace: g.traces ?? null, missing: oomMissing });
    if ((g.log?.oomReports.length ?? 0) > 1) {
      oom.explanation += ` The log holds ${g.log?.oomReports.length} OOM reports; this verdict is about the last one.`;
    }
    if (report && panic.kind !== 'oom') {
      oom.explanation += panicMessage(panicInputs) === null
        ? ' No panic follows in the log: the system carried on after this OOM.'
        : ` The dump did not panic because of this OOM (panic kind ${panic.kind}); the OOM happened earlier, at ${report.timestamp ?? '?'} s.`;
    }
    addVmEvidence(oom, g.vms);
  }
  panic.signature = oom && panic.kind === 'oom' ? oomSignature(oom.culprit)
    : panic.kind === 'hung-task' ? hungSignature(panic, details.hung?.tasks[0]) : plainSignature(panic);
  panic.signatureDetail = signatureDetail(panic.kind === 'hung-task' ? details.hung?.tasks[0] : undefined, details.lockup);
  // The log's clock is the kernel's own; crash's sys UPTIME divides jiffies by an assumed HZ 1000 (Debian builds 250).
  const uptime = logPanicSeconds(g.log) ?? g.sys?.uptimeSeconds ?? null;
  const message = panicMessage(panicInputs);
  return {
    schema: 'crashdeck.triage/1',
    basis: g.logOnly ? 'log' : 'crash',
    completeness: completenessOf(g),
    dump: {
      release: g.sys?.release ?? releaseFromLog(g.log),
      panicMessage: message,
      headline: panicHeadline(panic.kind, verdict.fault, message),
      crashTime: g.sys?.date ?? null,
      uptimeSeconds: uptime === null ? null : Math.round(uptime),
    },
    panic,
    oom,
    oops: details.oops,
    hung: details.hung,
    lockup: details.lockup,
    missing,
    ...(g.limits?.length ? { limits: g.limits.map((l) => ({ option: l.option, unavailable: l.unavailable, why: l.why })) } : {}),
  };
}

/** The log alone cannot count tasks: 'unknown', said so; crash's answer comes from its session. */
function completenessOf(g: Gathered): TriageCompleteness {
  if (g.logOnly) return logBasisCompleteness();
  return g.completeness ?? unknownCompleteness(
    'crash\'s task table was not compared with the kernel\'s own count (no session task check for these outputs)',
    'Open the dump in a crash session (crashdeck triage <vmcore>) to count its tasks.',
  );
}

function detailsOf(g: Gathered, v: PanicVerdict): Details {
  return kindDetails(v.panic.kind, v.fault, v.panicBt, {
    log: g.log ?? null, bt: g.bt ?? null, ps: g.ps ?? null, mod: g.mod ?? null, probes: g.probes ?? {}, ...(g.probeModels ? { probeModels: g.probeModels } : {}), moduleDir: g.moduleDir ?? null, logOnly: Boolean(g.logOnly),
    startOptions: (g.limits ?? []).map((l) => l.option),
  });
}

/**
 * For a hung task the culprit is the first blocked task and where it sleeps (never khungtaskd);
 * when the log had no report or stack for it, crash's D-state stacks name it. The wait chain
 * becomes evidence: "backupd waits for qdrv_cfg_mutex held by qholder, which sleeps in qdrv_hold_locked".
 */
function adoptHungCulprit(panic: TriagePanic, d: Details): void {
  const first = d.hung?.tasks[0];
  if (panic.kind !== 'hung-task' || !first) return;
  if (panic.task.pid === null || panic.function === null) {
    panic.task = { pid: first.pid, comm: first.comm };
    if (first.function) {
      panic.function = first.function;
      panic.functionModule = /\[([\w-]+)\]$/.exec(first.stack?.find((f) => f.startsWith(`${first.function}`)) ?? '')?.[1] ?? null;
    }
  }
  for (const t of d.hung?.tasks ?? []) {
    const lock = t.waitsOn?.symbol ?? (t.waitsOn && t.waitsOn.kind !== 'unknown' ? `a ${t.waitsOn.kind}` : 'something');
    const holder = t.owner ? `held by ${t.owner.comm ?? `task ${t.owner.task ?? '?'}`}${t.owner.function ? `, which sleeps in ${t.owner.function}` : ''}${t.owner.state ? ` (state ${t.owner.state})` : ''}` : '';
    panic.evidence.push({
      command: t.owner?.task ? (t.waitsOn?.kind === 'rwsem' ? 'struct rw_semaphore.owner' : 'struct mutex.owner') : 'log',
      row: t.comm,
      detail: `${t.comm} waits for ${lock}${holder ? ` ${holder}` : ''}${t.note ? `; ${t.note}` : ''}`,
    });
  }
}

/** The follow-up crash commands the panic-kind details still need (empty when complete or log-only). */
export function triageFollowUps(g: Gathered): GuidedCommand[] {
  if (g.logOnly) return [];
  const panicInputs: PanicInputs = { sys: g.sys ?? null, sysT: g.sysT ?? null, bt: g.bt ?? null, log: g.log ?? null, mod: g.mod ?? null, modT: g.modT ?? null };
  return detailsOf(g, triagePanicVerdict(panicInputs)).wanted;
}

function addVmEvidence(oom: NonNullable<TriageReport['oom']>, vms: Record<number, VmModel> | undefined): void {
  if (!vms) return;
  const pid = oom.culprit.pid ?? oom.victim?.pid;
  const vm = pid !== undefined ? vms[pid] : undefined;
  if (!vm) return;
  const anon = vm.vmas.filter((v) => !v.file && v.sizeBytes !== null).sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0));
  const big = anon[0];
  oom.evidence.push({
    command: `vm ${pid}`,
    row: big ? big.start : 'RSS',
    detail: `${vm.command ?? ''} rss ${vm.rssKb ?? '?'} kB of ${vm.totalVmKb ?? '?'} kB mapped${big ? `; largest anonymous mapping ${big.start}-${big.end} (${Math.round((big.sizeBytes ?? 0) / 1024)} kB)` : ''}`,
  });
}

/** The kernel release from the log's first line ("Linux version 6.1.0-56-cloud-amd64 (...)"). */
function releaseFromLog(log: LogModel | null | undefined): string | null {
  for (const r of log?.records.slice(0, 50) ?? []) {
    const m = /^Linux version (\S+)/.exec(r.text);
    if (m) return m[1] as string;
  }
  return null;
}

/** Seconds since boot at the panic by the kernel log: the panic line, else the last timestamped record. */
function logPanicSeconds(log: Gathered['log']): number | null {
  const p = log?.panics.at(-1)?.timestamp;
  if (typeof p === 'number') return p;
  return [...(log?.records ?? [])].reverse().find((r) => typeof r.timestamp === 'number')?.timestamp ?? null;
}
