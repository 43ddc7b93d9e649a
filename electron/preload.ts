/**
 * The bridge between the sandboxed renderer and the main process, exposed as
 * `window.crashdeck` (type: CrashdeckBridge in api/preload-api.ts). It hands out one named
 * function per contract method and per desktop request — never ipcRenderer itself, never a
 * generic "send to any channel" — and event subscriptions that pass the payload only (the
 * IpcRendererEvent would leak `sender`).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { events, methods, type EventName, type MethodName } from './api/contract.ts';
import {
  callChannel,
  desktopChannels,
  desktopEventChannel,
  desktopEventNames,
  eventChannel,
  type CrashdeckBridge,
  type DesktopEventName,
  type PreloadApiMethods,
} from './api/preload-api.ts';

function subscribe(channel: string, listener: unknown): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const forward = (_event: IpcRendererEvent, payload: unknown): void => (listener as (p: unknown) => void)(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

const api = Object.fromEntries(
  (Object.keys(methods) as MethodName[]).map((m) => [m, (params: unknown) => ipcRenderer.invoke(callChannel(m), params)]),
) as unknown as PreloadApiMethods;

const bridge: CrashdeckBridge = {
  kind: 'electron',
  api,
  on: (event, listener) => {
    if (!Object.hasOwn(events, event)) throw new Error(`unknown event: ${String(event)}`);
    return subscribe(eventChannel(event as EventName), listener);
  },
  desktop: {
    openDialog: (kind) => ipcRenderer.invoke(desktopChannels.openDialog, kind),
    pathForFile: (file) => webUtils.getPathForFile(file),
    recentDumps: () => ipcRenderer.invoke(desktopChannels.recentDumps),
    storeSecret: (id, secret) => ipcRenderer.invoke(desktopChannels.storeSecret, { id, secret }),
    forgetSecret: (id) => ipcRenderer.invoke(desktopChannels.forgetSecret, { id }),
    on: (event, listener) => {
      if (!(desktopEventNames as readonly string[]).includes(event)) throw new Error(`unknown desktop event: ${String(event)}`);
      return subscribe(desktopEventChannel(event as DesktopEventName), listener);
    },
  },
};

contextBridge.exposeInMainWorld('crashdeck', bridge);
