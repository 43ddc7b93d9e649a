/**
 * `crashdeck serve` as a user runs it: the real bin as a child process, real HTTP and WebSocket
 * clients, and (for --open) the real crash 8.0.6 on the panic-sysrq fixture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import type { WireReply } from '../../../electron/api/wire.ts';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../../support/fixtures.ts';
import { startSshd } from '../../support/sshd.ts';

const bin = path.join(repoRoot, 'electron/bin/crashdeck.mjs');
const readyLine = /^crashdeck ready at http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;

interface Served {
  child: ChildProcess;
  port: number;
  token: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running: Served[] = [];
const rendererDir = mkdtempSync(path.join(tmpdir(), 'crashdeck-serve-it-'));
const page = '<!doctype html><title>crashdeck integration page</title>';

beforeAll(() => {
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), page);
  writeFileSync(path.join(path.dirname(rendererDir), 'crashdeck-outside.txt'), 'OUTSIDE-SECRET');
});

afterEach(async () => {
  for (const s of running.splice(0)) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
});

/** Start `crashdeck serve` and wait for its ready line (or its exit). */
function serve(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Served & { code?: number | null }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 60 s; stderr: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = readyLine.exec(out.split('\n')[0] ?? '');
      if (m && out.includes('\n')) {
        clearTimeout(timer);
        const s: Served = { child, port: Number(m[1]), token: m[2]!, stdout: () => out, stderr: () => err, exited };
        running.push(s);
        resolve(s);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      resolve({ child, port: 0, token: '', stdout: () => out, stderr: () => err, exited, code });
    });
  });
}

function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string, origin: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Origin: origin } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

