/**
 * Download a debug file by build-id from debuginfod servers into the local client cache, the way
 * elfutils' client does it: servers in order, the body written to a temp file in
 * `<cache>/<buildid>/`, made read-only (0400) and renamed to `debuginfo` — here only after its
 * build-id note matched the one asked for. A cancelled, failed or refused download leaves no
 * file behind; one killed outright leaves a temp named after its pid that the next fetch sweeps.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, type ApiErrorCode } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import { buildIdPattern, readBuildId, type BuildIdResult } from './build-id.ts';
import { cachedDebuginfoPath, findCachedDebuginfo, sweepStaleTemps, tempPrefix } from './debuginfod-cache.ts';
import { debuginfoUrl } from './debuginfod-urls.ts';

/** Download progress: bytes so far and the Content-Length when the server sent one. */
export interface FetchProgress {
  server: string;
  bytes: number;
  total: number | null;
}

/** What fetchDebuginfo needs. */
export interface FetchDebuginfoOptions {
  buildId: string;
  servers: readonly string[];
  cacheDir: string;
  /** The local transport, to read the downloaded file's build-id note. */
  local: Transport;
  signal?: AbortSignal;
  onProgress?(p: FetchProgress): void;
  /** A server that sends nothing for this long is given up (default $DEBUGINFOD_TIMEOUT s, else 90 s — elfutils' default). */
  stallTimeoutMs?: number;
  /** Progress callbacks at most this often (default 200 ms). */
  progressIntervalMs?: number;
}

/** A debug file ready in the cache. */
export interface FetchedDebuginfo {
  path: string;
  /** The server it came from; null when the cache already held it (no network). */
  server: string | null;
  bytes: number;
}

/** elfutils' DEBUGINFOD_TIMEOUT (seconds) as milliseconds, else its 90 s default. */
export function stallTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.DEBUGINFOD_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 90_000;
}

/** One server's outcome, for the message when none delivered. */
interface Attempt {
  server: string;
  code: ApiErrorCode;
  said: string;
}

class ServerFailure extends Error {
  constructor(readonly code: ApiErrorCode, message: string) {
    super(message);
  }
}

/** Fetch (or find cached) the debuginfo of `buildId`; throws an ApiError naming every server's answer. */
export async function fetchDebuginfo(o: FetchDebuginfoOptions): Promise<FetchedDebuginfo> {
  if (!buildIdPattern.test(o.buildId)) throw new ApiError('bad-request', `not a build-id: ${JSON.stringify(o.buildId)}`, 'A build-id is lower-case hex, e.g. the BUILD-ID line of the dump\'s VMCOREINFO.');
  const dir = path.dirname(cachedDebuginfoPath(o.cacheDir, o.buildId));
  await sweepStaleTemps(dir);
  const cached = await findCachedDebuginfo(o.local, o.cacheDir, o.buildId);
  if (cached) return { path: cached, server: null, bytes: (await o.local.stat(cached))?.size ?? 0 };
  if (o.servers.length === 0) throw new ApiError('debuginfod-not-configured', 'no debuginfod server configured', 'Set DEBUGINFOD_URLS or add "debuginfodUrls" to ~/.config/crashdeck/settings.json.');
  const attempts: Attempt[] = [];
  for (const server of o.servers) {
    if (o.signal?.aborted) break;
    try {
      return await fetchFrom(o, server, dir);
    } catch (err) {
      if (o.signal?.aborted) break;
      if (err instanceof ServerFailure) attempts.push({ server, code: err.code, said: err.message });
      else attempts.push({ server, code: 'debuginfod-unreachable', said: (err as Error).message });
    }
  }
  await rmdir(dir).catch(() => undefined);
  if (o.signal?.aborted) throw new ApiError('cancelled', `download of the debuginfo for ${o.buildId} cancelled; nothing was left in ${o.cacheDir}`);
  throw failureOf(o.buildId, attempts);
}

