/**
 * The Overview's first screen and the Panic view end to end, one serve host per fixture. The
 * Overview leads with what the kind needs (hung: the wait chain to qholder and its stack, the
 * reporter khungtaskd apart from the culprit; Oops: the NULL dereference line, RIP with module,
 * registers, the Code: bytes; lockup: CPU, function, the lock held or waited for), asks no OOM
 * question, and its links land: a stack or a lock opens the Console already showing it,
 * Processes opens with the culprit and the owner marked and in view, the Log at the first
 * fault report.
 *
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

async function openOverview(page: Page, host: ServeHandle): Promise<void> {
  await page.goto(`${host.url}#/overview`);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('first-screen')).toBeVisible();
}

/** No question or nav entry offers an OOM analysis on a dump without an OOM report. */
async function expectNoOomQuestion(page: Page): Promise<void> {
  const links = page.getByTestId('quick-links');
  await expect(links).toBeVisible();
  await expect(links.getByRole('link', { name: /OOM|memory|slab/i })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /^OOM wizard/ })).toContainText('no OOM report in this dump');
}

/** A Console link lands on its output: shown without pressing Enter. */
async function expectConsoleShows(page: Page, command: string, text: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Console' })).toBeVisible();
  const entry = page.getByTestId('console-entry').filter({ hasText: command }).first();
  await expect(entry).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(entry).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('console-output')).toContainText(text, { timeout: 30_000 });
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

  test('Overview: the wait chain to the owner and its stack, how long blocked, reporter apart from culprit; no OOM question', async () => {
    await openOverview(page, host);
    const first = page.getByTestId('first-screen');
    await expect(first).toHaveAttribute('data-kind', 'hung-task');
    await expect(first.getByTestId('first-headline')).toContainText(`INFO: task ${truth.culprit_task.comm}:${truth.culprit_task.pid} blocked for more than`);
    await expect(first.getByTestId('first-culprit')).toContainText(`${truth.culprit_task.comm} (pid ${truth.culprit_task.pid})`);
    await expect(first.getByTestId('first-reporter')).toContainText('khungtaskd');
    await expect(first).toHaveAttribute('data-basis', 'crash', { timeout: 240_000 });
    const chain = first.locator(`[data-testid="wait-chain"][data-pid="${truth.culprit_task.pid}"]`);
    await expect(chain.getByTestId('chain-lock').locator('.text')).toHaveText(truth.lock!);
    await expect(chain.getByTestId('chain-owner').locator('.text')).toHaveText(truth.lock_holder!.comm);
    await expect(chain.getByTestId('owner-stack')).toContainText(truth.lock_holder_function!);
    // Frames carry their offsets, in hex as the kernel prints them (crash's `bt -s` writes them in decimal).
    await expect(chain.getByTestId('owner-stack')).toContainText(new RegExp(`${truth.lock_holder_function!}\\+0x[0-9a-f]+ \\[${truth.module}\\]`));
    // The time blocked comes from the dump (ps -m), not the detector's 10 s threshold.
    await expect(chain.getByTestId('chain-task')).toContainText(/blocked \d+\.\d s \(ps -m\)/);
    await expect(page.getByTestId('panic-task-reporter')).toContainText(truth.culprit_task.comm);
    // One uptime, the log's (crash's sys reads jiffies at an assumed HZ of 1000), said where it is from.
    await expect(page.getByTestId('uptime')).toContainText(/^3\d\.\d s/);
    await expect(page.getByTestId('uptime-source')).toContainText('kernel log');
    await expectNoOomQuestion(page);
    await page.screenshot({ path: path.join(shots, 'overview-first-screen-hung-mutex-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('Overview links land: bt of the owner and the mutex show their output, Processes marks both tasks in view, the Log opens at the report', async () => {
    const chain = page.getByTestId('first-screen').locator(`[data-testid="wait-chain"][data-pid="${truth.culprit_task.pid}"]`);
    await chain.getByTestId('chain-owner').getByTestId('link-console').focus();
    await page.keyboard.press('Enter');
    await expectConsoleShows(page, `bt ${truth.lock_holder!.pid}`, truth.lock_holder_function!);

    await page.goBack();
    await chain.getByTestId('chain-lock').getByTestId('link-console').click();
    await expectConsoleShows(page, `struct mutex ${truth.lock!}`, 'owner');

    await page.goBack();
    await chain.getByTestId('chain-owner').getByTestId('link-task').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Processes' })).toBeVisible();
    await expect(page.getByTestId('mark-owner')).toBeInViewport();
    await expect(page.getByTestId('mark-culprit')).toBeVisible();
    await expect(page.getByTestId('task-detail').getByRole('heading', { level: 2 })).toContainText(`PID ${truth.lock_holder!.pid} ${truth.lock_holder!.comm}`);

    await page.goBack();
    await page.getByTestId('quick-log').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Log' })).toBeVisible();
    await expect(page.locator('li.log-line.current')).toContainText(`INFO: task ${truth.culprit_task.comm}:${truth.culprit_task.pid} blocked for more than`);
  });

  test('verdict first, then the wait chain task → lock → owner → what the owner does; axe clean', async () => {
    await openPanic(page, host);
    await expectVerdict(page, truth);
    const chain = page.locator(`[data-testid="wait-chain"][data-pid="${truth.culprit_task.pid}"]`);
    await expect(chain.getByTestId('chain-task').locator('.text')).toHaveText(truth.culprit_task.comm);
    await expect(chain.getByTestId('chain-lock').locator('.text')).toHaveText(truth.lock!);
    await expect(chain.getByTestId('chain-owner').locator('.text')).toHaveText(truth.lock_holder!.comm);
    await expect(chain.getByTestId('chain-owner')).toContainText(`pid ${truth.lock_holder!.pid}`);
    await expect(chain.getByTestId('chain-owner-does').locator('.text')).toHaveText(truth.lock_holder_function!);
    // The time blocked from the dump (ps -m), not the hung-task detector's threshold.
    await expect(chain.getByTestId('chain-task')).toContainText(/blocked \d+\.\d s \(ps -m\)/);
    await expect(page.getByTestId('panic-oom')).toHaveCount(0);
    await page.screenshot({ path: path.join(shots, 'panic-view-hung-mutex-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('from the keyboard: the owner opens in Processes, the report in the Log, bt PID in the Console with its output', async () => {
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
    await expectConsoleShows(page, `bt ${truth.lock_holder!.pid}`, truth.lock_holder_function!);
  });
});

test.describe('Panic view on oops-syscall-6.12', () => {
  test.describe.configure({ mode: 'serial' });
  const truth = fixtureMeta('oops-syscall-6.12').truth as unknown as Truth;
  let host: ServeHandle;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(startTimeoutMs + 30_000);
    ({ host, page } = await openDumpPage(browser, 'oops-syscall-6.12', startTimeoutMs));
  });
  test.afterAll(() => closeDumpPage(host, page));

  test('Overview: the NULL dereference line as headline, RIP with its module, registers and code; no OOM question', async () => {
    await openOverview(page, host);
    const first = page.getByTestId('first-screen');
    await expect(first).toHaveAttribute('data-kind', 'oops');
    await expect(first.getByTestId('first-headline')).toContainText('BUG: kernel NULL pointer dereference, address:');
    await expect(page.getByTestId('verdict-message')).toContainText('NULL pointer dereference');
    await expect(first.getByTestId('first-rip')).toContainText(`${truth.function}`);
    await expect(first.getByTestId('first-rip')).toContainText(`[${truth.module}]`);
    await expect(first.getByTestId('first-registers')).toContainText('CR2');
    await expect(first.getByTestId('first-code').locator('mark')).toHaveText(/^[0-9a-f]{2}$/);
    // The Code: bytes disassembled around RIP: the instruction at RIP reads the address the BUG line names.
    const address = /address: ([0-9a-f]+)/.exec((await first.getByTestId('first-headline').textContent()) ?? '')![1]!;
    const atRip = first.getByTestId('first-code-dis').locator('tr.rip');
    await expect(atRip).toContainText('RIP');
    await expect(atRip).toContainText(`0x${BigInt(`0x${address}`).toString(16)}`);
    await expect(first).toHaveAttribute('data-basis', 'crash', { timeout: 240_000 });
    await expect(first.getByTestId('oops-source-line')).toHaveText(/\.c: ?\d+/);
    await expect(page.getByTestId('panic-message')).toContainText('NULL pointer dereference');
    await expectNoOomQuestion(page);
    await page.screenshot({ path: path.join(shots, 'overview-first-screen-oops-syscall-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    // The code from RIP on (crash's dis -rl in the card shows it up to RIP): the link lands on its output.
    await first.getByTestId('link-console').filter({ hasText: /^dis -l [0-9a-f]+ 8$/ }).click();
    await expectConsoleShows(page, 'dis -l', truth.function);
    await page.goBack();
  });

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
  test.describe.configure({ mode: 'serial' });
  const truth = fixtureMeta('softlockup-spin-6.12').truth as unknown as Truth & { panic_task: { cpu: number; pid: number; comm: string } };
  let host: ServeHandle;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(startTimeoutMs + 30_000);
    ({ host, page } = await openDumpPage(browser, 'softlockup-spin-6.12', startTimeoutMs));
  });
  test.afterAll(() => closeDumpPage(host, page));

  test('Overview: CPU, task, spinning function, the lock held or waited for, the other CPUs; no OOM question', async () => {
    await openOverview(page, host);
    const first = page.getByTestId('first-screen');
    await expect(first).toHaveAttribute('data-kind', 'soft-lockup');
    await expect(first.getByTestId('first-headline')).toContainText(`soft lockup - CPU#${truth.panic_task.cpu} stuck for`);
    await expect(first.getByTestId('first-lockup-cpu')).toHaveText(String(truth.panic_task.cpu));
    await expect(first.getByTestId('first-lockup-function')).toContainText(`${truth.function}+0x`);
    await expect(first.getByTestId('first-lockup-function')).toContainText(`[${truth.module}]`);
    await expect(first.getByTestId('first-reporter')).toContainText('watchdog');
    await expect(first).toHaveAttribute('data-basis', 'crash', { timeout: 240_000 });
    // qdrv.c (the fixture's module) takes qdrv_hw_lock and then spins on a status word with it held.
    await expect(first.getByTestId('first-lockup-lock')).toContainText('qdrv_hw_lock: held by the spinning task');
    await expect(first.locator(`[data-testid="cpu-row"][data-cpu="${truth.panic_task.cpu}"]`)).toContainText(`${truth.function}+0x`);
    await expect(first.getByTestId('cpu-row')).not.toHaveCount(0);
    await expectNoOomQuestion(page);
    await page.screenshot({ path: path.join(shots, 'overview-first-screen-softlockup-spin-6.12.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });

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
