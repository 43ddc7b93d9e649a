/**
 * Picking a remote dump from the page: "Browse" on an ssh:// address probes the host
 * (native-tools/probe.sh over a real sshd) in a crash directory laid out as kdump-tools does
 * (STAMP/dump.STAMP), lists the fixture dump with its size and the release read from its
 * header, and picking it fills the form; the debug vmlinux is picked from a directory listing;
 * Open then shows the Overview over SSH.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fixtureMeta, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { sshPageSetup } from './ssh-page.ts';

const setup = sshPageSetup('e2e-browse');

test('Browse probes the host, lists the kdump-tools dump, and picking dump and vmlinux opens it', async ({ page }) => {
  const sshd = setup.sshd();
  const crashDir = path.join(sshd.dir, 'crash dir');
  const stamp = '202611260456';
  mkdirSync(path.join(crashDir, stamp), { recursive: true });
  const dump = path.join(crashDir, stamp, `dump.${stamp}`);
  symlinkSync(vmcorePath('panic-sysrq'), dump);
  const truth = fixtureMeta('panic-sysrq');

  const host = await setup.serveWithHome(sshd.home);
  await page.goto(host.url);
  const address = `ssh://root@127.0.0.1:${sshd.port}`;
  await page.getByLabel('vmcore path').fill(`${address}/`);
  await page.getByRole('button', { name: `Browse ${address}` }).click();

  const browser = page.getByTestId('remote-browser');
  await browser.getByLabel(/Crash directory on/).fill(crashDir);
  await browser.getByRole('button', { name: 'Probe' }).click();
  const found = browser.getByTestId('probed-dump');
  await expect(found).toHaveCount(1);
  await expect(found).toContainText(dump);
  await expect(found).toContainText(`release: ${truth.kernel.release}`);
  await expect(found).toContainText('kdump-tools');
  expect(await seriousViolations(page)).toEqual([]);

  await found.getByRole('button', { name: `Use dump ${dump}` }).click();
  await expect(page.getByLabel('vmcore path')).toHaveValue(`${address}${encodeURI(dump)}`);

  // The vmlinux is not in a standard debuginfo place: reach it through the directory listing.
  const vmlinuxDir = path.dirname(vmlinuxPath());
  await browser.getByLabel('Directory', { exact: true }).fill(path.dirname(vmlinuxDir));
  await browser.getByRole('button', { name: 'List' }).click();
  await browser.getByRole('button', { name: `${path.basename(vmlinuxDir)}/` }).click();
  const listing = browser.getByRole('list', { name: `Contents of ${vmlinuxDir}` });
  await expect(listing).toContainText(path.basename(vmlinuxPath()));
  expect(statSync(vmlinuxPath()).isFile()).toBe(true);
  await listing.getByRole('button', { name: `Use ${path.basename(vmlinuxPath())} as vmlinux` }).click();
  await expect(page.getByLabel(/debug vmlinux path/)).toHaveValue(vmlinuxPath());

  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  await expect(page.getByRole('main')).toContainText(`on root@127.0.0.1:${sshd.port}`);
});
