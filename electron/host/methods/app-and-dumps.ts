/** app.info, dumps.list and parse.reparse: the methods that need no crash session. */
import type { DumpEntry, Params, Parsed, Result } from '../../api/contract.ts';
import { listDumps } from '../../crash/discovery.ts';
import { resolveCrashPath } from '../../crash/crash-binary.ts';
import { loadSettings } from '../../settings.ts';
import { parseCommandOutput } from '../../parse/index.ts';
import { version } from '../../version.ts';
import type { ApiContext } from './context.ts';

/** Default crash directory of kdump-tools and RHEL kdump. */
export const defaultCrashDir = '/var/crash';

/** app.info */
export async function appInfo(ctx: ApiContext): Promise<Result<'app.info'>> {
  const settings = await loadSettings(ctx.options.env);
  return { version, crashPath: resolveCrashPath(ctx.options.crashPath, ctx.options.env, settings), defaultCrashDir: ctx.options.defaultCrashDir ?? defaultCrashDir };
}

/** dumps.list: dumps under a crash directory (default /var/crash), newest first. */
export function dumpsList(ctx: ApiContext, params: Params<'dumps.list'>): Promise<DumpEntry[]> {
  return listDumps(ctx.local, params.dir ?? ctx.options.defaultCrashDir ?? defaultCrashDir);
}

/** parse.reparse: run the parser again on stored raw output (e.g. after a parser update). */
export function reparse(params: Params<'parse.reparse'>): Parsed | null {
  try {
    return parseCommandOutput(params.command, params.raw);
  } catch {
    return null;
  }
}
