/**
 * 6.12 dumps opened in Chromium with crash absent and trixie's drgn 0.0.31 beside it: the Panic
 * view reaches crash's verdict from drgn's answers — the soft lockup's lock read from the spinning
 * task's register and the other CPUs, the hung task's wait chain with the owner read from the
 * mutex — and says drgn read the dump. One serve host per dump.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePs } from '../../electron/parse/ps.ts';
import { drgnPythonPrefix, fixtureMeta, fixturesDir, transcript, vmcorePath, vmlinuxPath, type Scenario } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { openView } from './nav.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const basis = 'drgn 0.0.31’s reading of the dump (backtraces, tasks, modules) and its kernel log';

async function crashless(scenario: Scenario): Promise<ServeHandle> {
  return startServe({
    open: vmcorePath(scenario),
    vmlinux: vmlinuxPath(scenario),
    crash: '/nonexistent/crash-for-this-test',
    env: { CRASHDECK_DRGN: 'on', CRASHDECK_DRGN_PYTHON: drgnPythonPrefix('0.0.31') },
  });
}

test('softlockup-spin-6.12: the lock from the spinning task\'s register and the other CPUs, from drgn', async ({ browser }) => {
  const scenario = 'softlockup-spin-6.12';
  const host = await crashless(scenario);
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'failed');
    await openView(page, 'Panic');
    const t = fixtureMeta(scenario).truth;
    // The lock qdrv_poll_hw spins under, as the module's source defines it.
    const lock = /DEFINE_SPINLOCK\((\w+)\)/.exec(readFileSync(path.join(fixturesDir(), 'build/src/qdrv.c'), 'utf8'))?.[1] as string;
    await expect(page.getByTestId('lockup-lock')).toHaveText(lock);
    await expect(page.getByTestId('lockup-function')).toContainText(t.function as string);
    // Every CPU crash 9.0.2's bt -a listed, the spinning one among them.
    const cpus = parsePs(transcript(scenario, 'ps', '9.0.2')).model.tasks.filter((x) => x.pid === 0).length;
    await expect(page.getByTestId('cpu-row')).toHaveCount(cpus);
    await expect(page.getByTestId('panic-basis')).toHaveText(basis);
    await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
  } finally {
    await page.context().close();
    await host.stop();
  }
});

test('hung-mutex-6.12: backupd → qdrv_cfg_mutex → qholder, the owner read from the mutex by drgn', async ({ browser }) => {
  const scenario = 'hung-mutex-6.12';
  const host = await crashless(scenario);
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(host.url);
    await openView(page, 'Panic');
    const t = fixtureMeta(scenario).truth;
    const chain = page.getByTestId('wait-chain').first();
    await expect(chain).toContainText(t.blocked_task?.comm as string);
    await expect(chain).toContainText(t.lock as string);
    await expect(chain).toContainText(t.lock_holder?.comm as string);
    await expect(chain).toContainText(t.lock_holder_function as string);
    await expect(page.getByTestId('panic-basis')).toHaveText(basis);
  } finally {
    await page.context().close();
    await host.stop();
  }
});
