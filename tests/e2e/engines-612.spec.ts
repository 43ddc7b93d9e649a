/**
 * hung-mutex-6.12 opened with crash 8.0.6 and bookworm's drgn 0.0.22 beside it: Processes shows
 * drgn's task table while crash starts (drgn loads in about a second, crash in 7–80 s), then
 * crash's once crash is ready, with what the two engines said side by side.
 */
import { expect, test } from '@playwright/test';
import { parsePs } from '../../electron/parse/ps.ts';
import { crash806, drgnPythonBookworm, transcript, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { openView } from './nav.ts';
import { startServe } from './serve-host-fixture.ts';

const scenario = 'hung-mutex-6.12';

test('Processes: drgn\'s tasks while crash starts, then crash\'s, and whether they agree', async ({ browser }) => {
  const host = await startServe({ open: vmcorePath(scenario), vmlinux: vmlinuxPath(scenario), crash: crash806(), env: { CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonBookworm() } });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(host.url);
    await openView(page, 'Processes');
    await expect(page.getByTestId('result-engine').first()).toHaveText('from drgn 0.0.22');
    await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'starting');
    await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', /ready|busy/, { timeout: 150_000 });
    await expect(page.getByTestId('result-engine').first()).toHaveText('crash 8.0.6');
    const tasks = parsePs(transcript(scenario, 'ps')).model.tasks.length;
    await expect(page.getByTestId('engine-difference').first()).toHaveText(`crash 8.0.6 and drgn 0.0.22 agree: ${tasks} tasks.`);
    await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
  } finally {
    await page.context().close();
    await host.stop();
  }
});
