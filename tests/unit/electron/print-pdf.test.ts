/**
 * The desktop app's PDF printer (shell/print-pdf.ts) with a stand-in Electron (the real binary
 * cannot run here): the hidden window is hardened, lets only its own page load, is destroyed on
 * success, error and timeout, and a file is written only when printing succeeded. Also: main.ts
 * hands it to the Api, and report.export prints through the injected printer.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../electron/api/contract.ts';
import { createApi } from '../../../electron/host/create-api.ts';
import { printHtmlToPdf, type PrintPdfDeps } from '../../../electron/shell/print-pdf.ts';
import { fixtureMeta, repoRoot } from '../../support/fixtures.ts';
import { createElectronMock } from './electron-mock.ts';

type BeforeRequest = (details: { url: string }, cb: (r: { cancel: boolean }) => void) => void;

interface Behaviour {
  /** What loadFile does (default: resolve). */
  load?: (file: string) => Promise<void>;
  /** What printToPDF does (default: a small PDF). */
  print?: () => Promise<Buffer>;
}

/** A stand-in BrowserWindow recording what the printer does with it. */
function fakeElectron(b: Behaviour = {}) {
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    options: Record<string, unknown>;
    destroyed = false;
    loadedFile: string | null = null;
    pageHtmlAtLoad: string | null = null;
    beforeRequest: BeforeRequest | null = null;
    permission: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null;
    printOptions: unknown = null;
    navigation = new EventEmitter();
    webContents = {
      session: {
        webRequest: { onBeforeRequest: (h: BeforeRequest) => (this.beforeRequest = h) },
        setPermissionRequestHandler: (h: FakeWindow['permission']) => (this.permission = h),
      },
      setWindowOpenHandler: vi.fn(),
      on: (ev: string, h: (...a: unknown[]) => void) => this.navigation.on(ev, h),
      printToPDF: async (o: unknown) => {
        this.printOptions = o;
        return b.print ? b.print() : Buffer.from('%PDF-1.7 fake\n%%EOF');
      },
    };
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      windows.push(this);
    }
    async loadFile(file: string): Promise<void> {
      this.loadedFile = file;
      this.pageHtmlAtLoad = readFileSync(file, 'utf8');
      if (b.load) await b.load(file);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }
  return { BrowserWindow: FakeWindow as unknown as PrintPdfDeps['BrowserWindow'], windows };
}

const html = '<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"></head><body><h1>Verdict</h1></body></html>';
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'crashdeck-print-test-'));

