/**
 * The vertical slice in a real browser: `crashdeck serve --open` on a real vmcore with the real
 * crash, and the Overview shows what the fixture's ground truth says.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { crash802, crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let host: ServeHandle | undefined;

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('panic-sysrq: Overview shows release, panic message and the panicking task', async ({ page }) => {
  const truth = fixtureMeta('panic-sysrq');
  host = await startServe({ open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash806() });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // Nothing the page asks for is missing (the browser's /favicon.ico included).
  const notFound: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
  await page.goto(host.url);

  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  // crash prints the kernel's panic line; the truth has the message after "not syncing: ".
  await expect(page.getByTestId('panic-message')).toHaveText(`Kernel panic - not syncing: ${truth.truth.panic_message}`);
  await expect(page.getByTestId('panic-pid')).toHaveText(String(truth.truth.panic_task.pid));
  await expect(page.getByTestId('panic-comm')).toHaveText(truth.truth.panic_task.comm);
  // crash's [PARTIAL DUMP] named for what it is: makedumpfile's filtering at the dump's own level
  await expect(page.getByTestId('dumpfile')).toContainText(`filtered dump (level ${(truth as unknown as { vmcore: { dump_level: number } }).vmcore.dump_level}: `);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'ready');
  // Every later view is in the navigation already.
  const nav = page.getByRole('navigation', { name: 'Views' });
  for (const label of ['Overview', 'Processes', 'Slab', 'Zones', 'Memory map', 'Page flags', 'Log', 'Console', 'Traces', 'OOM wizard', 'Report']) {
    await expect(nav.getByRole('link', { name: new RegExp(`^${label}`) })).toBeVisible();
  }
  // A sysrq crash: the first screen names the panic line and the task, and asks no OOM question.
  await expect(page.getByTestId('first-screen')).toHaveAttribute('data-kind', 'sysrq');
  await expect(page.getByTestId('first-headline')).toContainText(truth.truth.panic_message);
  await expect(page.getByTestId('first-culprit')).toContainText(`${truth.truth.panic_task.comm} (pid ${truth.truth.panic_task.pid})`);
  await expect(page.getByTestId('quick-links').getByRole('link', { name: /OOM|memory|slab/i })).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'overview-panic-sysrq.png'), fullPage: true });
  expect(dialogs).toEqual([]);
  expect(notFound).toEqual([]);
});

test('crash 8.0.2 on a 6.1 dump: the Overview shows the crash-too-old diagnosis prominently', async ({ page }) => {
  host = await startServe({ open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash802() });
  await page.goto(host.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const diag = page.locator('[data-testid="diagnosis"][data-code="crash-too-old"]');
  await expect(diag).toBeVisible();
  await expect(diag).toContainText(/8\.0\.2|too old/i);
  await expect(page.getByTestId('crash-version')).toContainText('8.0.2');
  await page.screenshot({ path: path.join(shots, 'overview-crash-too-old.png'), fullPage: true });
});

test('hostile dump text (a comm like <img onerror>) is shown literally, never run', async ({ page }) => {
  // No fixture has a hostile process name, so the real host's replies are rewritten in flight:
  // the `bt` task's comm and the `sys` node name become markup, as a crafted dump could make them.
  const hostile = '<img src=x onerror=alert(1)>';
  host = await startServe({ open: vmcorePath('panic-sysrq'), vmlinux: vmlinuxPath(), crash: crash806() });
  const runIds = new Map<number, string>();
  await page.routeWebSocket(/\/api(\?|$)/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      const req = JSON.parse(String(m)) as { id: number; method: string; params: { command?: { id: string } } };
      if (req.method === 'session.run' && req.params.command) runIds.set(req.id, req.params.command.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { id?: number; ok?: boolean; result?: { parsed?: { model?: Record<string, unknown> } } };
      const cmd = msg.id === undefined ? undefined : runIds.get(msg.id);
      const model = msg.ok ? msg.result?.parsed?.model : undefined;
      if (cmd === 'bt' && model) (model.tasks as Array<{ command: string }>)[0]!.command = hostile;
      if (cmd === 'sys' && model) model.nodename = hostile;
      ws.send(JSON.stringify(msg));
    });
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(host.url);
  await expect(page.getByTestId('panic-comm')).toHaveText(hostile);
  await expect(page.getByTestId('nodename')).toHaveText(hostile);
  await expect(page.locator('main img')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'overview-hostile-comm.png') });
  expect(dialogs).toEqual([]);
});