function failureOf(buildId: string, attempts: readonly Attempt[]): ApiError {
  const list = attempts.map((a) => `${a.server}: ${a.said}`).join('; ');
  if (attempts.every((a) => a.code === 'debuginfod-not-found')) {
    return new ApiError('debuginfod-not-found', `no debuginfod server has the debuginfo for build-id ${buildId} (${list})`, 'Add a server that carries your distribution\'s kernels to DEBUGINFOD_URLS, or install the kernel\'s debug package and give its vmlinux with --vmlinux.');
  }
  // The most telling failure decides the code: a refused file, then a stall, then no connection.
  const order: ApiErrorCode[] = ['vmlinux-mismatch', 'timeout', 'debuginfod-unreachable'];
  const code = order.find((c) => attempts.some((a) => a.code === c)) ?? attempts[0]?.code ?? 'debuginfod-unreachable';
  const hint = code === 'vmlinux-mismatch'
    ? 'The server is misconfigured or not what its URL says; the file was deleted. Try another server.'
    : code === 'timeout'
      ? 'The server is slow or stuck: try again later, raise DEBUGINFOD_TIMEOUT (seconds), or use another server.'
      : 'Check the URL and the network (proxy, VPN), or install the kernel\'s debug package and give its vmlinux with --vmlinux.';
  return new ApiError(code, `could not fetch the debuginfo for build-id ${buildId}: ${list}`, hint);
}

async function fetchFrom(o: FetchDebuginfoOptions, server: string, dir: string): Promise<FetchedDebuginfo> {
  const stallMs = o.stallTimeoutMs ?? stallTimeoutFromEnv();
  const everyMs = o.progressIntervalMs ?? 200;
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      ctl.abort();
    }, stallMs);
  };
  const url = debuginfoUrl(server, o.buildId);
  let tmp: string | null = null;
  try {
    arm();
    let res: Response;
    try {
      res = await fetch(url, { signal: ctl.signal, redirect: 'follow' });
    } catch (err) {
      throw networkFailure(err, stalled, stallMs);
    }
    if (res.status === 404) {
      await res.body?.cancel().catch(() => undefined);
      throw new ServerFailure('debuginfod-not-found', 'not found (404)');
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new ServerFailure('debuginfod-unreachable', `HTTP ${res.status} ${res.statusText}`.trim());
    }
    const lengthHeader = res.headers.get('content-length');
    const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    await mkdir(o.cacheDir, { recursive: true });
    await mkdir(dir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    tmp = path.join(dir, `${tempPrefix}${process.pid}-${randomBytes(4).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o600);
    let bytes = 0;
    let lastReport = 0;
    try {
      const reader = res.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw networkFailure(err, stalled, stallMs);
        }
        if (chunk.done) break;
        arm();
        await fh.write(chunk.value);
        bytes += chunk.value.byteLength;
        const now = Date.now();
        if (o.onProgress && now - lastReport >= everyMs) {
          lastReport = now;
          o.onProgress({ server, bytes, total });
        }
      }
    } finally {
      await fh.close();
    }
    clearTimeout(timer);
    o.onProgress?.({ server, bytes, total });
    if (total !== null && bytes !== total) throw new ServerFailure('debuginfod-unreachable', `the download ended after ${bytes} of ${total} bytes`);
    const got: BuildIdResult = await readBuildId(o.local, tmp).catch((err: Error) => ({ buildId: null, reason: err.message }));
    if (got.buildId !== o.buildId) {
      const what = got.buildId !== null ? `a file with build-id ${got.buildId}` : `a file without a GNU build-id (${got.reason.replace(tmp, 'download')})`;
      throw new ServerFailure('vmlinux-mismatch', `sent ${what}: refused and deleted`);
    }
    await chmod(tmp, 0o400);
    const target = cachedDebuginfoPath(o.cacheDir, o.buildId);
    await rename(tmp, target);
    tmp = null;
    return { path: target, server, bytes };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
    if (tmp) await rm(tmp, { force: true });
  }
}

function networkFailure(err: unknown, stalled: boolean, stallMs: number): ServerFailure {
  if (stalled) return new ServerFailure('timeout', `sent nothing for ${Math.round(stallMs / 1000)} s (timed out)`);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const said = cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : (err as Error).message;
  return new ServerFailure('debuginfod-unreachable', `unreachable: ${said}`);
}
