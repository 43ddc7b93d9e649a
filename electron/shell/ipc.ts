/**
 * The IPC front door: one `ipcMain.handle` per contract method and per desktop request, each
 * refusing untrusted senders and validating its payload (Api methods through the shared
 * dispatch), replies always `{ ok, result | error }`; and Api events forwarded to the window on
 * the contract's channels only.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import * as v from 'valibot';
import { ApiError, events as contractEvents, methods, type EventName, type MethodName } from '../api/contract.ts';
import { toApiError, type ApiHost, type EventBus } from '../api/handlers.ts';
import { callChannel, eventChannel, type IpcReply } from '../api/preload-api.ts';
import type { SenderFrame } from './trusted-sender.ts';

/** Decides whether a frame may call in. */
export type SenderCheck = (frame: SenderFrame | null | undefined) => boolean;

const refused = (): IpcReply<never> => ({
  ok: false,
  error: new ApiError('refused', 'this page may not call crashdeck', 'only the crashdeck window itself can use the Api').toJSON(),
});

/** Run `body` for a trusted sender and wrap its outcome as an IpcReply. */
async function guarded<T>(event: IpcMainInvokeEvent, isTrusted: SenderCheck, body: () => Promise<T>): Promise<IpcReply<T>> {
  if (!isTrusted(event.senderFrame)) return refused();
  try {
    return { ok: true, result: await body() };
  } catch (err) {
    return { ok: false, error: toApiError(err).toJSON() };
  }
}

/** Options for registerApiIpc. */
export interface ApiIpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  api: ApiHost;
  isTrusted: SenderCheck;
  /** Called after a method succeeded (e.g. session.open -> recent dumps). */
  onSuccess?: (method: MethodName, params: unknown, result: unknown) => void;
}

/** Register one handler per contract method; returns a function removing them all. */
export function registerApiIpc(options: ApiIpcOptions): () => void {
  const names = Object.keys(methods) as MethodName[];
  for (const method of names) {
    options.ipcMain.handle(callChannel(method), (event, params: unknown) =>
      guarded(event, options.isTrusted, async () => {
        const result = await options.api.dispatch(method, params);
        options.onSuccess?.(method, params, result);
        return result;
      }),
    );
  }
  return () => {
    for (const method of names) options.ipcMain.removeHandler(callChannel(method));
  };
}

/** A desktop-only request: its channel, payload schema and implementation. */
export interface DesktopHandler<S extends v.GenericSchema> {
  channel: string;
  schema: S;
  run(payload: v.InferOutput<S>, event: IpcMainInvokeEvent): Promise<unknown>;
}

/** Register desktop requests with the same sender check and payload validation as the Api. */
export function registerDesktopIpc(ipcMain: Pick<IpcMain, 'handle'>, isTrusted: SenderCheck, handlers: DesktopHandler<v.GenericSchema>[]): void {
  for (const h of handlers) {
    ipcMain.handle(h.channel, (event, payload: unknown) =>
      guarded(event, isTrusted, async () => {
        const parsed = v.safeParse(h.schema, payload);
        if (!parsed.success) throw new ApiError('bad-request', `invalid payload for ${h.channel}: ${parsed.issues[0].message}`);
        return h.run(parsed.output, event);
      }),
    );
  }
}

/** The parts of WebContents events are sent through. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** Forward every Api event to `target` on its contract channel; returns the unsubscribe. */
export function forwardApiEvents(bus: EventBus, target: EventTarget): () => void {
  return bus.subscribe((event: EventName, payload) => {
    if (!Object.hasOwn(contractEvents, event) || target.isDestroyed()) return;
    target.send(eventChannel(event), payload);
  });
}
