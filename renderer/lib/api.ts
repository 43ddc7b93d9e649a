/**
 * The renderer's one way to reach the Api: an `ApiClient` (contract.ts) over Electron IPC when the
 * preload bridge is present, else over the serve host's WebSocket. Views never know which.
 */
import type { ApiClient, ApiErrorCode, ApiErrorShape, EventName, EventPayload, MethodName, Params, Result } from '../../electron/api/contract.ts';
import type { WireEvent, WireReply, WireRequest } from '../../electron/api/wire.ts';
import type { CrashdeckBridge, IpcReply } from '../../electron/api/preload-api.ts';

/** Where the link to the Node side stands; shown in the status bar. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** ApiClient plus what the shell needs to show the link's health. */
export interface RendererApi extends ApiClient {
  readonly kind: 'ipc' | 'websocket';
  readonly connection: ConnectionState;
  /** Called on every connection change; returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** A failed call as the renderer sees it: always a code, a message and (when known) the next step. */
export class ApiClientError extends Error implements ApiErrorShape {
  readonly code: ApiErrorCode;
  readonly hint?: string;
  /** The SSH host key of a host-key-unknown / host-key-changed error (the page shows its fingerprint). */
  readonly hostKey?: ApiErrorShape['hostKey'];

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'ApiClientError';
    this.code = shape.code;
    if (shape.hint !== undefined) this.hint = shape.hint;
    if (shape.hostKey !== undefined) this.hostKey = shape.hostKey;
  }

  /** The plain shape (for caching and rendering). */
  toShape(): ApiErrorShape {
    const shape: ApiErrorShape = this.hint === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, hint: this.hint };
    return this.hostKey === undefined ? shape : { ...shape, hostKey: this.hostKey };
  }
}

/** Any thrown value as an ApiErrorShape, so every error panel has a message and a hint slot. */
export function toErrorShape(err: unknown): ApiErrorShape {
  if (err instanceof ApiClientError) return err.toShape();
  if (isErrorShape(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

function isErrorShape(x: unknown): x is ApiErrorShape {
  return typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string' && typeof (x as { message?: unknown }).message === 'string';
}

/** The desktop bridge electron/preload.ts puts on `window.crashdeck` (absent in a browser). */
function preloadBridge(): CrashdeckBridge | null {
  const b = (globalThis as { crashdeck?: Partial<CrashdeckBridge> }).crashdeck;
  return b && b.kind === 'electron' && typeof b.api === 'object' && typeof b.on === 'function' ? (b as CrashdeckBridge) : null;
}

type Emitter = Map<string, Set<(payload: unknown) => void>>;

function addListener(map: Emitter, key: string, listener: (payload: unknown) => void): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * IPC client over the preload bridge: one named function per method, each answering with an
 * IpcReply envelope so errors keep their code and hint (Electron would flatten a thrown error).
 */
export function createIpcClient(bridge: CrashdeckBridge): RendererApi {
  return {
    kind: 'ipc',
    connection: 'open',
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      const fn = bridge.api[method] as ((p: Params<M>) => Promise<IpcReply<Result<M>>>) | undefined;
      if (typeof fn !== 'function') throw new ApiClientError({ code: 'bad-request', message: `The desktop bridge has no method ${method}.` });
      let reply: IpcReply<Result<M>>;
      try {
        reply = await fn(params);
      } catch (err) {
        throw new ApiClientError(toErrorShape(err));
      }
      if (reply.ok) return reply.result;
      throw new ApiClientError(toErrorShape(reply.error));
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return bridge.on(event, listener);
    },
    onConnection: () => () => undefined,
    close: () => undefined,
  };
}

/** Options for the WebSocket client (the defaults suit the serve host; tests shorten the delays). */
export interface WsClientOptions {
  url: string;
  /** First reconnect delay; doubles up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  WebSocketImpl?: typeof WebSocket;
}

/**
 * WebSocket client for `crashdeck serve`. Calls made while connecting wait for the socket; calls
 * in flight when the socket drops fail with 'connection-lost' (the command may or may not have
 * run, so the view offers a retry instead of silently re-sending). Reconnects with backoff.
 */
export function createWebSocketClient(opts: WsClientOptions): RendererApi {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const base = opts.baseDelayMs ?? 250;
  const max = opts.maxDelayMs ?? 5000;
  const events: Emitter = new Map();
  const connListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let waiting: Array<() => void> = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let delay = base;
  let closedByUser = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setState = (s: ConnectionState): void => {
    if (s === state) return;
    state = s;
    for (const l of connListeners) l(s);
  };

  const connect = (): void => {
    const ws = new WS(opts.url);
    socket = ws;
    ws.onopen = () => {
      delay = base;
      setState('open');
      const w = waiting;
      waiting = [];
      for (const go of w) go();
    };
    ws.onmessage = (ev: MessageEvent) => {
      let msg: WireReply | WireEvent;
      try {
        msg = JSON.parse(String(ev.data)) as WireReply | WireEvent;
      } catch {
        return;
      }
      if ('event' in msg) {
        for (const l of events.get(msg.event) ?? []) l(msg.payload);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new ApiClientError(toErrorShape(msg.error)));
    };
    ws.onclose = (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      const lost = new ApiClientError({
        code: 'connection-lost',
        message: `Lost the connection to crashdeck serve${ev.reason ? ` (${ev.reason})` : ''}.`,
        hint: 'Check that `crashdeck serve` is still running; the page reconnects by itself. Cached results stay visible.',
      });
      for (const [, p] of pending) p.reject(lost);
      pending.clear();
      if (closedByUser) {
        setState('closed');
        return;
      }
      setState('reconnecting');
      timer = setTimeout(connect, delay);
      delay = Math.min(max, delay * 2);
    };
  };
  connect();

  const send = (method: MethodName, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const req: WireRequest = { id, method, params };
      pending.set(id, { resolve, reject });
      socket!.send(JSON.stringify(req));
    });

  return {
    kind: 'websocket',
    get connection() {
      return state;
    },
    call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      if (closedByUser) return Promise.reject(new ApiClientError({ code: 'connection-lost', message: 'The Api client is closed.' }));
      if (socket && socket.readyState === WS.OPEN) return send(method, params) as Promise<Result<M>>;
      return new Promise((resolve, reject) => {
        waiting.push(() => {
          send(method, params).then(resolve as (v: unknown) => void, reject);
        });
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return addListener(events, event, listener as (p: unknown) => void);
    },
    onConnection(listener) {
      connListeners.add(listener);
      return () => connListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      clearTimeout(timer);
      socket?.close();
      setState('closed');
    },
  };
}

/** The serve host's WebSocket URL for a page URL: same host, path /api, the page's token passed on. */
export function webSocketUrlFor(pageUrl: string, wsPath = '/api'): string {
  const u = new URL(pageUrl);
  const ws = new URL(wsPath, u);
  ws.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.search = '';
  const token = u.searchParams.get('token');
  if (token) ws.searchParams.set('token', token);
  return ws.toString();
}

/** Pick the transport at startup: the preload bridge inside Electron, else the serve host's WebSocket. */
export function createApiClient(): RendererApi {
  const bridge = preloadBridge();
  if (bridge) return createIpcClient(bridge);
  return createWebSocketClient({ url: webSocketUrlFor(location.href) });
}
