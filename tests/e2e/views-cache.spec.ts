/**
 * Cache first for this views: Slab, Zones, Memory map, Page flags and Console visited
 * while crash ran come back from IndexedDB after the serve host (and its crash) is stopped and a
 * new host without a dump is started on the same port (same origin, same IndexedDB).
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { freePort, startServe, type ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

const shots = path.join(repoRoot, 'test-results');
const meta = fixtureMeta('oom-slab-leak');
const culprit = meta.truth.culprit as { cache: string };
const pid = meta.truth.guest_facts!.pid_cachesrv!;
const hosts: ServeHandle[] = [];

test.afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
});

test('the new views come back from the cache with no crash running', async ({ page }) => {
  const port = await freePort();
  const first = await startServe({ port, open: vmcorePath('oom-slab-leak'), vmlinux: vmlinuxPath(), crash: crash806() });
  hosts.push(first);
  await page.goto(first.url);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/);

  await openView(page, 'Slab');
  await expect(page.getByTestId('slab-top-cache')).toHaveText(culprit.cache, { timeout: 90_000 });
  await openView(page, 'Zones');
  await expect(page.getByTestId('free-heatmap').first()).toBeVisible({ timeout: 90_000 });
  await openView(page, 'Memory map');
  await expect(page.getByLabel('Task')).toHaveValue(pid, { timeout: 90_000 });
  await expect(page.getByRole('table', { name: 'VMAs' })).toContainText('cachesrv', { timeout: 90_000 });
  await openView(page, 'Page flags');
  await page.locator('#page-input').fill('0x1000000');
  await page.getByRole('button', { name: 'Look up' }).click();
  await expect(page.getByTestId('page-card')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('flag-table')).toBeVisible({ timeout: 90_000 });
  await openView(page, 'Console');
  await page.getByLabel('crash command').fill('kmem -i');
  await page.getByLabel('crash command').press('Enter');
  await expect(page.getByTestId('console-entry').first()).toHaveAttribute('data-status', 'done', { timeout: 90_000 });

  await first.stop();
  hosts.splice(0);
  const second = await startServe({ port });
  hosts.push(second);
  await page.goto(second.url);
  await page.getByTestId('recent-dumps').getByRole('button', { name: vmcorePath('oom-slab-leak') }).click();
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'none');

  await openView(page, 'Slab');
  await expect(page.getByTestId('slab-top-cache')).toHaveText(culprit.cache);
  await expect(page.getByTestId('age-badge').first()).toHaveAttribute('data-source', 'cache');
  await openView(page, 'Zones');
  await expect(page.getByTestId('zone-card').first()).toBeVisible();
  await expect(page.getByTestId('free-heatmap').first()).toBeVisible();
  await openView(page, 'Memory map');
  await expect(page.getByRole('table', { name: 'VMAs' })).toContainText('cachesrv');
  // A deep link to the looked-up page reads the cached kmem -p.
  await page.evaluate(() => (location.hash = '#/page-flags?mode=physical&addr=0x1000000'));
  await expect(page.getByRole('heading', { level: 1, name: 'Page flags' })).toBeVisible();
  await expect(page.getByTestId('page-card').getByTestId('page-physical')).toHaveText('1000000');
  await openView(page, 'Console');
  await expect(page.getByTestId('console-entry').first()).toContainText('kmem -i');
  await expect(page.getByTestId('console-entry').first()).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('console-output')).toContainText('TOTAL MEM');
  await expect(page.getByRole('button', { name: 'Allow shell…' })).toBeDisabled();
  await page.screenshot({ path: path.join(shots, 'cache-console-oom-slab-leak.png') });
});
