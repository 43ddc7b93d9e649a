/**
 * Cache first: views visited while crash ran come back from Chromium's IndexedDB after the serve
 * host (and its crash) is stopped and a new host without --open is started.
 *
 * IndexedDB belongs to an origin (scheme, host, port), so both hosts listen on the same fixed
 * port: http://127.0.0.1:PORT stays the same origin even though the token changes. The browser
 * is a persistent context on a fixed user-data-dir, so the same profile (and its IndexedDB on
 * disk) is used across the page reload and across a full browser restart.
 */
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crash802, crash806, fixtureMeta, repoRoot, transcript, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { chromiumArgs, chromiumPath } from './chromium.ts';
import { freePort, startServe, type ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

const shots = path.join(repoRoot, 'test-results');
const truth = fixtureMeta('panic-sysrq');
const hosts: ServeHandle[] = [];
const contexts: BrowserContext[] = [];
let profile = '';

test.beforeEach(() => {
  profile = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-e2e-profile-'));
});

test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  for (const h of hosts.splice(0)) await h.stop();
  rmSync(profile, { recursive: true, force: true });
});

async function launch(): Promise<Page> {
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: chromiumArgs, viewport: { width: 1280, height: 800 } });
  contexts.push(ctx);
  return ctx.pages()[0] ?? (await ctx.newPage());
}

/** Tasks crash 8.0.6 lists in `ps` for the fixture (rows of the transcript minus its header). */
function psTaskCount(): number {
  return transcript('panic-sysrq', 'ps').trim().split('\n').length - 1;
}

async function expectCachedViews(page: Page, label: string): Promise<void> {
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'none');
  await openView(page, 'Overview');
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  await expect(page.getByTestId('panic-message')).toHaveText(`Kernel panic - not syncing: ${truth.truth.panic_message}`);
  await expect(page.getByTestId('panic-comm')).toHaveText(truth.truth.panic_task.comm);
  await expect(page.getByTestId('age-badge').first()).toHaveAttribute('data-source', 'cache');
  // Refresh needs crash, which is not running.
  await expect(page.getByRole('button', { name: 'Refresh sys', exact: true })).toBeDisabled();
  await page.screenshot({ path: path.join(shots, `cache-${label}-overview.png`) });

  await openView(page, 'Processes');
  await expect(page.getByTestId('ps-count')).toHaveText(`${psTaskCount()} of ${psTaskCount()} tasks`);
  // The panic row is far down a pid-sorted table (rows are virtualised): filter to it.
  await page.getByLabel('Filter', { exact: true }).fill(String(truth.truth.panic_task.pid));
  await expect(page.locator('tr.panic-row td').first()).toHaveText(String(truth.truth.panic_task.pid));
  await page.screenshot({ path: path.join(shots, `cache-${label}-processes.png`) });

  await openView(page, 'Log');
  await expect(page.getByTestId('log-block-panic').locator('summary')).toContainText(truth.truth.panic_message);
  await page.screenshot({ path: path.join(shots, `cache-${label}-log.png`) });
}

test('visited views come back from IndexedDB with crash stopped, after a reload and after a browser restart', async () => {
  // Three hosts, two browsers and a real crash start: give a loaded CI machine room.
  test.setTimeout(360_000);
  const port = await freePort();
  const first = await startServe({ port, open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash806() });
  hosts.push(first);
  let page = await launch();
  await page.goto(first.url);
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  await expect(page.getByTestId('panic-comm')).toHaveText(truth.truth.panic_task.comm);
  await openView(page, 'Processes');
  await expect(page.getByTestId('ps-count')).toHaveText(`${psTaskCount()} of ${psTaskCount()} tasks`);
  await openView(page, 'Log');
  await expect(page.getByTestId('log-block-panic')).toBeVisible();

  // Stop the host: its crash goes with it. The page keeps what it shows and says the link is down.
  await first.stop();
  hosts.splice(0);
  await expect(page.locator('.connection')).toContainText(/reconnecting/i);
  await expect(page.getByTestId('log-block-panic')).toBeVisible();

  // A new host on the same port (same origin), without --open: no crash process at all.
  const second = await startServe({ port });
  hosts.push(second);
  await page.goto(second.url);
  await page.getByTestId('recent-dumps').getByRole('button', { name: vmcorePath('panic-sysrq') }).click();
  await expectCachedViews(page, 'reload');

  // A result never fetched is not invented: the view says how to get it.
  await openView(page, 'Processes');
  await page.locator('tbody tr[data-key]').filter({ hasText: 'fixture-init' }).first().click();
  await expect(page.getByTestId('task-detail').getByRole('alert').first()).toContainText('Start a crash session');

  // The same profile in a new browser process still has it (IndexedDB was written to disk).
  await contexts.splice(0)[0]!.close();
  page = await launch();
  await page.goto(second.url);
  await page.getByTestId('recent-dumps').getByRole('button', { name: vmcorePath('panic-sysrq') }).click();
  await expectCachedViews(page, 'restart');

  // A result parsed by an older parser (version 0, wrong model) is re-parsed from its cached raw
  // text through the Api on the next open; still no crash running.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('crashdeck');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction('results', 'readwrite');
    const store = tx.objectStore('results');
    const all = await new Promise<Array<{ command: string; parsed: { parserVersion: number; model: Record<string, unknown> } }>>((resolve) => {
      const q = store.getAll();
      q.onsuccess = () => resolve(q.result);
    });
    for (const r of all.filter((x) => x.command === 'sys')) {
      r.parsed.parserVersion = 0;
      r.parsed.model.release = 'stale-parse';
      store.put(r);
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  });
  await page.reload();
  await page.getByTestId('recent-dumps').getByRole('button', { name: vmcorePath('panic-sysrq') }).click();
  await openView(page, 'Overview');
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  await expect(page.getByText('re-parsed with a newer parser')).toBeVisible();
});

test('results cached from a too-old crash are shown at once, then replaced when crash 8.0.6 runs the same dump', async () => {
  test.setTimeout(360_000);
  const port = await freePort();
  const old = await startServe({ port, open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash802() });
  hosts.push(old);
  const page = await launch();
  await page.goto(old.url);
  await expect(page.getByTestId('crash-version')).toContainText('8.0.2');
  // crash 8.0.2 finds only the active tasks (fixtures README); 8.0.6 finds them all.
  const oldTasks = await page.getByTestId('tasks').textContent();
  await expect(page.getByTestId('panic-comm')).toHaveText(truth.truth.panic_task.comm);
  await old.stop();
  hosts.splice(0);

  const good = await startServe({ port, open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash806() });
  hosts.push(good);
  await page.goto(good.url);
  // Same fingerprint: the old output is on screen while crash starts, marked as cached.
  await expect(page.getByTestId('age-badge').first()).toHaveAttribute('data-source', 'cache');
  // Then crash 8.0.6 replaces it (the sys transcript of 8.0.6 gives the true task count).
  const tasks806 = /^\s*TASKS: (\d+)$/m.exec(transcript('panic-sysrq', 'sys'))![1]!;
  await expect(page.getByTestId('tasks')).toHaveText(tasks806);
  expect(oldTasks).not.toBe(tasks806);
  await expect(page.getByTestId('age-badge').first()).toHaveAttribute('data-source', 'live');
  await expect(page.getByTestId('crash-version')).toContainText('8.0.6');
});
