/**
 * A Linux 7.2 dump (hung-mutex-7.2) opened with the real crash 9.0.2, which reads it only with
 * --no_modules: the header says once what the session cannot have and why, Overview carries the
 * one 'degraded' finding, and the Panic view's wait chain names the owner from the kernel log
 * without claiming anything about a lock crash could not read; axe clean.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { crash902, fixtureMeta, scenario72 } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { closeDumpPage, openDumpPage } from './dump-page.ts';
import { openView } from './nav.ts';
import type { ServeHandle } from './serve-host-fixture.ts';

test.describe.configure({ mode: 'serial' });

const truth = fixtureMeta(scenario72).truth;
let host: ServeHandle;
let page: Page;

// A private cache: the first open learns --no_modules (one failed start in module_init()), as a new user's would.
let cache: string;
test.beforeAll(async ({ browser }) => {
  cache = mkdtempSync(path.join(tmpdir(), 'crashdeck-e2e-cache-'));
  ({ host, page } = await openDumpPage(browser, scenario72, 240_000, crash902(), { XDG_CACHE_HOME: cache }));
});

test.afterAll(async () => {
  await closeDumpPage(host, page);
  rmSync(cache, { recursive: true, force: true });
});

test('the header says the session runs with --no_modules, what that costs and why', async () => {
  const limits = page.getByTestId('session-limits');
  await expect(limits).toContainText('limited: --no_modules (no mod, mod -s)');
  await expect(limits).toHaveAttribute('title', /module symbols.*module_init\(\)/s);
});

test("Overview: one 'degraded' finding naming the option, the cost and crash's start-up error", async () => {
  await openView(page, 'Overview');
  const degraded = page.locator('[data-testid="diagnosis"][data-code="degraded"]');
  await expect(degraded).toHaveCount(1);
  await expect(degraded).toContainText('crash runs with --no_modules');
  await expect(degraded).toContainText('module_num_gpl_syms');
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
});

test('Panic: the wait chain names the owner from the kernel log, and no claim about the lock', async () => {
  await openView(page, 'Panic');
  const chain = page.getByTestId('chain-sentence').first();
  await expect(chain).toContainText(String(truth.lock_holder?.comm), { timeout: 120_000 });
  await expect(page.getByTestId('chain-note').first()).toContainText('owner from the kernel log');
  await expect(page.locator('main')).not.toContainText('dynamically allocated');
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
});
