/**
 * The desktop app's wiring (electron/main.ts) against a fake `electron`: window hardening,
 * IPC sender checks and validation, CSP, permissions, navigation, menus, dialogs, single
 * instance, window state, recent dumps and secrets.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { methods } from '../../../electron/api/contract.ts';
import { fixtureMeta, repoRoot } from '../../support/fixtures.ts';
import { createElectronMock, FakeWebContents, type FakeElectronOptions } from './electron-mock.ts';

const indexUrl = 'crashdeck://app/index.html';
const trusted = { url: indexUrl, parent: null };
const savedArgv = process.argv;

async function boot(options: Partial<FakeElectronOptions> = {}, argv: string[] = ['/opt/crashdeck/crashdeck']) {
  vi.resetModules();
  const userData = options.userData ?? mkdtempSync(path.join(tmpdir(), 'crashdeck-userdata-'));
  const el = createElectronMock({ userData, ...options });
  // Imported after resetModules so the fake shares contract.ts (ApiError) with main.ts.
  const { createFakeApi } = await import('../serve/fake-api.ts');
  const api = createFakeApi();
  const dispatch = vi.spyOn(api, 'dispatch');
  vi.doMock('electron', () => el.module);
  vi.doMock('../../../electron/host/create-api.ts', () => ({ createApi: () => api }));
  process.argv = argv;
  try {
    const main = await import('../../../electron/main.ts');
    await main.started;
  } finally {
    process.argv = savedArgv;
  }
  const win = el.windows[0];
  const invoke = (channel: string, payload?: unknown, frame: unknown = trusted) => {
    const h = el.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h({ senderFrame: frame, sender: win?.webContents }, payload) as Promise<{ ok: boolean; result?: unknown; error?: { code: string } }>;
  };
  return { el, api, dispatch, userData, win, invoke };
}

afterEach(() => {
  vi.doUnmock('electron');
  vi.doUnmock('../../../electron/host/create-api.ts');
});

/** Every menu item, flattened. */
function menuItems(template: unknown): { label?: string; role?: string; accelerator?: string; click?: () => void }[] {
  const out: { label?: string; role?: string; accelerator?: string; click?: () => void }[] = [];
  const walk = (items: unknown): void => {
    for (const i of items as { submenu?: unknown }[]) {
      out.push(i as never);
      if (Array.isArray(i.submenu)) walk(i.submenu);
    }
  };
  walk(template);
  return out;
}
const lastMenu = (el: ReturnType<typeof createElectronMock>) => (el.menus.at(-1) as { template: unknown }).template;
const flush = () => new Promise((r) => setTimeout(r, 30));

