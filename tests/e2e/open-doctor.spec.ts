/**
 * The Open form's set-up check: opening fails (the vmlinux given is the 6.12 one for a 6.1
 * dump) on a machine whose crash is missing too (CRASHDECK_CRASH names no file), and the form
 * then lists both with their fixes — the real doctor.run through crashdeck serve, in Chromium,
 * axe clean. (A missing crash alone no longer fails the open: the session reads the kernel log.)
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let host: ServeHandle | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('a failed open shows the set-up check: the wrong vmlinux and a missing crash, each with its fix', async ({ page }) => {
  host = await startServe({ env: { CRASHDECK_CRASH: '/nonexistent/bin/crash' } });
  await page.goto(host.url);
  await page.getByLabel('vmcore path').fill(vmcorePath('panic-sysrq'));
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath('oops-syscall-6.12'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.locator('.open-form').getByRole('alert')).toContainText('vmlinux-mismatch');

  const panel = page.getByTestId('doctor-panel');
  await expect(panel.getByRole('heading', { name: 'Set-up check on this machine' })).toBeVisible();
  const crash = panel.locator('[data-check="crash"]');
  await expect(crash).toHaveAttribute('data-status', 'fail');
  await expect(crash).toContainText('crash not found (/nonexistent/bin/crash)');
  await expect(crash).toContainText('Fix: Run: bash native-tools/install-crash.sh');
  const vmlinux = panel.locator('[data-check="vmlinux"]');
  await expect(vmlinux).toHaveAttribute('data-status', 'fail');
  await expect(vmlinux).toContainText(`the vmlinux of ${fixtureMeta('oops-syscall-6.12').kernel.release}, the dump is ${fixtureMeta('panic-sysrq').kernel.release}`);
  await expect(vmlinux).toContainText(`linux-image-${fixtureMeta('panic-sysrq').kernel.release}-dbg`);
  await expect(panel.getByTestId('doctor-summary')).toContainText('2 thing(s) a dump needs are missing');
  // The dump itself was read: its check passes, shown with the others on request.
  await panel.getByRole('button', { name: /Show all \d+ checks/ }).click();
  await expect(panel.locator('[data-check="dump"]')).toHaveAttribute('data-status', 'ok');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'open-doctor-panel.png'), fullPage: true });
});
