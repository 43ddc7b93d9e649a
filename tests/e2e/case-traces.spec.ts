/**
 * A case bundle that carries its trace file: built here through the real CLI (`crashdeck report
 * <demo case> --format case --trace FILE --trace-files`), served with --open and no crash. The
 * Traces view lists the bundled file; one click imports it, and it works as a normal import: the
 * events of the fixture file, the leaking module at the top call site, linked to its cache from
 * the case's cached kmem -s, the events stored in this browser. Expectations come from meta.json
 * truth and from counting the fixture file here.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fixtureFile, fixtureMeta, repoRoot } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { startServe } from './serve-host-fixture.ts';
import { reportEvents } from '../support/trace-report.ts';

const shots = path.join(repoRoot, 'test-results');

test('a case bundle with trace-report.txt: the Traces view imports the bundled file in one click, without crash', async ({ browser }) => {
  const culprit = fixtureMeta('oom-slab-leak').truth.culprit;
  const module = String(culprit.module);
  const cache = String(culprit.cache);
  const report = fixtureFile('oom-slab-leak', 'trace-report.txt');
  const events = reportEvents(report).length;
  mkdirSync(shots, { recursive: true });
  const bundle = path.join(shots, 'case-with-trace.crashcase');
  execFileSync(process.execPath, [
    path.join(repoRoot, 'electron/bin/crashdeck.mjs'), 'report', path.join(repoRoot, 'resources/demo/oom-slab-leak.crashcase'),
    '--format', 'case', '--trace', report, '--trace-files', '--quiet', '-o', bundle,
  ], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });

  const host = await startServe({ open: bundle, env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${host.url}#/traces`);
    await expect(page.getByRole('heading', { level: 1, name: 'Traces' })).toBeVisible();
    await expect(page.getByTestId('session-status')).toContainText('Read-only case (no crash)');
    const files = page.getByTestId('case-trace-files');
    await expect(files.getByRole('heading', { level: 2, name: 'Trace files in this case bundle' })).toBeVisible();
    const row = files.getByTestId('case-trace-file');
    await expect(row).toHaveCount(1);
    await expect(row.locator('code')).toHaveText('trace-report.txt');

    await row.getByRole('button', { name: 'Import trace-report.txt' }).click();
    await expect(page.getByTestId('trace-event-count')).toHaveText(events.toLocaleString('en-US'), { timeout: 120_000 });
    await expect(page.getByTestId('trace-error')).toHaveCount(0);
    await expect(page.getByTestId('trace-skipped')).toHaveText('0');
    // As for any import: the module's call site on top, linked to its cache through the case's kmem -s.
    const top = page.getByTestId('call-site-row').first();
    await expect(top.getByTestId('call-site')).toHaveText(new RegExp(`^${module}`));
    await expect(top.getByTestId('call-site-cache').getByRole('link', { name: cache })).toBeVisible({ timeout: 60_000 });
    // The events are shown and stored in this browser as they are read.
    await expect(page.getByTestId('trace-source')).toHaveAttribute('data-saved', 'saved', { timeout: 120_000 });
    await expect(page.getByTestId('trace-error')).toHaveCount(0);
    expect(host.stderr()).not.toMatch(/Error|Traceback|uncaught/i);

    await page.screenshot({ path: path.join(shots, 'case-traces-imported.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe on Traces with a bundled trace').toEqual([]);
  } finally {
    await page.context().close();
    await host.stop();
  }
});
