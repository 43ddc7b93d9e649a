/**
 * Debug symbols by build-id against a REAL elfutils debuginfod on loopback indexing the fixture's
 * Debian -dbg .deb (one server for the file): `crashdeck triage` with no vmlinux anywhere fetches
 * it, verifies its build-id and answers from crash (basis "crash"); `crashdeck run` afterwards
 * uses the cache with the server stopped. Failures: unknown build-id (404), a closed port, a
 * server that stalls, one that serves another ELF, Ctrl-C mid-download — each leaves nothing in
 * the cache and says what happened. Truth is meta.json (the vmlinux's sha256, the panic) and
 * readelf's view of the build-id, never this code's own output.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, symlinkSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { ApiError } from '../../../electron/api/contract.ts';
import { fetchDebuginfo } from '../../../electron/symbols/debuginfod-fetch.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { crashdeckBin, runCrashdeck } from '../../support/cli.ts';
import { startDebuginfod, freePort, type Debuginfod } from '../../support/debuginfod.ts';
import { crash806, dbgDebPath, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { createApi } from '../../../electron/host/create-api.ts';
import type { EventPayload } from '../../../electron/api/contract.ts';
import { fetchVmlinux } from '../../../electron/symbols/fetch-vmlinux.ts';
import { SshHosts } from '../../../electron/transport/ssh-hosts.ts';
import type { Transport } from '../../../electron/transport/types.ts';

const scenario = 'panic-sysrq' as const;
const local = new LocalTransport();
let server: Debuginfod;
const temps: string[] = [];
/** The build-id of the 6.1 vmlinux as binutils reads it (independent of our ELF reader). */
let buildId = '';

function tempDir(tag: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `crashdeck-symbols-${tag}-`));
  temps.push(d);
  return d;
}

