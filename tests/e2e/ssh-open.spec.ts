/**
 * Opening a dump on another machine from the page: the Open form with
 * ssh://root@127.0.0.1:PORT/path against a real sshd. The serve host's HOME has the authorized
 * key but no known_hosts entry for the server, so the page first shows the server's SHA256
 * fingerprint (as ssh-keygen prints it) with "Accept this host key"; accepting retries the open
 * and crash runs over SSH to the Overview. A host whose key changed is refused loudly, with no
 * accept button.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crash806, fixtureMeta, repoRoot, vmlinuxPath } from '../support/fixtures.ts';
import { keygen } from '../support/sshd.ts';
import { seriousViolations } from './axe.ts';
import { clientHome, openSshDumpFromForm, sshDumpUrl, sshPageSetup } from './ssh-page.ts';

const shots = path.join(repoRoot, 'test-results');
const setup = sshPageSetup('e2e-open');

test('an ssh:// dump from an unknown host: the fingerprint is shown, accepted, and the Overview opens over SSH', async ({ page }) => {
  const sshd = setup.sshd();
  // The harness's authorized key and no known_hosts at all.
  const home = clientHome(sshd, 'page-home', 'harness', false);
  const host = await setup.serveWithHome(home);
  const truth = fixtureMeta('panic-sysrq');
  await openSshDumpFromForm(page, host, sshd);

  const prompt = page.getByTestId('host-key-prompt');
  await expect(prompt).toHaveAttribute('data-code', 'host-key-unknown');
  await expect(prompt).toHaveAttribute('role', 'alert');
  // The fingerprint ssh-keygen computes for the server's key file, not one the app made up.
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(sshd.hostKeyFingerprint);
  await expect(prompt).toContainText(`[127.0.0.1]:${sshd.port}`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'ssh-open-unknown-host.png') });

  await prompt.getByRole('button', { name: 'Accept this host key' }).click();
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  await expect(page.getByTestId('panic-message')).toHaveText(`Kernel panic - not syncing: ${truth.truth.panic_message}`);
  await expect(page.getByTestId('host-key-prompt')).toHaveCount(0);
  // crash ran on the far side of the SSH connection, not locally.
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd.port}`);
  await page.screenshot({ path: path.join(shots, 'ssh-open-overview.png') });

  // Accepted keys go to the app's own known_hosts (not ~/.ssh/known_hosts), so next time no question.
  const appKnownHosts = path.join(home, '.config/crashdeck/known_hosts');
  expect(readFileSync(appKnownHosts, 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ${sshd.hostKey}`);
  expect(existsSync(path.join(home, '.ssh/known_hosts'))).toBe(false);
});

test('an ssh:// dump from a host whose key changed is refused loudly, with no way to accept it', async ({ page }) => {
  const sshd = setup.sshd();
  const home = clientHome(sshd, 'changed-home', 'harness', false);
  // known_hosts remembers another key for this host:port: the server's key "changed".
  const other = path.join(sshd.dir, 'other_host_key');
  if (!existsSync(other)) keygen(other, '', 'some-other-host');
  const otherKey = readFileSync(`${other}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(path.join(home, '.ssh/known_hosts'), `[127.0.0.1]:${sshd.port} ${otherKey}\n`);
  await openSshDumpFromForm(page, await setup.serveWithHome(home), sshd);

  const prompt = page.getByTestId('host-key-prompt');
  await expect(prompt).toHaveAttribute('data-code', 'host-key-changed');
  await expect(prompt).toContainText('CHANGED');
  await expect(prompt).toContainText('refused');
  await expect(page.getByTestId('host-key-fingerprint')).toHaveText(sshd.hostKeyFingerprint);
  await expect(page.getByRole('button', { name: 'Accept this host key' })).toHaveCount(0);
  await expect(page.getByTestId('release')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'ssh-open-key-changed.png') });
});

test('serve --open ssh://... at start-up (a host ~/.ssh/known_hosts trusts) shows the remote dump on the first page', async ({ page }) => {
  const sshd = setup.sshd();
  const host = await setup.serve({
    open: sshDumpUrl(sshd),
    vmlinux: vmlinuxPath(),
    crash: crash806(),
    env: { HOME: sshd.home, SSH_AUTH_SOCK: '' },
  });
  await page.goto(host.url);
  await expect(page.getByTestId('release')).toHaveText(fixtureMeta('panic-sysrq').kernel.release);
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd.port}`);
});
