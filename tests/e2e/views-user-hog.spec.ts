/**
 * Memory map and Console on the oom-user-hog dump: the hog's VMAs with crash 8.0.6; with
 * Debian's crash 8.0.2 (too old for the 6.1 kernel) the view says why there is no VMA list and
 * what still works; the console's shell toggle warns before it enables pipes, and console
 * results come back from the cache after a reload.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { crash802, crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

const shots = path.join(repoRoot, 'test-results');
const meta = fixtureMeta('oom-user-hog');
const facts = meta.truth.guest_facts ?? {};
let host: ServeHandle | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

async function settle(page: Page): Promise<void> {
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0, { timeout: 90_000 });
}

test('Memory map: ingestd (the hog of the truth) lists its VMAs, its heap-like anonymous mapping the biggest', async ({ page }) => {
  const pid = facts.pid_ingestd!;
  const comm = facts.culprit_comm!;
  host = await startServe({ open: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath(), crash: crash806() });
  // A deep link straight to the task.
  await page.goto(`${host.url}#/memory-map?pid=${pid}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Memory map' })).toBeVisible();
  await settle(page);
  await expect(page.getByLabel('Task')).toHaveValue(pid);
  const region = page.getByRole('region', { name: `Memory map (vm ${pid})` });
  await expect(region.getByTestId('mm-summary')).toContainText(`PID ${pid} ${comm}`);
  const vmas = region.getByRole('table', { name: 'VMAs' });
  await expect(vmas.locator('tbody tr[data-key]').first()).toBeVisible();
  await expect(vmas).toContainText(`bin/${comm}`);
  // Sorted by size, the largest mapping is anonymous: the memory the hog grew.
  await vmas.getByRole('button', { name: /^Size/ }).click();
  await expect(vmas.locator('th[aria-sort="descending"]')).toHaveText(/Size/);
  await expect(vmas.locator('tbody tr[data-key]').first()).toContainText('anonymous');
  // The chooser lists the biggest task first (ps, RSS), which is the hog.
  await expect(page.getByLabel('Task').locator('option').nth(1)).toHaveAttribute('value', pid);
  await page.screenshot({ path: path.join(shots, 'view-memory-map-oom-user-hog.png'), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);

  // Zones: the hog's failing allocation (GFP_HIGHUSER_MOVABLE in the truth) is checked against the Movable lists.
  const oom = meta.truth.oom as { order: number; gfp_mask: string };
  await openView(page, 'Zones');
  await settle(page);
  await page.getByRole('button', { name: "Use the OOM report's allocation" }).click();
  await expect(page.getByTestId('oom-allocation')).toContainText(`order ${oom.order}`, { timeout: 60_000 });
  await expect(page.getByLabel('migrate type', { exact: true })).toHaveValue(oom.gfp_mask.includes('MOVABLE') ? '1' : '0');
  await expect(page.getByTestId('fit-verdict').first()).toContainText(/Movable|False free|Nothing free/);
  await page.screenshot({ path: path.join(shots, 'view-zones-oom-user-hog.png'), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});

test('Memory map with crash 8.0.2: says why no VMA is listed and what still works', async ({ page }) => {
  host = await startServe({ open: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath(), crash: crash802() });
  await page.goto(host.url);
  await openView(page, 'Memory map');
  await settle(page);
  // crash 8.0.2 finds only the active tasks; the panic task (the hog, on a CPU) is among them.
  const failure = page.getByTestId('vm-failure');
  await expect(failure).toBeVisible({ timeout: 90_000 });
  await expect(failure).toHaveAttribute('data-reason', 'crash-too-old');
  await expect(failure).toContainText('maple tree');
  await expect(failure).toContainText('What still works');
  await expect(failure.getByRole('link', { name: 'Open the Log' })).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'view-memory-map-crash-8.0.2.png'), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});

test('Console: shell access needs a confirmation, then a pipe runs; results come back from the cache after a reload', async ({ page }) => {
  host = await startServe({ open: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath(), crash: crash806() });
  await page.goto(host.url);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/);
  await openView(page, 'Console');
  const input = page.getByLabel('crash command');
  await input.fill('sys | cat');
  await input.press('Enter');
  await expect(page.getByTestId('console-refusal')).toContainText('refused');

  await page.getByRole('button', { name: 'Allow shell…' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Allow shell commands for this session?' });
  await expect(dialog).toContainText('with your rights');
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Allow shell for this session' }).click();
  await expect(page.getByTestId('shell-box')).toContainText('Shell access is ON');
  await input.fill('sys | cat');
  await input.press('Enter');
  await expect(page.getByTestId('console-output')).toContainText(meta.kernel.release, { timeout: 60_000 });
  await page.screenshot({ path: path.join(shots, 'view-console-shell-on-oom-user-hog.png'), fullPage: false });
  await page.getByRole('button', { name: 'Turn shell access off' }).click();
  await expect(page.getByTestId('shell-box')).toContainText('are off');

  // Reload: the transcript and the output come back from IndexedDB.
  await page.reload();
  await openView(page, 'Console');
  const entry = page.getByTestId('console-entry').first();
  await expect(entry).toContainText('sys | cat');
  await expect(entry).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('console-output')).toContainText(meta.kernel.release);
  await expect(page.getByTestId('age-badge')).toHaveAttribute('data-source', 'cache');
});
