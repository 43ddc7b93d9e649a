/**
 * The Traces view end to end with the real crash 8.0.6 on the OOM fixtures: the traces recorded
 * before each box died are imported through the view (by path on the host) and linked to the
 * dump. oom-slab-leak: the top slab call site is the leaking module's and links to its cache;
 * the panic sits after the trace's end. oom-user-hog: the hog's events are shown and link to its
 * task. Expectations come from meta.json truth and from counting the fixture files here.
 */
import { expect, test, type Page } from '@playwright/test';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crash806, fixtureFile, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath, type Scenario } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { freePort, startServe, type ServeHandle } from './serve-host-fixture.ts';
import { reportEvents } from '../support/trace-report.ts';

const shots = path.join(repoRoot, 'test-results');

/** meta.json truth's culprit, as strings and numbers. */
function culpritOf(s: Scenario): { module: string; cache: string; comm: string; pid: number } {
  const c = fixtureMeta(s).truth.culprit;
  return { module: String(c.module ?? ''), cache: String(c.cache ?? ''), comm: String(c.comm ?? ''), pid: Number(c.pid ?? -1) };
}

async function importTrace(page: Page, file: string): Promise<void> {
  const input = page.getByLabel('Trace file on the analysis host');
  await input.fill(file);
  // Keyboard: Enter in the path field submits the import.
  await input.press('Enter');
  await expect(page.getByTestId('trace-summary')).toContainText(file, { timeout: 120_000 });
  await expect(page.getByTestId('trace-error')).toHaveCount(0);
}


