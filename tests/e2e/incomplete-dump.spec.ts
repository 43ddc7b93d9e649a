/**
 * The incomplete dump (oops-syscall-6.12-mdf172: makedumpfile 1.7.2 under a 6.12 kernel) opened
 * with the real crash 9.0.2: Processes, Memory map and Overview each say the dump is incomplete,
 * with crash's 38 tasks shown as what crash could read, never as the system's truth; the Report
 * view puts the structured completeness (38 of 75) before anything else; crash's "PARTIAL DUMP"
 * (a filtered dump, normal) is named for what it is and kept apart from that warning; axe clean.
 */
import { expect, test, type Page } from '@playwright/test';
import { crash902, fixtureMeta } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { closeDumpPage, openDumpPage } from './dump-page.ts';
import { openView } from './nav.ts';
import type { ServeHandle } from './serve-host-fixture.ts';

test.describe.configure({ mode: 'serial' });

const inc = (fixtureMeta('oops-syscall-6.12-mdf172').truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;
let host: ServeHandle;
let page: Page;

// The machine's load decides crash's start time (12-70 s measured); give it room.
test.beforeAll(async ({ browser }) => {
  ({ host, page } = await openDumpPage(browser, 'oops-syscall-6.12-mdf172', 150_000, crash902()));
});

test.afterAll(() => closeDumpPage(host, page));

function banner(p: Page): ReturnType<Page['getByRole']> {
  return p.getByRole('region', { name: 'Incomplete dump' });
}

test('Processes: the incomplete-dump banner names the cause and the counts; the task count is what crash could read', async () => {
  await openView(page, 'Processes');
  await expect(banner(page)).toContainText('This dump is incomplete');
  await expect(banner(page)).toContainText('makedumpfile older than the kernel');
  await expect(banner(page)).toContainText(`ps shows ${inc.crash_ps_tasks} of `);
  await expect(page.getByTestId('ps-count')).toHaveText(`${inc.crash_ps_tasks} of ${inc.crash_ps_tasks} tasks crash could read (not all the kernel had)`);
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
});

test('Memory map and Overview carry the same banner; Overview marks the task count as partial', async () => {
  await openView(page, 'Memory map');
  await expect(banner(page)).toContainText('This dump is incomplete');
  await openView(page, 'Overview');
  await expect(banner(page)).toContainText('This dump is incomplete');
  await expect(page.getByTestId('tasks')).toContainText(`${inc.crash_ps_tasks}`);
  await expect(page.getByTestId('tasks')).toContainText('only those crash could read');
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
});

test('Report view: the incomplete-dump warning with both counts comes before anything else', async () => {
  await openView(page, 'Report');
  const warning = page.getByTestId('completeness-warning');
  await expect(warning).toHaveAttribute('data-state', 'incomplete');
  await expect(warning).toContainText(`Incomplete dump: crash read ${inc.crash_ps_tasks} of ${inc.tasks_in_kernel} tasks the kernel had`);
  await expect(warning).toContainText('makedumpfile older than the kernel');
  await expect(warning).toContainText('Fix:');
  // first thing under the heading: before the export buttons and the verdict
  const order = await page.locator('main section.report').evaluate((el) => {
    const w = el.querySelector('[data-testid="completeness-warning"]');
    const exp = el.querySelector('#export-h');
    return w && exp ? Boolean(w.compareDocumentPosition(exp) & Node.DOCUMENT_POSITION_FOLLOWING) : null;
  });
  expect(order).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);
});

test('Overview: crash\'s PARTIAL DUMP is called a filtered dump, apart from the red incomplete-dump warning', async () => {
  await openView(page, 'Overview');
  const tag = page.getByTestId('filtered-dump');
  // the dump's own level from its kdump header (meta.json records what makedumpfile was given)
  const level = (fixtureMeta('oops-syscall-6.12-mdf172') as unknown as { vmcore: { dump_level: number } }).vmcore.dump_level;
  await expect(tag).toHaveText(`filtered dump (level ${level}: zero, cache, user and free pages left out)`);
  await expect(page.getByText('PARTIAL DUMP', { exact: true })).toHaveCount(0);
  // not the danger style of the incomplete-dump warning
  await expect(tag).not.toHaveClass(/danger/);
  expect(await tag.evaluate((el) => el.closest('[data-testid="incomplete-dump"]'))).toBeNull();
});

test('dark theme: the banner stays readable (axe clean)', async () => {
  await page.evaluate(() => localStorage.setItem('crashdeck.theme', 'dark'));
  await page.reload();
  await openView(page, 'Processes');
  await expect(banner(page)).toBeVisible();
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
});
