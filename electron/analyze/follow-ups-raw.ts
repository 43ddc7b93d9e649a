/**
 * The Panic view's side of the panic-kind follow-ups over outputs the caller already holds:
 * analyze.followUps says which crash commands the details still need (a blocked task's stack
 * words, the lock's owner, the faulting line...), the renderer runs them through its cache and
 * asks analyze.triageRaw again with their outputs — the verdict is built as on a live session
 * (gather.ts runFollowUps) while every output stays in the user's cache for offline reading.
 * `moduleDir` is where a module's unstripped .ko may lie, as analyze.triage looks beside the dump;
 * `limits` what the session's start-up options keep crash from reading (SessionInfo.limits).
 */
import type { Params, Result } from '../api/contract.ts';
import { gatheredFromRaw } from './gathered-from-raw.ts';
import { triage, triageFollowUps, type Gathered } from './triage.ts';

function gathered(params: Params<'analyze.followUps'>): Gathered {
  const g = gatheredFromRaw(params.results);
  if (params.moduleDir) g.moduleDir = params.moduleDir;
  if (params.limits?.length) g.limits = params.limits;
  return g;
}

/** analyze.followUps: the follow-up commands still wanted after `results` (empty when the details are complete). */
export function analyzeFollowUpsRaw(params: Params<'analyze.followUps'>): Result<'analyze.followUps'> {
  return triageFollowUps(gathered(params));
}

/** analyze.triageRaw with the module directory taken into account (the same engine, same report). */
export function analyzeTriageRawIn(params: Params<'analyze.triageRaw'>): Result<'analyze.triageRaw'> {
  return triage(gathered(params));
}
