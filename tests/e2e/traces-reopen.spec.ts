/**
 * A trace's events reopen from this browser's IndexedDB: oom-slab-leak's trace-report.txt is
 * imported through the Traces view (its chunks are stored as they are read), the page is
 * reloaded (the events now come from the browser), then the serve host is stopped and a NEW
 * host without the dump, the trace or crash is started on the same port (same origin, same
 * IndexedDB). The dump opens from the recent list and Traces shows the same events, lanes,
 * timeline and aggregates from the browser's copy. Expectations are counted from the file here.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { crash806, fixtureFile, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { openView } from './nav.ts';
import { freePort, startServe, type ServeHandle } from './serve-host-fixture.ts';
import { reportEvents } from '../support/trace-report.ts';

const shots = path.join(repoRoot, 'test-results');
const report = fixtureFile('oom-slab-leak', 'trace-report.txt');
const culprit = fixtureMeta('oom-slab-leak').truth.culprit as { module: string };
const hosts: ServeHandle[] = [];

test.afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
});


/** The event table holds every event of the file, and the file's first event reads back whole. */
async function expectEventsOfTheFile(page: Page): Promise<void> {
  const events = reportEvents(report);
  const total = events.length.toLocaleString('en-US');
  await expect(page.getByTestId('trace-event-count')).toHaveText(total);
  await expect(page.getByTestId('events-count')).toHaveText(`${events.length} of ${events.length} events`);
  // The first event of the file, found through the filters and opened from the table.
  const first = events[0]!;
  const ptr = /ptr=0x[0-9a-f]+/.exec(first.args)?.[0] ?? first.args.split(' ').at(-1)!;
  await page.getByLabel('Event', { exact: true }).selectOption(first.event);
  await page.getByLabel('PID', { exact: true }).fill(String(first.pid));
  const count = events.filter((e) => e.pid === first.pid && e.event === first.event).length;
  await expect(page.getByTestId('events-count')).toHaveText(`${count} of ${events.length} events`);
  // Allocators reuse addresses: the row is the one with both the file's time and pointer.
  const row = page.getByRole('table', { name: 'Trace events' }).getByRole('row').filter({ hasText: first.ts }).filter({ hasText: ptr });
  await expect(row).toHaveCount(1);
  await row.click();
  const detail = page.getByTestId('event-detail');
  await expect(detail.getByRole('heading', { level: 3 })).toHaveText(`${first.event} at ${first.ts} s, ${first.comm} (pid ${first.pid}) on CPU ${first.cpu}`);
  await expect(detail).toContainText(ptr);
  await detail.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Event', { exact: true }).selectOption('');
  await page.getByLabel('PID', { exact: true }).fill('');
  await expect(page.getByTestId('events-count')).toHaveText(`${events.length} of ${events.length} events`);
}

test('oom-slab-leak trace-report.txt: events stored while imported reopen from IndexedDB after a reload and on a new host without the trace', async ({ page }) => {
  const port = await freePort();
  const first = await startServe({ port, open: vmcorePath('oom-slab-leak'), vmlinux: vmlinuxPath(), crash: crash806() });
  hosts.push(first);
  await page.goto(`${first.url}#/traces`);
  await expect(page.getByRole('heading', { level: 1, name: 'Traces' })).toBeVisible();
  const input = page.getByLabel('Trace file on the analysis host');
  await input.fill(report);
  await input.press('Enter');
  await expect(page.getByTestId('trace-summary')).toContainText(report, { timeout: 120_000 });
  // Read from the host and kept in this browser once the last chunk is stored.
  const source = page.getByTestId('trace-source');
  await expect(source).toHaveAttribute('data-origin', 'host');
  await expect(source).toHaveAttribute('data-saved', 'saved');
  await expect(source).toHaveText('the analysis host, stored in this browser');
  await expectEventsOfTheFile(page);

  // A page reload while the host still has the trace: the events come from the browser, the links from the host.
  await page.reload();
  await expect(page.getByTestId('trace-summary')).toContainText(report);
  await expect(source).toHaveAttribute('data-origin', 'browser');
  await expect(source).toHaveText('this browser (stored earlier)');
  await expect(page.getByTestId('trace-offline')).toHaveCount(0);
  await expectEventsOfTheFile(page);
  // Linked against the dump by crash (ps, kmem -s, log, sys), which caches those results too.
  await expect(page.getByTestId('trace-timeline')).toHaveAttribute('data-placement', 'after-trace', { timeout: 180_000 });
  // The trace's user tasks (sleep, perf, trace-cmd) had exited before the OOM; only kthreads match.
  await expect(page.getByTestId('boot-verdict')).toHaveText('weak link: only kernel threads match');

  // A new host process: its spool never had the trace, and it runs no crash.
  await first.stop();
  hosts.splice(0);
  const second = await startServe({ port });
  hosts.push(second);
  await page.goto(second.url);
  // The start screen's cache panel counts the stored trace with the dump's results.
  await page.getByText('Cache storage').click();
  const usageRow = page.getByRole('table', { name: 'Cache usage per dump' }).getByRole('row').filter({ hasText: vmcorePath('oom-slab-leak') });
  await expect(usageRow.getByRole('cell').nth(2)).toHaveText('1');
  await page.getByText('Cache storage').click();
  await page.getByTestId('recent-dumps').getByRole('button', { name: vmcorePath('oom-slab-leak') }).click();
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'none');
  await openView(page, 'Traces');
  await expect(page.getByTestId('trace-summary')).toContainText(report);
  await expect(page.getByTestId('trace-offline')).toContainText('Events stored in this browser');
  await expect(source).toHaveAttribute('data-origin', 'browser');
  await expectEventsOfTheFile(page);
  // Lanes and timeline read the same stored chunks; the aggregates come with the stored summary.
  await expect(page.getByTestId('trace-lanes').getByRole('row', { name: /kworker\/u4:1 \(29\)/ })).toBeVisible();
  await expect(page.getByTestId('trace-timeline')).toBeVisible();
  await expect(page.getByTestId('call-site-row').first().getByTestId('call-site')).toHaveText(new RegExp(`^${culprit.module}`));
  // The links to the dump come back too: the host links the summary this browser kept against
  // the dump's cached ps / log (no crash runs here), so the panic sits after the trace's end and
  // the kworker the trace saw opens its Processes row.
  await expect(page.getByTestId('trace-timeline')).toHaveAttribute('data-placement', 'after-trace');
  await expect(page.getByTestId('boot-verdict')).toHaveText('weak link: only kernel threads match');
  await expect(page.locator('[data-testid="task-row"][data-pid="29"]').getByTestId('task-link')).toHaveAttribute('href', '#/processes?pid=29');
  await page.screenshot({ path: path.join(shots, 'traces-reopen-from-indexeddb.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe on Traces read from IndexedDB').toEqual([]);

  // And the other way: the task opened from the trace lists its events of the stored trace.
  await page.locator('[data-testid="task-row"][data-pid="29"]').getByTestId('task-link').click();
  await expect(page.getByTestId('task-detail')).toBeVisible();
  const ofKworker = reportEvents(report).filter((e) => e.pid === 29).length;
  await expect(page.getByTestId('task-trace-events')).toHaveText(ofKworker.toLocaleString('en-US'));
});
