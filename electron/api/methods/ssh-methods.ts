/**
 * SSH questions the page answers through the Api: accepting an unknown host key after a
 * 'host-key-unknown' error. The front door that owns the SSH hosts (serve, desktop) passes
 * `acceptHostKey` to createApi; without one there is no SSH and nothing to accept.
 */
import { ApiError, type Result } from '../contract.ts';
import type { ApiContext } from './context.ts';

/** ssh.acceptHostKey: remember the fingerprint for the retry (never overrides changed/revoked keys). */
export async function sshAcceptHostKey(ctx: ApiContext, params: { fingerprint: string }): Promise<Result<'ssh.acceptHostKey'>> {
  const accept = ctx.options.acceptHostKey;
  if (!accept) throw new ApiError('bad-request', 'this crashdeck has no SSH hosts to accept a key for', 'Open the dump with crashdeck serve or the desktop app, which connect over SSH.');
  await accept(params.fingerprint);
  return { accepted: true };
}

/** ssh.answer: hand the page's answer to the waiting SSH login (never logged or stored). */
export function sshAnswer(ctx: ApiContext, params: { id: string; answer: string | null }): Result<'ssh.answer'> {
  const answer = ctx.options.answerPrompt;
  if (!answer) throw new ApiError('bad-request', 'this crashdeck asks no SSH questions through the page', 'Open the dump with crashdeck serve, which asks SSH questions on the page.');
  return { answered: answer(params.id, params.answer) };
}
