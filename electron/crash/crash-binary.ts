/**
 * Finding and probing the crash binary: which one to run, its version, and what it says about a
 * dump (`crash --osrelease`) — all quick one-shot runs used to validate before a session starts.
 */
import { ApiError } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import type { Settings } from '../settings.ts';
import { SpawnError } from '../transport/local.ts';
import { crashMissing } from './diagnosis.ts';

/** The crash to run: explicit choice, else CRASHDECK_CRASH, else settings.json's, else `crash` on PATH. */
export function resolveCrashPath(explicit?: string | null, env: NodeJS.ProcessEnv = process.env, settings: Settings = {}): string {
  return explicit || env.CRASHDECK_CRASH || settings.crashPath || 'crash';
}

/** A file path as a crash argument: one starting with '-' would be read as an option. */
export function pathArg(p: string): string {
  return p.startsWith('-') ? `./${p}` : p;
}

/** argv for a crash invocation behind an optional prefix (e.g. runuser). */
export function crashArgv(prefix: readonly string[] | undefined, crashPath: string, args: readonly string[]): { command: string; args: string[] } {
  const argv = [...(prefix ?? []), crashPath, ...args];
  return { command: argv[0] as string, args: argv.slice(1) };
}

/** `crash --version` -> "8.0.6"; throws 'crash-missing' when it cannot be started. */
export async function probeCrashVersion(t: Transport, crashPath: string, prefix?: readonly string[]): Promise<string> {
  let res;
  try {
    res = await t.exec(crashArgv(prefix, crashPath, ['--version']), { timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof SpawnError && (err.code === 'ENOENT' || err.code === 'EACCES')) throw crashMissing(crashPath);
    throw err;
  }
  const m = /^crash (\S+)/m.exec(res.stdout);
  if (!m) {
    if (res.code === 127 || /No such file|not found|failed to execute/i.test(res.stderr)) throw crashMissing(crashPath);
    throw new ApiError('crash-missing', `${crashPath} does not look like crash (--version printed ${JSON.stringify(res.stdout.slice(0, 80))})`, 'Point CRASHDECK_CRASH or --crash at the crash utility.');
  }
  return m[1] as string;
}

/** What `crash --osrelease DUMP` said: the release, or null with crash's own text. */
export interface OsReleaseProbe {
  release: string | null;
  output: string;
}

/** The kernel release recorded in a dump, as crash reads it. */
export async function probeOsRelease(t: Transport, crashPath: string, vmcore: string, prefix?: readonly string[]): Promise<OsReleaseProbe> {
  const res = await t.exec(crashArgv(prefix, crashPath, ['--osrelease', pathArg(vmcore)]), { timeoutMs: 60_000 });
  const lines = res.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1) ?? '';
  const release = res.code === 0 && last && last !== 'unknown' && !last.startsWith('crash:') ? last : null;
  return { release, output: `${res.stdout}\n${res.stderr}`.trim() };
}
