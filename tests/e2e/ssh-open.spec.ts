/**
 * Opening a dump on another machine from the page: the Open form with
 * ssh://root@127.0.0.1:PORT/path against a real sshd. The serve host's HOME has the authorized
 * key but no known_hosts entry for the server, so the page first shows the server's SHA256
 * fingerprint (as ssh-keygen prints it) with "Accept this host key"; accepting retries the open
 * and crash runs over SSH to the Overview. A host whose key changed is refused loudly, with no
 * accept button.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { keygen, startSshd, type Sshd } from '../support/sshd.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
let sshd: Sshd | undefined;
let host: ServeHandle | undefined;

/** A client home holding the sshd harness's authorized key and no known_hosts at all. */
function homeWithKeyOnly(name: string): string {
  const home = path.join(sshd!.dir, name);
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  for (const f of ['id_ed25519', 'id_ed25519.pub']) copyFileSync(path.join(sshd!.home, '.ssh', f), path.join(home, '.ssh', f));
  return home;
}

async function serveWithHome(home: string): Promise<ServeHandle> {
  return startServe({ env: { HOME: home, SSH_AUTH_SOCK: '', CRASHDECK_CRASH: crash806() } });
}

test.beforeAll(async () => {
  sshd = await startSshd({ name: 'e2e-open' });
});

test.afterAll(async () => {
  await sshd?.stop();
  sshd = undefined;
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('an ssh:// dump from an unknown host: the fingerprint is shown, accepted, and the Overview opens over SSH', async ({ page }) => {
  const home = homeWithKeyOnly('page-home');
  host = await serveWithHome(home);
  const truth = fixtureMeta('panic-sysrq');
  await page.goto(host.url);
  await page.getByLabel('vmcore path').fill(`ssh://root@127.0.0.1:${sshd!.port}${vmcorePath('panic-sysrq')}`);
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();

  const prompt = page.getByTestId('host-key-prompt');
  await expect(prompt).toHaveAttribute('data-code', 'host-key-unknown');
  await expect(prompt).toHaveAttribute('role', 'alert');
  // The fingerprint ssh-keygen computes for the server's key file, not one the app made up.
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
  await expect(prompt).toContainText(`[127.0.0.1]:${sshd!.port}`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'ssh-open-unknown-host.png') });

  await prompt.getByRole('button', { name: 'Accept this host key' }).click();
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  await expect(page.getByTestId('panic-message')).toHaveText(`Kernel panic - not syncing: ${truth.truth.panic_message}`);
  await expect(page.getByTestId('host-key-prompt')).toHaveCount(0);
  // crash ran on the far side of the SSH connection, not locally.
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd!.port}`);
  await page.screenshot({ path: path.join(shots, 'ssh-open-overview.png') });

  // Accepted keys go to the app's own known_hosts (not ~/.ssh/known_hosts), so next time no question.
  const appKnownHosts = path.join(home, '.config/crashdeck/known_hosts');
  expect(readFileSync(appKnownHosts, 'utf8')).toContain(`[127.0.0.1]:${sshd!.port} ${sshd!.hostKey}`);
  expect(existsSync(path.join(home, '.ssh/known_hosts'))).toBe(false);
});

test('an ssh:// dump from a host whose key changed is refused loudly, with no way to accept it', async ({ page }) => {
  const home = homeWithKeyOnly('changed-home');
  // known_hosts remembers another key for this host:port: the server's key "changed".
  const other = path.join(sshd!.dir, 'other_host_key');
  if (!existsSync(other)) keygen(other, '', 'some-other-host');
  const otherKey = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(path.join(home, '.ssh/known_hosts'), `[127.0.0.1]:${sshd!.port} ${otherKey}\n`);
  host = await serveWithHome(home);
  await page.goto(host.url);
  await page.getByLabel('vmcore path').fill(`ssh://root@127.0.0.1:${sshd!.port}${vmcorePath('panic-sysrq')}`);
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();

  const prompt = page.getByTestId('host-key-prompt');
  await expect(prompt).toHaveAttribute('data-code', 'host-key-changed');
  await expect(prompt).toContainText('CHANGED');
  await expect(prompt).toContainText('refused');
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(sshd!.hostKeyFingerprint);
  await expect(page.getByRole('button', { name: 'Accept this host key' })).toHaveCount(0);
  await expect(page.getByTestId('release')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'ssh-open-key-changed.png') });
});

test('serve --open ssh://... at start-up (a host ~/.ssh/known_hosts trusts) shows the remote dump on the first page', async ({ page }) => {
  host = await startServe({
    open: `ssh://root@127.0.0.1:${sshd!.port}${vmcorePath('panic-sysrq')}`,
    vmlinux: vmlinuxPath(),
    crash: crash806(),
    env: { HOME: sshd!.home, SSH_AUTH_SOCK: '' },
  });
  await page.goto(host.url);
  await expect(page.getByTestId('release')).toHaveText(fixtureMeta('panic-sysrq').kernel.release);
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd!.port}`);
});