describe('printing a report in a hidden window', () => {
  it('uses a hidden, offscreen, sandboxed window without Node or JavaScript, in its own in-memory session', async () => {
    const el = fakeElectron();
    const tmp = freshDir();
    const pdf = await printHtmlToPdf({ BrowserWindow: el.BrowserWindow, tmpDir: tmp }, html);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const w = el.windows[0]!;
    expect(w.options.show).toBe(false);
    const wp = w.options.webPreferences as Record<string, unknown>;
    expect(wp).toMatchObject({ offscreen: true, sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, javascript: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(wp.preload).toBeUndefined();
    // In-memory (no "persist:") and not the app's default session.
    expect(String(wp.partition)).toMatch(/^crashdeck-pdf-/);
    // It loaded exactly the report's HTML.
    expect(w.pageHtmlAtLoad).toBe(html);
    // A4 with backgrounds and margins.
    expect(w.printOptions).toMatchObject({ pageSize: 'A4', printBackground: true });
    const m = (w.printOptions as { margins: Record<string, number> }).margins;
    for (const side of ['top', 'bottom', 'left', 'right']) expect(m[side], side).toBeGreaterThan(0);
    expect(w.destroyed).toBe(true);
    // The temporary page is gone.
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses every request but its own page: no network, no other files, no data: or blob: loads', async () => {
    const el = fakeElectron();
    await printHtmlToPdf({ BrowserWindow: el.BrowserWindow, tmpDir: freshDir() }, html);
    const w = el.windows[0]!;
    const ask = (url: string) => {
      let cancel: boolean | null = null;
      w.beforeRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    const page = pathToFileURL(w.loadedFile!).href;
    expect(ask(page)).toBe(false);
    for (const url of [
      'https://example.com/font.woff2',
      'http://127.0.0.1:8080/x',
      'file:///etc/passwd',
      pathToFileURL(path.join(path.dirname(w.loadedFile!), 'other.html')).href,
      'data:text/html,<script>alert(1)</script>',
      'blob:null/1234',
      'ws://localhost/',
      'crashdeck://app/index.html',
    ]) {
      expect(ask(url), url).toBe(true);
    }
    // Permissions are all denied, pop-ups and navigation refused.
    let granted: boolean | null = null;
    w.permission!(null, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    const nav = { preventDefault: vi.fn() };
    w.navigation.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    expect(w.webContents.setWindowOpenHandler).toHaveBeenCalled();
    const openHandler = w.webContents.setWindowOpenHandler.mock.calls[0]![0] as () => { action: string };
    expect(openHandler().action).toBe('deny');
  });

  it('destroys the window and says why when the page cannot load or printing fails', async () => {
    for (const b of [{ load: async () => Promise.reject(new Error('ERR_FAILED (-2) loading file')) }, { print: async () => Promise.reject(new Error('Printing failed')) }] satisfies Behaviour[]) {
      const el = fakeElectron(b);
      const tmp = freshDir();
      const err = await printHtmlToPdf({ BrowserWindow: el.BrowserWindow, tmpDir: tmp }, html).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).message).toMatch(/could not be printed: (ERR_FAILED|Printing failed)/);
      expect(el.windows[0]!.destroyed).toBe(true);
      expect(readdirSync(tmp)).toEqual([]);
    }
  });

  it('gives up after the timeout when printing hangs, and destroys the window', async () => {
    const el = fakeElectron({ print: () => new Promise<Buffer>(() => undefined) });
    const tmp = freshDir();
    const err = await printHtmlToPdf({ BrowserWindow: el.BrowserWindow, tmpDir: tmp, timeoutMs: 80 }, html).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('timeout');
    expect(el.windows[0]!.destroyed).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a hanging load times out too', async () => {
    const el = fakeElectron({ load: () => new Promise<void>(() => undefined) });
    const err = await printHtmlToPdf({ BrowserWindow: el.BrowserWindow, tmpDir: freshDir(), timeoutMs: 80 }, html).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('timeout');
    expect(el.windows[0]!.destroyed).toBe(true);
  });
});

describe('report.export as PDF', () => {
  const demo = path.join(repoRoot, 'resources/demo/oom-slab-leak.crashcase');

  it('prints through the injected printer, given the self-contained report HTML', async () => {
    const seen: string[] = [];
    const api = createApi({ pdfRenderer: async (h) => { seen.push(h); return Buffer.from('%PDF-1.7 injected\n%%EOF'); } });
    try {
      const s = await api.call('case.open', { path: demo });
      const r = await api.call('report.export', { sessionId: s.id, format: 'pdf' });
      expect(r.mime).toBe('application/pdf');
      expect(r.fileName).toMatch(/\.pdf$/);
      expect(Buffer.from(r.content, 'base64').toString()).toBe('%PDF-1.7 injected\n%%EOF');
      expect(seen).toHaveLength(1);
      // The HTML report of this case: the culprit cache from the fixture's truth is in it.
      expect(seen[0]).toMatch(/^<!doctype html>/i);
      expect(seen[0]).toContain(String(fixtureMeta('oom-slab-leak').truth.culprit.cache));
    } finally {
      await api.dispose();
    }
  });
});

describe('main.ts', () => {
  const savedArgv = process.argv;
  afterEach(() => {
    vi.doUnmock('electron');
    vi.doUnmock('../../../electron/host/create-api.ts');
    process.argv = savedArgv;
  });

  it("gives the Api a PDF printer that prints in Electron's own hidden window", async () => {
    vi.resetModules();
    const el = createElectronMock({ userData: mkdtempSync(path.join(tmpdir(), 'crashdeck-userdata-')) });
    const printer = fakeElectron();
    const { createFakeApi } = await import('../serve/fake-api.ts');
    const seen: { pdfRenderer?: (html: string) => Promise<Buffer> }[] = [];
    // The stand-in's BrowserWindow serves the main window; the printer's windows are told apart by their options.
    const MainWindow = el.module.BrowserWindow;
    const Both = function (this: unknown, options: Record<string, unknown>) {
      const partition = (options.webPreferences as { partition?: string } | undefined)?.partition ?? '';
      return partition.startsWith('crashdeck-pdf-') ? new (printer.BrowserWindow as unknown as new (o: unknown) => object)(options) : new MainWindow(options);
    } as unknown as typeof MainWindow;
    Object.assign(Both, { fromWebContents: MainWindow.fromWebContents });
    const module = { ...el.module, BrowserWindow: Both };
    vi.doMock('electron', () => ({ ...module, default: module }));
    vi.doMock('../../../electron/host/create-api.ts', () => ({
      createApi: (o: { pdfRenderer?: (html: string) => Promise<Buffer> }) => {
        seen.push(o);
        return createFakeApi();
      },
    }));
    process.argv = ['/opt/crashdeck/crashdeck', '/var/crash/1/dump.1'];
    const main = await import('../../../electron/main.ts');
    await main.started;
    expect(typeof seen[0]?.pdfRenderer).toBe('function');
    const pdf = await seen[0]!.pdfRenderer!(html);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(printer.windows).toHaveLength(1);
    expect(printer.windows[0]!.pageHtmlAtLoad).toBe(html);
    expect(printer.windows[0]!.destroyed).toBe(true);
  });
});
