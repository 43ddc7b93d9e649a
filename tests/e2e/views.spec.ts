/**
 * The guided views on a real OOM dump (oom-user-hog) with the real crash: what each view shows
 * matches the fixture's ground truth; every view passes an axe scan in both themes; a screenshot
 * of every view is saved under test-results/.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { fixtureMeta, repoRoot, transcript } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { closeDumpPage, openDumpPage } from './dump-page.ts';
import type { ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results');
const truth = fixtureMeta('oom-user-hog').truth as unknown as {
  panic_message: string;
  panic_task: { pid: number; comm: string; taint_string: string };
  oom: { invoker_comm: string; invoker_pid: number; order: number; largest_rss_task: { pid: number; comm: string } };
};
let host: ServeHandle;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ host, page } = await openDumpPage(browser, 'oom-user-hog'));
});

test.afterAll(() => closeDumpPage(host, page));

test('Processes: sorted by RSS the biggest task is the truth, and the panic task is marked', async () => {
  await openView(page, 'Processes');
  const table = page.getByRole('table', { name: 'Tasks' });
  await expect(table.locator('tbody tr[data-key]').first()).toBeVisible();
  await table.getByRole('button', { name: /^RSS/ }).click();
  await expect(table.locator('th[aria-sort="descending"]')).toHaveText(/RSS/);
  const first = table.locator('tbody tr[data-key]').first();
  await expect(first.locator('td').first()).toHaveText(String(truth.oom.largest_rss_task.pid));
  await expect(first.locator('.comm')).toHaveText(truth.oom.largest_rss_task.comm);
  const panicRow = table.locator('tr.panic-row');
  await expect(panicRow).toHaveCount(1);
  await expect(panicRow.locator('td').first()).toHaveText(String(truth.panic_task.pid));

  // Filter by comm, then keyboard: Enter on the focused row opens its bt and vm.
  await page.getByLabel('Filter', { exact: true }).fill(truth.panic_task.comm);
  await expect(page.getByTestId('ps-count')).toHaveText(/^1 of \d+ tasks$/);
  await table.locator('tbody tr[data-key]').first().focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('task-detail');
  await expect(detail.getByRole('heading', { name: `PID ${truth.panic_task.pid} ${truth.panic_task.comm}` })).toBeVisible();
  await expect(detail.getByRole('list', { name: 'Backtrace' })).toContainText('out_of_memory');
  // The task's own binary is mapped (parsed VMA table, or crash's text until `vm` has a parser).
  await expect(detail.getByRole('region', { name: `Memory map of ${truth.panic_task.pid}` })).toContainText(`bin/${truth.panic_task.comm}`);
  await page.screenshot({ path: path.join(shots, 'view-processes.png'), fullPage: true });

  // Tree mode: parents before children, indented; the sort marker goes away.
  await page.getByLabel('Filter', { exact: true }).fill('');
  await page.getByLabel('Parent/child tree').check();
  await expect(table.locator('th[aria-sort]')).toHaveCount(0);
  await expect(table.locator('tbody tr[data-key]').first().locator('td').first()).toHaveText('0');
  await page.screenshot({ path: path.join(shots, 'view-processes-tree.png') });
});

test('Log: the OOM report and the panic are folded into blocks with their facts; search finds lines', async () => {
  await openView(page, 'Log');
  const oom = page.getByTestId('log-block-oom');
  await expect(oom).toHaveCount(1);
  await expect(oom.locator('summary')).toContainText(`${truth.oom.invoker_comm} (pid ${truth.oom.invoker_pid}) invoked the OOM killer, order ${truth.oom.order}`);
  const panic = page.getByTestId('log-block-panic');
  await expect(panic.locator('summary')).toContainText(truth.panic_message);
  await page.getByLabel('Search', { exact: true }).fill('invoked oom-killer');
  await expect(page.getByTestId('log-hits')).toHaveText('1 matching line');
  await expect(page.locator('.log-lines mark')).toHaveText('invoked oom-killer');
  await page.getByLabel('Search', { exact: true }).fill('');
  await page.screenshot({ path: path.join(shots, 'view-log.png'), fullPage: false });
});

test('Overview: taint as the truth says, and the memory breakdown carries crash kmem -i figures', async () => {
  await openView(page, 'Overview');
  await expect(page.getByTestId('taint')).toContainText(truth.panic_task.taint_string);
  // Expected sizes come from crash 8.0.6's own kmem -i transcript for this dump.
  const kmem = transcript('oom-user-hog', 'kmem -i');
  const size = (label: string) => new RegExp(`^\\s*${label}\\s+\\d+\\s+(\\S+ \\S+|0)\\s`, 'm').exec(kmem)![1]!;
  const table = page.getByRole('table', { name: 'Memory breakdown (kmem -i)' });
  await expect(table.locator('tr.total td').first()).toHaveText(size('TOTAL MEM'));
  await expect(table.locator('tr[data-label="USED"] td').first()).toHaveText(size('USED'));
  await expect(table.locator('tr[data-label="FREE"] td').first()).toHaveText(size('FREE'));
  await page.screenshot({ path: path.join(shots, 'view-overview-oom-user-hog.png'), fullPage: true });
});

test('keyboard: Alt+digit jumps to a view, arrows move through the navigation and the table', async () => {
  await openView(page, 'Overview');
  await page.keyboard.press('Alt+7');
  await expect(page.getByRole('heading', { level: 1, name: 'Log' })).toBeFocused();
  const nav = page.getByRole('navigation', { name: 'Views' });
  await nav.getByRole('link', { name: /^Overview/ }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(nav.getByRole('link', { name: /^Processes/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Processes' })).toBeFocused();
  const rows = page.getByRole('table', { name: 'Tasks' }).locator('tbody tr[data-key]');
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('End');
  // End reaches the last task even though only a screenful of rows is rendered.
  const count = Number(/of (\d+)/.exec((await page.getByTestId('ps-count').textContent()) ?? '')![1]);
  await expect(page.locator('tbody tr[data-key]:focus')).toHaveAttribute('aria-rowindex', String(count + 1));
});

test('theme: the toggle switches light/dark and the choice survives a reload', async () => {
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(html).toHaveAttribute('data-theme', after);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', after);
});

const allViews = ['Overview', 'Processes', 'Slab', 'Zones', 'Memory map', 'Page flags', 'Log', 'Console', 'Traces', 'OOM wizard', 'Report'];

test('every view passes an axe scan (no serious or critical violations) in light and dark', async () => {
  const found: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => localStorage.setItem('crashdeck.theme', t), theme);
    await page.reload();
    for (const label of allViews) {
      await openView(page, label);
      // Let result frames settle (cached or live) before scanning.
      await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0, { timeout: 60_000 });
      for (const v of await seriousViolations(page)) found.push(`${theme} ${label}: ${v}`);
      const slug = label.toLowerCase().replaceAll(' ', '-');
      await page.screenshot({ path: path.join(shots, `view-${slug}-${theme}.png`), fullPage: false });
    }
  }
  expect(found).toEqual([]);
});
