/**
 * The Open form's set-up check: opening fails because crash is missing (CRASHDECK_CRASH names
 * no file), and the form then lists what is missing on this machine with the fix — the real
 * doctor.run through crashdeck serve, in Chromium, axe clean.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let host: ServeHandle | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('a failed open shows the set-up check: crash missing, with install-crash.sh as the fix', async ({ page }) => {
  host = await startServe({ env: { CRASHDECK_CRASH: '/nonexistent/bin/crash' } });
  await page.goto(host.url);
  await page.getByLabel('vmcore path').fill(vmcorePath('panic-sysrq'));
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.locator('.open-form').getByRole('alert')).toContainText('crash not found');

  const panel = page.getByTestId('doctor-panel');
  await expect(panel.getByRole('heading', { name: 'Set-up check on this machine' })).toBeVisible();
  const crash = panel.locator('[data-check="crash"]');
  await expect(crash).toHaveAttribute('data-status', 'fail');
  await expect(crash).toContainText('crash not found (/nonexistent/bin/crash)');
  await expect(crash).toContainText('Fix: Run: bash native-tools/install-crash.sh');
  await expect(panel.getByTestId('doctor-summary')).toContainText('thing(s) a dump needs are missing');
  // The dump itself was read: its check passes, shown with the others on request.
  await panel.getByRole('button', { name: /Show all \d+ checks/ }).click();
  await expect(panel.locator('[data-check="dump"]')).toHaveAttribute('data-status', 'ok');
  await expect(panel.locator('[data-check="vmlinux"]')).toHaveAttribute('data-status', 'ok');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'open-doctor-panel.png'), fullPage: true });
});
