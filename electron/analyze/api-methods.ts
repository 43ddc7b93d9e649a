/**
 * The `analyze.triage` Api method: triage the dump of an open session. Wired into
 * electron/api/create-api.ts as `'analyze.triage': (p) => analyzeTriage(ctx, p)`.
 */
import type { Params, Result } from '../api/contract.ts';
import type { ApiContext } from '../api/methods/context.ts';
import { runGuided } from '../api/methods/session-commands.ts';
import { triageSession } from './gather.ts';

/** analyze.triage: gather the triage commands through the session and return the triage JSON. */
export async function analyzeTriage(ctx: ApiContext, params: Params<'analyze.triage'>): Promise<Result<'analyze.triage'>> {
  const { report } = await triageSession((command) => runGuided(ctx, { sessionId: params.sessionId, command }));
  return report;
}
