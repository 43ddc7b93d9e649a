/**
 * The Panic view end to end with the real crash 8.0.6 on the Linux 6.12 fixtures: on
 * hung-mutex-6.12 the verdict names the blocked task and the wait chain reads backupd →
 * qdrv_cfg_mutex → qholder → qdrv_hold_locked (meta.json truth); its links, followed from the
 * keyboard, open the owner in Processes, the hung-task report in the Log and `bt PID` typed into
 * the Console. On oops-syscall-6.12 the Oops card shows the fault as the dump's own
 * vmcore-dmesg.txt (makedumpfile's reading, not crash's) prints it, with the source line and
 * disassembly from the qdrv.ko beside the dump. On softlockup-spin-6.12 the CPU table has every
 * CPU crash's `sys` counts, the stuck one marked with qpoll in qdrv_poll_hw. axe is clean on each.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureFile, fixtureMeta, repoRoot, transcript } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { closeDumpPage, openDumpPage } from './dump-page.ts';
import type { ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
// crash 8.0.6 takes ~30 s to read a 6.12 dump on an idle machine (the fixtures' timings.txt),
// and the verdict then runs its follow-ups: allow for a busy CI machine.
const startTimeoutMs = 300_000;
test.describe.configure({ timeout: 420_000 });

type Truth = {
  panic_type: string; function: string; module: string; culprit_task: { comm: string; pid: number };
  lock?: string; lock_holder?: { comm: string; pid: number }; lock_holder_function?: string;
};

async function openPanic(page: Page, host: ServeHandle): Promise<void> {
  await page.goto(`${host.url}#/panic`);
  await expect(page.getByRole('heading', { level: 1, name: 'Panic' })).toBeVisible();
  await expect(page.getByTestId('panic-verdict')).toBeVisible({ timeout: 240_000 });
}

async function expectVerdict(page: Page, truth: Truth): Promise<void> {
  const v = page.getByTestId('panic-verdict');
  await expect(v.getByTestId('panic-kind')).toHaveText(truth.panic_type);
  await expect(v.getByTestId('culprit-task')).toHaveText(truth.culprit_task.comm);
  await expect(v.getByTestId('culprit-pid')).toHaveText(String(truth.culprit_task.pid));
  await expect(v.getByTestId('culprit-function')).toHaveText(truth.function);
  await expect(v.getByTestId('culprit-module')).toHaveText(`[${truth.module}]`);
  await expect(v.getByTestId('panic-basis')).toHaveAttribute('data-basis', 'crash');
}

test.describe('Panic view on hung-mutex-6.12', () => {
  test.describe.configure({ mode: 'serial' });
  const truth = fixtureMeta('hung-mutex-6.12').truth as unknown as Truth;
  let host: ServeHandle;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(startTimeoutMs + 30_000);
    ({ host, page } = await openDumpPage(browser, 'hung-mutex-6.12', startTimeoutMs));
  });
  test.afterAll(() => closeDumpPage(host, page));

  test('verdict first, then the wait chain task → lock → owner → what the owner does; axe clean', async () => {
    await openPanic(page, host);
    await expectVerdict(page, truth);
    const chain = page.locator(`[data-testid="wait-chain"][data-pid="${truth.culprit_task.pid}"]`);
    await expect(chain.getByTestId('chain-task').locator('.text')).toHaveText(truth.culprit_task.comm);
    await expect(chain.getByTestId('chain-lock').locator('.text')).toHaveText(truth.lock!);
    await expect(chain.getByTestId('chain-owner').locator('.text')).toHaveText(truth.lock_holder!.comm);
    await expect(chain.getByTestId('chain-owner')).toContainText(`pid ${truth.lock_holder!.pid}`);
    await expect(chain.getByTestId('chain-owner-does').locator('.text')).toHaveText(truth.lock_holder_function!);
    await expect(page.getByTestId('panic-oom')).toHaveCount(0);
    await page.screenshot({ path: path.join(shots, 'panic-view-hung-mutex-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('from the keyboard: the owner opens in Processes, the report in the Log, bt PID in the Console', async () => {
    const chain = page.locator(`[data-testid="wait-chain"][data-pid="${truth.culprit_task.pid}"]`);
    await chain.getByTestId('chain-owner').getByTestId('link-task').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Processes' })).toBeVisible();
    await expect(page.getByTestId('task-detail').getByRole('heading', { level: 2 })).toContainText(`PID ${truth.lock_holder!.pid} ${truth.lock_holder!.comm}`);

    await page.goBack();
    await expect(page.getByTestId('panic-verdict')).toBeVisible();
    await chain.getByTestId('chain-task').getByTestId('link-log').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Log' })).toBeVisible();
    await expect(page.locator('li.log-line.current')).toContainText(`INFO: task ${truth.culprit_task.comm}:${truth.culprit_task.pid} blocked for more than`);

    await page.goBack();
    await expect(page.getByTestId('panic-verdict')).toBeVisible();
    await chain.getByTestId('chain-owner').getByTestId('link-console').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Console' })).toBeVisible();
    const input = page.getByLabel('crash command');
    await expect(input).toHaveValue(`bt ${truth.lock_holder!.pid}`);
    // Typed in, not run: the transcript stays empty until the user presses Enter.
    await expect(page.getByTestId('console-entry')).toHaveCount(0);
    await input.press('Enter');
    await expect(page.getByTestId('console-entry').first()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  });
});

test.describe('Panic view on oops-syscall-6.12', () => {
  const truth = fixtureMeta('oops-syscall-6.12').truth as unknown as Truth;
  let host: ServeHandle;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(startTimeoutMs + 30_000);
    ({ host, page } = await openDumpPage(browser, 'oops-syscall-6.12', startTimeoutMs));
  });
  test.afterAll(() => closeDumpPage(host, page));

  test('the Oops card shows the decoded fault as the kernel printed it, with the call trace; axe clean', async () => {
    // What the kernel itself printed, read from makedumpfile's dmesg of the dump.
    const dmesg = readFileSync(fixtureFile('oops-syscall-6.12', 'vmcore-dmesg.txt'), 'utf8');
    const address = /BUG: kernel NULL pointer dereference, address: ([0-9a-f]+)/.exec(dmesg)![1]!;
    const access = /#PF: (supervisor \w+ access in kernel mode)/.exec(dmesg)![1]!;
    const page404 = /#PF: error_code\(0x[0-9a-f]+\) - (not-present page)/.exec(dmesg)![1]!;

    await openPanic(page, host);
    await expectVerdict(page, truth);
    const card = page.getByTestId('oops-card');
    await expect(card.getByTestId('oops-function')).toContainText(truth.function);
    await expect(card.getByTestId('oops-module')).toHaveText(`[${truth.module}]`);
    await expect(card.getByTestId('oops-address')).toHaveText(new RegExp(`^(0x)?0*${address.replace(/^0+/, '')}$`));
    await expect(card.getByTestId('oops-error')).toContainText(access);
    await expect(card.getByTestId('oops-error')).toContainText(page404);
    await expect(card.getByTestId('oops-context')).toContainText('system call');
    await expect(card.getByTestId('oops-trace').locator('li.module-frame').first()).toContainText(truth.module);
    await expect(card.getByTestId('link-console').filter({ hasText: /^dis -rl [0-9a-f]+$/ })).toHaveCount(1);
    // The unstripped qdrv.ko lies beside the dump: crash loads it and names the faulting line.
    await expect(card.getByTestId('oops-source-line')).toHaveText(/\.c: ?\d+/);
    await expect(card.getByTestId('oops-disassembly')).toContainText(truth.function);
    await page.screenshot({ path: path.join(shots, 'panic-view-oops-syscall-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});

test.describe('Panic view on softlockup-spin-6.12', () => {
  const truth = fixtureMeta('softlockup-spin-6.12').truth as unknown as Truth & { panic_task: { cpu: number; pid: number; comm: string } };
  let host: ServeHandle;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(startTimeoutMs + 30_000);
    ({ host, page } = await openDumpPage(browser, 'softlockup-spin-6.12', startTimeoutMs));
  });
  test.afterAll(() => closeDumpPage(host, page));

  test('the lockup and every CPU of bt -a, the stuck one marked with its task and module frames; axe clean', async () => {
    const cpus = Number(/CPUS: (\d+)/.exec(transcript('softlockup-spin-6.12', 'sys'))![1]);
    await openPanic(page, host);
    await expectVerdict(page, truth);
    const section = page.getByTestId('lockup-section');
    await expect(section.getByTestId('lockup-task')).toHaveText(`${truth.panic_task.comm} (pid ${truth.panic_task.pid})`);
    await expect(section.getByTestId('lockup-function')).toContainText(truth.function);
    await expect(section.getByTestId('lockup-function')).toContainText(`[${truth.module}]`);
    await expect(section.getByTestId('cpu-row')).toHaveCount(cpus);
    const stuck = section.locator(`[data-testid="cpu-row"][data-cpu="${truth.panic_task.cpu}"]`);
    await expect(stuck).toHaveClass(/lockup-row/);
    await expect(stuck).toContainText(truth.panic_task.comm);
    await expect(stuck).toContainText(`${truth.function}+`);
    await expect(stuck).toContainText(`module ${truth.module}`);
    await expect(stuck.getByTestId('link-console')).toHaveText(`bt -c ${truth.panic_task.cpu}`);
    await page.screenshot({ path: path.join(shots, 'panic-view-softlockup-spin-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});

test.describe('Panic view on oops-syscall-6.12-mdf172 (a dump makedumpfile 1.7.2 left incomplete)', () => {
  const truth = fixtureMeta('oops-syscall-6.12-mdf172').truth as unknown as Truth;
  let host: ServeHandle;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(startTimeoutMs + 30_000);
    ({ host, page } = await openDumpPage(browser, 'oops-syscall-6.12-mdf172', startTimeoutMs));
  });
  test.afterAll(() => closeDumpPage(host, page));

  test('still names the fault, the task and the module; axe clean', async () => {
    await openPanic(page, host);
    await expectVerdict(page, truth);
    await expect(page.getByTestId('oops-card').getByTestId('oops-function')).toContainText(truth.function);
    await page.screenshot({ path: path.join(shots, 'panic-view-oops-syscall-6.12-mdf172.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
