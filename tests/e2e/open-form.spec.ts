/**
 * Opening a dump from the page: the Open form -> session.open -> a progress indicator while
 * crash starts -> the Overview; and a bad path answered where the data would be, with the next step.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let host: ServeHandle | undefined;

test.beforeEach(async () => {
  host = await startServe({ env: { CRASHDECK_CRASH: crash806() } });
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('the Open form starts crash with a progress indicator, then shows the Overview', async ({ page }) => {
  await page.goto(host!.url);
  await expect(page.getByRole('heading', { name: 'Open a crash dump' })).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'start-screen.png') });
  await page.getByLabel('vmcore path').fill(vmcorePath('panic-sysrq'));
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  // crash takes seconds to start: the header says so with a progress bar.
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'starting');
  await expect(page.getByRole('progressbar', { name: 'crash is starting' })).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'open-starting.png') });
  await expect(page.getByTestId('release')).toHaveText(fixtureMeta('panic-sysrq').kernel.release);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/);
});

test('a vmcore path that does not exist is answered under the form with what to do next', async ({ page }) => {
  await page.goto(host!.url);
  await page.getByLabel('vmcore path').fill('/var/crash/does-not-exist/dump.202611260456');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const alert = page.locator('.open-form').getByRole('alert');
  await expect(alert).toContainText('Could not open the dump');
  await expect(alert).toContainText('does-not-exist');
  await expect(alert).toContainText('Next step:');
  await page.screenshot({ path: path.join(shots, 'open-missing-vmcore.png') });
});

test('a file that is not a dump: crash\'s own message is shown, with the next step, not a stack trace', async ({ page }) => {
  await page.goto(host!.url);
  await page.getByLabel('vmcore path').fill(path.join(path.dirname(vmcorePath('panic-sysrq')), 'meta.json'));
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  // Refused at open, or failing once crash has looked at it: either way an alert says so.
  const alert = page.getByRole('alert').first();
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(/dump/i);
  await expect(alert).toContainText('Next step:');
  await expect(page.locator('body')).not.toContainText(/at .*\.ts:\d+/);
  await page.screenshot({ path: path.join(shots, 'open-not-a-dump.png') });
});
