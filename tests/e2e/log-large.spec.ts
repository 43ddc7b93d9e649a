/**
 * The Log view on a 200,000-line kernel log (the oom-user-hog fixture's real log with 200,000
 * filler lines inserted before its OOM report, parsed by the real parser and put in the page's
 * IndexedDB cache as the dump's `log` result): only a window of rows is in the DOM, search finds
 * lines near the end and jumps to them, and the OOM and panic blocks still fold and unfold.
 */
import { expect, test, type Page } from '@playwright/test';
import { parseCommandOutput } from '../../electron/parse/index.ts';
import type { LogModel } from '../../electron/parse/models.ts';
import { fixtureMeta, transcript } from '../support/fixtures.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

test.describe.configure({ mode: 'serial' });

const filler = 200_000;
const truth = fixtureMeta('oom-user-hog').truth as unknown as { panic_message: string; oom: { invoker_comm: string; invoker_pid: number } };
let host: ServeHandle;
let page: Page;
let model: LogModel;

function bigLog(): LogModel {
  const real = transcript('oom-user-hog', 'log').split('\n');
  const oomAt = real.findIndex((l) => l.includes('invoked oom-killer'));
  const fill = Array.from({ length: filler }, (_, i) => `[   50.${String(i).padStart(6, '0')}] e2e filler line ${i} of ${filler}`);
  const text = [...real.slice(0, oomAt), ...fill, ...real.slice(oomAt)].join('\n');
  return parseCommandOutput('log', text)!.model as LogModel;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  model = bigLog();
  expect(model.records.length).toBeGreaterThan(filler);
  expect(model.oomReports).toHaveLength(1);
  host = await startServe();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.url);
  await page.getByRole('heading', { name: 'Open a crash dump' }).waitFor();
  // The cached result as the app stores it (a newer parser version, so it is not re-parsed).
  await page.evaluate(async (model) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('crashdeck');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction(['dumps', 'results'], 'readwrite');
    const now = Date.now();
    const fingerprint = 'e2e-big-log';
    tx.objectStore('dumps').put({ fingerprint, vmcore: '/e2e/big-log', vmlinux: null, host: 'local', release: 'e2e', crashVersion: '8.0.6', firstOpened: now, lastOpened: now, visitedViews: ['log'] });
    tx.objectStore('results').put({
      fingerprint, command: 'log', raw: '', parsed: { parser: 'log', parserVersion: 1e9, model, diagnostics: [] }, parserVersion: 1e9,
      crashVersion: '8.0.6', at: now, durationMs: 0, warnings: [], error: null, diagnoses: [], lastUsed: now, bytes: 0,
    });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  }, model);
  await page.reload();
  await page.getByRole('button', { name: '/e2e/big-log', exact: true }).click();
  await openView(page, 'Log');
});

test.afterAll(async () => {
  await page?.close();
  await host?.stop();
});

const list = () => page.getByTestId('log-list');
const lines = () => list().locator('li.log-line');
const search = () => page.getByLabel('Search', { exact: true });

/** Records drawn inside the scrolling region (not just in the DOM). */
async function linesInView(): Promise<number[]> {
  return page.evaluate(() => {
    const box = document.querySelector('.log-scroll')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll<HTMLLIElement>('.log-virtual li.log-line'))
      .filter((li) => {
        const r = li.getBoundingClientRect();
        return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
      })
      .map((li) => Number(li.dataset.index));
  });
}

test('200,000 lines: the whole log is listed but only a window of rows is in the DOM', async () => {
  await expect(page.getByText(`${model.records.length} records`)).toBeVisible();
  const listed = Number(await list().getAttribute('data-items'));
  // The OOM block starts folded: all records but its lines, plus its header and the panic's.
  expect(listed).toBeGreaterThan(filler);
  const inDom = await lines().count();
  expect(inDom).toBeGreaterThan(10);
  expect(inDom).toBeLessThan(200);
  expect((await linesInView())[0]).toBe(0);
});

test('scrolling to the bottom shows the last lines, still a window', async () => {
  await page.locator('.log-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect.poll(async () => (await linesInView()).at(-1)).toBe(model.records.length - 1);
  await expect(list().locator(`li[data-index="${model.records.length - 1}"] .txt`)).toHaveText(model.records.at(-1)!.text);
  expect(await lines().count()).toBeLessThan(200);
});

test('search finds a line near the end, highlights it, Enter jumps to it and "Show in the log" shows it in place', async () => {
  const target = filler - 3;
  const needle = `filler line ${target} of`;
  await search().fill(needle);
  await expect(page.getByTestId('log-hits')).toHaveText('1 matching line');
  await expect(list().locator('mark')).toHaveText(needle);
  await search().press('Enter');
  const record = model.records.findIndex((r) => r.text.includes(needle));
  await expect(list().locator(`li[data-index="${record}"]`)).toHaveAttribute('aria-current', 'true');
  await page.getByRole('button', { name: `Show line ${record + 1} in the log` }).click();
  await expect(search()).toHaveValue('');
  await expect.poll(linesInView).toContain(record);
  await expect(list().locator(`li[data-index="${record}"]`)).toHaveAttribute('aria-current', 'true');
  await expect(list().locator(`li[data-index="${record - 1}"] .txt`)).toHaveText(`e2e filler line ${target - 1} of ${filler}`);
  expect(await lines().count()).toBeLessThan(200);
});

test('search for the panic message (at the very end, inside the panic block) and show it in its block', async () => {
  await search().fill(truth.panic_message);
  await expect(page.getByTestId('log-hits')).toHaveText(/^[1-9]\d* matching lines?$/);
  await search().press('Enter');
  const record = Number(await list().locator('li[aria-current="true"]').getAttribute('data-index'));
  expect(model.records[record]!.text).toContain(truth.panic_message);
  await page.getByRole('button', { name: `Show line ${record + 1} in the log` }).click();
  await expect.poll(linesInView).toContain(record);
  await expect(list().locator(`li[data-index="${record}"]`)).toHaveClass(/in-block block-panic/);
});

test('the OOM block folds and unfolds: its lines appear and go away, the jump button opens it', async () => {
  const oom = page.getByTestId('log-block-oom');
  await expect(oom.locator('summary')).toContainText(`${truth.oom.invoker_comm} (pid ${truth.oom.invoker_pid}) invoked the OOM killer`);
  const before = Number(await list().getAttribute('data-items'));
  await page.getByRole('navigation', { name: 'Reports in this log' }).getByRole('button', { name: /^OOM report/ }).click();
  await expect(oom).toHaveAttribute('open', '');
  await expect(oom.locator('summary')).toBeFocused();
  const opened = Number(await list().getAttribute('data-items'));
  expect(opened).toBeGreaterThan(before);
  // The first line of the report is right under its header, inside the block.
  const first = model.oomReports[0]!.recordIndex;
  await expect.poll(linesInView).toContain(first);
  await expect(list().locator(`li[data-index="${first}"]`)).toHaveClass(/in-block block-oom/);
  await oom.locator('summary').click();
  await expect(oom).not.toHaveAttribute('open', '');
  await expect(list()).toHaveAttribute('data-items', String(before));
  await expect(list().locator(`li[data-index="${first}"]`)).toHaveCount(0);
  await page.getByRole('button', { name: 'Expand blocks' }).click();
  await expect(list()).toHaveAttribute('data-items', String(opened));
});

