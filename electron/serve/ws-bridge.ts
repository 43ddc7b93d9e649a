/**
 * Connects one authorised WebSocket to the ApiHost: text frames are WireRequests dispatched
 * through the validating host, each answered by a WireReply; every ApiHost event is pushed as a
 * WireEvent while the socket is open.
 */
import type { WebSocket } from 'ws';
import { ApiError } from '../api/contract.ts';
import { toApiError, type ApiHost } from '../api/handlers.ts';
import type { WireEvent, WireReply } from '../api/wire.ts';

/** Serve `socket` with `api` until it closes. */
export function bridgeSocket(socket: WebSocket, api: ApiHost): void {
  const send = (msg: WireReply | WireEvent): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
  };
  const unsubscribe = api.events.subscribe((event, payload) => send({ event, payload }));
  socket.on('close', unsubscribe);
  socket.on('error', unsubscribe);

  socket.on('message', (data, isBinary) => {
    void handleFrame(api, isBinary ? null : data.toString(), send);
  });
}

/** Parse one frame, dispatch it and reply; malformed frames get a bad-request reply. */
async function handleFrame(api: ApiHost, text: string | null, send: (msg: WireReply) => void): Promise<void> {
  let request: unknown;
  try {
    if (text === null) throw new Error('binary frames are not accepted');
    request = JSON.parse(text);
  } catch (err) {
    send({ id: -1, ok: false, error: new ApiError('bad-request', `not a JSON request: ${(err as Error).message}`).toJSON() });
    return;
  }
  const r = request as { id?: unknown; method?: unknown; params?: unknown };
  const id = typeof r === 'object' && r !== null && typeof r.id === 'number' && Number.isFinite(r.id) ? r.id : -1;
  if (id === -1 || typeof r.method !== 'string') {
    send({ id, ok: false, error: new ApiError('bad-request', 'a request needs a numeric id and a method name').toJSON() });
    return;
  }
  try {
    const result = await api.dispatch(r.method, r.params);
    send({ id, ok: true, result });
  } catch (err) {
    send({ id, ok: false, error: toApiError(err).toJSON() });
  }
}
