/**
 * "Free, but not for you" in Chromium on oom-zone-movable-6.12 with the real crash 8.0.6: the OOM
 * wizard's "Was memory really free?" step answers with the free memory in ZONE_MOVABLE that the
 * failing GFP_KERNEL request could not use (movablecore= named), and the Zones view marks DMA and
 * DMA32 usable and Movable not, with the reason, and Overview splits kmem -i FREE. Expected names come from meta.json truth and
 * crash's own kmem -z transcript. Each page passes an axe scan and leaves a screenshot.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { parseKmemZone } from '../../electron/parse/kmem-zone.ts';
import { fixtureMeta, repoRoot, transcript, zoneMovable612 } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { closeDumpPage, openDumpPage } from './dump-page.ts';
import { openView } from './nav.ts';
import type { ServeHandle } from './serve-host-fixture.ts';

test.describe.configure({ mode: 'serial' });

const shots = path.join(repoRoot, 'test-results');
const truth = fixtureMeta(zoneMovable612).truth as unknown as { culprit: { cache: string }; guest_facts: { movablecore: string } };
const movablecore = `movablecore=${truth.guest_facts.movablecore}`;
const populated = parseKmemZone(transcript(zoneMovable612, 'kmem -z')).model.zones.filter((z) => z.populated).map((z) => z.name);
let host: ServeHandle;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ host, page } = await openDumpPage(browser, zoneMovable612, 150_000));
});

test.afterAll(() => closeDumpPage(host, page));

test('OOM wizard: "Was memory really free?" names ZONE_MOVABLE\'s free memory as out of the request\'s reach', async () => {
  await page.goto(`${host.url}#/oom-wizard`);
  await expect(page.getByTestId('wizard-step')).toBeVisible({ timeout: 150_000 });
  await page.getByTestId('step-reclaim').click();
  const step = page.getByTestId('wizard-step');
  await expect(step).toHaveAttribute('data-step', 'reclaim');
  await expect(step.getByRole('heading', { level: 2 })).toHaveText('3. Was memory really free?');
  const answer = page.getByTestId('wizard-free-answer');
  await expect(answer).toHaveText(/^The failing request \(GFP_KERNEL\) may use zones up to Normal \(DMA, DMA32\): 2\.1 MiB free there, all of it at or below the min watermark plus lowmem reserve\. 203\.5 MiB more was free in zone Movable, which it could not use\.$/);
  const movable = page.locator('[data-testid="wizard-free-zone"][data-zone="Movable"]');
  await expect(movable).toHaveAttribute('data-usable', 'no');
  await expect(movable).toContainText(movablecore);
  await expect(page.locator('[data-testid="wizard-free-zone"][data-usable="yes"]')).toHaveCount(2);
  // The evidence of this step includes the kmem -z row of the Movable zone.
  await expect(page.getByTestId('evidence')).toContainText(/Movable: free 208420 kB.*not usable by this gfp mask/);
  await page.screenshot({ path: path.join(shots, 'oom-wizard-oom-zone-movable-6.12-3-reclaim.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe on the wizard step').toEqual([]);

  // The verdict: the slab cache, with high confidence.
  await page.getByTestId('step-verdict').click();
  await expect(page.getByTestId('culprit-name')).toContainText(truth.culprit.cache);
  await expect(page.getByTestId('confidence')).toHaveText('high');
});

test('Zones view: each zone marked usable or not by the failing request, and why', async () => {
  await openView(page, 'Zones');
  await expect(page.getByTestId('zone-card')).toHaveCount(populated.length, { timeout: 90_000 });
  await expect(page.getByTestId('zones-reach-summary')).toContainText('203.5 MiB more was free in zone Movable, which it could not use.', { timeout: 90_000 });
  for (const name of populated) {
    const mark = page.locator(`[data-testid="zone-card"][data-zone="${name}"] [data-testid="zone-reach"]`);
    await expect(mark, name).toHaveAttribute('data-usable', name === 'Movable' ? 'no' : 'yes');
  }
  const movable = page.locator('[data-testid="zone-card"][data-zone="Movable"] [data-testid="zone-reach"]');
  await expect(movable).toContainText('Not usable by the failing request');
  await expect(movable).toContainText(movablecore);
  // The free lists of Movable say why they do not count for this request (not fragmentation).
  await expect(page.locator('[data-testid="free-zone"][data-zone="Movable"] [data-testid="free-zone-reach"]')).toContainText(movablecore);
  await expect(page.locator('[data-testid="free-zone"][data-zone="DMA32"] [data-testid="free-zone-reach"]')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'view-zones-oom-zone-movable-6.12.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe on Zones').toEqual([]);
});

test('Overview: kmem -i FREE is split, the part out of the request\'s reach named with its zone', async () => {
  await openView(page, 'Overview');
  const row = page.getByTestId('free-out-of-reach');
  await expect(row).toContainText('of which not usable by the failing GFP_KERNEL request (zone Movable)', { timeout: 90_000 });
  await expect(row).toContainText('203.5 MiB');
  expect(await seriousViolations(page), 'axe on Overview').toEqual([]);
});
