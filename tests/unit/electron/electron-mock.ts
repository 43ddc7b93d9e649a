/**
 * A fake `electron` module for main-process tests (in the spirit of Electron Fiddle's
 * tests/setup.ts): records what main.ts and preload.ts ask of Electron so tests can drive IPC,
 * menus, dialogs and window events in plain Node. Used with vi.doMock('electron', ...).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** A stand-in for WebContents. */
export class FakeWebContents extends EventEmitter {
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  loading = false;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isLoading(): boolean {
    return this.loading;
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
}

/** Options for a fake electron. */
export interface FakeElectronOptions {
  userData: string;
  singleInstanceLock?: boolean;
  storageBackend?: string;
  encryptionAvailable?: boolean;
  dialogResult?: { canceled: boolean; filePaths: string[] };
  displays?: { x: number; y: number; width: number; height: number }[];
}

/** Build a fake electron module plus handles to what it recorded. */
export function createElectronMock(opts: FakeElectronOptions) {
  const appEvents = new EventEmitter();
  const windows: FakeBrowserWindow[] = [];
  const handlers = new Map<string, Handler>();
  const exposed = new Map<string, unknown>();
  const rendererListeners = new Map<string, Set<Handler>>();
  let permissionRequest: ((wc: unknown, perm: string, cb: (ok: boolean) => void, details: { requestingUrl: string }) => void) | null = null;
  let permissionCheck: ((...a: unknown[]) => boolean) | null = null;
  let headersListener: ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | null = null;
  const menus: unknown[] = [];
  const protocols = { privileged: [] as unknown[], handlers: new Map<string, (req: Request) => Promise<Response>>() };

  class FakeBrowserWindow extends EventEmitter {
    webContents = new FakeWebContents();
    options: Record<string, unknown>;
    loaded: { url?: string; file?: string } = {};
    shown = false;
    maximized = false;
    bounds: { x: number; y: number; width: number; height: number };
    focused = 0;
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      this.bounds = { x: options.x as number, y: options.y as number, width: options.width as number, height: options.height as number };
      windows.push(this);
      queueMicrotask(() => this.emit('ready-to-show'));
    }
    static fromWebContents(wc: unknown): FakeBrowserWindow | null {
      return windows.find((w) => w.webContents === wc) ?? null;
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.url = url;
    }
    async loadFile(file: string): Promise<void> {
      this.loaded.file = file;
    }
    show(): void {
      this.shown = true;
    }
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {
      this.focused++;
    }
    isDestroyed(): boolean {
      return false;
    }
    getNormalBounds() {
      return this.bounds;
    }
  }

  const app = Object.assign(appEvents, {
    isPackaged: true,
    requestSingleInstanceLock: vi.fn(() => opts.singleInstanceLock ?? true),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn(() => opts.userData),
    addRecentDocument: vi.fn(),
    enableSandbox: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
  });

  const ipcMain = {
    handle: vi.fn((channel: string, h: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  };

  const ipcRenderer = {
    invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args })),
    on: vi.fn((channel: string, h: Handler) => {
      if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
      rendererListeners.get(channel)!.add(h);
    }),
    removeListener: vi.fn((channel: string, h: Handler) => rendererListeners.get(channel)?.delete(h)),
    send: vi.fn(),
  };

  const safeStorage = {
    isEncryptionAvailable: vi.fn(() => opts.encryptionAvailable ?? true),
    getSelectedStorageBackend: vi.fn(() => opts.storageBackend ?? 'gnome_libsecret'),
    // Reversible but not plaintext, like the real thing from the caller's point of view.
    encryptString: vi.fn((s: string) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`)),
    decryptString: vi.fn((b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').toString()),
  };

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: vi.fn((key: string, value: unknown) => exposed.set(key, value)) },
    webUtils: { getPathForFile: vi.fn((f: { fakePath?: string }) => f.fakePath ?? '') },
    Menu: {
      buildFromTemplate: vi.fn((t: unknown) => ({ template: t })),
      setApplicationMenu: vi.fn((m: unknown) => menus.push(m)),
    },
    dialog: {
      showOpenDialog: vi.fn(async () => opts.dialogResult ?? { canceled: true, filePaths: [] }),
      showErrorBox: vi.fn(),
    },
    safeStorage,
    screen: { getAllDisplays: vi.fn(() => (opts.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map((workArea) => ({ workArea }))) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn((h: typeof permissionRequest) => (permissionRequest = h)),
        setPermissionCheckHandler: vi.fn((h: typeof permissionCheck) => (permissionCheck = h)),
        setDevicePermissionHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn((h: typeof headersListener) => (headersListener = h)) },
      },
    },
    shell: { openExternal: vi.fn(async () => undefined) },
    protocol: {
      registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => protocols.privileged.push(...schemes)),
      handle: vi.fn((scheme: string, h: (req: Request) => Promise<Response>) => protocols.handlers.set(scheme, h)),
    },
  };

  return {
    module: { ...module, default: module },
    app,
    ipcMain,
    ipcRenderer,
    safeStorage,
    windows,
    handlers,
    exposed,
    rendererListeners,
    menus,
    protocols,
    permissionRequest: () => permissionRequest,
    permissionCheck: () => permissionCheck,
    headersListener: () => headersListener,
  };
}

/** The type of a fake electron. */
export type ElectronMock = ReturnType<typeof createElectronMock>;
