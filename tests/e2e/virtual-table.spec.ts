/**
 * The real VirtualTable in Chromium with 2,000,000 rows (52M px of rows, over Chromium's ~33.5M px
 * element height limit): End shows the last row, the scrollbar's middle shows the middle of the
 * list, the wheel moves by rows, and keyboard selection works after a jump. The table is built
 * into a small harness page (tests/e2e/harness/virtual-table) with the renderer's own Vite setup.
 */
import { expect, test, type Page } from '@playwright/test';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { build } from 'vite';
import { repoRoot } from '../support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

const rows = 2_000_000;
const rowHeight = 26;
const outDir = path.join(repoRoot, 'test-results/virtual-table-harness');
let server: Server;
let base = '';
let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  await build({
    root: path.join(repoRoot, 'tests/e2e/harness/virtual-table'),
    base: './',
    logLevel: 'warn',
    configFile: false,
    plugins: [svelte({ configFile: path.join(repoRoot, 'renderer/svelte.config.js') })],
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
  server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(outDir, rel);
    if (!file.startsWith(outDir)) return void res.writeHead(403).end();
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    createReadStream(file)
      .on('error', () => res.writeHead(404).end())
      .once('open', () => res.writeHead(200, { 'content-type': type }))
      .pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}index.html?rows=${rows}`);
  await expect(page.getByRole('heading', { name: `Rows: ${rows}` })).toBeVisible();
});

test.afterAll(async () => {
  await page?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const table = () => page.getByRole('table', { name: 'Synthetic rows' });
const scroller = () => page.locator('.vt-scroll');

/** Indexes of the rows fully inside the scroller, below the sticky header, top to bottom. */
async function rowsInView(): Promise<number[]> {
  return page.evaluate(() => {
    const box = document.querySelector('.vt-scroll')!.getBoundingClientRect();
    // The header cells are sticky (the <thead> box itself scrolls away): measure a <th>.
    const head = document.querySelector('.vt th')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll<HTMLTableRowElement>('.vt tbody tr[data-index]'))
      .filter((tr) => {
        const r = tr.getBoundingClientRect();
        return r.top >= head.bottom - 0.5 && r.bottom <= box.bottom + 0.5;
      })
      .map((tr) => Number(tr.dataset.index));
  });
}

/** Row tops in view must be exactly one row height apart (no gaps, no overlaps). */
async function expectContiguous(): Promise<void> {
  const tops = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLTableRowElement>('.vt tbody tr[data-index]')).map((tr) => [Number(tr.dataset.index), tr.getBoundingClientRect().top] as const),
  );
  for (let k = 1; k < tops.length; k++) {
    expect(tops[k]![0]).toBe(tops[k - 1]![0] + 1);
    expect(tops[k]![1] - tops[k - 1]![1]).toBeCloseTo(rowHeight, 0);
  }
}

test('the table stays under the browser height limit and renders only a window of rows', async () => {
  await expect(table()).toHaveAttribute('aria-rowcount', String(rows + 1));
  const { scrollHeight } = await scroller().evaluate((el) => ({ scrollHeight: el.scrollHeight }));
  expect(scrollHeight).toBeLessThan(33_000_000);
  expect(scrollHeight).toBeGreaterThan(1_000_000);
  expect(await table().locator('tbody tr[data-index]').count()).toBeLessThan(100);
  expect((await rowsInView())[0]).toBe(0);
});

test('End on a focused row shows and focuses the last row; Home goes back to the first', async () => {
  await table().locator('tbody tr[data-index="0"]').focus();
  await page.keyboard.press('End');
  const last = table().locator(`tbody tr[data-index="${rows - 1}"]`);
  await expect(last).toBeFocused();
  await expect(last).toHaveAttribute('aria-rowindex', String(rows + 1));
  await expect(last.locator('td').nth(1)).toHaveText(`row ${rows - 1}`);
  expect(await rowsInView()).toContain(rows - 1);
  await expectContiguous();
  // The scrollbar is at its very end and the last row is the last one in view.
  const atEnd = await scroller().evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1);
  expect(atEnd).toBe(true);
  expect((await rowsInView()).at(-1)).toBe(rows - 1);
  await page.keyboard.press('ArrowUp');
  await expect(table().locator(`tbody tr[data-index="${rows - 2}"]`)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(table().locator('tbody tr[data-index="0"]')).toBeFocused();
  expect((await rowsInView())[0]).toBe(0);
});

test('dragging the scrollbar to the middle shows row ~1,000,000, exactly placed', async () => {
  await scroller().evaluate((el) => (el.scrollTop = Math.round((el.scrollHeight - el.clientHeight) / 2)));
  await expect.poll(async () => (await rowsInView())[0]).toBeGreaterThan(990_000);
  const inView = await rowsInView();
  expect(inView[0]).toBeLessThan(1_010_000);
  expect(inView.length).toBeGreaterThan(10);
  await expectContiguous();
  const mid = inView[Math.floor(inView.length / 2)]!;
  await expect(table().locator(`tbody tr[data-index="${mid}"] td`).nth(1)).toHaveText(`row ${mid}`);
});

test('the wheel in the middle of a scaled list moves by its distance in rows', async () => {
  const before = (await rowsInView())[0]!;
  const box = (await scroller().boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, rowHeight * 10);
  await expect.poll(async () => (await rowsInView())[0]).not.toBe(before);
  const after = (await rowsInView())[0]!;
  expect(Math.abs(after - (before + 10))).toBeLessThanOrEqual(1);
  await expectContiguous();
});

test('after a jump, a row is selected with the keyboard: click, arrows, PageDown, Enter', async () => {
  const inView = await rowsInView();
  const first = inView[2]!;
  await table().locator(`tbody tr[data-index="${first}"]`).click();
  await expect(page.getByTestId('opened')).toHaveText(`opened row ${first}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const afterArrows = table().locator(`tbody tr[data-index="${first + 3}"]`);
  await expect(afterArrows).toBeFocused();
  await page.keyboard.press('PageDown');
  const focused = page.locator('.vt tbody tr[data-index]:focus');
  const target = Number(await focused.getAttribute('data-index'));
  expect(target).toBeGreaterThan(first + 3 + 5);
  expect(await rowsInView()).toContain(target);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('opened')).toHaveText(`opened row ${target}`);
  await expect(table().locator(`tbody tr[data-index="${target}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(table().locator(`tbody tr[data-index="${target}"] td`).nth(1)).toHaveText(`row ${target}`);
  await expectContiguous();
});

