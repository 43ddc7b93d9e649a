/**
 * What electron/preload.ts exposes to the renderer as `window.crashdeck`, and the IPC channel
 * names both sides use. The renderer imports the types only (`import type`); main and preload
 * also use the channel helpers. Plain TypeScript: no electron import.
 *
 * Every Api method is its own named function and its own IPC channel (no generic "invoke
 * anything" door), so a renderer compromised by hostile dump text can reach exactly the
 * contract's methods, each validated again in the main process.
 */
import type { ApiErrorShape, EventName, EventPayload, MethodName, Params, Result } from './contract.ts';

/** The outcome of one call over IPC (same shape as a WireReply without the id). */
export type IpcReply<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

/** One function per contract method: `crashdeck.api['session.open']({ vmcore })`. */
export type PreloadApiMethods = { [M in MethodName]: (params: Params<M>) => Promise<IpcReply<Result<M>>> };

/** The file pickers the desktop shell offers. */
export const dialogKinds = ['vmcore', 'vmlinux', 'trace', 'case'] as const;
export type DialogKind = (typeof dialogKinds)[number];

/** The guided views, in navigation order; menu shortcuts CmdOrCtrl+1.. follow this order. */
export const viewIds = ['overview', 'processes', 'slab', 'zones', 'memory-map', 'page-flags', 'log', 'console', 'traces', 'panic', 'oom-wizard', 'report'] as const;
export type ViewId = (typeof viewIds)[number];

/** A dump opened before, for the Recent menu and the start page (local or over SSH). */
export interface RecentDump {
  vmcore: string;
  vmlinux: string | null;
  /** "local" or the ssh host as given to session.open. */
  host: string;
  openedAt: number;
}

/** Commands a native menu item asks the renderer to perform. */
export type MenuCommand = { kind: 'show-view'; view: ViewId } | { kind: 'export-report' } | { kind: 'close-session' } | { kind: 'find' } | { kind: 'open-remote' };

/**
 * Events only the desktop shell sends (menus, dialogs, second launches, drops). They use their
 * own fixed channels; the Api's events use the contract's.
 */
export interface DesktopEvents {
  /** A menu item or shortcut was used. */
  'menu.command': MenuCommand;
  /** Open these paths (menu dialog, second launch, file association, Recent menu). */
  'open.paths': { kind: DialogKind; paths: string[]; vmlinux?: string | null; host?: string };
}
export type DesktopEventName = keyof DesktopEvents;
export const desktopEventNames = ['menu.command', 'open.paths'] as const satisfies readonly DesktopEventName[];

/** Result of asking to remember a secret. */
export type StoreSecretResult = { stored: true } | { stored: false; reason: string };

/** `window.crashdeck` in the desktop app (absent in a browser: use the WebSocket client there). */
export interface CrashdeckBridge {
  /** Always 'electron'; lets lib/api.ts pick IPC. */
  readonly kind: 'electron';
  api: PreloadApiMethods;
  /** Subscribe to a contract event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  desktop: {
    /** Native file picker; resolves to the chosen paths ([] when cancelled). */
    openDialog(kind: DialogKind): Promise<IpcReply<string[]>>;
    /** The filesystem path of a File dropped onto the window ('' if it has none). */
    pathForFile(file: File): string;
    recentDumps(): Promise<IpcReply<RecentDump[]>>;
    /** Remember a secret (e.g. an SSH key passphrase) in the OS keyring; refused on basic_text. */
    storeSecret(id: string, secret: string): Promise<IpcReply<StoreSecretResult>>;
    forgetSecret(id: string): Promise<IpcReply<{ forgotten: boolean }>>;
    on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEvents[E]) => void): () => void;
  };
}

/** IPC channel of an Api method. */
export function callChannel(method: MethodName): string {
  return `crashdeck:call:${method}`;
}

/** IPC channel of an Api event (main -> renderer). */
export function eventChannel(event: EventName): string {
  return `crashdeck:event:${event}`;
}

/** IPC channels of the desktop shell's own requests (renderer -> main). */
export const desktopChannels = {
  openDialog: 'crashdeck:desktop:openDialog',
  recentDumps: 'crashdeck:desktop:recentDumps',
  storeSecret: 'crashdeck:desktop:storeSecret',
  forgetSecret: 'crashdeck:desktop:forgetSecret',
} as const;

/** IPC channel of a desktop event (main -> renderer). */
export function desktopEventChannel(event: DesktopEventName): string {
  return `crashdeck:desktop-event:${event}`;
}
