/**
 * The session methods other than open: run (guided, allowlisted), console (free line, shell
 * escapes refused unless enabled), setShell, cancel, info, list, close.
 */
import type { CommandResponse, Params, SessionInfo } from '../../api/contract.ts';
import { buildGuidedCommand, checkConsoleLine } from '../../crash/allowlist.ts';
import type { ApiContext } from './context.ts';
import { getRecord } from '../../crash/session-record.ts';

/** session.run: a guided command id + argument. */
export function runGuided(ctx: ApiContext, params: Params<'session.run'>): Promise<CommandResponse> {
  const record = getRecord(ctx.sessions, params.sessionId);
  return record.run(buildGuidedCommand(params.command), { crashOnly: params.engine === 'crash' });
}

/** session.console: one free command line. */
export function runConsole(ctx: ApiContext, params: Params<'session.console'>): Promise<CommandResponse> {
  const record = getRecord(ctx.sessions, params.sessionId);
  // The console is crash's: drgn never answers a typed line.
  return record.run(checkConsoleLine(params.line, record.shellEnabled), { crashOnly: true });
}

/** session.setShell: allow or refuse shell escapes in this session's console. */
export function setShell(ctx: ApiContext, params: Params<'session.setShell'>): SessionInfo {
  const record = getRecord(ctx.sessions, params.sessionId);
  record.shellEnabled = params.enabled;
  record.publish();
  return record.info();
}

/** session.cancel: stop the running command (crash restarts; queued commands stay). */
export function cancelCommand(ctx: ApiContext, params: Params<'session.cancel'>): { cancelled: boolean } {
  return { cancelled: getRecord(ctx.sessions, params.sessionId).cancel() };
}

/** session.info */
export function sessionInfo(ctx: ApiContext, params: Params<'session.info'>): SessionInfo {
  return getRecord(ctx.sessions, params.sessionId).info();
}

/** session.list */
export function listSessions(ctx: ApiContext): SessionInfo[] {
  return [...ctx.sessions.values()].map((r) => r.info());
}

/** session.close: end crash; closing an unknown or closed session is not an error. */
export async function closeSession(ctx: ApiContext, params: Params<'session.close'>): Promise<{ closed: boolean }> {
  const record = ctx.sessions.get(params.sessionId);
  if (!record) return { closed: false };
  ctx.sessions.delete(params.sessionId);
  await record.close();
  return { closed: true };
}
