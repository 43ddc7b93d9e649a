/**
 * SSH questions asked on the page: the serve host's HOME holds only a passphrase-protected key
 * (authorized on a real sshd, which allows no passwords) and a known_hosts trusting the server.
 * Opening ssh://… from the Open form shows a passphrase prompt; the right passphrase opens the
 * Overview over SSH, a wrong one is asked again, and Cancel ends in a clear auth-failed error.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { fixtureMeta, repoRoot } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { clientHome, openSshDumpFromForm, sshPageSetup } from './ssh-page.ts';

const shots = path.join(repoRoot, 'test-results');
const passphrase = 'correct horse $(battery) staple';
const setup = sshPageSetup('e2e-prompt');

/** Open the fixture over SSH from the form, as a user whose only key needs the passphrase (the server's key is trusted). */
async function openWithProtectedKey(page: import('@playwright/test').Page, name: string): Promise<void> {
  const sshd = setup.sshd();
  const host = await setup.serveWithHome(clientHome(sshd, name, { passphrase }, true));
  await openSshDumpFromForm(page, host, sshd);
}

test('a passphrase-protected key: the page asks for the passphrase and the Overview opens over SSH', async ({ page }) => {
  await openWithProtectedKey(page, 'pass-home');
  const sshd = setup.sshd();
  const prompt = page.getByTestId('ssh-prompt');
  await expect(prompt).toHaveAttribute('data-kind', 'passphrase');
  await expect(prompt).toContainText(`root@127.0.0.1:${sshd.port}`);
  const input = prompt.getByLabel(/Passphrase for key/);
  await expect(input).toHaveAttribute('type', 'password');
  await expect(input).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(shots, 'ssh-prompt-passphrase.png') });

  await input.fill(passphrase);
  await prompt.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByTestId('release')).toHaveText(fixtureMeta('panic-sysrq').kernel.release);
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd.port}`);
  await expect(page.getByTestId('ssh-prompt')).toHaveCount(0);
});

test('a wrong passphrase is asked again, and Cancel fails the open with a clear auth-failed message', async ({ page }) => {
  await openWithProtectedKey(page, 'wrong-home');
  const sshd = setup.sshd();
  const prompt = page.getByTestId('ssh-prompt');
  await prompt.getByLabel(/Passphrase for key/).fill('not the passphrase');
  await prompt.getByRole('button', { name: 'OK' }).click();
  await expect(prompt).toContainText('Wrong passphrase');
  await prompt.getByRole('button', { name: 'Cancel' }).click();

  const error = page.getByRole('alert').filter({ hasText: 'Permission denied' });
  await expect(error).toContainText(`root@127.0.0.1:${sshd.port}`);
  await expect(page.getByTestId('ssh-prompt')).toHaveCount(0);
  await expect(page.getByTestId('release')).toHaveCount(0);
});
