/**
 * SSH questions the page answers through the Api: accepting an unknown host key after a
 * 'host-key-unknown' error. The front door that owns the SSH hosts (serve, desktop) passes
 * `acceptHostKey` to createApi; without one there is no SSH and nothing to accept.
 */
import path from 'node:path';
import { ApiError, type Result } from '../../api/contract.ts';
import { runProbe } from '../../transport/probe.ts';
import type { Transport } from '../../transport/types.ts';
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

/** The transport for a host spec ("local" = this machine); remote ones are closed on dispose. */
async function hostTransport(ctx: ApiContext, host: string): Promise<Transport> {
  if (host === 'local') return ctx.local;
  if (!ctx.options.transportFor) throw new ApiError('bad-request', `remote host ${host} is not supported by this build`, 'Use crashdeck serve or the desktop app, which connect over SSH.');
  const t = await ctx.options.transportFor(host);
  ctx.remotes.add(t);
  return t;
}

/** host.probe: what the host offers (crash, dumps, debuginfo candidates, disk, sudo). */
export async function hostProbe(ctx: ApiContext, params: { host: string; crashDir?: string }): Promise<Result<'host.probe'>> {
  const t = await hostTransport(ctx, params.host);
  return runProbe(t, params.crashDir ? { crashDir: params.crashDir } : {});
}

const listLimit = 2000;

/** host.listDir: one directory's entries with type and size, for the remote file browser. */
export async function hostListDir(ctx: ApiContext, params: { host: string; path: string }): Promise<Result<'host.listDir'>> {
  const t = await hostTransport(ctx, params.host);
  const dir = path.posix.normalize(params.path);
  const names = await t.listDir(dir);
  if (names === null) throw new ApiError('not-found', `cannot list ${dir} on ${t.label}: no such directory or no permission`, 'Check the path and that your user may read it.');
  const picked = [...names].sort().slice(0, listLimit);
  const entries: Result<'host.listDir'>['entries'] = [];
  // A few stats at a time: enough to hide round trips, few enough to respect sshd's limits.
  for (let i = 0; i < picked.length; i += 16) {
    const batch = picked.slice(i, i + 16);
    const stats = await Promise.all(batch.map((n) => t.stat(path.posix.join(dir, n)).catch(() => null)));
    batch.forEach((name, j) => {
      const st = stats[j];
      entries.push({ name, isDir: st?.isDirectory ?? false, size: st?.size ?? 0 });
    });
  }
  entries.sort((a, b) => Number(b.isDir) - Number(a.isDir) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { path: dir, entries, truncated: names.length > listLimit };
}
