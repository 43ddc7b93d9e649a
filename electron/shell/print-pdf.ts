/**
 * PDF in the desktop app: the export's self-contained HTML printed by Electron's own
 * webContents.printToPDF in a hidden, sandboxed, offscreen window with JavaScript off and every
 * request refused except the one page it loads. The CLI and serve host print with headless
 * Chromium instead (report/pdf.ts). Electron's objects come in by injection, so this module is
 * plain Node and testable with a stand-in; only main.ts imports electron.
 *
 * The HTML goes to a private temporary file that the window loads (a data: URL would hit
 * Chromium's 2 MB URL limit with a report's folded raw outputs); the directory is removed after.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { ApiError } from '../api/contract.ts';

/** What printing needs from Electron. */
export interface PrintPdfDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  /** Give up (and destroy the window) after this long; default 60 s. */
  timeoutMs?: number;
  /** Where the temporary page is written (default the OS temp directory). */
  tmpDir?: string;
}

/** An A4 page with 1 cm margins (inches, as Electron wants them), backgrounds printed. */
export const pdfPrintOptions = {
  pageSize: 'A4',
  printBackground: true,
  margins: { top: 0.4, bottom: 0.4, left: 0.4, right: 0.4 },
  preferCSSPageSize: false,
} as const;

/**
 * The hidden window's options: no Node, sandboxed, isolated, no JavaScript, offscreen, in its own
 * in-memory session (a partition without "persist:"), so the request filter and a printed
 * page's state never touch the app's window.
 */
export function pdfWindowOptions(partition: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 794,
    height: 1123,
    webPreferences: {
      offscreen: true,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      javascript: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      plugins: false,
      experimentalFeatures: false,
      webgl: false,
      spellcheck: false,
      devTools: false,
      navigateOnDragDrop: false,
      partition,
    },
  };
}

/** Whether a request from the print window may go out: only the page itself. */
export function allowPrintRequest(url: string, pageUrl: string): boolean {
  return url === pageUrl;
}

/** Print self-contained HTML to PDF bytes; the window is destroyed whatever happens. */
export async function printHtmlToPdf(deps: PrintPdfDeps, html: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(deps.tmpDir ?? os.tmpdir(), 'crashdeck-print-'));
  let win: BrowserWindow | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const page = path.join(dir, 'report.html');
    await writeFile(page, html, { mode: 0o600 });
    const pageUrl = pathToFileURL(page).href;
    const w = new deps.BrowserWindow(pdfWindowOptions(`crashdeck-pdf-${randomUUID()}`));
    win = w;
    const ses = w.webContents.session;
    ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !allowPrintRequest(details.url, pageUrl) }));
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    w.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    w.webContents.on('will-navigate', (event) => event.preventDefault());
    const timeoutMs = deps.timeoutMs ?? 60_000;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new ApiError('timeout', `The PDF was not printed within ${Math.round(timeoutMs / 1000)} s`, 'Export HTML instead and print it from a browser.')), timeoutMs);
    });
    const print = (async () => {
      await w.loadFile(page);
      return Buffer.from(await w.webContents.printToPDF({ ...pdfPrintOptions, margins: { ...pdfPrintOptions.margins } }));
    })();
    // The losing promise must not surface as an unhandled rejection.
    print.catch(() => undefined);
    try {
      return await Promise.race([print, timedOut]);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('internal', `The report could not be printed: ${err instanceof Error ? err.message : String(err)}`, 'Export HTML instead and print it from a browser.');
    }
  } finally {
    clearTimeout(timer);
    if (win && !win.isDestroyed()) win.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
