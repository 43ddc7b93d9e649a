/**
 * The vertical slice in a real browser: `crashdeck serve --open` on a real vmcore with the real
 * crash, and the Overview shows what the fixture's ground truth says.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { crash802, crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let host: ServeHandle | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('panic-sysrq: Overview shows release, panic message and the panicking task', async ({ page }) => {
  const truth = fixtureMeta('panic-sysrq');
  host = await startServe({ open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash806() });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(host.url);

  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  // crash prints the kernel's panic line; the truth has the message after "not syncing: ".
  await expect(page.getByTestId('panic-message')).toHaveText(`Kernel panic - not syncing: ${truth.truth.panic_message}`);
  await expect(page.getByTestId('panic-pid')).toHaveText(String(truth.truth.panic_task.pid));
  await expect(page.getByTestId('panic-comm')).toHaveText(truth.truth.panic_task.comm);
  await expect(page.getByTestId('dumpfile')).toContainText('PARTIAL DUMP');
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'ready');
  // Every later view is in the navigation already.
  const nav = page.getByRole('navigation', { name: 'Views' });
  for (const label of ['Overview', 'Processes', 'Slab', 'Zones', 'Memory map', 'Page flags', 'Log', 'Console', 'Traces', 'OOM wizard', 'Report']) {
    await expect(nav.getByRole('link', { name: new RegExp(`^${label}`) })).toBeVisible();
  }
  await page.screenshot({ path: path.join(shots, 'overview-panic-sysrq.png'), fullPage: true });
  expect(dialogs).toEqual([]);
});

test('crash 8.0.2 on a 6.1 dump: the Overview shows the crash-too-old diagnosis prominently', async ({ page }) => {
  host = await startServe({ open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash802() });
  await page.goto(host.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const diag = page.locator('[data-testid="diagnosis"][data-code="crash-too-old"]');
  await expect(diag).toBeVisible();
  await expect(diag).toContainText(/8\.0\.2|too old/i);
  await expect(page.getByTestId('crash-version')).toContainText('8.0.2');
  await page.screenshot({ path: path.join(shots, 'overview-crash-too-old.png'), fullPage: true });
});
