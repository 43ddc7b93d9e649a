/**
 * The message shapes every channel carries (WebSocket frames, IPC replies), so the serve host,
 * the preload bridge and the renderer's clients agree without sharing code.
 */
import type { ApiErrorShape, EventName, MethodName, Result, SessionInfo } from './contract.ts';

/** Client -> host: call a method. `id` is chosen by the client and echoed in the reply. */
export interface WireRequest {
  id: number;
  method: MethodName;
  params: unknown;
}

/** Host -> client: the outcome of one request. */
export type WireReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ApiErrorShape };

/** Host -> client: a pushed event. */
export interface WireEvent {
  event: EventName;
  payload: unknown;
}

/** Path of the serve host's WebSocket endpoint (token in the `token` query parameter). */
export const wsPath = '/api';

/**
 * What the serve host writes into index.html (a JSON data block, id `bootDataElementId`) so a
 * page shows a running dump and its log-based verdict without waiting for the WebSocket: the
 * sessions as `session.list` would answer, and the `dump.identify` answers already read (by
 * session id). A snapshot: the page still asks `session.list` once its socket is open.
 */
export interface BootData {
  sessions: SessionInfo[];
  identify: Record<string, Result<'dump.identify'>>;
}

/**
 * id of the `<script type="application/json">` element holding the BootData (a type, so the
 * renderer, which imports only types from electron/, is checked against the same name).
 */
export type BootDataElementId = 'crashdeck-boot';
