/**
 * The message shapes every channel carries (WebSocket frames, IPC replies), so the serve host,
 * the preload bridge and the renderer's clients agree without sharing code.
 */
import type { ApiErrorShape, EventName, MethodName } from './contract.ts';

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
