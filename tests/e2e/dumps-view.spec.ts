/**
 * The Dumps view: two real sshd hosts (picked from the serve host's ~/.ssh/config) and this
 * machine's crash directory, every dump triaged from its own log and streamed in grouped by
 * bucket, ordered by crash time on request, and one opened in a click. Each row's first cell
 * says whether the dump is complete: the incomplete -mdf172 dump (confirmed earlier by
 * `triage --all --confirm` with real crash 8.0.6, which the shared index remembers) shows its
 * counts; a verdict from the log alone says completeness needs crash.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crash806, fixtureFile, fixtureMeta, repoRoot, vmlinuxPath, type Scenario } from '../support/fixtures.ts';
import { runCrashdeck } from '../support/cli.ts';
import { placeDump, startFleetHosts, type FleetHosts } from '../support/fleet-hosts.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let fleet: FleetHosts;
let host: ServeHandle;
let cache: string;
let localDir: string;
/** The incomplete dump, in a directory of its own that the CLI confirmed before the view runs. */
let confirmedDir: string;
let mdfPath: string;
/** What a bucket is headed by: an Oops by the first fault line of its own log (as the kernel printed it), else the panic message. */
function headlineOf(s: Scenario): string {
  const t = fixtureMeta(s).truth;
  if (t.panic_type !== 'oops' && t.panic_type !== 'bug') return t.panic_message as string;
  return /(?:BUG: |kernel BUG at )[^\n]*/.exec(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8'))![0];
}
const inc = (fixtureMeta('oops-syscall-6.12-mdf172').truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;

test.beforeAll(async () => {
  // Starting the fleet hosts and one crash session for the confirmed run: more than a test's share on a loaded machine.
  test.setTimeout(420_000);
  fleet = await startFleetHosts([
    { dumps: [['oom-slab-leak', 2], ['panic-sysrq', 1]] },
    { dumps: [['panic-sysrq', 1], ['hung-mutex-6.12', 1]] },
  ]);
  localDir = path.join(fleet.root, 'local-crash');
  mkdirSync(localDir);
  placeDump(localDir, 'oom-slab-leak');
  cache = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-e2e-fleet-cache-'));
  confirmedDir = path.join(fleet.root, 'confirmed-crash');
  mkdirSync(confirmedDir);
  mdfPath = placeDump(confirmedDir, 'oops-syscall-6.12-mdf172');
  // What a user's nightly `triage --all --confirm` leaves in the index the Dumps view shares (one crash start).
  const seeded = await runCrashdeck(['triage', '--all', confirmedDir, '--jsonl', '--confirm', '--crash', crash806(), '--debuginfo-dir', path.dirname(vmlinuxPath('oops-syscall-6.12-mdf172'))], { HOME: fleet.home, XDG_CACHE_HOME: cache }, { timeoutMs: 240_000 });
  if (seeded.code !== 0 || !seeded.stdout.includes('"incomplete"')) throw new Error(`seeding the index with a confirmed run failed: ${seeded.stderr}`);
  host = await startServe({ env: { HOME: fleet.home, SSH_AUTH_SOCK: '', XDG_CACHE_HOME: cache, CRASHDECK_CRASH: crash806() } });
});

test.afterAll(async () => {
  await host?.stop();
  await fleet?.stop();
  if (cache) rmSync(cache, { recursive: true, force: true });
});

test('picks hosts from ~/.ssh/config, streams every dump grouped by bucket, orders by time, opens one in a click', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-dumps').click();
  await expect(page.getByRole('heading', { name: 'Dumps', level: 1 })).toBeVisible();
  const picker = page.getByTestId('config-hosts');
  await picker.getByLabel('h1').check();
  await picker.getByLabel('h2').check();
  await page.getByLabel('Crash directory on the hosts').fill(fleet.hosts[0]!.dir);
  // h2 keeps its dumps elsewhere: typed as a full target instead of picked.
  await picker.getByLabel('h2').uncheck();
  await page.getByLabel(/^Other hosts/).fill(`h2:${fleet.hosts[1]!.dir} ${confirmedDir}`);
  await page.getByLabel('This machine:').check();
  await page.getByLabel('Crash directory on this machine').fill(localDir);
  await page.getByRole('button', { name: 'Triage all dumps' }).click();

  await expect(page.getByTestId('fleet-status')).toContainText('Done', { timeout: 120_000 });
  const all: [string, Scenario][] = [...fleet.hosts.flatMap((h) => [...h.dumps.entries()]), [path.join(localDir, '-'), 'oom-slab-leak'], [mdfPath, 'oops-syscall-6.12-mdf172']];
  await expect(page.getByTestId('fleet-dump')).toHaveCount(all.length);
  // One bucket per bug: four scenarios, four buckets, each holding that scenario's copies.
  const buckets = page.getByTestId('bucket');
  await expect(buckets).toHaveCount(4);
  // Completeness, first in every row: the confirmed incomplete dump with crash's counts, the others unchecked (log only).
  const mdfRow = page.getByTestId('fleet-dump').filter({ hasText: mdfPath });
  await expect(mdfRow).toHaveAttribute('data-completeness', 'incomplete');
  await expect(mdfRow.locator('td').first().getByTestId('completeness-badge')).toHaveText(`Incomplete dump: ${inc.crash_ps_tasks} of ${inc.tasks_in_kernel} tasks`);
  await expect(page.locator('[data-testid="completeness-badge"][data-state="incomplete"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="completeness-badge"][data-state="unknown"]')).toHaveCount(all.length - 1);
  for (const row of await page.getByTestId('fleet-dump').filter({ hasNotText: mdfPath }).all()) await expect(row.locator('td').first()).toHaveText('completeness: needs crash');
  const counts = new Map<Scenario, number>();
  for (const [, s] of all) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const [s, n] of counts) {
    const release = fixtureMeta(s).kernel.release;
    const b = buckets.filter({ has: page.getByText(headlineOf(s), { exact: false }) });
    await expect(b, s).toHaveCount(1);
    await expect(b.getByTestId('fleet-dump'), s).toHaveCount(n);
    await expect(b, s).toContainText(release);
  }
  // The sysrq bucket spans both SSH hosts.
  const sysrq = buckets.filter({ hasText: 'sysrq triggered crash' });
  await expect(sysrq).toContainText(`127.0.0.1:${fleet.hosts[0]!.sshd.port}`);
  await expect(sysrq).toContainText(`127.0.0.1:${fleet.hosts[1]!.sshd.port}`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'dumps-view.png'), fullPage: true });

  // Ordered by crash time: bucket by bucket, oldest first, then newest first.
  const firstTimes = async (): Promise<string[]> => buckets.evaluateAll((els) => els.map((e) => e.querySelector('td.time')?.textContent ?? ''));
  await page.getByTestId('fleet-sort').selectOption('oldest');
  const asc = await firstTimes();
  expect(asc).toEqual([...asc].sort());
  await page.getByTestId('fleet-sort').selectOption('newest');
  const desc = await firstTimes();
  expect(desc).toEqual([...desc].sort().reverse());

  // Open the hung-task dump on h2: the app leaves the Dumps list for that very dump.
  const hung = buckets.filter({ hasText: 'hung_task' });
  const hungPath = [...fleet.hosts[1]!.dumps].find(([, s]) => s === 'hung-mutex-6.12')![0];
  await hung.getByRole('button', { name: 'Open' }).click();
  // The host has no debug vmlinux for it: the dump still opens (its own log's verdict), on that host.
  // The header shows a long path with a middle ellipsis and the whole path on hover.
  await expect(page.locator('.dump-title')).toHaveAttribute('title', hungPath, { timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Dumps', level: 1 })).toHaveCount(0);
  await expect(page.getByRole('main')).toContainText(fixtureMeta('hung-mutex-6.12').kernel.release);
});
