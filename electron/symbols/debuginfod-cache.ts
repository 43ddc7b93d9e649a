/**
 * The debuginfod client cache shared with gdb, drgn and debuginfod-find (elfutils' layout):
 * `<cache>/<buildid>/debuginfo`, the cache being `$DEBUGINFOD_CACHE_PATH`, else
 * `$XDG_CACHE_HOME/debuginfod_client`, else `~/.cache/debuginfod_client`. A file is used only
 * after its build-id note matched; an empty file is elfutils' "not found last time" marker, not
 * a vmlinux.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Transport } from '../transport/types.ts';
import { fileWithBuildId } from './build-id.ts';

/** The local client cache directory for this environment. */
export function debuginfodCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEBUGINFOD_CACHE_PATH) return env.DEBUGINFOD_CACHE_PATH;
  const home = env.HOME || os.homedir();
  // elfutils still honours the pre-0.183 location when it exists.
  const legacy = path.join(home, '.debuginfod_client_cache');
  if (existsSync(legacy)) return legacy;
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'debuginfod_client');
}

/** POSIX sh that prints the cache directory on a host, as the same rules resolve it there. */
export const remoteCacheDirScript = 'if [ -n "$DEBUGINFOD_CACHE_PATH" ]; then c=$DEBUGINFOD_CACHE_PATH; elif [ -d "$HOME/.debuginfod_client_cache" ]; then c=$HOME/.debuginfod_client_cache; else c=${XDG_CACHE_HOME:-$HOME/.cache}/debuginfod_client; fi';

/** The client cache directory on the transport's host. */
export async function cacheDirOn(t: Transport, env: NodeJS.ProcessEnv = process.env, hostEnv?: Readonly<Record<string, string>>): Promise<string | null> {
  if (t.kind === 'local') return debuginfodCacheDir(env);
  const r = await t.exec({ command: 'sh', args: ['-c', `${remoteCacheDirScript}; printf '%s\\n' "$c"`], ...(hostEnv ? { env: hostEnv } : {}) }, { timeoutMs: 15_000 }).catch(() => null);
  const dir = r?.code === 0 ? r.stdout.trim() : '';
  return dir.startsWith('/') ? dir : null;
}

/** Where the debuginfo of `buildId` lives in a cache. */
export function cachedDebuginfoPath(cacheDir: string, buildId: string): string {
  return `${cacheDir.replace(/\/+$/, '')}/${buildId}/debuginfo`;
}

/**
 * The cached debug file for `buildId` when it is there, non-empty and carries that build-id;
 * null otherwise (a wrong one is left alone: it is another tool's file, and is replaced only by
 * a verified download).
 */
export async function findCachedDebuginfo(t: Transport, cacheDir: string, buildId: string): Promise<string | null> {
  return fileWithBuildId(t, cachedDebuginfoPath(cacheDir, buildId), buildId);
}

/** Temp files crashdeck writes beside the target: `debuginfo.crashdeck-<pid>-<random>`. */
export const tempPrefix = 'debuginfo.crashdeck-';

/** The pid encoded in one of our temp names, or null for anyone else's file. */
export function tempOwnerPid(name: string): number | null {
  if (!name.startsWith(tempPrefix)) return null;
  const m = /^(\d+)-/.exec(name.slice(tempPrefix.length));
  return m ? Number(m[1]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove temp files a killed crashdeck left in `<cache>/<buildid>/` (their writer is gone, so
 * they can never become whole); other tools' temps and live writers' files are kept.
 */
export async function sweepStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    const pid = tempOwnerPid(n);
    if (pid !== null && pid !== process.pid && !alive(pid)) await rm(path.join(dir, n), { force: true });
  }
  // An empty build-id dir is what a cancelled client leaves; elfutils removes it the same way.
  await rmdir(dir).catch(() => undefined);
}
