/**
 * SSH questions asked on the page: the serve host's HOME holds only a passphrase-protected key
 * (authorized on a real sshd, which allows no passwords) and a known_hosts trusting the server.
 * Opening ssh://… from the Open form shows a passphrase prompt; the right passphrase opens the
 * Overview over SSH, a wrong one is asked again, and Cancel ends in a clear auth-failed error.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { keygen, startSshd, type Sshd } from '../support/sshd.ts';
import { seriousViolations } from './axe.ts';
import { startServe, type ServeHandle } from './serve-host-fixture.ts';

const shots = path.join(repoRoot, 'test-results');
const passphrase = 'correct horse $(battery) staple';
let sshd: Sshd | undefined;
let host: ServeHandle | undefined;

/** A client home whose only key needs a passphrase; the server's key is already trusted. */
function homeWithProtectedKey(name: string): string {
  const home = path.join(sshd!.dir, name);
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  keygen(path.join(home, '.ssh', 'id_ed25519'), passphrase, 'protected-key');
  sshd!.authorize(path.join(home, '.ssh', 'id_ed25519.pub'));
  copyFileSync(path.join(sshd!.home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts'));
  return home;
}

async function openFromForm(page: import('@playwright/test').Page, home: string): Promise<void> {
  host = await startServe({ env: { HOME: home, SSH_AUTH_SOCK: '', CRASHDECK_CRASH: crash806() } });
  await page.goto(host.url);
  await page.getByLabel('vmcore path').fill(`ssh://root@127.0.0.1:${sshd!.port}${vmcorePath('panic-sysrq')}`);
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

test.beforeAll(async () => {
  sshd = await startSshd({ name: 'e2e-prompt' });
});

test.afterAll(async () => {
  await sshd?.stop();
  sshd = undefined;
});

test.afterEach(async () => {
  await host?.stop();
  host = undefined;
});

test('a passphrase-protected key: the page asks for the passphrase and the Overview opens over SSH', async ({ page }) => {
  await openFromForm(page, homeWithProtectedKey('pass-home'));
  const prompt = page.getByTestId('ssh-prompt');
  await expect(prompt).toHaveAttribute('data-kind', 'passphrase');
  await expect(prompt).toContainText(`root@127.0.0.1:${sshd!.port}`);
  const input = prompt.getByLabel(/Passphrase for key/);
  await expect(input).toHaveAttribute('type', 'password');
  await expect(input).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'ssh-prompt-passphrase.png') });

  await input.fill(passphrase);
  await prompt.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByTestId('release')).toHaveText(fixtureMeta('panic-sysrq').kernel.release);
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd!.port}`);
  await expect(page.getByTestId('ssh-prompt')).toHaveCount(0);
});

test('a wrong passphrase is asked again, and Cancel fails the open with a clear auth-failed message', async ({ page }) => {
  await openFromForm(page, homeWithProtectedKey('wrong-home'));
  const prompt = page.getByTestId('ssh-prompt');
  await prompt.getByLabel(/Passphrase for key/).fill('not the passphrase');
  await prompt.getByRole('button', { name: 'OK' }).click();
  await expect(prompt).toContainText('Wrong passphrase');
  await prompt.getByRole('button', { name: 'Cancel' }).click();

  const error = page.getByRole('alert').filter({ hasText: 'Permission denied' });
  await expect(error).toContainText(`root@127.0.0.1:${sshd!.port}`);
  await expect(page.getByTestId('ssh-prompt')).toHaveCount(0);
  await expect(page.getByTestId('release')).toHaveCount(0);
});
