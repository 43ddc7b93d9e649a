/**
 * Debug symbols by build-id in a real browser against `crashdeck serve` and a REAL debuginfod
 * (loopback, indexing the fixture's -dbg .deb): a dump opened without its vmlinux shows the
 * "Debug symbols missing" panel with a fetch button; the download shows a progress bar and a
 * Cancel that leaves nothing in the client cache; fetching again verifies the file, crash starts
 * in the same session and confirms the log's verdict. axe clean.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startDebuginfod, type Debuginfod } from '../support/debuginfod.ts';
import { crash806, dbgDebPath, vmcorePath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

let server: Debuginfod | undefined;
let host: ServeHandle | undefined;
let dir = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  server = await startDebuginfod([dbgDebPath('panic-sysrq')], 280_000);
  dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-e2e-symbols-'));
});
test.afterAll(async () => {
  await host?.stop();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cacheFiles = (cache: string): string[] => readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

test('panic-sysrq without its vmlinux: fetch by build-id, cancel leaves nothing, fetch again and crash confirms', async ({ browser }) => {
  test.setTimeout(300_000);
  const cache = path.join(dir, 'cache');
  host = await startServe({ open: vmcorePath('panic-sysrq'), crash: crash806(), env: { DEBUGINFOD_URLS: server!.url, DEBUGINFOD_CACHE_PATH: cache, XDG_CONFIG_HOME: dir } });
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.url);

  const panel = page.getByTestId('symbols-missing');
  await expect(panel.getByRole('heading', { name: 'Debug symbols missing' })).toBeVisible();
  const fetchButton = panel.getByRole('button', { name: 'Fetch debug symbols by build-id' });
  await fetchButton.click();
  await expect(panel.getByRole('progressbar')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(fetchButton).toBeVisible();
  await expect(panel.getByRole('alert')).toHaveCount(0); // a cancel is no error
  expect(cacheFiles(dir).filter((n) => n.startsWith('debuginfo'))).toEqual([]);

  await fetchButton.click();
  const card = page.getByTestId('verdict-card');
  await expect(card).toHaveAttribute('data-basis', 'confirmed', { timeout: 240_000 });
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/);
  await expect(page.getByTestId('symbols-missing')).toHaveCount(0);
  expect(cacheFiles(cache)).toEqual(['debuginfo']);
  await page.context().close();
});