let nextId = 1;
function call(ws: WebSocket, method: string, params: unknown): Promise<WireReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (d: Buffer): void => {
      const msg = JSON.parse(d.toString()) as WireReply;
      if ('id' in msg && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

describe('crashdeck serve', () => {
  it('prints exactly one stdout line with the loopback URL and token, and exits cleanly on SIGTERM', async () => {
    const s = await serve(['--port', '0', '--renderer-dir', rendererDir]);
    expect(s.port).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    expect(s.stdout().endsWith('\n')).toBe(true);
    expect(s.stdout().trimEnd()).toMatch(readyLine);
  });

  it('answers 401 without the token, 200 with it, with the CSP header, and refuses traversal', async () => {
    const { port, token } = await serve(['--port', '0', '--renderer-dir', rendererDir]);
    const denied = await get(port, '/');
    expect(denied.status).toBe(401);
    expect(denied.body).not.toContain('integration page');
    const ok = await get(port, `/?token=${token}`);
    expect(ok.status).toBe(200);
    // The page, then the host's boot data: the sessions (here the demo case, which has no dump
    // log to read, so no identify answer).
    const boot = /^<script type="application\/json" id="crashdeck-boot">(.*)<\/script>$/.exec(ok.body.slice(page.length));
    expect(ok.body.startsWith(page)).toBe(true);
    const data = JSON.parse(boot?.[1] ?? 'null') as { sessions: Array<{ source?: string; vmcore: string }>; identify: object } | null;
    expect(data?.sessions.map((s) => [s.source, path.basename(s.vmcore)])).toEqual([['case', 'oom-slab-leak.crashcase']]);
    expect(data?.identify).toEqual({});
    for (const r of [denied, ok]) {
      expect(String(r.headers['content-security-policy'])).toContain("default-src 'self'");
      expect(String(r.headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
    for (const p of ['/..%2fcrashdeck-outside.txt', '/%2e%2e/crashdeck-outside.txt', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const r = await get(port, `${p}?token=${token}`);
      expect([403, 404], p).toContain(r.status);
      expect(r.body).not.toContain('OUTSIDE-SECRET');
      expect(r.body).not.toContain('root:');
    }
  });

  it('says to build the UI when dist/renderer is missing', async () => {
    const { port, token } = await serve(['--port', '0', '--renderer-dir', path.join(rendererDir, 'missing')]);
    const r = await get(port, `/?token=${token}`);
    expect(r.status).toBe(503);
    expect(r.body).toContain('npm run build:renderer');
  });

  it('refuses a WebSocket without the token or from a foreign Origin; serves Api calls otherwise', async () => {
    const { port, token } = await serve(['--port', '0', '--renderer-dir', rendererDir]);
    const origin = `http://127.0.0.1:${port}`;
    expect(await connect(`ws://127.0.0.1:${port}/api`, origin)).toBe(401);
    expect(await connect(`ws://127.0.0.1:${port}/api?token=${token}`, 'https://evil.example')).toBe(403);
    const ws = (await connect(`ws://127.0.0.1:${port}/api?token=${token}`, origin)) as WebSocket;
    try {
      const info = await call(ws, 'app.info', {});
      expect(info.ok).toBe(true);
      const version = (JSON.parse((await import('node:fs')).readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
      expect((info as { result: { version: string } }).result.version).toBe(version);
      const bad = await call(ws, 'session.open', { vmcore: 42 });
      expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      const unknown = await call(ws, 'shell.exec', { cmd: 'id' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    } finally {
      ws.close();
    }
  });

  it('warns on stderr when bound beyond loopback, still printing only the ready line on stdout', async () => {
    const s = await serve(['--port', '0', '--bind', '0.0.0.0', '--renderer-dir', rendererDir]);
    expect(s.stderr()).toMatch(/WARNING: listening on 0\.0\.0\.0, not loopback/);
    expect(s.stdout().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('rejects bad options with a usage message and exit code 2', async () => {
    const s = await serve(['--port', 'eighty']);
    expect(s.code).toBe(2);
    expect(s.stdout()).toBe('');
    expect(s.stderr()).toMatch(/--port must be a number/);
  });

  it('--open of a missing file exits 1 with a message saying what to check, and no ready line', async () => {
    const s = await serve(['--port', '0', '--renderer-dir', rendererDir, '--open', '/nonexistent/dump.1']);
    expect(s.code).toBe(1);
    expect(s.stdout()).toBe('');
    expect(s.stderr()).toContain('/nonexistent/dump.1');
  });
});

/** Poll session.list until the one session is ready or failed. */
async function waitReady(ws: WebSocket): Promise<SessionInfo> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const info = ((await call(ws, 'session.list', {})) as { ok: true; result: SessionInfo[] }).result[0]!;
    if (info.state === 'ready' || info.state === 'failed' || Date.now() > deadline) return info;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('crashdeck serve --open (real crash 8.0.6)', () => {
  it('opens a dump on another host given as ssh://user@host:port/path (real sshd)', async () => {
    const sshd = await startSshd({ name: 'serve' });
    try {
      const url = `ssh://root@127.0.0.1:${sshd.port}${vmcorePath('panic-sysrq')}`;
      // The harness home trusts this sshd and holds the authorised key; no agent.
      const env = { ...process.env, HOME: sshd.home, SSH_AUTH_SOCK: '' };
      const s = await serve(['--port', '0', '--renderer-dir', rendererDir, '--open', url, '--vmlinux', vmlinuxPath(), '--crash', crash806()], env);
      expect(s.port, s.stderr()).toBeGreaterThan(0);
      const ws = (await connect(`ws://127.0.0.1:${s.port}/api?token=${s.token}`, `http://127.0.0.1:${s.port}`)) as WebSocket;
      try {
        const info = await waitReady(ws);
        expect(info.state, info.message).toBe('ready');
        expect(info.host).toBe(`root@127.0.0.1:${sshd.port}`);
        expect(info.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
      } finally {
        ws.close();
      }
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      await sshd.stop();
    }
  });

  // crash takes 6 s to start here when the machine is idle, minutes on a loaded one.
  it('opens the panic-sysrq dump at start-up; session.list shows it reaching ready', { timeout: 420_000 }, async () => {
    const vmcore = vmcorePath('panic-sysrq');
    const s = await serve(['--port', '0', '--renderer-dir', rendererDir, '--open', vmcore, '--vmlinux', vmlinuxPath(), '--crash', crash806()]);
    expect(s.port, s.stderr()).toBeGreaterThan(0);
    const ws = (await connect(`ws://127.0.0.1:${s.port}/api?token=${s.token}`, `http://127.0.0.1:${s.port}`)) as WebSocket;
    try {
      // The session exists as soon as the ready line is out: the page's first session.list sees it.
      const first = (await call(ws, 'session.list', {})) as { ok: true; result: SessionInfo[] };
      expect(first.result).toHaveLength(1);
      expect(first.result[0]!.vmcore).toBe(vmcore);
      let info = first.result[0]!;
      const deadline = Date.now() + 360_000;
      while (info.state !== 'ready' && info.state !== 'failed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        info = ((await call(ws, 'session.list', {})) as { ok: true; result: SessionInfo[] }).result[0]!;
      }
      expect(info.state, info.message).toBe('ready');
      expect(info.release).toBe(fixtureMeta('panic-sysrq').kernel.release);
    } finally {
      ws.close();
    }
  });
});
