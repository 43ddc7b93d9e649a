/**
 * The note editor is Monaco with Markdown highlighting, on the demo case (no crash involved):
 * Ctrl+Enter saves, Escape cancels, Tab leaves the editor, closing it leaves no Monaco editor
 * behind, and axe finds nothing serious with the editor open in the light and the dark theme.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { openView } from './nav.ts';
import { liveMonacoEditors, noteForm, typeNote } from './note-typing.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

test.describe.configure({ mode: 'serial' });

const demoNotes = JSON.parse(await readFile(path.join(repoRoot, 'resources/demo/oom-slab-leak.notes.json'), 'utf8')) as unknown[];
let host: ServeHandle;
let page: Page;

test.beforeAll(async ({ browser }) => {
  host = await startServe({ demo: true, env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  page = await (await browser.newContext()).newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('session-status')).toContainText('Read-only case (no crash)');
  await openView(page, 'Report');
  await expect(items()).toHaveCount(demoNotes.length);
});

test.afterAll(async () => {
  await page?.context().close();
  await host?.stop();
});

const items = () => page.getByTestId('note-item');

test('Monaco edits the note, highlights Markdown, and Ctrl+Enter saves it', async () => {
  const before = await items().count();
  await page.getByRole('button', { name: 'Add a note', exact: true }).click();
  const form = noteForm(page);
  await expect(form.locator('.monaco-editor')).toBeVisible();
  await typeNote(page, 'slab grows **steadily** in kmalloc-512');
  // Bold Markdown gets its own token (bold font), unlike the plain words around it.
  const bold = form.locator('.view-lines span span', { hasText: /^\*\*steadily\*\*$|^steadily$/ }).first();
  await expect(bold).toHaveClass(/\bmtkb\b/);
  await expect(form.locator('.view-lines span span', { hasText: /^slab\sgrows\s$/ })).not.toHaveClass(/\bmtkb\b/);
  // The live preview renders it through the sanitizer.
  await expect(form.getByLabel('Preview').locator('strong')).toHaveText('steadily');
  await page.keyboard.press('Control+Enter');
  await expect(form).toHaveCount(0);
  await expect(items()).toHaveCount(before + 1);
  await expect(items().last()).toContainText('slab grows steadily in kmalloc-512');
  await expect(items().last().locator('strong')).toHaveText('steadily');
});

test('Escape cancels the note, but first lets Monaco use it (here: to drop a selection)', async () => {
  // The console's Monaco build carries no find or suggest widget; a selection is the Monaco state Escape clears.
  const before = await items().count();
  await page.getByRole('button', { name: 'Add a note', exact: true }).click();
  await typeNote(page, 'not to be kept');
  await page.keyboard.press('Shift+Home');
  const selection = noteForm(page).locator('.selected-text');
  await expect(selection).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(selection).toHaveCount(0);
  await expect(noteForm(page)).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(noteForm(page)).toHaveCount(0);
  await expect(items()).toHaveCount(before);
  await expect(page.getByTestId('report-notes')).not.toContainText('not to be kept');
});

test('Tab moves the focus out of the editor to the next control', async () => {
  await page.getByRole('button', { name: 'Add a note', exact: true }).click();
  await typeNote(page, 'tab');
  await page.keyboard.press('Tab');
  await expect(noteForm(page).getByLabel(/^Note on .* \(Markdown\)$/)).not.toBeFocused();
  await expect(page.getByRole('button', { name: 'Save note' })).toBeFocused();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(noteForm(page)).toHaveCount(0);
});

test('opening and closing 20 notes leaves no Monaco editor alive', async () => {
  for (let i = 0; i < 20; i++) {
    await page.getByRole('button', { name: 'Add a note', exact: true }).click();
    await expect(noteForm(page)).toHaveAttribute('data-editor', 'monaco');
    expect(await liveMonacoEditors(page)).toBe(1);
    if (i % 2 === 0) await page.getByRole('button', { name: 'Cancel' }).click();
    else {
      await noteForm(page).locator('.monaco-editor .view-lines').click();
      await page.keyboard.press('Escape');
    }
    await expect(noteForm(page)).toHaveCount(0);
  }
  expect(await liveMonacoEditors(page)).toBe(0);
  await expect(page.locator('.monaco-editor')).toHaveCount(0);
});

for (const theme of ['light', 'dark'] as const) {
  test(`the note editor follows the ${theme} theme and axe finds nothing serious`, async () => {
    const html = page.locator('html');
    if ((await html.getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
    await expect(html).toHaveAttribute('data-theme', theme);
    await page.getByRole('button', { name: 'Add a note', exact: true }).click();
    await typeNote(page, '# Heading\n- item with `code` and **bold**');
    await expect(noteForm(page).locator('.monaco-editor')).toHaveClass(theme === 'dark' ? /\bvs-dark\b/ : /(^|\s)vs(\s|$)/);
    expect(await seriousViolations(page), `axe on the Report view with a note being written (${theme})`).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(noteForm(page)).toHaveCount(0);
  });
}

test('when Monaco cannot load, a plain text area with the same name takes the note and says why', async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    await p.route(/\/editor\.api-[^/]*\.js$/, (route) => route.abort('blockedbyclient'));
    await p.goto(host.url);
    await openView(p, 'Report');
    await expect(p.getByTestId('note-item')).toHaveCount(demoNotes.length);
    await p.getByRole('button', { name: 'Add a note', exact: true }).click();
    const form = noteForm(p);
    await expect(form).toHaveAttribute('data-editor', 'plain');
    await expect(form.getByRole('note')).toContainText('The Markdown editor could not load (');
    const box = form.getByLabel(/^Note on .* \(Markdown\)$/);
    await expect(box).toBeFocused();
    await box.fill('typed **without** Monaco');
    await box.press('Control+Enter');
    await expect(form).toHaveCount(0);
    await expect(p.getByTestId('note-item').last().locator('strong')).toHaveText('without');
  } finally {
    await context.close();
  }
});
