/**
 * The desktop app's entry (Electron main process). Thin: it wires Electron's objects to the
 * plain-Node Api (host/create-api.ts) and the shell modules in shell/, which hold the logic.
 * Security decisions are listed item by item in docs/SECURITY.md.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, screen, session, shell, type BrowserWindow as Win } from 'electron';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import type { Params } from './api/contract.ts';
import { createApi } from './host/create-api.ts';
import type { ApiHost } from './api/handlers.ts';
import { desktopChannels, desktopEventChannel, dialogKinds, type DesktopEventName, type DesktopEvents, type DialogKind } from './api/preload-api.ts';
import { crashdeckCsp } from './serve/security-headers.ts';
import { appIndexUrl, appOrigin, appScheme, appSchemePrivileges, createAppProtocolHandler } from './shell/app-protocol.ts';
import { chooseFiles } from './shell/dialogs.ts';
import { forwardApiEvents, registerApiIpc, registerDesktopIpc, type DesktopHandler } from './shell/ipc.ts';
import { menuTemplate } from './shell/menu.ts';
import { printHtmlToPdf } from './shell/print-pdf.ts';
import { RecentDumps } from './shell/recent-dumps.ts';
import { SecretStore } from './shell/secret-store.ts';
import { confirmHostKeyDialog, desktopSshHosts } from './shell/ssh-desktop.ts';
import { SshPromptBroker } from './transport/ssh-prompts.ts';
import { hardenSession, hardenWebContents } from './shell/security.ts';
import { claimSingleInstance, pathsFromArgv, type LaunchPaths } from './shell/single-instance.ts';
import { createSenderCheck } from './shell/trusted-sender.ts';
import { createMainWindow } from './shell/window.ts';

// Defined by @electron-forge/plugin-vite at build time.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string | undefined;

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
const rendererName = typeof MAIN_WINDOW_VITE_NAME === 'string' ? MAIN_WINDOW_VITE_NAME : 'main_window';
const rendererDir = path.join(here, `../renderer/${rendererName}`);
const preload = path.join(here, 'preload.cjs');
const defaultApp = process.defaultApp === true;

let win: Win | null = null;
let api: ApiHost | null = null;
/**
 * The own command line without switches. Under `electron [switches] <app dir> <dump>`
 * (development, test runners) switches come before the app dir, where pathsFromArgv expects it;
 * a packaged app's switches are skipped either way.
 */
const ownArgv = process.argv.filter((arg, i) => i === 0 || !arg.startsWith('-'));
/** Paths to open once the page has loaded (own command line, early second launches). */
const pendingLaunches: LaunchPaths[] = pathsFromArgv(ownArgv, process.cwd(), defaultApp);
/** Started without a dump or case: show the demo case, as `crashdeck serve` does without --open. */
const startWithDemo = pendingLaunches.length === 0;

/**
 * Where the bundled demo case is: in a package, under resources/demo (the packager's
 * extraResource); in a checkout, resources/demo of the repository, seen from .vite/build/main.js
 * (`electron .`) or from electron/main.ts (tests).
 */
async function findDemoCase(): Promise<string | null> {
  const name = 'oom-slab-leak.crashcase';
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    ...(typeof resources === 'string' ? [path.join(resources, 'demo', name)] : []),
    path.join(here, '../../resources/demo', name),
    path.join(here, '../resources/demo', name),
  ];
  for (const c of candidates) {
    if (await access(c).then(() => true, () => false)) return c;
  }
  return null;
}

/** Open the demo case read-only (no crash needed); a missing or broken one only means an empty start. */
async function openDemoCase(apiHost: ApiHost): Promise<void> {
  const demo = await findDemoCase();
  if (demo === null) {
    console.warn('crashdeck: no dump given and the bundled demo case is missing; starting empty');
    return;
  }
  try {
    await apiHost.call('case.open', { path: demo });
  } catch (err) {
    console.warn(`crashdeck: the demo case ${demo} could not be opened (${err instanceof Error ? err.message : String(err)}); starting empty`);
  }
}

/** Extra directories for vmlinux discovery (CRASHDECK_DEBUGINFO_DIRS, colon-separated), e.g. a private debuginfo cache. */
function debuginfoDirsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env.CRASHDECK_DEBUGINFO_DIRS ?? '').split(':').filter((d) => path.isAbsolute(d));
}

