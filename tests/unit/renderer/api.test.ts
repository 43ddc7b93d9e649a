/**
 * The renderer's WebSocket Api client against a real `ws` server speaking the wire protocol:
 * replies, error shapes with hints, events, and what happens when the host goes away and back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket as NodeWebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { ApiClientError, createWebSocketClient, webSocketUrlFor, type ConnectionState, type RendererApi } from '../../../renderer/lib/api.ts';
import type { WireRequest } from '../../../electron/api/wire.ts';

type Handler = (req: WireRequest, send: (msg: unknown) => void) => void;

async function startHost(handler: Handler, port = 0): Promise<{ wss: WebSocketServer; port: number; url: string; seen: URL[] }> {
  const seen: URL[] = [];
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws, req) => {
    seen.push(new URL(req.url ?? '/', 'http://x'));
    ws.on('message', (data) => handler(JSON.parse(String(data)) as WireRequest, (m) => ws.send(JSON.stringify(m))));
  });
  const p = (wss.address() as AddressInfo).port;
  return { wss, port: p, url: `ws://127.0.0.1:${p}/api?token=t0k`, seen };
}

const clients: RendererApi[] = [];
const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) {
    for (const ws of s.clients) ws.terminate();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

function client(url: string): RendererApi {
  const c = createWebSocketClient({ url, baseDelayMs: 20, maxDelayMs: 100, WebSocketImpl: NodeWebSocket as unknown as typeof WebSocket });
  clients.push(c);
  return c;
}

describe('webSocketUrlFor', () => {
  it('passes the page token to /api on the same host', () => {
    expect(webSocketUrlFor('http://127.0.0.1:4711/?token=abc#/log')).toBe('ws://127.0.0.1:4711/api?token=abc');
  });
  it('leaves the token out when the page has none (the auth cookie carries it)', () => {
    expect(webSocketUrlFor('http://127.0.0.1:4711/')).toBe('ws://127.0.0.1:4711/api');
  });
});

describe('createWebSocketClient', () => {
  it('resolves calls with the host result, including calls made before the socket opened', async () => {
    const host = await startHost((req, send) => send({ id: req.id, ok: true, result: [{ method: req.method, params: req.params }] }));
    servers.push(host.wss);
    const api = client(host.url);
    const r = await api.call('session.list', {});
    expect(r).toEqual([{ method: 'session.list', params: {} }]);
    expect(host.seen[0]?.searchParams.get('token')).toBe('t0k');
  });

  it('rejects with the host error code, message and next-step hint', async () => {
    const host = await startHost((req, send) =>
      send({ id: req.id, ok: false, error: { code: 'vmlinux-mismatch', message: 'vmlinux does not match the dump', hint: 'Install the -dbg package for 6.1.0-56' } }),
    );
    servers.push(host.wss);
    const api = client(host.url);
    const err = await api.call('session.open', { vmcore: '/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiClientError);
    expect((err as ApiClientError).toShape()).toEqual({ code: 'vmlinux-mismatch', message: 'vmlinux does not match the dump', hint: 'Install the -dbg package for 6.1.0-56' });
  });

  it('delivers pushed events to subscribers until they unsubscribe', async () => {
    const host = await startHost((req, send) => {
      send({ event: 'command.progress', payload: { sessionId: 's1', command: 'kmem -i', elapsedMs: 1500 } });
      send({ id: req.id, ok: true, result: [] });
    });
    servers.push(host.wss);
    const api = client(host.url);
    const got: number[] = [];
    const off = api.on('command.progress', (p) => got.push(p.elapsedMs));
    await api.call('session.list', {});
    off();
    await api.call('session.list', {});
    expect(got).toEqual([1500]);
  });

  it('fails in-flight calls with connection-lost when the host dies, then reconnects and works again', async () => {
    let answer = true;
    const first = await startHost((req, send) => {
      if (answer) send({ id: req.id, ok: true, result: [] });
    });
    const port = first.port;
    const api = client(first.url);
    const states: ConnectionState[] = [];
    api.onConnection((s) => states.push(s));
    await api.call('session.list', {});
    answer = false;
    const inFlight = api.call('session.list', {}).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    for (const ws of first.wss.clients) ws.terminate();
    await new Promise<void>((r) => first.wss.close(() => r()));
    const err = await inFlight;
    expect(err).toBeInstanceOf(ApiClientError);
    expect((err as ApiClientError).code).toBe('connection-lost');
    expect((err as ApiClientError).hint).toMatch(/crashdeck serve/);
    expect(api.connection).toBe('reconnecting');

    const second = await startHost((req, send) => send({ id: req.id, ok: true, result: ['back'] }), port);
    servers.push(second.wss);
    await expect(api.call('session.list', {})).resolves.toEqual(['back']);
    expect(states).toContain('reconnecting');
    expect(states[states.length - 1]).toBe('open');
  });
});
