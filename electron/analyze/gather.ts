/**
 * Gathering the triage inputs through a crash session: each allowlisted command in turn (the
 * session is one crash process, so they queue anyway), its parsed model kept, and for every
 * command that failed or has no parser the reason, so the report can name what was missing.
 */
import type { CommandId, CommandResponse, GuidedCommand, SessionLimit } from '../api/contract.ts';
import { buildGuidedCommand } from '../crash/allowlist.ts';
import type { VmModel } from '../parse/models.ts';
import type { Gathered, gatheredCommands } from './triage.ts';
import { triage, triageFollowUps } from './triage.ts';
import type { TraceEvidence } from './facts.ts';
import type { TriageReport } from '../api/triage-report.ts';

/** Runs one guided command in the session (session.run). */
export type RunGuided = (command: GuidedCommand) => Promise<CommandResponse>;

type Key = keyof typeof gatheredCommands;

/** The commands triage reads, in the order they are run (cheap and decisive first). */
const PLAN: Array<[Key, CommandId, string]> = [
  ['sys', 'sys', 'sys'], ['sysT', 'sys -t', 'sys -t'], ['bt', 'bt', 'bt'], ['log', 'log', 'log'],
  ['mod', 'mod', 'mod'], ['modT', 'mod -t', 'mod -t'], ['ps', 'ps', 'ps'],
  ['kmemI', 'kmem -i', 'kmem -i'], ['kmemZ', 'kmem -z', 'kmem -z'], ['kmemF', 'kmem -f', 'kmem -f'],
  ['kmemS', 'kmem -s', 'kmem -s'], ['kmemV', 'kmem -V', 'kmem -V'],
];

/** Parser names that read each input (the registry's Parsed.parser). */
const EXPECTED_PARSER: Partial<Record<Key, string[]>> = { bt: ['bt'], sysT: ['sys -t'] };

/** The session limit that rules a command out ("kmem -s" under --no_kmem_cache), or null. */
function limitFor(limits: readonly SessionLimit[], command: string): SessionLimit | null {
  return limits.find((l) => l.commands.some((c) => command === c || command.startsWith(`${c} `))) ?? null;
}

/** The session's limits, asked once crash is ready (its start-up options are known only then). */
export type LimitsOf = () => Promise<readonly SessionLimit[]>;

/**
 * Run every triage command and collect the parsed models; never throws for one failed command.
 * `limitsOf` is asked after the first command (crash has started by then): commands the
 * session's start-up options rule out are not run, and the report says so once, with why.
 */
export async function gatherFromSession(run: RunGuided, onProgress?: (command: string) => void, limitsOf?: LimitsOf): Promise<Gathered> {
  const g: Gathered = { failures: {} };
  const failures = g.failures as Record<string, string>;
  let limits: readonly SessionLimit[] = [];
  for (const [i, [key, id, label]] of PLAN.entries()) {
    if (i === 1 && limitsOf) {
      limits = await limitsOf().catch(() => []);
      if (limits.length) g.limits = [...limits];
    }
    const limit = limitFor(limits, label);
    if (limit) {
      failures[label] = `not read: crash runs with --${limit.option}`;
      continue;
    }
    onProgress?.(label);
    try {
      const r = await run({ id });
      // The session's task check travels with every result; the latest word wins.
      if (r.completeness) g.completeness = r.completeness;
      // crash stopped on a structure it does not know: whatever it printed is no answer (an
      // empty slab list would read as "no caches").
      const unknownStructure = r.error !== undefined && /invalid structure (?:member offset|size)/.test(r.error);
      const model = unknownStructure ? undefined : modelOf(r, key);
      if (model === undefined) failures[label] = r.error ? `crash: ${firstLine(r.error)}` : r.parsed ? 'unreadable output' : 'no parser for this command yet';
      else (g as Record<string, unknown>)[key] = model;
    } catch (err) {
      failures[label] = err instanceof Error ? firstLine(err.message) : String(err);
    }
  }
  return g;
}

function modelOf(r: CommandResponse, key: Key): unknown {
  if (!r.parsed || r.parsed.model === null || r.parsed.model === undefined) return undefined;
  const want = EXPECTED_PARSER[key];
  if (want && !want.includes(r.parsed.parser)) return undefined;
  return r.parsed.model;
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.slice(0, 200) ?? '';
}

/** Rounds of follow-up commands: D-state stacks -> the lock on the stack -> its owner -> the owner's stack. */
const MAX_PROBE_ROUNDS = 4;

/**
 * Run the follow-up commands the panic kind needs (kind-details.ts decides which), round by
 * round, until the details are complete. A failed command's error text is kept as its output,
 * so it is not asked again and the report can say what crash answered.
 */
export async function runFollowUps(run: RunGuided, g: Gathered, onProgress?: (c: string) => void): Promise<void> {
  const probes = (g.probes ??= {});
  for (let round = 0; round < MAX_PROBE_ROUNDS; round++) {
    const wanted = triageFollowUps(g);
    if (wanted.length === 0) return;
    for (const cmd of wanted) {
      const line = buildGuidedCommand(cmd);
      onProgress?.(line);
      try {
        const r = await run(cmd);
        probes[line] = r.error && !r.raw.includes(r.error) ? `${r.raw}\n${r.error}` : r.raw;
        // drgn answers with a model and no text: kind-details reads the model.
        if (r.engine === 'drgn' && r.parsed?.model) (g.probeModels ??= {})[line] = r.parsed.model;
      } catch (err) {
        probes[line] = `error: ${err instanceof Error ? firstLine(err.message) : String(err)}`;
      }
    }
  }
}

/**
 * Gather, triage, run the panic kind's follow-up commands, then fetch `vm` of the culprit or
 * victim task and triage again with it (the pid is only known after the first pass). Returns
 * the report and the gathered inputs. `moduleDir`: where module debuginfo may lie (`<dir>/<mod>.ko`).
 */
export async function triageSession(
  run: RunGuided,
  options: { traces?: TraceEvidence | null; onProgress?: (c: string) => void; moduleDir?: string | null; limitsOf?: LimitsOf } = {},
): Promise<{ report: TriageReport; gathered: Gathered }> {
  const g = await gatherFromSession(run, options.onProgress, options.limitsOf);
  if (options.traces) g.traces = options.traces;
  if (options.moduleDir) g.moduleDir = options.moduleDir;
  await runFollowUps(run, g, options.onProgress);
  let report = triage(g);
  const pids = [report.oom?.culprit.pid, report.oom?.victim?.pid].filter((p): p is number => typeof p === 'number');
  const vms: Record<number, VmModel> = {};
  for (const pid of [...new Set(pids)].slice(0, 2)) {
    options.onProgress?.(`vm ${pid}`);
    try {
      const r = await run({ id: 'vm', arg: String(pid) });
      if (r.parsed?.model && !r.error) vms[pid] = r.parsed.model as VmModel;
    } catch {
      // vm is supporting evidence only; the verdict stands without it.
    }
  }
  if (Object.keys(vms).length) {
    g.vms = vms;
    report = triage(g);
  }
  return { report, gathered: g };
}
