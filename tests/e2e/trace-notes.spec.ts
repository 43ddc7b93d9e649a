/**
 * Notes on trace spans, end to end against `crashdeck serve` on the bundled demo case (the
 * oom-slab-leak analysis; no crash needed): the fixture's trace-report.txt is imported in the
 * Traces view, a span is picked by dragging across the timeline, its length and event count are
 * shown (the count checked against the report's lines counted here), a note is written on it and
 * the Report view lists it as "trace <file>: start–end s (duration, N events)"; the exported
 * .crashcase keeps it. A direct-reclaim stall row takes a note the same way. A trace whose file
 * name is markup shows that name as text in both views.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCaseBundle } from '../../electron/report/bundle-read.ts';
import { decodeTraceSpan } from '../../renderer/components/annotations/trace-span.ts';
import { fixtureFile, repoRoot } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { openView } from './nav.ts';
import { typeNote } from './note-typing.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';
import { reportTimestamps } from '../support/trace-report.ts';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results');
let host: ServeHandle;
let page: Page;


async function importTrace(file: string): Promise<void> {
  await openView(page, 'Traces');
  const input = page.getByLabel('Trace file on the analysis host');
  await input.fill(file);
  await input.press('Enter');
  await expect(page.getByTestId('trace-summary')).toContainText(file, { timeout: 120_000 });
  // The exact count needs the events, which the lanes show once loaded.
  await expect(page.getByTestId('trace-lanes').locator('table.lanes')).toBeVisible();
}

/** Drag across the timeline plot from one fraction of its width to another. */
async function dragAcross(from: number, to: number): Promise<void> {
  await page.getByTestId('timeline-svg').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('timeline-svg').boundingBox())!;
  const y = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from + to) / 2), y, { steps: 4 });
  await page.mouse.move(box.x + box.width * to, y, { steps: 4 });
  await page.mouse.up();
}

test.beforeAll(async ({ browser }) => {
  host = await startServe({ demo: true, env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('session-status')).toContainText('Read-only case');
});

test.afterAll(async () => {
  await page?.context().close();
  await host?.stop();
});

test('a span dragged on the timeline shows its length and event count, takes a note, and the Report lists it', async () => {
  const file = fixtureFile('oom-slab-leak', 'trace-report.txt');
  const ts = reportTimestamps(file);
  await importTrace(file);

  await dragAcross(0.15, 0.35);
  const status = page.getByTestId('timeline-span');
  await expect(status).toContainText(`Selected trace ${file}: `);
  await expect(page.getByTestId('timeline-selection')).toBeVisible();
  const start = Number(await page.getByTestId('span-start').inputValue());
  const end = Number(await page.getByTestId('span-end').inputValue());
  expect(end).toBeGreaterThan(start);
  // Inside the trace, at microsecond precision.
  expect(start).toBeGreaterThanOrEqual(ts[0]!);
  expect(end).toBeLessThanOrEqual(ts.at(-1)!);
  expect(String(start)).toMatch(/^\d+(\.\d{1,6})?$/);
  const expected = ts.filter((t) => t >= start - 5e-7 && t <= end + 5e-7).length;
  expect(expected).toBeGreaterThan(0);
  const spanText = `trace ${file}: ${start.toFixed(6)}–${end.toFixed(6)} s`;
  await expect(status).toContainText(`${spanText} (`);
  await expect(status).toContainText(`, ${expected.toLocaleString('en-US')} events)`);

  // Two clicks pick a span too (start, then end).
  await page.getByTestId('timeline-svg').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('timeline-svg').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height / 2);
  await expect(status).toContainText('click the end of the span');
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
  await expect(status).toContainText(`Selected trace ${file}: `);
  expect(Number(await page.getByTestId('span-start').inputValue())).toBeLessThan(Number(await page.getByTestId('span-end').inputValue()));

  // Back to the dragged span, typed in the From / To fields (the keyboard way).
  await page.getByTestId('span-start').fill(start.toFixed(6));
  await page.getByTestId('span-start').press('Tab');
  await page.getByTestId('span-end').fill(end.toFixed(6));
  await page.getByTestId('span-end').press('Tab');
  await expect(status).toContainText(`${spanText} (`);
  await expect(status).toContainText(`, ${expected.toLocaleString('en-US')} events)`);

  const timeline = page.getByTestId('trace-timeline');
  await timeline.getByRole('button', { name: /Add a note on trace/ }).click();
  await page.getByLabel('Tag').selectOption('suspect');
  await typeNote(page, 'bufpool allocations **ramp up** here');
  await page.getByRole('button', { name: 'Save note' }).click();
  await expect(timeline.getByTestId('row-note')).toContainText('bufpool allocations ramp up here');
  expect(await seriousViolations(page), 'axe on the Traces view with a span picked').toEqual([]);
  await timeline.screenshot({ path: path.join(shots, 'trace-span-note.png') });

  await openView(page, 'Report');
  const item = page.getByTestId('note-item').filter({ hasText: 'bufpool allocations ramp up here' });
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId('note-target')).toContainText(`${spanText} (`);
  await expect(item.getByTestId('note-target')).toContainText(`, ${expected.toLocaleString('en-US')} events)`);
  await expect(item.getByTestId('note-tag')).toHaveText('Suspect');
  await expect(item.locator('strong')).toHaveText('ramp up');
  await page.screenshot({ path: path.join(shots, 'trace-span-note-report.png'), fullPage: true });

  // The case bundle exported from here carries the note on that span.
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-case').click()]);
  const bundle = await readCaseBundle(await readFile((await zip.path())!));
  const spans = bundle.annotations.filter((a) => a.view === 'trace-span').map((a) => ({ span: decodeTraceSpan(a.rowKey), text: a.text, tag: a.tag }));
  expect(spans).toEqual([{ span: { kind: 'range', file, start, end, events: expected }, text: 'bufpool allocations **ramp up** here', tag: 'suspect' }]);
});

