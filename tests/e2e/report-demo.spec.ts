/**
 * The bundled demo case and the Report view, as a newcomer meets them: `crashdeck serve` with no
 * dump opens the demo (no crash involved), the Overview shows its kernel release and panic; the
 * Report view lists the case's notes, lets the user add, tag and reorder notes (kept across a
 * reload), and exports a self-contained HTML report and a .crashcase that hold the notes.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCaseBundle } from '../../electron/report/bundle-read.ts';
import { fixtureMeta, repoRoot } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { typeNote } from './note-typing.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results');
const meta = fixtureMeta('oom-slab-leak');
const truth = meta.truth as unknown as { panic_message: string; oom: { unreclaimable_slab_top: Array<{ cache: string }> } };
const demoNotes = JSON.parse(await readFile(path.join(repoRoot, 'resources/demo/oom-slab-leak.notes.json'), 'utf8')) as Array<{ label: string; text: string }>;
let host: ServeHandle;
let page: Page;

test.beforeAll(async ({ browser }) => {
  // No --open and no crash binary on purpose: the demo case needs neither.
  host = await startServe({ demo: true, env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
});

test.afterAll(async () => {
  await page?.context().close();
  await host?.stop();
});

test('serve without a dump opens the demo case: the Overview shows its release and panic', async () => {
  await page.goto(host.url);
  expect(host.stderr()).toContain('demo case');
  await expect(page.getByTestId('release')).toHaveText(meta.kernel.release);
  await expect(page.getByTestId('panic-message')).toContainText(truth.panic_message);
  await expect(page.getByTestId('session-status')).toContainText('Read-only case (no crash)');
  await page.screenshot({ path: path.join(shots, 'demo-overview.png') });
});

test('notes show on the rows they annotate: the task and the slab cache of the demo', async () => {
  await openView(page, 'Processes');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('cachesrv');
  await page.locator('tbody tr[data-key]').filter({ hasText: 'cachesrv' }).first().click();
  const task = page.getByTestId('task-detail');
  await expect(task.getByTestId('row-note')).toContainText('cachesrv is the largest user task');
  await expect(task.getByTestId('row-note').getByTestId('note-tag')).toHaveText('Ruled out');
  await openView(page, 'Slab');
  await page.locator('tbody tr[data-key]').filter({ hasText: truth.oom.unreclaimable_slab_top[0]!.cache }).first().click();
  await expect(page.getByTestId('slab-detail').getByTestId('row-note')).toContainText('512-byte objects');
});

test('the Report view lists the case notes, adds and reorders notes that survive a reload', async () => {
  await openView(page, 'Report');
  await expect(page.getByTestId('case-banner')).toContainText('Read-only case');
  await expect(page.getByTestId('report-verdict')).toContainText(`OOM: slab — ${truth.oom.unreclaimable_slab_top[0]!.cache}`);
  const items = page.getByTestId('note-item');
  await expect(items).toHaveCount(demoNotes.length);
  await expect(items.first()).toContainText(demoNotes[0]!.label);
  await expect(items.first().getByTestId('note-tag')).toHaveText('Root cause');

  // A note on an evidence item, with Markdown that must stay text.
  const evidence = page.getByRole('list', { name: 'Evidence' }).getByRole('listitem').filter({ hasText: 'kmem -s' }).first();
  await evidence.getByRole('button', { name: /Add a note on/ }).click();
  await page.getByLabel('Tag').selectOption('suspect');
  await typeNote(page, '**confirmed** by kmem -s <img src=x onerror=window.__pwned=1>');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(items).toHaveCount(demoNotes.length + 1);
  const added = items.last();
  await expect(added).toContainText('confirmed by kmem -s <img src=x onerror=window.__pwned=1>');
  await expect(added.locator('strong')).toHaveText('confirmed');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  // Move it to the top, then reload: the order is kept (IndexedDB), and the case notes are not duplicated.
  for (let i = demoNotes.length; i > 0; i--) await page.getByRole('button', { name: `Move note ${i + 1} up` }).click();
  await expect(items.first()).toContainText('confirmed by kmem -s');
  // The order is on screen at once and stored right after; reload once it is stored.
  await expect(page.getByTestId('notes-saving')).toHaveAttribute('data-saving', 'false');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Report' })).toBeVisible();
  await expect(items).toHaveCount(demoNotes.length + 1);
  await expect(items.first()).toContainText('confirmed by kmem -s');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'report-view.png'), fullPage: true });
});

test('exports an HTML report and a .crashcase holding the notes in the user order', async () => {
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
  expect(html.suggestedFilename()).toMatch(/\.html$/);
  const text = await readFile((await html.path())!, 'utf8');
  expect(text).toContain(`OOM: slab — ${truth.oom.unreclaimable_slab_top[0]!.cache}`);
  expect(text).toContain('&lt;img src=x onerror=window.__pwned=1&gt;');
  expect(text).not.toContain('<img');
  await expect(page.getByTestId('export-done')).toContainText('.html');

  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-case').click()]);
  const bundle = await readCaseBundle(await readFile((await zip.path())!));
  const ordered = [...bundle.annotations].sort((a, b) => a.order - b.order);
  expect(ordered[0]!.text).toBe('**confirmed** by kmem -s <img src=x onerror=window.__pwned=1>');
  expect(ordered[0]!.tag).toBe('suspect');
  expect(ordered.slice(1).map((a) => a.text)).toEqual(demoNotes.map((n) => n.text));
});

test('a .crashcase typed into the Open form opens read-only, without crash', async ({ browser }) => {
  const empty = await startServe({ env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  const p = await browser.newPage();
  try {
    await p.goto(empty.url);
    await p.getByLabel('vmcore path').fill(path.join(repoRoot, 'resources/demo/oom-slab-leak.crashcase'));
    await p.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(p.getByTestId('release')).toHaveText(meta.kernel.release);
    await expect(p.getByTestId('session-status')).toContainText('Read-only case (no crash)');
  } finally {
    await p.close();
    await empty.stop();
  }
});
