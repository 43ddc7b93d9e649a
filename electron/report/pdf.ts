/**
 * PDF from the report HTML on the CLI and serve host: headless Chromium's own --print-to-pdf.
 * Chosen over playwright-core because that is only a devDependency (an installed crashdeck has
 * no Playwright), while Chromium is one system package; the desktop app uses Electron's
 * webContents.printToPDF instead (shell/print-pdf.ts, injected by main.ts into createApi's
 * pdfRenderer, which export.ts prefers).
 * The HTML is inert (CSP allows no script or network), and Chromium runs in a throw-away
 * profile directory that is removed afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiError } from '../api/contract.ts';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium to print with: CRASHDECK_CHROMIUM, else the first system one found. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CRASHDECK_CHROMIUM) return env.CRASHDECK_CHROMIUM;
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** Print an HTML document to PDF bytes. */
export async function htmlToPdf(html: string, opts: { chromium?: string; timeoutMs?: number } = {}): Promise<Buffer> {
  const chromium = opts.chromium ?? findChromium();
  if (!chromium) throw new ApiError('refused', 'PDF export needs Chromium, which is not installed', 'Install it (apt install chromium) or set CRASHDECK_CHROMIUM; the HTML export needs nothing.');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-pdf-'));
  try {
    const input = path.join(dir, 'report.html');
    const output = path.join(dir, 'report.pdf');
    await writeFile(input, html);
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-extensions', '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-sync', '--no-pdf-header-footer',
      `--user-data-dir=${path.join(dir, 'profile')}`, `--print-to-pdf=${output}`, pathToFileURL(input).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(chromium, args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err && !existsSync(output)) reject(new ApiError('internal', `Chromium could not print the report: ${(stderr || err.message).split('\n').slice(-3).join(' ')}`, 'Export HTML instead and print it from a browser.'));
        else resolve();
      });
    });
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
