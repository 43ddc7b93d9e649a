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
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriageReport } from '../../../electron/analyze/report-types.ts';
import { ApiError } from '../../../electron/api/contract.ts';
import { fetchDebuginfo } from '../../../electron/symbols/debuginfod-fetch.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { crashdeckBin, runCrashdeck } from '../../support/cli.ts';
import { startDebuginfod, freePort, type Debuginfod } from '../../support/debuginfod.ts';
import { crash806, dbgDebPath, fixtureMeta, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';

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
  server = await startDebuginfod([dbgDebPath(scenario)]);
  process.stderr.write(`debuginfod indexed ${path.basename(dbgDebPath(scenario))} in ${server.indexSeconds.toFixed(1)} s\n`);
});

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
  });

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
