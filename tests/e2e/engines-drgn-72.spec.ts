/**
 * hung-mutex-7.2 (Linux 7.2, which no crash release reads plainly) opened in Chromium with crash
 * absent and sid's drgn 0.3.0 beside it: Overview, Processes and Slab show drgn's data labelled
 * "from drgn 0.3.0", the Panic view the wait chain read from the dump; what needs crash (the
 * console) says so instead of an empty view.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parsePs } from '../../electron/parse/ps.ts';
import { parseKmemZone } from '../../electron/parse/kmem-zone.ts';
import { parseSysTaint } from '../../electron/parse/sys-taint.ts';
import { drgnPythonPrefix, fixtureFile, fixtureMeta, scenario72, transcript, vmcorePath, vmlinux72 } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { openView } from './nav.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

test.describe.configure({ mode: 'serial' });

const truth = fixtureMeta(scenario72).truth;
let host: ServeHandle;
let page: Page;

test.beforeAll(async ({ browser }) => {
  host = await startServe({
    open: vmcorePath(scenario72),
    vmlinux: vmlinux72(),
    crash: '/nonexistent/crash-for-this-test',
    env: { CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.3.0') },
  });
  page = await (await browser.newContext()).newPage();
  await page.goto(host.url);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'failed');
});

test.afterAll(async () => {
  await page?.context().close();
  await host?.stop();
});

function frame(p: Page, title: string): ReturnType<Page['getByRole']> {
  return p.getByRole('region', { name: title });
}

test('Processes: the task table from drgn, labelled so, as many tasks as crash 9.0.2 listed', async () => {
  await openView(page, 'Processes');
  const tasks = parsePs(transcript(scenario72, 'ps')).model.tasks.length;
  await expect(page.getByTestId('ps-count')).toHaveText(`${tasks} of ${tasks} tasks`);
  await expect(page.getByTestId('result-engine').first()).toHaveText('from drgn 0.3.0');
  await page.getByLabel('Filter', { exact: true }).fill(truth.blocked_task?.comm as string);
  await expect(page.getByRole('row').filter({ hasText: truth.blocked_task?.comm as string }).first()).toContainText('UN');
  await expect(page.getByTestId('session-status')).toContainText('drgn 0.3.0 answers the views it covers');
  expect(await seriousViolations(page)).toEqual([]);
});

test('Slab: the caches from drgn, labelled so', async () => {
  await openView(page, 'Slab');
  await expect(page.getByTestId('result-engine').first()).toHaveText('from drgn 0.3.0');
  // Every cache the guest listed in /proc/slabinfo.
  const caches = readFileSync(fixtureFile(scenario72, 'guest/slabinfo.before-push'), 'utf8').split('\n').slice(2).filter(Boolean).length;
  await expect(page.getByRole('main')).toContainText(`${caches} caches`);
  await expect(page.getByRole('main')).toContainText('task_struct');
  await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
});

test('Zones: drgn\'s zones, the populated ones crash 9.0.2 read', async () => {
  await openView(page, 'Zones');
  const zones = parseKmemZone(transcript(scenario72, 'kmem -z')).model.zones.filter((z) => (z.present ?? 0) > 0).map((z) => z.name);
  await expect(page.getByTestId('zone-card')).toHaveCount(zones.length);
  for (const name of zones) await expect(page.locator(`[data-testid="zone-card"][data-zone="${name}"]`)).toBeVisible();
  await expect(page.getByTestId('result-engine').first()).toHaveText('from drgn 0.3.0');
});

test('Panic: the wait chain backupd → qdrv_cfg_mutex → qholder read from the dump by drgn, the basis naming drgn', async () => {
  await openView(page, 'Panic');
  const chain = page.getByTestId('wait-chain').first();
  await expect(chain).toContainText(truth.blocked_task?.comm as string);
  // The lock from backupd's stack words, its owner from the mutex, where the owner sleeps from its stack.
  await expect(chain.getByTestId('chain-lock')).toContainText(truth.lock as string);
  await expect(chain.getByTestId('chain-owner')).toContainText(truth.lock_holder?.comm as string);
  await expect(chain).toContainText(truth.lock_holder_function as string);
  await expect(page.getByTestId('panic-basis')).toHaveText('drgn 0.3.0’s reading of the dump (backtraces, tasks, modules) and its kernel log');
});

test('Overview: drgn\'s system facts and taint, labelled so; the taint crash 9.0.2 read', async () => {
  await openView(page, 'Overview');
  await expect(page.getByTestId('drgn-views')).toContainText('drgn 0.3.0 answers the system facts');
  await expect(page.getByTestId('release')).toHaveText(fixtureMeta(scenario72).kernel.release);
  await expect(page.getByTestId('first-basis')).toHaveText('drgn 0.3.0’s reading of the dump');
  const taint = frame(page, 'Taint (sys -t)');
  await expect(taint.getByTestId('result-engine')).toHaveText('from drgn 0.3.0');
  const crashTaint = parseSysTaint(transcript(scenario72, 'sys -t')).model;
  await expect(taint).toContainText(`Tainted: ${crashTaint.letters} (mask ${crashTaint.mask})`);
});

test('Console: says it is crash\'s and crash could not start', async () => {
  await openView(page, 'Console');
  await expect(page.getByTestId('console-engine')).toContainText('The console is crash\'s, and crash could not start');
});
