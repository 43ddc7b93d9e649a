/**
 * Slab, Zones, Memory map, Page flags and Console on the oom-slab-leak dump with the real crash:
 * each view shows what the fixture's ground truth (meta.json) and crash's own transcripts say,
 * passes an axe scan, and leaves a screenshot under test-results/.
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
const meta = fixtureMeta('oom-slab-leak');
const culprit = meta.truth.culprit as { cache: string; object_size: number; crash_kmem_s: { objsize: number; total: number; allocated: number } };
const facts = meta.truth.guest_facts ?? {};
let host: ServeHandle;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ host, page } = await openDumpPage(browser, 'oom-slab-leak'));
});

test.afterAll(() => closeDumpPage(host, page));

async function settle(): Promise<void> {
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0, { timeout: 90_000 });
}

async function expectAxeClean(label: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${label}`).toEqual([]);
}

test('Slab: the largest cache by total size is the leaking cache, and it opens kmem -S', async () => {
  await openView(page, 'Slab');
  await settle();
  // Truth: the module's cache, with crash's own kmem -s figures (objsize × total objects).
  await expect(page.getByTestId('slab-top-cache')).toHaveText(culprit.cache);
  const expectedBytes = culprit.crash_kmem_s.objsize * culprit.crash_kmem_s.total;
  await expect(page.getByTestId('slab-top-size')).toHaveAttribute('data-bytes', String(expectedBytes));
  const chart = page.getByTestId('slab-chart');
  await expect(chart.locator('li').first()).toHaveAttribute('data-rank', '1');
  await expect(chart.getByRole('button').first()).toHaveText(culprit.cache);
  await expect(chart.locator('li')).toHaveCount(20);

  // The table, sorted by total size (default), has the same cache on top; kmalloc caches are folded.
  const table = page.getByRole('table', { name: /^Slab caches/ });
  await expect(table.locator('th[aria-sort="descending"]')).toHaveText(/Total size/);
  const first = table.locator('tbody tr[data-key]').first();
  await expect(first).toContainText(culprit.cache);
  await expect(table.locator('tbody tr.group-row').first()).toContainText(/kmalloc/);
  await page.screenshot({ path: path.join(shots, 'view-slab-oom-slab-leak.png'), fullPage: true });
  await expectAxeClean('Slab');

  // Keyboard: Enter on the focused row opens kmem -S for that cache.
  await first.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('slab-detail');
  await expect(detail.getByRole('heading', { name: `Cache ${culprit.cache}` })).toBeVisible();
  await expect(detail.getByRole('region', { name: `Slab detail of ${culprit.cache} (kmem -S)` })).toContainText(culprit.cache, { timeout: 120_000 });
  await settle();
  await page.screenshot({ path: path.join(shots, 'view-slab-detail-oom-slab-leak.png'), fullPage: false });

  // A link naming the cache opens it directly (after a reload: from the cache).
  await page.goto(`${host.url}#/slab?cache=${culprit.cache}`);
  await expect(page.getByTestId('slab-detail').getByRole('heading', { name: `Cache ${culprit.cache}` })).toBeVisible();
  await settle();
});

test('Slab -> Page flags: a sample slab of the leaking cache opens its struct page with the slab flag decoded', async () => {
  await page.goto(`${host.url}#/slab?cache=${culprit.cache}`);
  const detail = page.getByTestId('slab-detail');
  await expect(detail.getByRole('heading', { name: `Cache ${culprit.cache}` })).toBeVisible();
  await settle();
  const link = detail.getByTestId('slab-sample-page').first();
  await expect(link).toBeVisible({ timeout: 120_000 });
  // Independent of the view: the slab's struct page as crash printed it in the SLAB column of the raw text.
  const raw = await detail.locator('pre.raw').textContent() ?? '';
  const slabPage = /^\s*SLAB\s+MEMORY[^\n]*\n\s*([0-9a-f]{16})\s/m.exec(raw)?.[1];
  expect(slabPage).toBeTruthy();
  await expect(link).toHaveText(slabPage!);
  await link.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Page flags' })).toBeVisible();
  await settle();
  const card = page.getByTestId('page-card');
  await expect(card.getByTestId('page-address')).toHaveText(slabPage!, { timeout: 90_000 });
  // The page belongs to the slab allocator: PG_slab is set, decoded through the dump's own kmem -g table.
  await expect(card.getByTestId('decoded-flags').locator('[data-flag="slab"]')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'view-slab-sample-page-oom-slab-leak.png'), fullPage: false });
});

test('Zones: every populated zone of the dump with its watermarks, and free lists as a heat map', async () => {
  // Independent of the view's code: read crash's kmem -z transcript for the populated zone names.
  const zText = transcript('oom-slab-leak', 'kmem -z');
  const populated = [...zText.matchAll(/NAME: "([^"]+)"\n(?!\s*\[unpopulated\])/g)].map((m) => m[1]!);
  expect(populated.length).toBeGreaterThan(0);
  await openView(page, 'Zones');
  await settle();
  const cards = page.getByTestId('zone-card');
  await expect(cards).toHaveCount(populated.length);
  for (const name of populated) {
    const card = page.locator(`[data-testid="zone-card"][data-zone="${name}"]`);
    await expect(card.getByRole('img', { name: new RegExp(`${name}: \\d+ free pages`) })).toBeVisible();
  }
  const heatmaps = page.getByTestId('free-heatmap');
  await expect(heatmaps).toHaveCount(populated.length);
  // The OOM report's own allocation (order and GFP flags from the log) fills the form.
  const oom = meta.truth.oom as { order: number; gfp_mask: string };
  await page.getByRole('button', { name: "Use the OOM report's allocation" }).click();
  await expect(page.getByTestId('oom-allocation')).toContainText(`order ${oom.order}`, { timeout: 60_000 });
  await expect(page.getByLabel('order', { exact: true })).toHaveValue(String(oom.order));
  await expect(page.getByLabel('migrate type', { exact: true })).toHaveValue(oom.gfp_mask.includes('MOVABLE') ? '1' : '0');
  // Asking for a big block: the verdict per zone updates (false-free or fallback lists are stated).
  await page.getByLabel('order', { exact: true }).selectOption('9');
  await expect(page.getByTestId('fit-verdict').first()).toContainText(/order ≥ 9/);
  await page.screenshot({ path: path.join(shots, 'view-zones-oom-slab-leak.png'), fullPage: true });
  await expectAxeClean('Zones');
});

test('Memory map: cachesrv (pid from the guest facts) lists its VMAs with its binary mapped', async () => {
  const pid = facts.pid_cachesrv!;
  await openView(page, 'Memory map');
  await page.getByLabel('Task').selectOption(pid);
  await settle();
  const region = page.getByRole('region', { name: `Memory map (vm ${pid})` });
  await expect(region.getByTestId('mm-summary')).toContainText(`PID ${pid}`);
  const vmas = region.getByRole('table', { name: 'VMAs' });
  await expect(vmas.locator('tbody tr[data-key]').first()).toBeVisible();
  await expect(vmas).toContainText('/usr/local/bin/cachesrv');
  // The text segment is decoded as readable + executable, private.
  await expect(vmas.locator('tbody tr[data-key]', { hasText: 'r-xp' }).first()).toContainText('cachesrv');
  await page.screenshot({ path: path.join(shots, 'view-memory-map-oom-slab-leak.png'), fullPage: true });
  await expectAxeClean('Memory map');
});

test('Page flags: kmem -p 0x1000000 is decoded through the dump\'s own flag table', async () => {
  // crash's transcript names the page's flags; the view must decode the same from the FLAGS word.
  const pText = transcript('oom-slab-leak', 'kmem -p 0x1000000');
  const crashNames = pText.trim().split('\n').pop()!.trim().split(/\s+/).pop()!.split(',');
  await openView(page, 'Page flags');
  await page.getByRole('radio', { name: 'Physical address' }).check();
  await page.locator('#page-input').fill('0x1000000');
  await page.getByRole('button', { name: 'Look up' }).click();
  await settle();
  const card = page.getByTestId('page-card');
  await expect(card.getByTestId('page-physical')).toHaveText('1000000');
  for (const n of crashNames) await expect(card.getByTestId('decoded-flags').locator(`[data-flag="${n}"]`)).toBeVisible();
  // The same bits are marked in the dump's flag table.
  await expect(page.getByTestId('flag-table').locator('tr[data-set="true"]')).toHaveCount(crashNames.length);
  // The same page by pfn (0x1000000 / 4096 = 4096).
  await page.getByRole('radio', { name: 'Page frame number (pfn)' }).check();
  await page.locator('#page-input').fill(String(0x1000000 / 4096));
  await page.getByRole('button', { name: 'Look up' }).click();
  await settle();
  await expect(page.getByTestId('lookup-note')).toContainText('0x1000000');
  await expect(page.getByTestId('page-card').getByTestId('page-physical')).toHaveText('1000000');
  await expect(page.getByTestId('flag-table')).toContainText('slab');
  await page.screenshot({ path: path.join(shots, 'view-page-flags-oom-slab-leak.png'), fullPage: true });
  await expectAxeClean('Page flags');
});

test('Console: runs sys, refuses a pipe with the reason, and walks history with Up', async () => {
  // Fresh page: Monaco is a lazy chunk of the build the page was loaded from.
  await page.reload();
  await openView(page, 'Console');
  const input = page.getByLabel('crash command');
  await input.fill('sys');
  await input.press('Enter');
  const output = page.getByTestId('console-output');
  await expect(output).toContainText(meta.kernel.release, { timeout: 60_000 });
  await expect(output).toHaveAttribute('data-editor', 'monaco');

  await input.fill('sys | cat');
  await input.press('Enter');
  const refusal = page.getByTestId('console-refusal');
  await expect(refusal).toContainText('refused');
  // The host's reason (whatever its wording) names pipes, and a next step follows.
  await expect(refusal).toContainText(/pipe/i);
  await expect(refusal).toContainText('Next step');
  await expect(page.getByTestId('console-entry').first()).toHaveAttribute('data-status', 'refused');

  await input.press('ArrowUp');
  await expect(input).toHaveValue('sys | cat');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('sys');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  await expect(input).toHaveValue('');
  // Back to the sys result: the editor shows it again.
  await page.getByTestId('console-entry').nth(1).click();
  await expect(output).toContainText(meta.kernel.release);
  await page.screenshot({ path: path.join(shots, 'view-console-oom-slab-leak.png'), fullPage: true });
  await expectAxeClean('Console');
});

test('every view of this issue passes an axe scan in the dark theme too', async () => {
  await page.evaluate(() => localStorage.setItem('crashdeck.theme', 'dark'));
  await page.reload();
  for (const label of ['Slab', 'Zones', 'Memory map', 'Page flags', 'Console']) {
    await openView(page, label);
    await settle();
    await expectAxeClean(`${label} (dark)`);
    await page.screenshot({ path: path.join(shots, `view-${label.toLowerCase().replaceAll(' ', '-')}-dark-oom-slab-leak.png`), fullPage: false });
  }
  await page.evaluate(() => localStorage.removeItem('crashdeck.theme'));
});
