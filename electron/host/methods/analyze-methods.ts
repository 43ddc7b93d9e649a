/**
 * The analyze.* Api methods. Wired into electron/host/create-api.ts as
 *   'analyze.triage': (p) => analyzeTriage(ctx, p),
 *   'analyze.triageRaw': async (p) => analyzeTriageRaw(p),
 */
import type { Params, Result } from '../../api/contract.ts';
import type { ApiContext } from './context.ts';
import { runGuided, sessionInfo } from './session-commands.ts';
import { triageSession } from '../../analyze/gather.ts';
import { triage } from '../../analyze/triage.ts';
import { gatheredFromRaw } from '../../analyze/gathered-from-raw.ts';

/** analyze.triage: gather the triage commands through the session and return the triage JSON. */
export async function analyzeTriage(ctx: ApiContext, params: Params<'analyze.triage'>): Promise<Result<'analyze.triage'>> {
  const info = sessionInfo(ctx, { sessionId: params.sessionId });
  // Module debuginfo (an unstripped <module>.ko) is looked for beside the dump, on the host that holds it.
  const dir = info.vmcore.includes('/') ? info.vmcore.slice(0, info.vmcore.lastIndexOf('/')) : null;
  const { report } = await triageSession((command) => runGuided(ctx, { sessionId: params.sessionId, command, engine: 'crash' }), {
    moduleDir: dir && dir.startsWith('/') ? dir : null,
    limitsOf: async () => sessionInfo(ctx, { sessionId: params.sessionId }).limits ?? [],
  });
  return report;
}

/** analyze.triageRaw: the verdict over outputs the caller already holds (no crash session needed). */
export function analyzeTriageRaw(params: Params<'analyze.triageRaw'>): Result<'analyze.triageRaw'> {
  return triage(gatheredFromRaw(params.results));
}
