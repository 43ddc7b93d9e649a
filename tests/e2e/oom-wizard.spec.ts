/**
 * The OOM wizard end to end on the OOM fixtures with the real crash: every step renders with its
 * evidence, the verdict matches meta.json truth, each step passes an axe scan and leaves a
 * screenshot under test-results/; a note survives a reload. panic-sysrq says there is no OOM.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath, type Scenario } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { typeNote } from './note-typing.ts';
import { startServe } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
const stepIds = ['confirm', 'memory', 'reclaim', 'victim', 'verdict'];

for (const scenario of ['oom-slab-leak', 'oom-user-hog'] as Scenario[]) {
  test(`OOM wizard on ${scenario}: five steps, verdict matches truth`, async ({ browser }) => {
    const truth = fixtureMeta(scenario).truth as { culprit_kind: string; culprit: Record<string, unknown> };
    const host = await startServe({ open: vmcorePath(scenario), vmlinux: vmlinuxPath(), crash: crash806() });
    const page = await (await browser.newContext()).newPage();
    try {
      await page.goto(`${host.url}#/oom-wizard`);
      await expect(page.getByRole('heading', { level: 1, name: 'OOM wizard' })).toBeVisible();
      await expect(page.getByTestId('wizard-step')).toBeVisible({ timeout: 150_000 });
      for (const [i, id] of stepIds.entries()) {
        await expect(page.getByTestId('wizard-step')).toHaveAttribute('data-step', id);
        if (id !== 'verdict') await expect(page.getByTestId('evidence').locator('li').first()).toBeVisible();
        await page.screenshot({ path: path.join(shots, `oom-wizard-${scenario}-${i + 1}-${id}.png`), fullPage: true });
        expect(await seriousViolations(page), `axe on step ${id}`).toEqual([]);
        if (id !== 'verdict') await page.getByTestId('next-step').click();
      }
      await expect(page.getByTestId('culprit-kind')).toHaveText(truth.culprit_kind);
      const name = String(truth.culprit.cache ?? truth.culprit.comm);
      await expect(page.getByTestId('culprit-name')).toContainText(name);
      if (truth.culprit.module) await expect(page.getByTestId('verdict')).toContainText(`module ${String(truth.culprit.module)}`);
      // Disagree with the verdict and leave a note; it is still there after a reload.
      await page.getByRole('radio', { name: 'Disagree' }).check();
      await page.getByLabel('Note', { exact: true }).fill('checked with the module owner');
      // A note for the report on this step (stored in IndexedDB beside the results).
      await page.getByRole('button', { name: /Add a note on OOM wizard: / }).click();
      await typeNote(page, 'verdict confirmed by **slabinfo**');
      await page.getByRole('button', { name: 'Save note' }).click();
      await expect(page.getByTestId('row-note')).toContainText('verdict confirmed by slabinfo');
      await page.reload();
      await expect(page.getByTestId('wizard-step')).toBeVisible({ timeout: 150_000 });
      await page.getByTestId('step-verdict').click();
      await expect(page.getByLabel('Note', { exact: true })).toHaveValue('checked with the module owner');
      await expect(page.getByRole('radio', { name: 'Disagree' })).toBeChecked();
      await expect(page.getByTestId('row-note')).toContainText('verdict confirmed by slabinfo');
    } finally {
      await page.context().close();
      await host.stop();
    }
  });
}

test('OOM wizard on panic-sysrq says there is no OOM', async ({ browser }) => {
  const host = await startServe({ open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash806() });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${host.url}#/oom-wizard`);
    await expect(page.getByTestId('no-oom')).toBeVisible({ timeout: 150_000 });
    await expect(page.getByTestId('panic-kind')).toHaveText('sysrq');
    await page.screenshot({ path: path.join(shots, 'oom-wizard-panic-sysrq.png'), fullPage: true });
  } finally {
    await page.context().close();
    await host.stop();
  }
});