test('oom-slab-leak: trace-report.txt and trace.dat; the top call site is the leaking module and links to its cache; the panic comes after the trace', async ({ browser }) => {
  const truth = { culprit: culpritOf('oom-slab-leak') };
  const report = fixtureFile('oom-slab-leak', 'trace-report.txt');
  const host = await startServe({ open: vmcorePath('oom-slab-leak'), vmlinux: vmlinuxPath(), crash: crash806() });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${host.url}#/traces`);
    await expect(page.getByRole('heading', { level: 1, name: 'Traces' })).toBeVisible();
    await importTrace(page, report);
    await expect(page.getByTestId('trace-event-count')).toHaveText(reportEvents(report).length.toLocaleString('en-US'));
    await expect(page.getByTestId('trace-skipped')).toHaveText('0');

    // The top call site is the module's, and (once kmem -s is in) it names the module's cache.
    const top = page.getByTestId('call-site-row').first();
    await expect(top.getByTestId('call-site')).toHaveText(new RegExp(`^${truth.culprit.module}`));
    const cacheLink = top.getByTestId('call-site-cache').getByRole('link', { name: truth.culprit.cache });
    await expect(cacheLink).toBeVisible({ timeout: 150_000 });
    await expect(cacheLink).toHaveAttribute('href', `#/slab?cache=${truth.culprit.cache}`);

    // The panic is placed after the trace's last event, with the gap said in words.
    const timeline = page.getByTestId('trace-timeline');
    await expect(timeline).toHaveAttribute('data-placement', 'after-trace');
    await expect(page.getByTestId('trace-gap')).toContainText(/Trace ends .+ before the panic/);
    const svg = page.getByTestId('timeline-svg');
    const panicX = Number(await svg.getAttribute('data-panic-x'));
    const endX = Number(await svg.getAttribute('data-trace-end-x'));
    expect(panicX).toBeGreaterThan(endX);

    // Per-task lanes: the leaking kworker has one; zooming narrows the window, "Up to the panic" shows it.
    const lanes = page.getByTestId('trace-lanes');
    await expect(lanes.getByRole('row', { name: /kworker\/u4:1 \(29\)/ })).toBeVisible();
    const whole = await page.getByTestId('lanes-window').textContent();
    await lanes.getByRole('button', { name: 'Zoom in' }).click();
    await expect(page.getByTestId('lanes-window')).not.toHaveText(whole ?? '');
    await lanes.getByRole('button', { name: 'Up to the panic' }).click();
    await expect(lanes.locator('rect.panic').first()).toBeVisible();

    // The event table reads the chunks: filter to the leaking kworker's kmem_cache_alloc.
    const kworkerAllocs = readFileSync(report, 'utf8').split('\n').filter((l) => /-29\s+\[\d+\].*\skmem_cache_alloc:/.test(l)).length;
    await page.getByLabel('Event', { exact: true }).selectOption('kmem_cache_alloc');
    await page.getByLabel('PID', { exact: true }).fill('29');
    await expect(page.getByTestId('events-count')).toContainText(`${kworkerAllocs} of `);
    await page.screenshot({ path: path.join(shots, 'traces-slab-leak-report.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe on the Traces view').toEqual([]);

    // The cache link opens the Slab view on that cache.
    await cacheLink.click();
    await expect(page.getByRole('heading', { level: 2, name: `Cache ${truth.culprit.cache}` })).toBeVisible({ timeout: 60_000 });

    // Back in Traces: the import is still there; trace.dat goes through trace-cmd and names the module.
    await page.goto(`${host.url}#/traces`);
    await expect(page.getByTestId('trace-summary')).toContainText(report);
    await importTrace(page, fixtureFile('oom-slab-leak', 'trace.dat'));
    await expect(page.getByTestId('trace-summary')).toContainText('converted from trace.dat');
    const datTop = page.getByTestId('call-site-row').first();
    await expect(datTop).toContainText(`[${truth.culprit.module}]`);
    await expect(datTop.getByTestId('call-site-cache').getByRole('link', { name: truth.culprit.cache })).toBeVisible();
    await expect(page.getByTestId('trace-timeline')).toHaveAttribute('data-placement', 'after-trace');
    await page.screenshot({ path: path.join(shots, 'traces-slab-leak-trace-dat.png'), fullPage: true });
  } finally {
    await page.context().close();
    await host.stop();
  }
});

test("oom-user-hog: perf-script.txt shows ingestd's events and links them to its task", async ({ browser }) => {
  const truth = { culprit: culpritOf('oom-user-hog') };
  const perf = fixtureFile('oom-user-hog', 'perf-script.txt');
  // Sample header lines of the hog, counted here: "comm pid [cpu] ts: event:".
  const hogEvents = readFileSync(perf, 'utf8').split('\n').filter((l) => new RegExp(`^\\s*${truth.culprit.comm}\\s+${truth.culprit.pid}\\s+\\[\\d+\\]`).test(l)).length;
  const host = await startServe({ open: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath(), crash: crash806() });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${host.url}#/traces`);
    // A file that is no trace is refused in words under the form, and nothing is shown as imported.
    await page.getByLabel('Trace file on the analysis host').fill(fixtureFile('oom-user-hog', 'meta.json'));
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('trace-error')).toContainText('is not a trace');
    await expect(page.getByTestId('trace-summary')).toHaveCount(0);
    await importTrace(page, perf);
    const row = page.locator(`[data-testid="task-row"][data-pid="${truth.culprit.pid}"]`);
    await expect(row).toContainText(truth.culprit.comm);
    const taskLink = row.getByTestId('task-link');
    await expect(taskLink).toBeVisible({ timeout: 150_000 });
    await expect(taskLink).toHaveAttribute('href', `#/processes?pid=${truth.culprit.pid}`);
    await expect(page.getByTestId('boot-verdict')).toContainText('same boot');

    // "show events" filters the table to the hog; its pid cells link to the task too.
    await row.getByRole('button', { name: `show events of pid ${truth.culprit.pid}` }).click();
    await expect(page.getByTestId('events-count')).toContainText(`${hogEvents} of `);
    const firstPid = page.getByRole('table', { name: 'Trace events' }).getByRole('link', { name: String(truth.culprit.pid) }).first();
    await expect(firstPid).toHaveAttribute('href', `#/processes?pid=${truth.culprit.pid}`);
    await page.screenshot({ path: path.join(shots, 'traces-user-hog-perf.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe on the Traces view').toEqual([]);

    // The event's task opens in the Processes view with its detail (bt, vm) shown.
    await taskLink.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Processes' })).toBeVisible();
    await expect(page.getByTestId('task-detail').getByRole('heading', { level: 2 })).toHaveText(`PID ${truth.culprit.pid} ${truth.culprit.comm}`);

    // The task shows its events: the count in the imported trace (counted here from the file) and a link back.
    const taskTrace = page.getByTestId('task-detail').getByTestId('task-trace');
    await expect(taskTrace).toHaveCount(1, { timeout: 60_000 });
    expect(hogEvents).toBeGreaterThan(0);
    await expect(taskTrace.getByTestId('task-trace-events')).toHaveText(hogEvents.toLocaleString('en-US'));
    await expect(taskTrace).toContainText(perf);
    const back = taskTrace.getByTestId('task-trace-link');
    await expect(back).toHaveAttribute('href', new RegExp(`^#/traces\\?trace=[^&]+&pid=${truth.culprit.pid}$`));
    expect(await seriousViolations(page), 'axe on the task detail with trace events').toEqual([]);
    await back.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Traces' })).toBeVisible();
    await expect(page.getByTestId('trace-summary')).toContainText(perf);
    await expect(page.getByLabel('PID', { exact: true })).toHaveValue(String(truth.culprit.pid));
    await expect(page.getByTestId('events-count')).toContainText(`${hogEvents} of `, { timeout: 60_000 });
  } finally {
    await page.context().close();
    await host.stop();
  }
});

test('function_graph as a call tree with self/total time, perf stat as counters, a big import cancelled, summaries kept across a host restart (demo case, no crash)', async ({ browser }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-traces-e2e-'));
  // Durations chosen so totals and self times are worked out by hand: shrink_node 250 = 50 self + 200 in shrink_lruvec.
  const graph = path.join(dir, 'graph.txt');
  writeFileSync(graph, [
    '# tracer: function_graph', '#',
    ' 0)               |  do_page_fault() {',
    ' 0)               |    handle_mm_fault() {',
    ' 0)   2.000 us    |      alloc_pages();',
    ' 0)   7.000 us    |    }',
    ' 0) + 10.000 us   |  }',
    ' 1)               |  shrink_node() {',
    ' 1) ! 200.000 us  |    shrink_lruvec();',
    ' 1) ! 250.000 us  |  }',
    '',
  ].join('\n'));
  const stat = path.join(dir, 'stat.txt');
  writeFileSync(stat, ['', " Performance counter stats for 'sleep 2':", '', '             4,000      page-faults', '', '       2.000000000 seconds time elapsed', ''].join('\n'));
  // A 300 MB report: long enough to be cancelled while it is read.
  const big = path.join(dir, 'big-report.txt');
  const line = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'), 'utf8').split('\n').slice(1, 2001).join('\n') + '\n';
  const block = Buffer.from(line.repeat(Math.ceil((4 << 20) / line.length)));
  const fd = openSync(big, 'w');
  for (let n = 0; n < 300 << 20; n += block.length) writeSync(fd, block);
  closeSync(fd);
  const port = await freePort();
  const demo = { port, demo: true, env: { CRASHDECK_CRASH: '/nonexistent/crash' } };
  let host: ServeHandle = await startServe(demo);
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${host.url}#/traces`);
    await importTrace(page, graph);
    const tree = page.getByTestId('call-tree');
    await expect(tree.locator('summary', { hasText: 'shrink_node' })).toContainText('total 250.0 µs · self 50.0 µs');
    await expect(tree.locator('summary', { hasText: 'do_page_fault' })).toContainText('total 10.0 µs · self 3.0 µs');
    await expect(tree.locator('summary', { hasText: 'handle_mm_fault' })).toContainText('self 5.0 µs');
    // Keyboard: a tree node folds with Enter.
    const sn = tree.locator('summary', { hasText: 'shrink_node' });
    await sn.focus();
    await page.keyboard.press('Enter');
    await expect(tree.getByText('shrink_lruvec')).toBeHidden();
    await page.screenshot({ path: path.join(shots, 'traces-function-graph.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe with the call tree').toEqual([]);

    await importTrace(page, stat);
    // 4,000 page faults over 2 s: 2,000 per second.
    await expect(page.getByRole('row', { name: /page-faults/ })).toContainText('2,000');

    await page.getByLabel('Trace file on the analysis host').fill(big);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('trace-progress')).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('trace-error')).toHaveText('Import cancelled.');
    await expect(page.getByTestId('trace-progress')).toHaveCount(0);
    await expect(page.getByTestId('trace-summary')).not.toContainText(big);

    // A restarted host has lost the events, but this browser kept the summaries for the dump.
    await host.stop();
    host = await startServe(demo);
    await page.goto(`${host.url}#/traces`);
    const earlier = page.getByTestId('stored-traces');
    await earlier.locator('summary').click();
    await earlier.getByRole('button', { name: graph }).click();
    await expect(page.getByTestId('trace-offline')).toBeVisible();
    await expect(page.getByTestId('call-tree').locator('summary', { hasText: 'shrink_node' })).toContainText('total 250.0 µs');
    await expect(earlier).not.toContainText(big);
  } finally {
    await page.context().close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