function sendDesktop<E extends DesktopEventName>(event: E, payload: DesktopEvents[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(desktopEventChannel(event), payload);
}

function openLaunches(launches: LaunchPaths[]): void {
  if (!win || win.webContents.isLoading()) {
    pendingLaunches.push(...launches);
    return;
  }
  for (const l of launches) sendDesktop('open.paths', { kind: l.kind, paths: l.paths });
}

async function openViaDialog(kind: DialogKind): Promise<void> {
  const paths = await chooseFiles(dialog, win, kind);
  if (paths.length) sendDesktop('open.paths', { kind, paths });
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const recent = new RecentDumps(path.join(userData, 'recent-dumps.json'));
  const secrets = new SecretStore(safeStorage, path.join(userData, 'secrets.json'));
  const devHost = devServerUrl ? new URL(devServerUrl).host : null;
  const csp = crashdeckCsp(devHost ? [`ws://${devHost}`] : []);
  const isTrusted = createSenderCheck({ devServerUrl, appOrigin });
  hardenSession(session.defaultSession, csp, (url) => isTrusted({ url, parent: null }));
  protocol.handle(appScheme, createAppProtocolHandler(rendererDir, csp));

  // Passphrases and passwords not remembered are asked in the page (ssh.prompt / ssh.answer).
  const prompts = new SshPromptBroker((p) => api?.events.emit('ssh.prompt', { id: p.id, host: p.host, kind: p.kind, message: p.message, echo: p.echo }));
  const ssh = desktopSshHosts({
    secrets,
    confirmHostKey: (info) => confirmHostKeyDialog(dialog, () => win, info),
    appKnownHostsFile: path.join(userData, 'known_hosts'),
    ask: prompts.prompt,
  });
  const apiHost = createApi({
    transportFor: ssh.transportFor,
    acceptHostKey: (fp) => ssh.acceptHostKey(fp),
    answerPrompt: (id, answer) => prompts.answer(id, answer),
    debuginfoDirs: debuginfoDirsFromEnv(process.env),
    // PDFs printed by Electron itself in a hidden sandboxed window, not by a system Chromium.
    pdfRenderer: (html) => printHtmlToPdf({ BrowserWindow }, html),
  });
  api = apiHost;
  // Before the window exists, so the page's first session.list already shows the case.
  if (startWithDemo) await openDemoCase(apiHost);

  const rebuildMenu = async (): Promise<void> => {
    const template = menuTemplate(
      {
        open: (kind) => void openViaDialog(kind),
        openRecent: (d) => sendDesktop('open.paths', { kind: 'vmcore', paths: [d.vmcore], vmlinux: d.vmlinux, host: d.host }),
        command: (command) => sendDesktop('menu.command', command),
        clearRecent: () => void recent.clear().then(rebuildMenu),
      },
      { recent: await recent.list(), devTools: !app.isPackaged },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  registerApiIpc({
    ipcMain,
    api: apiHost,
    isTrusted,
    onSuccess: (method, params) => {
      if (method !== 'session.open') return;
      const p = params as Params<'session.open'>;
      const host = p.host ?? 'local';
      if (host === 'local') app.addRecentDocument(p.vmcore);
      void recent.add({ vmcore: p.vmcore, vmlinux: p.vmlinux ?? null, host, openedAt: Date.now() }).then(rebuildMenu);
    },
  });
  const desktop: DesktopHandler<v.GenericSchema>[] = [
    {
      channel: desktopChannels.openDialog,
      schema: v.picklist(dialogKinds),
      run: async (kind, event) => chooseFiles(dialog, BrowserWindow.fromWebContents(event.sender), kind as DialogKind),
    },
    { channel: desktopChannels.recentDumps, schema: v.undefined(), run: async () => recent.list() },
    {
      channel: desktopChannels.storeSecret,
      schema: v.object({ id: v.pipe(v.string(), v.minLength(1), v.maxLength(256)), secret: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) }),
      run: async (p) => {
        const { id, secret } = p as { id: string; secret: string };
        return secrets.store(id, secret);
      },
    },
    {
      channel: desktopChannels.forgetSecret,
      schema: v.object({ id: v.pipe(v.string(), v.minLength(1), v.maxLength(256)) }),
      run: async (p) => ({ forgotten: await secrets.forget((p as { id: string }).id) }),
    },
  ];
  registerDesktopIpc(ipcMain, isTrusted, desktop);
  await rebuildMenu();

  win = await createMainWindow({
    BrowserWindow,
    workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
    statePath: path.join(userData, 'window-state.json'),
    preload,
    url: devServerUrl ?? appIndexUrl,
  });
  const unforward = forwardApiEvents(apiHost.events, win.webContents);
  win.on('closed', () => {
    unforward();
    win = null;
  });
  // Paths that arrived while the page was loading (a second launch during start-up) open once it is up.
  win.webContents.on('did-finish-load', () => openLaunches(pendingLaunches.splice(0)));
  openLaunches(pendingLaunches.splice(0));
}

/** Resolves once the window is up (tests await it with a mocked electron). */
export let started: Promise<void> = Promise.resolve();

if (!claimSingleInstance(app, defaultApp, (launches) => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
  openLaunches(launches);
})) {
  app.quit();
} else {
  app.enableSandbox();
  // Must happen before 'ready': the packaged page's own scheme (shell/app-protocol.ts).
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { ...appSchemePrivileges } }]);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));
  app.on('window-all-closed', () => app.quit());
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed || !api) return;
    // Stop crash sessions cleanly before exiting, then quit for real.
    event.preventDefault();
    disposed = true;
    void api.dispose().finally(() => app.quit());
  });
  started = app.whenReady().then(start);
  started.catch((err: unknown) => {
    dialog.showErrorBox('crashdeck could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