function readelfBuildId(file: string): string {
  const out = execFileSync('readelf', ['-n', file], { encoding: 'utf8' });
  const m = /Build ID: ([0-9a-f]+)/.exec(out);
  if (!m?.[1]) throw new Error(`readelf found no build-id in ${file}`);
  return m[1];
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

/** Every file under a directory, relative. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function expectApiError(p: Promise<unknown>, code: string): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  return err as ApiError;
}

beforeAll(async () => {
  buildId = readelfBuildId(vmlinuxPath(scenario));
  // Indexing decompresses the whole 283 MB .deb: ~30 s on an idle 2-core machine, 90 s loaded.
  server = await startDebuginfod([dbgDebPath(scenario)], 280_000);
  process.stderr.write(`debuginfod indexed ${path.basename(dbgDebPath(scenario))} in ${server.indexSeconds.toFixed(1)} s\n`);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('debuginfod failures (real debuginfod, loopback servers)', () => {
  it('an unknown build-id: every server answers 404, the error names the server, the cache stays empty', async () => {
    const cacheDir = tempDir('404');
    const other = readelfBuildId(vmlinuxPath('oops-syscall-6.12')); // the 6.12 kernel is not indexed
    const err = await expectApiError(fetchDebuginfo({ buildId: other, servers: [server.url], cacheDir, local }), 'debuginfod-not-found');
    expect(err.message).toContain(other);
    expect(err.message).toContain(`${server.url}: not found (404)`);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it('a closed port: unreachable, named, then the next server is tried', async () => {
    const cacheDir = tempDir('closed');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const err = await expectApiError(fetchDebuginfo({ buildId, servers: [closed], cacheDir, local }), 'debuginfod-unreachable');
    expect(err.message).toContain(`${closed}: unreachable: ECONNREFUSED`);
    expect(err.hint).toMatch(/network|URL/);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it('a server that stalls mid-body times out with its name; a server that serves another ELF is refused and the file deleted', async () => {
    const wrongElf = readFileSync('/bin/true');
    const wrongId = readelfBuildId('/bin/true');
    const stalling = http.createServer((req, res) => {
      if (req.url?.includes('/stall/')) {
        res.writeHead(200, { 'content-length': '1000000' });
        res.write(Buffer.alloc(1000));
        return; // never ends
      }
      res.writeHead(200, { 'content-length': String(wrongElf.length) });
      res.end(wrongElf);
    });
    await new Promise<void>((r) => stalling.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(stalling.address() as { port: number }).port}`;
    try {
      const cacheDir = tempDir('bad');
      const slow = await expectApiError(fetchDebuginfo({ buildId, servers: [`${base}/stall`], cacheDir, local, stallTimeoutMs: 1000 }), 'timeout');
      expect(slow.message).toContain(`${base}/stall: sent nothing for 1 s (timed out)`);
      expect(filesUnder(cacheDir)).toEqual([]);
      const wrong = await expectApiError(fetchDebuginfo({ buildId, servers: [base], cacheDir, local }), 'vmlinux-mismatch');
      expect(wrong.message).toContain(`${base}: sent a file with build-id ${wrongId}: refused and deleted`);
      expect(filesUnder(cacheDir)).toEqual([]);
    } finally {
      stalling.closeAllConnections();
      await new Promise((r) => stalling.close(r));
    }
  });
});

interface VmlinuxTruth {
  vmlinux_sha256: string;
  vmlinux_size: number;
}
const vmlinuxTruth = (): VmlinuxTruth => fixtureMeta(scenario).kernel as unknown as VmlinuxTruth;

describe('symbols.fetch on a session opened without a vmlinux (Api, real crash 8.0.6)', () => {
  it('progress events up to the whole file, then crash starts under the same session id', async () => {
    const dir = tempDir('api');
    const api = createApi({ crashPath: crash806(), env: { ...process.env, DEBUGINFOD_URLS: server.url, DEBUGINFOD_CACHE_PATH: dir, XDG_CONFIG_HOME: dir } });
    try {
      const opened = await api.call('session.open', { vmcore: vmcorePath(scenario) });
      expect(opened.diagnoses.map((d) => d.code)).toContain('symbols-missing');
      expect(await api.call('symbols.cancel', { sessionId: opened.id })).toEqual({ cancelled: false });
      const progress: EventPayload<'symbols.progress'>[] = [];
      api.events.subscribe((event, payload) => {
        if (event === 'symbols.progress') progress.push(payload as EventPayload<'symbols.progress'>);
      });
      const after = await api.call('symbols.fetch', { sessionId: opened.id });
      expect(after.id).toBe(opened.id);
      expect(after.vmlinux).toBe(path.join(dir, buildId, 'debuginfo'));
      expect(after.diagnoses.map((d) => d.code)).not.toContain('symbols-missing');
      const size = vmlinuxTruth().vmlinux_size;
      expect(progress.at(-1)).toEqual({ sessionId: opened.id, server: server.url, bytes: size, total: size });
      const sys = await api.call('session.run', { sessionId: opened.id, command: { id: 'sys' } });
      expect(sys.raw).toContain(`RELEASE: ${fixtureMeta(scenario).kernel.release}`);
      const again = await api.call('symbols.fetch', { sessionId: opened.id }).then(() => null, (e: { code: string }) => e.code);
      expect(again).toBe('refused');
    } finally {
      await api.dispose();
    }
  }, 300_000); // debuginfod's first extraction of the 560 MB vmlinux plus a crash start: slow on a loaded 2-core machine
});

describe('fetching on the dump\'s host over SSH (real sshd, the same debuginfod)', () => {
  let sshd: Sshd;
  let hosts: SshHosts;
  let remote: Transport;

  beforeAll(async () => {
    sshd = await startSshd({ name: 'symbols' });
    hosts = new SshHosts({ home: sshd.home, appKnownHostsFile: path.join(sshd.dir, 'app', 'known_hosts'), agent: null });
    hosts.acceptHostKey(sshd.hostKeyFingerprint);
    remote = await hosts.transportFor(`ssh://root@127.0.0.1:${sshd.port}`);
  });
  afterAll(async () => {
    await hosts?.closeAll();
    await sshd?.stop();
  });

  /** A PATH on the host with the script's tools but without debuginfod-find: the curl fallback. */
  /** A PATH with curl (no debuginfod-find); `limitRate` throttles it so a cancel lands mid-download. */
  function curlOnlyPath(limitRate?: string): string {
    const bin = tempDir('bin');
    if (limitRate) {
      // On an idle machine the whole file crosses loopback before the first 1 s progress poll.
      writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nexec /usr/bin/curl --limit-rate ${limitRate} "$@"\n`, { mode: 0o755 });
    }
    for (const tool of ['sh', 'env', ...(limitRate ? [] : ['curl']), 'sed', 'tail', 'wc', 'mkdir', 'rm', 'rmdir', 'mv', 'cat', 'tr', 'grep', 'sleep', 'awk', 'ls', 'chmod', 'kill']) {
      const at = ['/usr/bin', '/bin'].map((d) => path.join(d, tool)).find((p) => existsSync(p));
      if (at) symlinkSync(at, path.join(bin, tool));
    }
    return bin;
  }

  for (const via of ['debuginfod-find', 'curl'] as const) {
    it(`${via} on the host fetches into that host's client cache, verified, with progress`, async () => {
      const cache = tempDir(`remote-${via}`);
      const hostEnv = { DEBUGINFOD_CACHE_PATH: cache, ...(via === 'curl' ? { PATH: curlOnlyPath() } : {}) };
      const seen: number[] = [];
      const got = await fetchVmlinux({ transport: remote, buildId, release: null, env: { DEBUGINFOD_URLS: server.url }, hostEnv, onProgress: (p) => seen.push(p.bytes) });
      expect(got.path).toBe(path.join(cache, buildId, 'debuginfo'));
      expect(got.server).toBe(server.url);
      expect(filesUnder(cache)).toEqual([path.join(buildId, 'debuginfo')]);
      expect(statSync(got.path).mode & 0o777).toBe(0o400);
      expect(await sha256(got.path)).toBe(vmlinuxTruth().vmlinux_sha256);
      expect(seen.length).toBeGreaterThan(0);
      rmSync(path.join(cache, buildId), { recursive: true, force: true });
    });
  }

  it('cancel mid-download on the host leaves nothing in its cache; an unknown build-id is a 404 named by server', async () => {
    const cache = tempDir('remote-cancel');
    const ctl = new AbortController();
    const err = await fetchVmlinux({ transport: remote, buildId, release: null, env: { DEBUGINFOD_URLS: server.url }, hostEnv: { DEBUGINFOD_CACHE_PATH: cache, PATH: curlOnlyPath('50M') }, signal: ctl.signal, onProgress: (p) => p.bytes > 0 && ctl.abort() }).then(() => null, (e: unknown) => e);
    expect((err as ApiError).code).toBe('cancelled');
    expect(filesUnder(cache)).toEqual([]);
    const other = readelfBuildId(vmlinuxPath('oops-syscall-6.12'));
    const missing = await fetchVmlinux({ transport: remote, buildId: other, release: null, env: { DEBUGINFOD_URLS: server.url }, hostEnv: { DEBUGINFOD_CACHE_PATH: cache } }).then(() => null, (e: unknown) => e);
    expect((missing as ApiError).code).toBe('debuginfod-not-found');
    expect((missing as ApiError).message).toContain(`${server.url}: not found (404)`);
    expect(filesUnder(cache)).toEqual([]);
  });
});

