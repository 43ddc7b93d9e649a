/** doctor.run: the doctor's checks through the Api (CLI, serve host, desktop), for a host or this machine. */
import { ApiError, type Params, type Result } from '../../api/contract.ts';
import type { ApiContext } from './context.ts';
import { defaultCrashDir } from './app-and-dumps.ts';
import { resolveCrashPath } from '../../crash/crash-binary.ts';
import { resolveDrgnPython } from '../../drgn/engine-script.ts';
import { loadSettings } from '../../settings.ts';
import type { Transport } from '../../transport/types.ts';
import { runDoctor } from '../../doctor/run-doctor.ts';

async function hostTransport(ctx: ApiContext, host: string | undefined): Promise<Transport> {
  if (!host || host === 'local') return ctx.local;
  if (!ctx.options.transportFor) throw new ApiError('bad-request', `remote host ${host} is not supported by this build`, 'Use crashdeck doctor --host, crashdeck serve or the desktop app, which connect over SSH.');
  const t = await ctx.options.transportFor(host);
  ctx.remotes.add(t);
  return t;
}

/** doctor.run */
export async function doctorRun(ctx: ApiContext, params: Params<'doctor.run'>): Promise<Result<'doctor.run'>> {
  const env = ctx.options.env ?? process.env;
  const settings = await loadSettings(env);
  const transport = await hostTransport(ctx, params.host);
  return runDoctor({
    transport,
    local: ctx.local,
    // settings.json's crashPath is a path on this machine, not on the remote host.
    crashPath: params.crash ?? resolveCrashPath(ctx.options.crashPath, env, transport.kind === 'local' ? settings : {}),
    drgnPython: resolveDrgnPython(null, env, transport.kind === 'local' ? settings : {}),
    crashDir: params.crashDir ?? ctx.options.defaultCrashDir ?? defaultCrashDir,
    debuginfoDirs: ctx.options.debuginfoDirs ?? [],
    env,
    settings,
    ...(params.dump ? { dump: params.dump } : {}),
    ...(params.vmlinux ? { vmlinux: params.vmlinux } : {}),
  });
}
