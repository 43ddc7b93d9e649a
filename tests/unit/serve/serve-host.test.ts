import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionInfo } from '../../../electron/api/contract.ts';
import type { WireEvent, WireReply } from '../../../electron/api/wire.ts';
import { startServeHost, type ServeHost } from '../../../electron/serve/serve-host.ts';
import { createFakeApi } from './fake-api.ts';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path goes on the wire exactly as given (fetch would normalise `..`). */
function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open a WebSocket; resolves with the socket or with the HTTP status that refused it. */
function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<WireReply & WireEvent> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
}

async function call(ws: WebSocket, frame: unknown): Promise<WireReply> {
  const reply = nextMessage(ws);
  ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return reply;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'crashdeck-serve-'));
const root = path.join(tmp, 'renderer');
const indexHtml = '<!doctype html><title>crashdeck test page</title><script type="module" src="/assets/app.js"></script>';
/** The page as served: the test host has no sessions, so its boot data is empty (boot-data.test.ts). */
const servedHtml = `${indexHtml}<script type="application/json" id="crashdeck-boot">{"sessions":[],"identify":{}}</script>`;
const secret = 'TOP-SECRET-OUTSIDE-ROOT';

beforeAll(() => {
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), indexHtml);
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(path.join(tmp, 'secret.txt'), secret);
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let host: ServeHost;
let api: ReturnType<typeof createFakeApi>;
const open: WebSocket[] = [];
async function start(rendererDir = root): Promise<ServeHost> {
  api = createFakeApi();
  host = await startServeHost({ api, port: 0, rendererDir });
  return host;
}
afterEach(async () => {
  for (const ws of open.splice(0)) ws.close();
  await host?.close();
});