describe('crashdeck triage / run without a local vmlinux (real debuginfod + crash 8.0.6)', () => {
  const cacheDir = (): string => tempDir('cli');
  let cache = '';

  it('Ctrl-C during the download cancels it: nothing is left in the cache', async () => {
    const dir = cacheDir();
    const child = spawn(process.execPath, [crashdeckBin, 'triage', vmcorePath(scenario), '--crash', crash806(), '--json'], {
      env: { ...process.env, DEBUGINFOD_URLS: server.url, DEBUGINFOD_CACHE_PATH: dir, XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // The first progress line means bytes are arriving: interrupt like a user at the terminal.
      if (!sent && /debug symbols: \d+% /.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    await new Promise((r) => child.once('close', r));
    expect(sent).toBe(true);
    expect(stderr).toContain('cancelling the download');
    expect(stderr).toMatch(/debug symbols: download of the debuginfo for [0-9a-f]+ cancelled; nothing was left/);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('triage fetches the vmlinux by build-id into the client cache, verifies it and answers from crash', async () => {
    cache = cacheDir();
    const { code, stdout, stderr } = await runCrashdeck(['triage', vmcorePath(scenario), '--crash', crash806(), '--json'], { DEBUGINFOD_URLS: server.url, DEBUGINFOD_CACHE_PATH: cache, XDG_CONFIG_HOME: cache });
    expect(stderr).toContain(`fetching build-id ${buildId} by debuginfod`);
    expect(stderr).toMatch(/debug symbols: 100% 563\/563 MiB from http:\/\/127\.0\.0\.1/);
    expect(stderr).toContain(`fetched from ${server.url}, build-id verified`);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as TriageReport;
    const truth = fixtureMeta(scenario);
    expect(report.basis).toBe('crash');
    expect(report.panic.kind).toBe('sysrq');
    expect(report.dump.panicMessage).toContain(truth.truth.panic_message);
    // elfutils' layout and modes: <cache>/<buildid>/debuginfo, dir 0700, file 0400, no temp beside it.
    const file = path.join(cache, buildId, 'debuginfo');
    expect(filesUnder(cache)).toEqual([path.join(buildId, 'debuginfo')]);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    expect(await sha256(file)).toBe((truth.kernel as unknown as { vmlinux_sha256: string }).vmlinux_sha256);
  }, 300_000);

  it('crashdeck run then uses the cached vmlinux with the server stopped (no network)', async () => {
    expect(cache).not.toBe('');
    await server.stop();
    const { code, stdout, stderr } = await runCrashdeck(['run', vmcorePath(scenario), '--crash', crash806(), '--json', '--', 'sys'], { DEBUGINFOD_URLS: server.url, DEBUGINFOD_CACHE_PATH: cache, XDG_CONFIG_HOME: cache });
    expect(stderr).not.toContain('fetching');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { session: { vmlinux: string }; commands: { raw: string }[] };
    expect(doc.session.vmlinux).toBe(path.join(cache, buildId, 'debuginfo'));
    expect(doc.commands[0]?.raw).toContain(`RELEASE: ${fixtureMeta(scenario).kernel.release}`);
  });
});
