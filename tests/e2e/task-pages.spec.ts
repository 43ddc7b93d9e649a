/**
 * From a task to its sample pages on the oom-user-hog dump with the real crash 8.0.6: open the
 * hog (meta.json truth) in Processes, sample its pages, follow a page in memory into Page flags
 * and see that page's flags; a kernel thread says it has no user pages; after a reload the
 * samples come from the IndexedDB cache. Expected addresses are
 * read from the fixture's `vm` transcript and crash's raw vtop text, not from the view's model.
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
const hog = fixtureMeta('oom-user-hog').truth.panic_task;
let host: ServeHandle;
let page: Page;

/** The hog's largest VMA, straight from crash's `vm` transcript: the anonymous memory it grew. */
function largestVmaStart(): string {
  const rows = [...transcript('oom-user-hog', `vm ${hog.pid}`).matchAll(/^[0-9a-f]{16} +([0-9a-f]+) +([0-9a-f]+) [0-9a-f]+ ?(.*)$/gm)];
  rows.sort((a, b) => Number(BigInt(`0x${b[2]}`) - BigInt(`0x${b[1]}`) - (BigInt(`0x${a[2]}`) - BigInt(`0x${a[1]}`))));
  expect(rows[0]?.[3]).toBe('');
  return rows[0]![1]!;
}

test.beforeAll(async ({ browser }) => {
  ({ host, page } = await openDumpPage(browser, 'oom-user-hog', 90_000));
});

test.afterAll(() => closeDumpPage(host, page));

async function settle(): Promise<void> {
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0, { timeout: 90_000 });
}

test('Processes → the hog → Sample pages → a page in memory opens in Page flags with its flags', async () => {
  await openView(page, 'Processes');
  await settle();
  await page.getByLabel('Filter', { exact: true }).fill(hog.comm);
  const table = page.getByRole('table', { name: 'Tasks' });
  await table.locator('tbody tr[data-key]').first().focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('task-detail');
  await expect(detail.getByRole('heading', { name: `PID ${hog.pid} ${hog.comm}` })).toBeVisible();

  const samples = detail.getByTestId('sample-pages');
  await samples.getByRole('button', { name: 'Sample pages' }).click({ timeout: 90_000 });
  const rows = samples.getByTestId('sample-page');
  await expect(rows.first()).toBeVisible({ timeout: 120_000 });
  // First, middle and last page of the 4 largest VMAs.
  await expect(rows).toHaveCount(12);

  // The first sample is the first page of the hog's largest VMA; crash's raw text gives its physical address.
  const start = largestVmaStart();
  const first = rows.first();
  await expect(first).toContainText(`0x${start}`);
  await expect(first).toHaveAttribute('data-state', 'present');
  await samples.locator('summary', { hasText: 'crash output' }).click();
  const raw = (await samples.getByTestId('sample-pages-raw').textContent()) ?? '';
  const phys = new RegExp(`^${start} +([0-9a-f]+) *$`, 'm').exec(raw)?.[1];
  expect(phys).toBeTruthy();
  const link = first.getByTestId('sample-page-link');
  await expect(link).toHaveText(`0x${phys}`);
  await expect(first.getByTestId('sample-page-flags')).toContainText('swapbacked');
  await page.screenshot({ path: path.join(shots, 'task-sample-pages-oom-user-hog.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe on the task detail with sample pages').toEqual([]);
  // and in the other theme (warning and muted text colours differ)
  const themeButton = page.getByRole('button', { name: /Switch to (light|dark) theme/ });
  await themeButton.click();
  expect(await seriousViolations(page), 'axe on sample pages, other theme').toEqual([]);
  await themeButton.click();

  await link.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Page flags' })).toBeVisible();
  await settle();
  const card = page.getByTestId('page-card');
  await expect(card.getByTestId('page-physical')).toHaveText(phys!, { timeout: 90_000 });
  // A user anonymous page: swap-backed and on an LRU list, decoded through the dump's kmem -g.
  const decoded = card.getByTestId('decoded-flags');
  await expect(decoded.locator('[data-flag="swapbacked"]')).toBeVisible();
  await expect(decoded.locator('[data-flag="lru"]')).toBeVisible();
  await expect(decoded.locator('[data-flag="slab"]')).toHaveCount(0);
  // Anonymous memory: bit 17 is PG_anon_exclusive there, not "mapped to disk".
  await expect(decoded.locator('[data-flag="anon_exclusive"]')).toBeVisible();
  await expect(decoded.locator('[data-flag="mappedtodisk"]')).toHaveCount(0);
  const from = page.getByTestId('sampled-from');
  await expect(from).toContainText(`pid ${hog.pid} at virtual address 0x${start}`);
  await page.screenshot({ path: path.join(shots, 'task-sample-page-flags-oom-user-hog.png'), fullPage: false });
  expect(await seriousViolations(page), 'axe on Page flags from a sample').toEqual([]);
  // ...and back to the task's memory map.
  await from.getByRole('link', { name: `Memory map of pid ${hog.pid}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Memory map' })).toBeVisible();
  await expect(page.getByLabel('Task')).toHaveValue(String(hog.pid));
});

test('Memory map of a kernel thread (kthreadd, pid 2): no user pages to sample, said in words', async () => {
  await page.goto(`${host.url}#/memory-map?pid=2`);
  await expect(page.getByRole('heading', { level: 1, name: 'Memory map' })).toBeVisible();
  await settle();
  await expect(page.getByTestId('sample-pages-kthread')).toContainText('no user address space', { timeout: 90_000 });
  await expect(page.getByTestId('sample-pages-run')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'task-sample-pages-kthread.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe on Memory map of a kernel thread').toEqual([]);
});

test('after a reload the sample pages come from the IndexedDB cache, in the Memory map too', async () => {
  await page.goto(`${host.url}#/memory-map?pid=${hog.pid}`);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Memory map' })).toBeVisible();
  await settle();
  const samples = page.getByTestId('sample-pages');
  await samples.getByRole('button', { name: 'Sample pages' }).click({ timeout: 90_000 });
  await expect(samples.getByTestId('sample-page')).toHaveCount(12, { timeout: 60_000 });
  await expect(samples.getByTestId('age-badge')).toHaveAttribute('data-source', 'cache');
  await expect(samples.getByTestId('sample-page').first()).toHaveAttribute('data-state', 'present');
});
