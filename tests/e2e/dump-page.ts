/**
 * The set-up most view specs share: a serve host with a fixture dump open on crash 8.0.6 with the
 * scenario's own debug vmlinux (6.1 or 6.12), and a page of its own browser context (axe needs
 * one made with browser.newContext()), ready once the crash session is.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { crash806, vmcorePath, vmlinuxPath, type Scenario } from '../support/fixtures.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

/** Start a host on the scenario's vmcore (its own vmlinux; crash 8.0.6 unless `crash` names another) and open it in a fresh context. */
export async function openDumpPage(browser: Browser, scenario: Scenario, readyTimeoutMs?: number, crash: string = crash806(), env?: Record<string, string>): Promise<{ host: ServeHandle; page: Page }> {
  const host = await startServe({ open: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario), crash, ...(env ? { env } : {}) });
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/, readyTimeoutMs ? { timeout: readyTimeoutMs } : {});
  return { host, page };
}

/** Close the page's context and stop its host (either may be missing when set-up failed). */
export async function closeDumpPage(host: ServeHandle | undefined, page: Page | undefined): Promise<void> {
  await page?.context().close();
  await host?.stop();
}