test('a direct-reclaim stall row takes a note that names the stall span and its task', async () => {
  // The fixtures' traces have no direct reclaim: a stall pair (SYNTHETIC lines in the trace's own
  // format) goes into a copy of the oom-slab-leak report, between its lines 50 and 120.
  const lines = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8').split('\n');
  const tsOf = (l: string) => Number(/\]\s+(\d+\.\d+):/.exec(l)![1]);
  const b = tsOf(lines[50]!);
  const e = tsOf(lines[120]!);
  lines.splice(121, 0, `          stress-900   [001]   ${e.toFixed(6)}: mm_vmscan_direct_reclaim_end: nr_reclaimed=32`);
  lines.splice(51, 0, `          stress-900   [001]   ${b.toFixed(6)}: mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE`);
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-stall-trace-'));
  const file = path.join(dir, 'stall-report.txt');
  writeFileSync(file, lines.join('\n'));
  try {
    const inside = reportTimestamps(file).filter((t) => t >= b && t <= e).length;
    await importTrace(file);
    const row = page.getByTestId('stall-row').filter({ hasText: 'stress (900)' });
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: /Add a note on direct-reclaim stall of stress \(pid 900\) on CPU 1/ }).click();
    await typeNote(page, 'reclaim stalls while bufpool grows');
    await page.getByRole('button', { name: 'Save note' }).click();
    await expect(row.getByTestId('row-note')).toContainText('reclaim stalls while bufpool grows');
    await openView(page, 'Report');
    const item = page.getByTestId('note-item').filter({ hasText: 'reclaim stalls while bufpool grows' });
    await expect(item.getByTestId('note-target')).toHaveText(new RegExp(`^trace ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${b.toFixed(6)}–${e.toFixed(6)} s \\(.+, ${inside} events\\) — direct-reclaim stall of stress \\(pid 900\\) on CPU 1$`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a trace whose file name is markup: the name stays text on the timeline and in the Report', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-hostile-trace-'));
  const hostile = path.join(dir, '<img src=x onerror=window.__pwned=1>.txt');
  copyFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), hostile);
  try {
    await importTrace(hostile);
    await dragAcross(0.3, 0.5);
    await expect(page.getByTestId('timeline-span')).toContainText(`Selected trace ${hostile}: `);
    await page.getByTestId('trace-timeline').getByRole('button', { name: /Add a note on trace/ }).click();
    await typeNote(page, 'hostile name');
    await page.getByRole('button', { name: 'Save note' }).click();
    await openView(page, 'Report');
    const item = page.getByTestId('note-item').filter({ hasText: 'hostile name' });
    await expect(item.getByTestId('note-target')).toContainText(`trace ${hostile}: `);
    await expect(page.getByTestId('report-notes').locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