describe('serve host over HTTP', () => {
  it('listens on loopback with a 64-hex-digit token that differs per start', async () => {
    const a = await start();
    expect(a.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${a.port}/\\?token=[0-9a-f]{64}$`));
    const first = a.token;
    await a.close();
    const b = await start();
    expect(b.token).not.toBe(first);
  });

  it('names the address it listens on in the URL (IPv6 loopback in brackets), and that URL works', async () => {
    api = createFakeApi();
    host = await startServeHost({ api, port: 0, bind: '::1', rendererDir: root });
    expect(host.url).toMatch(new RegExp(`^http://\\[::1\\]:${host.port}/\\?token=[0-9a-f]{64}$`));
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(servedHtml);
  });

  it('answers 401 to every path without the token, and with a wrong one', async () => {
    const { port, token } = await start();
    // The wrong token differs in its last digit (a fixed "0" equals the token one time in 16).
    const wrong = `${token.slice(0, 63)}${token.endsWith('0') ? '1' : '0'}`;
    for (const p of ['/', '/index.html', '/assets/app.js', '/nope', '/api', `/?token=${wrong}`, '/?token=']) {
      const r = await get(port, p);
      expect(r.status, p).toBe(401);
      expect(r.body).not.toContain('crashdeck test page');
    }
  });

  it('serves the page with the token and sets an HttpOnly SameSite=Strict cookie for the assets', async () => {
    const { port, token } = await start();
    const page = await get(port, `/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toBe(servedHtml);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(`=${token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;

    const asset = await get(port, '/assets/app.js', { Cookie: pair });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log("app")');
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);

    const wrong = await get(port, '/assets/app.js', { Cookie: pair.replace(/=.*/, `=${'0'.repeat(64)}`) });
    expect(wrong.status).toBe(401);
  });

  it('puts the strict CSP and hardening headers on authorised and refused responses', async () => {
    const { port, token } = await start();
    for (const r of [await get(port, '/'), await get(port, `/?token=${token}`)]) {
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('never serves a file outside the renderer directory, however the path is encoded', async () => {
    const { port, token } = await start();
    const q = `?token=${token}`;
    for (const p of [
      `/../secret.txt${q}`,
      `/..%2fsecret.txt${q}`,
      `/%2e%2e/secret.txt${q}`,
      `/%2e%2e%2fsecret.txt${q}`,
      `/assets/..%2f..%2fsecret.txt${q}`,
      `/assets/%2e%2e/%2e%2e/secret.txt${q}`,
      `/..%5csecret.txt${q}`,
      `/%252e%252e%252fsecret.txt${q}`,
      `/assets/link.txt${q}`,
      `/index.html%00.js${q}`,
      `/%E0%A4%A${q}`,
      `//${tmp}/secret.txt${q}`,
    ]) {
      const r = await get(port, p);
      expect(r.body, p).not.toContain(secret);
      expect([403, 404], p).toContain(r.status);
    }
  });

  it('refuses a request whose Host is not this server (DNS rebinding)', async () => {
    const { port, token } = await start();
    const r = await get(port, `/?token=${token}`, { Host: `attacker.example:${port}` });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('crashdeck test page');
  });

  it('says to run the renderer build when the UI is not built', async () => {
    const { port, token } = await start(path.join(tmp, 'no-such-build'));
    const r = await get(port, `/?token=${token}`);
    expect(r.status).toBe(503);
    expect(r.body).toContain('npm run build:renderer');
    expect((await get(port, '/')).status).toBe(401);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const { port, token } = await start();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: `/?token=${token}`, method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });
});

describe('serve host WebSocket', () => {
  const wsUrl = (h: ServeHost, token: string | null = h.token) => `ws://127.0.0.1:${h.port}/api${token === null ? '' : `?token=${token}`}`;
  const origin = (h: ServeHost) => `http://127.0.0.1:${h.port}`;

  it('refuses an upgrade without the token or with a wrong one', async () => {
    const h = await start();
    expect(await connect(wsUrl(h, null), { Origin: origin(h) })).toBe(401);
    expect(await connect(wsUrl(h, 'f'.repeat(64)), { Origin: origin(h) })).toBe(401);
  });

  it('refuses an upgrade from a foreign Origin even with the token', async () => {
    const h = await start();
    for (const o of ['http://evil.example', `http://evil.example:${h.port}`, `https://127.0.0.1:${h.port}`, 'null', `http://127.0.0.1:${h.port + 1}`]) {
      expect(await connect(wsUrl(h), { Origin: o }), o).toBe(403);
    }
  });

  it('accepts the token by query or by the page cookie, from the served origin', async () => {
    const h = await start();
    const ws = await connect(wsUrl(h), { Origin: origin(h) });
    expect(ws).toBeInstanceOf(WebSocket);
    open.push(ws as WebSocket);
    const viaCookie = await connect(wsUrl(h, null), { Origin: `http://localhost:${h.port}`, Cookie: `crashdeck-token-${h.port}=${h.token}` });
    expect(viaCookie).toBeInstanceOf(WebSocket);
    open.push(viaCookie as WebSocket);
  });

  it('dispatches requests and returns results and contract errors by id', async () => {
    const h = await start();
    const ws = (await connect(wsUrl(h), { Origin: origin(h) })) as WebSocket;
    open.push(ws);
    expect(await call(ws, { id: 7, method: 'app.info', params: {} })).toEqual({
      id: 7,
      ok: true,
      result: { version: '9.9.9-test', crashPath: '/usr/bin/crash', defaultCrashDir: '/var/crash' },
    });
    const bad = await call(ws, { id: 8, method: 'session.info', params: { sessionId: 42 } });
    expect(bad).toMatchObject({ id: 8, ok: false, error: { code: 'bad-request' } });
    const unknown = await call(ws, { id: 9, method: 'fs.readFile', params: { path: '/etc/passwd' } });
    expect(unknown).toMatchObject({ id: 9, ok: false, error: { code: 'bad-request' } });
    const missing = await call(ws, { id: 10, method: 'session.info', params: { sessionId: 's1' } });
    expect(missing).toEqual({ id: 10, ok: false, error: { code: 'not-found', message: 'no session s1', hint: 'open the dump again' } });
    const garbage = await call(ws, '{not json');
    expect(garbage).toMatchObject({ id: -1, ok: false, error: { code: 'bad-request' } });
    const noId = await call(ws, { method: 'app.info' });
    expect(noId).toMatchObject({ id: -1, ok: false, error: { code: 'bad-request' } });
  });

  it('pushes Api events to every open socket', async () => {
    const h = await start();
    const a = (await connect(wsUrl(h), { Origin: origin(h) })) as WebSocket;
    const b = (await connect(wsUrl(h), { Origin: origin(h) })) as WebSocket;
    open.push(a, b);
    const got = [nextMessage(a), nextMessage(b)];
    const info: SessionInfo = {
      id: 's1', fingerprint: 'f', vmcore: '/var/crash/x/dump', vmlinux: null, host: 'local', state: 'starting',
      message: 'starting crash', crashPath: '/usr/bin/crash', crashVersion: null, release: null, degraded: null,
      startupWarnings: [], diagnoses: [], shellEnabled: false, startedAt: 1,
    };
    api.events.emit('session.state', info);
    for (const m of await Promise.all(got)) expect(m).toEqual({ event: 'session.state', payload: info });
  });

  it('stops pushing to a socket once it closed, and close() ends open sockets', async () => {
    const h = await start();
    const a = (await connect(wsUrl(h), { Origin: origin(h) })) as WebSocket;
    const closed = new Promise((r) => a.once('close', r));
    await h.close();
    await closed;
    expect(a.readyState).toBe(WebSocket.CLOSED);
    expect(() => api.events.emit('command.progress', { sessionId: 's', command: 'kmem -i', elapsedMs: 5 })).not.toThrow();
  });
});
