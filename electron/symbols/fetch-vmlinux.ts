/**
 * Get the debug vmlinux of a dump by its build-id, wherever the dump is: from the client cache
 * when it is already there (no network), else from the configured debuginfod servers — on this
 * machine for a local dump, on the dump's host for a remote one. Every failure is an ApiError
 * that says what to set or install.
 */
import { ApiError } from '../api/contract.ts';
import type { Settings } from '../settings.ts';
import type { Transport } from '../transport/types.ts';
import { LocalTransport } from '../transport/local.ts';
import { cacheDirOn, findCachedDebuginfo } from './debuginfod-cache.ts';
import { fetchDebuginfo, stallTimeoutFromEnv, type FetchProgress, type FetchedDebuginfo } from './debuginfod-fetch.ts';
import { debuginfodUrls, noUrlsHint } from './debuginfod-urls.ts';
import { fetchOnHost } from './remote-fetch.ts';

/** What to fetch, from where, and how to report. */
export interface VmlinuxRequest {
  /** The dump's host. */
  transport: Transport;
  /** The dump's BUILD-ID (VMCOREINFO); null on older kernels. */
  buildId: string | null;
  release: string | null;
  env?: NodeJS.ProcessEnv;
  settings?: Settings;
  signal?: AbortSignal;
  onProgress?(p: FetchProgress): void;
  stallTimeoutMs?: number;
  /** Variables for the fetch on a remote host (its DEBUGINFOD_CACHE_PATH, say); unused locally. */
  hostEnv?: Readonly<Record<string, string>>;
}

/** The vmlinux for the dump, cached or freshly fetched and verified. */
export async function fetchVmlinux(r: VmlinuxRequest): Promise<FetchedDebuginfo> {
  const env = r.env ?? process.env;
  if (!r.buildId) {
    throw new ApiError('vmlinux-not-found', `the dump (${r.release ?? 'unknown release'}) records no BUILD-ID in its VMCOREINFO, so its debug symbols cannot be fetched by build-id`, noUrlsHint(r.release, false));
  }
  const { urls } = debuginfodUrls(env, r.settings ?? {});
  const stallTimeoutMs = r.stallTimeoutMs ?? stallTimeoutFromEnv(env);
  const progress = r.onProgress ? { onProgress: r.onProgress } : {};
  const signal = r.signal ? { signal: r.signal } : {};
  if (r.transport.kind === 'local') {
    const cacheDir = await cacheDirOn(r.transport, env);
    if (!cacheDir) throw new ApiError('internal', 'cannot tell where the debuginfod client cache is (no HOME)');
    if (urls.length === 0 && !(await findCachedDebuginfo(r.transport, cacheDir, r.buildId))) {
      throw new ApiError('debuginfod-not-configured', `no debug vmlinux for ${r.release ?? 'the dump'} here, and no debuginfod server configured to fetch build-id ${r.buildId} from`, noUrlsHint(r.release, true));
    }
    const local = r.transport instanceof LocalTransport ? r.transport : new LocalTransport();
    return fetchDebuginfo({ buildId: r.buildId, servers: urls, cacheDir, local, stallTimeoutMs, ...signal, ...progress });
  }
  const cacheDir = await cacheDirOn(r.transport, env, r.hostEnv);
  const cached = cacheDir ? await findCachedDebuginfo(r.transport, cacheDir, r.buildId) : null;
  if (cached) return { path: cached, server: null, bytes: (await r.transport.stat(cached))?.size ?? 0 };
  return fetchOnHost({ transport: r.transport, buildId: r.buildId, servers: urls, stallTimeoutMs, ...(r.hostEnv ? { hostEnv: r.hostEnv } : {}), ...signal, ...progress });
}
