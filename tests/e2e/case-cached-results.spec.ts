/**
 * Export → import round trip of what the user looked at: with crash 8.0.6 on oom-user-hog, open
 * the Memory map of metricsd (a small task, not the task that hit the OOM) and sample its pages,
 * look a page up in Page flags and run `sym jiffies` in the console; export the .crashcase from
 * the Report view; then, in a fresh browser (empty IndexedDB) on a host without crash, open the
 * bundle: the same views show the same content, answered from the bundle.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCaseBundle } from '../../electron/report/bundle-read.ts';
import { crash806, fixtureMeta, repoRoot, transcript, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';
import { openView } from './nav.ts';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results');
const meta = fixtureMeta('oom-user-hog');
const facts = meta.truth.guest_facts ?? {};
/** metricsd: 4 MB, not the task that hit the OOM (ingestd, whose `vm` every case holds anyway). */
const pid = facts.pid_metricsd!;
const pageAddress = '0x1000000';
const pageTranscript = transcript('oom-user-hog', `kmem -p ${pageAddress}`);
const consoleLine = 'sym jiffies';
const bundlePath = path.join(shots, 'case-cached-results', 'oom-user-hog.crashcase');

/** What each view showed, to compare after the import. */
const seen: { mm: string; vmas: string; samples: string; pageCard: string; console: string } = { mm: '', vmas: '', samples: '', pageCard: '', console: '' };

async function settle(page: Page): Promise<void> {
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0, { timeout: 120_000 });
}

/** A locator's text once it stops changing (views fill in as their results arrive). */
async function stableText(page: Page, loc: ReturnType<Page['locator']>): Promise<string> {
  let last = await loc.innerText();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(300);
    const now = await loc.innerText();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** The Memory map of `pid` with its sample pages: the summary, the VMA table and the samples. */
async function memoryMap(page: Page): Promise<Record<'mm' | 'vmas' | 'samples', ReturnType<Page['locator']>>> {
  await openView(page, 'Memory map');
  await page.getByLabel('Task').selectOption(pid);
  await settle(page);
  const region = page.getByRole('region', { name: `Memory map (vm ${pid})` });
  await expect(region.getByTestId('mm-summary')).toContainText(`PID ${pid}`);
  const vmas = region.getByRole('table', { name: 'VMAs' });
  await expect(vmas.locator('tbody tr[data-key]').first()).toBeVisible();
  await page.getByTestId('sample-pages-run').click();
  await settle(page);
  await expect(page.getByTestId('sample-pages-raw')).toContainText('PHYSICAL', { timeout: 120_000 });
  return { mm: region.getByTestId('mm-summary'), vmas, samples: page.getByTestId('sample-pages-table') };
}

/** Page flags of `pageAddress`: its card. */
async function pageFlags(page: Page): Promise<ReturnType<Page['locator']>> {
  await openView(page, 'Page flags');
  await page.getByRole('radio', { name: 'Physical address' }).check();
  await page.locator('#page-input').fill(pageAddress);
  await page.getByRole('button', { name: 'Look up' }).click();
  await settle(page);
  const card = page.getByTestId('page-card');
  await expect(card.getByTestId('page-physical')).toHaveText(pageAddress.replace(/^0x/, ''));
  return card;
}

/** The console after running `consoleLine`: its output panel. */
async function consoleRun(page: Page): Promise<ReturnType<Page['locator']>> {
  await openView(page, 'Console');
  const input = page.getByLabel('crash command');
  await input.fill(consoleLine);
  await input.press('Enter');
  const out = page.getByTestId('console-output');
  await expect(out).toContainText('jiffies', { timeout: 60_000 });
  await expect(page.getByTestId('console-entry').last()).toHaveAttribute('data-status', 'done');
  return out;
}

test('with crash: the views the user opens are exported in the .crashcase', async ({ browser }) => {
  const host: ServeHandle = await startServe({ open: vmcorePath('oom-user-hog'), vmlinux: vmlinuxPath(), crash: crash806() });
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/, { timeout: 120_000 });
    const mm = await memoryMap(page);
    seen.mm = await stableText(page, mm.mm);
    seen.vmas = await stableText(page, mm.vmas);
    seen.samples = await stableText(page, mm.samples);
    seen.pageCard = await stableText(page, await pageFlags(page));
    seen.console = await stableText(page, await consoleRun(page));
    expect(seen.console).toMatch(/\bjiffies\b/);

    await openView(page, 'Report');
    const [zip] = await Promise.all([page.waitForEvent('download', { timeout: 170_000 }), page.getByTestId('export-case').click()]);
    await mkdir(path.dirname(bundlePath), { recursive: true });
    await copyFile((await zip.path())!, bundlePath);
    await expect(page.getByTestId('export-done')).toContainText(/with \d+ cached results/);

    const bundle = await readCaseBundle(await readFile(bundlePath));
    const commands = bundle.results.map((r) => r.command);
    // Only in the bundle because the user looked at them: the fixed export list has none of these.
    expect(commands).toContain(`vm ${pid}`);
    expect(commands).toContain(`kmem -p ${pageAddress}`);
    expect(commands).toContain(consoleLine);
    expect(commands.some((c) => c.startsWith(`vtop -c ${pid} `))).toBe(true);
    // crash 8.0.6 printed the same page as in the fixture's transcript.
    expect(bundle.results.find((r) => r.command === `kmem -p ${pageAddress}`)!.raw.trim()).toBe(pageTranscript.trim());
    expect(new Set(commands).size).toBe(commands.length);
    await page.screenshot({ path: path.join(shots, 'case-cached-results-export.png'), fullPage: true });
  } finally {
    await context.close();
    await host.stop();
  }
});

test('in a fresh browser without crash, the opened bundle shows the same views', async ({ browser }) => {
  const host = await startServe({ env: { CRASHDECK_CRASH: '/nonexistent/crash' } });
  // A new context: empty IndexedDB and localStorage, so everything shown comes from the bundle.
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await page.getByLabel('vmcore path').fill(bundlePath);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('release')).toHaveText(meta.kernel.release);
    await expect(page.getByTestId('session-status')).toContainText('Read-only case (no crash)');

    const mm = await memoryMap(page);
    await expect(mm.mm).toHaveText(seen.mm, { useInnerText: true });
    await expect(mm.vmas).toHaveText(seen.vmas, { useInnerText: true });
    await expect(mm.samples).toHaveText(seen.samples, { useInnerText: true });
    await page.screenshot({ path: path.join(shots, 'case-cached-results-memory-map.png'), fullPage: true });
    await expect(await pageFlags(page)).toHaveText(seen.pageCard, { useInnerText: true });
    await page.screenshot({ path: path.join(shots, 'case-cached-results-page-flags.png'), fullPage: true });
    await expect(await consoleRun(page)).toHaveText(seen.console, { useInnerText: true });
    await page.screenshot({ path: path.join(shots, 'case-cached-results-console.png'), fullPage: false });
  } finally {
    await context.close();
    await host.stop();
  }
});