describe('main window', () => {
  it('is created sandboxed, context-isolated, without Node, with web security, and the app sandbox on', async () => {
    const { el, win } = await boot();
    expect(el.windows).toHaveLength(1);
    const prefs = win!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    expect(el.app.enableSandbox).toHaveBeenCalled();
    expect(win!.loaded.url).toBe('crashdeck://app/index.html');
    expect(win!.shown).toBe(true);
  });

  it('serves the packaged page from the privileged crashdeck:// scheme with the CSP header, not file://', async () => {
    const { el } = await boot();
    expect(el.protocols.privileged).toEqual([{ scheme: 'crashdeck', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(el.protocols.privileged[0]).not.toHaveProperty('privileges.bypassCSP');
    const handler = el.protocols.handlers.get('crashdeck')!;
    // No renderer build in this checkout's test run: the handler answers, with the policy, even for a miss.
    const r = await handler(new Request('crashdeck://app/../../../../etc/passwd'));
    expect([403, 404]).toContain(r.status);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('denies every permission request and check, except clipboard writes from its own page', async () => {
    const { el } = await boot();
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid']) {
      const cb = vi.fn();
      el.permissionRequest()!({}, perm, cb, { requestingUrl: indexUrl });
      expect(cb, perm).toHaveBeenCalledWith(false);
      expect(el.permissionCheck()!({}, perm, 'crashdeck://app')).toBe(false);
    }
    const own = vi.fn();
    el.permissionRequest()!({}, 'clipboard-sanitized-write', own, { requestingUrl: indexUrl });
    expect(own).toHaveBeenCalledWith(true);
    const foreign = vi.fn();
    el.permissionRequest()!({}, 'clipboard-sanitized-write', foreign, { requestingUrl: 'https://evil.example/' });
    expect(foreign).toHaveBeenCalledWith(false);
    expect(el.permissionCheck()!({}, 'clipboard-sanitized-write', 'crashdeck://app')).toBe(true);
    expect(el.permissionCheck()!({}, 'clipboard-sanitized-write', 'file://')).toBe(false);
  });

  it('replaces any Content-Security-Policy on responses with the strict one', async () => {
    const { el } = await boot();
    let out: Record<string, string[]> = {};
    el.headersListener()!({ responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'X-Other': ['1'] } }, (r) => (out = r.responseHeaders));
    const csps = Object.entries(out).filter(([k]) => k.toLowerCase() === 'content-security-policy');
    expect(csps).toHaveLength(1);
    const csp = csps[0]![1].join();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(out['X-Other']).toEqual(['1']);
  });

  it('denies window.open and navigation; only http/https go to the system browser', async () => {
    const { el } = await boot();
    const contents = new FakeWebContents();
    el.app.emit('web-contents-created', {}, contents);
    const open = el.module.shell.openExternal;
    for (const url of ['https://kernel.org/doc', 'http://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(open.mock.calls.map((c) => (c as unknown[])[0])).toEqual(['https://kernel.org/doc', 'http://example.com/x']);

    const nav = { preventDefault: vi.fn() };
    contents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const navFile = { preventDefault: vi.fn() };
    contents.emit('will-navigate', navFile, 'file:///home/u/.ssh/id_rsa');
    expect(navFile.preventDefault).toHaveBeenCalled();
    expect(open).toHaveBeenCalledTimes(3);
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });
});

describe('IPC', () => {
  it('has one handler per contract method, answering trusted calls with the Api result', async () => {
    const { el, invoke } = await boot();
    for (const m of Object.keys(methods)) expect(el.handlers.has(`crashdeck:call:${m}`), m).toBe(true);
    expect(await invoke('crashdeck:call:app.info', {})).toEqual({ ok: true, result: { version: '9.9.9-test', crashPath: '/usr/bin/crash', defaultCrashDir: '/var/crash' } });
  });

  it('refuses other frames before the Api sees the payload', async () => {
    const { invoke, dispatch } = await boot();
    const frames = [
      { url: 'https://evil.example/', parent: null },
      { url: indexUrl, parent: { url: indexUrl } },
      { url: pathToFileURL(path.join(repoRoot, 'renderer/main_window/index.html')).href, parent: null },
      { url: 'crashdeck://other/index.html', parent: null },
      { url: 'http://localhost:5173/', parent: null },
      null,
    ];
    for (const frame of frames) {
      const r = await invoke('crashdeck:call:app.info', {}, frame);
      expect(r, JSON.stringify(frame)).toMatchObject({ ok: false, error: { code: 'refused' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('validates payloads and returns errors as {ok:false,error}', async () => {
    const { invoke } = await boot();
    expect(await invoke('crashdeck:call:session.info', { sessionId: 7 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke('crashdeck:call:session.open', { vmcore: '' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke('crashdeck:call:session.info', { sessionId: 's9' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no session s9', hint: 'open the dump again' } });
    expect(await invoke('crashdeck:desktop:openDialog', 'etc-passwd')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('forwards Api events to the window on the contract channel only', async () => {
    const { api, win } = await boot();
    api.events.emit('command.progress', { sessionId: 's1', command: 'kmem -i', elapsedMs: 1500 });
    expect(win!.webContents.sent).toEqual([{ channel: 'crashdeck:event:command.progress', payload: { sessionId: 's1', command: 'kmem -i', elapsedMs: 1500 } }]);
    win!.webContents.destroyed = true;
    api.events.emit('command.progress', { sessionId: 's1', command: 'kmem -i', elapsedMs: 1600 });
    expect(win!.webContents.sent).toHaveLength(1);
  });
});

describe('menus and dialogs', () => {
  it('has shortcuts for opening, every view and quitting, none used twice', async () => {
    const { el } = await boot();
    const items = menuItems(lastMenu(el));
    const accels = items.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
    const byLabel = new Map(items.map((i) => [i.label, i]));
    expect(byLabel.get('Open Dump…')?.accelerator).toBe('CmdOrCtrl+O');
    for (const label of ['Overview', 'Processes', 'Slab', 'Zones', 'Memory map', 'Page flags', 'Log', 'Console', 'Traces', 'OOM wizard', 'Report']) {
      expect(byLabel.has(label), label).toBe(true);
    }
    expect(items.find((i) => i.role === 'quit')?.accelerator).toBe('CmdOrCtrl+Q');
    // A packaged app has no developer tools in its menu.
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });

  it('a view shortcut tells the page which view to show', async () => {
    const { el, win } = await boot();
    menuItems(lastMenu(el)).find((i) => i.label === 'Slab')!.click!();
    expect(win!.webContents.sent.at(-1)).toEqual({ channel: 'crashdeck:desktop-event:menu.command', payload: { kind: 'show-view', view: 'slab' } });
  });

  it('File > Open Dump shows a file dialog at /var/crash and sends the chosen dump to the page', async () => {
    const { el, win } = await boot({ dialogResult: { canceled: false, filePaths: ['/var/crash/202611260501/dump.202611260501'] } });
    menuItems(lastMenu(el)).find((i) => i.label === 'Open Dump…')!.click!();
    await flush();
    const [, options] = el.module.dialog.showOpenDialog.mock.calls[0] as unknown as [unknown, { defaultPath: string; properties: string[] }];
    expect(options.defaultPath).toBe('/var/crash');
    expect(options.properties).toContain('openFile');
    expect(win!.webContents.sent.at(-1)).toEqual({ channel: 'crashdeck:desktop-event:open.paths', payload: { kind: 'vmcore', paths: ['/var/crash/202611260501/dump.202611260501'] } });
  });

  it('the page can open the dialogs for vmlinux, traces and case bundles; cancel gives []', async () => {
    const { el, invoke } = await boot({ dialogResult: { canceled: false, filePaths: ['/tmp/a.crashcase'] } });
    expect(await invoke('crashdeck:desktop:openDialog', 'case')).toEqual({ ok: true, result: ['/tmp/a.crashcase'] });
    await invoke('crashdeck:desktop:openDialog', 'trace');
    await invoke('crashdeck:desktop:openDialog', 'vmlinux');
    const opts = el.module.dialog.showOpenDialog.mock.calls.map((c) => (c as unknown as [unknown, { filters?: { extensions: string[] }[]; properties: string[]; defaultPath?: string }])[1]);
    expect(opts[0]!.filters?.[0]?.extensions).toEqual(['crashcase']);
    expect(opts[1]!.properties).toContain('multiSelections');
    expect(opts[2]!.defaultPath).toBe('/usr/lib/debug/boot');
    const cancelled = await boot();
    expect(await cancelled.invoke('crashdeck:desktop:openDialog', 'vmcore')).toEqual({ ok: true, result: [] });
  });

  it('an opened dump lands in Recent Dumps (menu and page), newest first', async () => {
    const { el, api, invoke } = await boot();
    vi.spyOn(api, 'dispatch').mockImplementation(async () => ({ ok: 'opened' }));
    await invoke('crashdeck:call:session.open', { vmcore: '/var/crash/a/dump.a', vmlinux: '/usr/lib/debug/boot/vmlinux-6.1' });
    await invoke('crashdeck:call:session.open', { vmcore: '/var/crash/b/dump.b', host: 'ops@db1' });
    await flush();
    const r = (await invoke('crashdeck:desktop:recentDumps')) as { ok: true; result: { vmcore: string; host: string; vmlinux: string | null }[] };
    expect(r.result.map((d) => [d.host, d.vmcore, d.vmlinux])).toEqual([
      ['ops@db1', '/var/crash/b/dump.b', null],
      ['local', '/var/crash/a/dump.a', '/usr/lib/debug/boot/vmlinux-6.1'],
    ]);
    expect(el.app.addRecentDocument).toHaveBeenCalledWith('/var/crash/a/dump.a');
    expect(el.app.addRecentDocument).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => {
      const labels = menuItems(lastMenu(el)).map((i) => i.label);
      expect(labels).toContain('ops@db1: /var/crash/b/dump.b');
      expect(labels).toContain('/var/crash/a/dump.a');
    });
  });
});

describe('single instance', () => {
  it('a second launch quits and creates no window when another crashdeck runs', async () => {
    const { el } = await boot({ singleInstanceLock: false });
    expect(el.app.quit).toHaveBeenCalled();
    expect(el.windows).toHaveLength(0);
    expect(el.handlers.size).toBe(0);
  });

  it("a second launch's paths open in the running window, resolved against its directory", async () => {
    const { el, win } = await boot();
    el.app.emit('second-instance', {}, ['/opt/crashdeck/crashdeck', '--no-sandbox', 'dump.202611', '/home/u/case1.crashcase'], '/var/crash/202611');
    expect(win!.focused).toBe(1);
    expect(win!.webContents.sent.filter((s) => s.channel === 'crashdeck:desktop-event:open.paths').map((s) => s.payload)).toEqual([
      { kind: 'vmcore', paths: ['/var/crash/202611/dump.202611'] },
      { kind: 'case', paths: ['/home/u/case1.crashcase'] },
    ]);
  });

  it('a launch that arrives while the page is still loading opens when it has loaded', async () => {
    const { el, win } = await boot();
    win!.webContents.loading = true;
    el.app.emit('second-instance', {}, ['/opt/crashdeck/crashdeck', '/var/crash/2/dump.2'], '/');
    expect(win!.webContents.sent.filter((s) => s.channel.endsWith('open.paths'))).toEqual([]);
    win!.webContents.loading = false;
    win!.webContents.emit('did-finish-load');
    expect(win!.webContents.sent.filter((s) => s.channel.endsWith('open.paths')).map((s) => s.payload)).toEqual([{ kind: 'vmcore', paths: ['/var/crash/2/dump.2'] }]);
  });

  it("the first launch's own path (file association) opens once the page is up", async () => {
    const { win } = await boot({}, ['/opt/crashdeck/crashdeck', '/srv/cases/oom.crashcase']);
    expect(win!.webContents.sent).toContainEqual({ channel: 'crashdeck:desktop-event:open.paths', payload: { kind: 'case', paths: ['/srv/cases/oom.crashcase'] } });
  });
});

describe('window state', () => {
  it('reopens where it was closed, maximised if it was', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'crashdeck-userdata-'));
    const first = await boot({ userData });
    const w = first.win!;
    w.bounds = { x: 200, y: 100, width: 1000, height: 700 };
    w.maximized = true;
    w.emit('close');
    await flush();
    expect(existsSync(path.join(userData, 'window-state.json'))).toBe(true);
    const second = await boot({ userData });
    expect(second.win!.options).toMatchObject({ x: 200, y: 100, width: 1000, height: 700 });
    expect(second.win!.maximized).toBe(true);
  });

  it('brings a window saved on a now-missing monitor back onto the screen', async () => {
    const userData = mkdtempSync(path.join(tmpdir(), 'crashdeck-userdata-'));
    writeFileSync(path.join(userData, 'window-state.json'), JSON.stringify({ bounds: { x: 3000, y: 200, width: 1200, height: 800 }, maximized: false }));
    const { win } = await boot({ userData, displays: [{ x: 0, y: 0, width: 1366, height: 768 }] });
    const o = win!.options as { x: number; y: number; width: number; height: number };
    expect(o.x).toBeGreaterThanOrEqual(0);
    expect(o.x + o.width).toBeLessThanOrEqual(1366);
    expect(o.y + o.height).toBeLessThanOrEqual(768);
  });
});

describe('remembered secrets', () => {
  it('are stored encrypted when a keyring backs safeStorage, and never readable by the page', async () => {
    const { invoke, userData, el } = await boot({ storageBackend: 'gnome_libsecret' });
    expect(await invoke('crashdeck:desktop:storeSecret', { id: 'ssh:ops@db1:~/.ssh/id_ed25519', secret: 'hunter2 passphrase' })).toEqual({ ok: true, result: { stored: true } });
    const file = readFileSync(path.join(userData, 'secrets.json'), 'utf8');
    expect(file).not.toContain('hunter2');
    expect(el.safeStorage.encryptString).toHaveBeenCalledWith('hunter2 passphrase');
    expect([...el.handlers.keys()].some((c) => /secret/i.test(c) && !/store|forget/i.test(c))).toBe(false);
    expect(await invoke('crashdeck:desktop:forgetSecret', { id: 'ssh:ops@db1:~/.ssh/id_ed25519' })).toEqual({ ok: true, result: { forgotten: true } });
  });

  it('are refused with a reason on the basic_text backend, and nothing is written', async () => {
    const { invoke, userData, el } = await boot({ storageBackend: 'basic_text' });
    const r = (await invoke('crashdeck:desktop:storeSecret', { id: 'k', secret: 'hunter2' })) as { ok: true; result: { stored: boolean; reason?: string } };
    expect(r.result.stored).toBe(false);
    expect(r.result.reason).toMatch(/keyring/i);
    expect(existsSync(path.join(userData, 'secrets.json'))).toBe(false);
    expect(el.safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('are refused when encryption is unavailable at all', async () => {
    const { invoke } = await boot({ encryptionAvailable: false });
    const r = (await invoke('crashdeck:desktop:storeSecret', { id: 'k', secret: 'x' })) as { ok: true; result: { stored: boolean } };
    expect(r.result.stored).toBe(false);
  });
});

/** Like boot(), but with the real Api: only a .crashcase is opened, so no crash runs. */
async function bootRealApi(argv: string[]) {
  vi.resetModules();
  const el = createElectronMock({ userData: mkdtempSync(path.join(tmpdir(), 'crashdeck-userdata-')) });
  vi.doMock('electron', () => el.module);
  process.argv = argv;
  try {
    const main = await import('../../../electron/main.ts');
    await main.started;
  } finally {
    process.argv = savedArgv;
  }
  const win = el.windows[0]!;
  const invoke = (channel: string, payload?: unknown) => el.handlers.get(channel)!({ senderFrame: trusted, sender: win.webContents }, payload) as Promise<{ ok: boolean; result?: unknown }>;
  /** Quit the way Electron does: before-quit disposes the Api, then quits for real. */
  const quit = async () => {
    el.app.emit('before-quit', { preventDefault: () => undefined });
    await vi.waitFor(() => expect(el.app.quit).toHaveBeenCalled());
  };
  return { el, win, invoke, quit };
}

describe('start-up (like crashdeck serve)', () => {
  it('with no dump on its command line, the window opens on the bundled demo case, read-only', async () => {
    const { win, invoke, quit } = await bootRealApi(['/opt/crashdeck/crashdeck', '--no-sandbox']);
    try {
      const list = (await invoke('crashdeck:call:session.list', {})) as { ok: true; result: { id: string; release: string | null; host: string }[] };
      // The demo case was made from the oom-slab-leak fixture.
      expect(list.result.map((s) => [s.release, s.host])).toEqual([[fixtureMeta('oom-slab-leak').kernel.release, 'local']]);
      const contents = (await invoke('crashdeck:call:case.contents', { sessionId: list.result[0]!.id })) as { ok: boolean; result: { commands: unknown[] } };
      expect(contents.ok).toBe(true);
      expect(contents.result.commands.length).toBeGreaterThan(0);
      // The case is there before the page first asks; nothing else is pushed at the page.
      expect(win.webContents.sent.filter((s) => s.channel.endsWith('open.paths'))).toEqual([]);
    } finally {
      await quit();
    }
  });

  it('with a dump or a case on its command line, it opens that and not the demo', async () => {
    for (const arg of ['/var/crash/202611260501/dump.202611260501', '/srv/cases/oom.crashcase']) {
      const { win, invoke, quit } = await bootRealApi(['/opt/crashdeck/crashdeck', arg]);
      try {
        expect(await invoke('crashdeck:call:session.list', {}), arg).toEqual({ ok: true, result: [] });
        expect(win.webContents.sent.filter((s) => s.channel.endsWith('open.paths')).map((s) => (s.payload as { paths: string[] }).paths)).toEqual([[arg]]);
      } finally {
        await quit();
      }
    }
  });

  it('a demo case that cannot be opened leaves an empty start, not a failed one', async () => {
    // The fake Api refuses case.open.
    const { el, win } = await boot();
    expect(win).toBeDefined();
    expect(el.module.dialog.showErrorBox).not.toHaveBeenCalled();
    expect(el.app.exit).not.toHaveBeenCalled();
  });

  it('CRASHDECK_DEBUGINFO_DIRS adds absolute directories to vmlinux discovery', async () => {
    vi.resetModules();
    const el = createElectronMock({ userData: mkdtempSync(path.join(tmpdir(), 'crashdeck-userdata-')) });
    const { createFakeApi } = await import('../serve/fake-api.ts');
    const seen: { debuginfoDirs?: string[] }[] = [];
    vi.doMock('electron', () => el.module);
    vi.doMock('../../../electron/host/create-api.ts', () => ({
      createApi: (o: { debuginfoDirs?: string[] }) => {
        seen.push(o);
        return createFakeApi();
      },
    }));
    vi.stubEnv('CRASHDECK_DEBUGINFO_DIRS', '/srv/debug:relative/dir::/home/u/.cache/vmlinux');
    try {
      await (await import('../../../electron/main.ts')).started;
    } finally {
      vi.unstubAllEnvs();
    }
    expect(seen.map((o) => o.debuginfoDirs)).toEqual([['/srv/debug', '/home/u/.cache/vmlinux']]);
  });
});

describe('command line under `electron [switches] <app dir> <dump>`', () => {
  it('opens the dump, not the app dir, when switches come before the app dir (development, Playwright)', async () => {
    // Electron sets process.defaultApp (read-only in its types) when it runs an app directory.
    const proc = process as { defaultApp?: boolean };
    const saved = proc.defaultApp;
    proc.defaultApp = true;
    try {
      const { win, invoke, quit } = await bootRealApi(['/usr/lib/electron/electron', '--no-sandbox', '--inspect=0', '--remote-debugging-port=0', '/src/crashdeck', '/var/crash/202611/dump.202611']);
      try {
        expect(win.webContents.sent.filter((s) => s.channel.endsWith('open.paths')).map((s) => s.payload)).toEqual([{ kind: 'vmcore', paths: ['/var/crash/202611/dump.202611'] }]);
        expect(await invoke('crashdeck:call:session.list', {})).toEqual({ ok: true, result: [] });
      } finally {
        await quit();
      }
      // `electron [switches] <app dir>` alone is a start without a dump: the demo case.
      const bare = await bootRealApi(['/usr/lib/electron/electron', '--no-sandbox', '--inspect=0', '/src/crashdeck']);
      try {
        expect(bare.win.webContents.sent.filter((s) => s.channel.endsWith('open.paths'))).toEqual([]);
        const list = (await bare.invoke('crashdeck:call:session.list', {})) as { ok: true; result: { release: string | null }[] };
        expect(list.result.map((s) => s.release)).toEqual([fixtureMeta('oom-slab-leak').kernel.release]);
      } finally {
        await bare.quit();
      }
    } finally {
      proc.defaultApp = saved;
    }
  });
});
