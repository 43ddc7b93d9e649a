/**
 * The browser front door: an HTTP server for the built renderer plus a WebSocket endpoint onto
 * the ApiHost. Loopback by default; every request needs the token (see docs/SECURITY.md):
 *
 * - The page is opened as `/?token=T`. An authorised response sets the cookie
 *   `crashdeck-token-<port>=T` (HttpOnly, SameSite=Strict, Path=/), so the page's assets and a
 *   reload without the query still load. The port is part of the name because cookies ignore
 *   ports and two hosts on one machine must not clobber each other.
 * - The WebSocket at `/api` needs the token as `?token=T` or that cookie, a Host that names this
 *   server, and an Origin (when the client sends one; browsers always do) of this server.
 * - A Host header naming anything else is refused (DNS rebinding).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiHost } from '../api/handlers.ts';
import { wsPath } from '../api/wire.ts';
import { allowedHosts, hostPort, isWildcard } from './bind-address.ts';
import { withBootDataIfAny } from './boot-data.ts';
import { securityHeaders } from './security-headers.ts';
import { contentTypeFor, resolveStatic } from './static-files.ts';
import { createToken, tokenMatches } from './token.ts';
import { bridgeSocket } from './ws-bridge.ts';

/** How to start a serve host. */
export interface ServeHostOptions {
  api: ApiHost;
  /** 0 picks a free port. */
  port: number;
  /** Address to listen on; default 127.0.0.1. */
  bind?: string;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** Largest accepted WebSocket frame, bytes. */
  maxPayload?: number;
}

/** A running serve host. */
export interface ServeHost {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  /** Stops listening, closes every socket; does not dispose the ApiHost. */
  close(): Promise<void>;
}

/** Name of the auth cookie for a host on `port`. */
export function cookieName(port: number): string {
  return `crashdeck-token-${port}`;
}

/** Start listening; resolves once the port is bound. */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const bind = options.bind ?? '127.0.0.1';
  const token = createToken();
  let port = options.port;
  let hosts = new Set<string>();
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 * 1024 });

  const cookieToken = (req: IncomingMessage): string | null => {
    const header = req.headers.cookie ?? '';
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookieName(port)) return part.slice(eq + 1).trim();
    }
    return null;
  };
  const knownHost = (req: IncomingMessage): string | null => {
    const h = withDefaultPort((req.headers.host ?? '').toLowerCase());
    return hosts.has(h) ? h : null;
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    });
  });

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = knownHost(req);
    // An unknown Host still gets the strict headers, bound to the loopback name.
    const headers = securityHeaders(host ?? hostPort('127.0.0.1', port));
    const reply = (status: number, body: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (host === null) return reply(403, 'crashdeck: this server does not answer to that host name\n');
    const url = new URL(req.url ?? '/', `http://${host}`);
    const queryAuthorised = tokenMatches(token, url.searchParams.get('token'));
    if (!queryAuthorised && !tokenMatches(token, cookieToken(req))) {
      return reply(401, 'crashdeck: not authorised. Open the URL `crashdeck serve` printed, including its ?token=...\n');
    }
    if (queryAuthorised) {
      headers['Set-Cookie'] = `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n', { Allow: 'GET, HEAD' });

    const resolved = await resolveStatic(options.rendererDir, url.pathname);
    if (resolved.kind === 'forbidden') return reply(403, 'forbidden\n');
    if (resolved.kind === 'not-found') {
      const index = await resolveStatic(options.rendererDir, '/');
      if (index.kind !== 'file') {
        return reply(503, rendererMissingPage(options.rendererDir), { 'Content-Type': 'text/html; charset=utf-8' });
      }
      return reply(404, 'not found\n');
    }
    const isHtml = resolved.file.endsWith('.html');
    // The page carries its first answers (sessions, verdicts already read): see boot-data.ts.
    // Without them (a failed session.list) the page asks over its socket as usual.
    const page = isHtml ? Buffer.from(await withBootDataIfAny(await readFile(resolved.file, 'utf8'), options.api)) : null;
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeFor(resolved.file),
      'Content-Length': String(page ? page.length : resolved.size),
      // The page URL carries the token: never cache HTML; hashed assets may be revalidated.
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (page) {
      res.end(page);
      return;
    }
    createReadStream(resolved.file).on('error', () => res.destroy()).pipe(res);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const host = knownHost(req);
    if (host === null) return refuse(403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (url.pathname !== wsPath) return refuse(404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, hosts)) return refuse(403, 'Forbidden');
    if (!tokenMatches(token, url.searchParams.get('token')) && !tokenMatches(token, cookieToken(req))) {
      return refuse(401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      bridgeSocket(ws, options.api);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(bind, port);
  // The URL names the address actually listened on (a wildcard is reachable as 127.0.0.1).
  const urlHost = isWildcard(bind) ? '127.0.0.1' : bind;

  return {
    url: `http://${hostPort(urlHost, port)}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** True when `origin` is `http://` plus one of this server's own host names. */
function originAllowed(origin: string, hosts: Set<string>): boolean {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && hosts.has(withDefaultPort(u.host.toLowerCase()));
  } catch {
    return false;
  }
}

/** Browsers leave `:80` out of Host and Origin; the allowed set always names the port. */
function withDefaultPort(host: string): string {
  return /:\d+$/.test(host) ? host : `${host}:80`;
}

function rendererMissingPage(dir: string): string {
  const esc = dir.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>crashdeck: UI not built</title>
<h1>The crashdeck UI is not built</h1>
<p>No <code>index.html</code> in <code>${esc}</code>. Run <code>npm run build:renderer</code>, then reload this page.</p>\n`;
}
