/**
 * The analyze.* Api methods. Wired into electron/api/create-api.ts as
 *   'analyze.triage': (p) => analyzeTriage(ctx, p),
 *   'analyze.triageRaw': async (p) => analyzeTriageRaw(p),
 */
import type { Params, Result } from '../api/contract.ts';
import type { ApiContext } from '../api/methods/context.ts';
import { runGuided, sessionInfo } from '../api/methods/session-commands.ts';
import { parseCommandOutput } from '../parse/index.ts';
import type { VmModel } from '../parse/models.ts';
import { triageSession } from './gather.ts';
import { gatheredCommands, triage, type Gathered } from './triage.ts';

/** analyze.triage: gather the triage commands through the session and return the triage JSON. */
export async function analyzeTriage(ctx: ApiContext, params: Params<'analyze.triage'>): Promise<Result<'analyze.triage'>> {
  const info = sessionInfo(ctx, { sessionId: params.sessionId });
  // Module debuginfo (an unstripped <module>.ko) is looked for beside the dump, on the host that holds it.
  const dir = info.vmcore.includes('/') ? info.vmcore.slice(0, info.vmcore.lastIndexOf('/')) : null;
  const { report } = await triageSession((command) => runGuided(ctx, { sessionId: params.sessionId, command }), { moduleDir: dir && dir.startsWith('/') ? dir : null });
  return report;
}

/** Gathered inputs from raw command outputs ("kmem -s" -> text, "vm 179" -> text). */
export function gatheredFromRaw(results: ReadonlyArray<{ command: string; raw: string }>): Gathered {
  const g: Gathered = { failures: {} };
  const byCommand = new Map(Object.entries(gatheredCommands).map(([k, c]) => [c, k as keyof typeof gatheredCommands]));
  for (const { command, raw } of results) {
    const cmd = command.trim().replace(/\s+/g, ' ');
    const vm = /^vm (\d{1,10})$/.exec(cmd);
    const parsed = parseCommandOutput(cmd, raw);
    if (vm) {
      if (parsed?.model) (g.vms ??= {})[Number(vm[1])] = parsed.model as VmModel;
      continue;
    }
    const key = byCommand.get(cmd);
    if (!key) {
      // Anything else may be a panic-kind follow-up (bt -F, struct mutex.owner, sym...): kind-details reads it by its line.
      (g.probes ??= {})[cmd] = raw;
      continue;
    }
    if (parsed?.model) (g as Record<string, unknown>)[key] = parsed.model;
    else (g.failures as Record<string, string>)[cmd] = 'no parser for this command';
  }
  return g;
}

/** analyze.triageRaw: the verdict over outputs the caller already holds (no crash session needed). */
export function analyzeTriageRaw(params: Params<'analyze.triageRaw'>): Result<'analyze.triageRaw'> {
  return triage(gatheredFromRaw(params.results));
}
