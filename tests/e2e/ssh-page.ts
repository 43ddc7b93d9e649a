/**
 * Set-up shared by the e2e tests that open a dump over SSH from the page: one real sshd per spec
 * file, one serve host per test (stopped after it), client homes that hold just what a test
 * needs, and filling the Open form with the fixture dump as an ssh:// address.
 */
import { test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { crash806, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';
import { keygen, startSshd, type Sshd } from '../support/sshd.ts';
import { startServe, type ServeHandle, type ServeOptions } from './serve-host-fixture.ts';

/** The spec file's sshd and the running test's serve host. */
export interface SshPageSetup {
  /** The sshd of this spec file (started in beforeAll). */
  sshd(): Sshd;
  /** Start this test's serve host; it is stopped after the test. */
  serve(options: ServeOptions): Promise<ServeHandle>;
  /** Start this test's serve host with HOME=home, no ssh-agent, and crash 8.0.6. */
  serveWithHome(home: string): Promise<ServeHandle>;
}

/** Register the hooks of an SSH page spec: call once at the top of the file. */
export function sshPageSetup(name: string): SshPageSetup {
  let sshd: Sshd | undefined;
  let host: ServeHandle | undefined;
  test.beforeAll(async () => {
    sshd = await startSshd({ name });
  });
  test.afterAll(async () => {
    await sshd?.stop();
    sshd = undefined;
  });
  test.afterEach(async () => {
    await host?.stop();
    host = undefined;
  });
  const serve = async (options: ServeOptions): Promise<ServeHandle> => {
    host = await startServe(options);
    return host;
  };
  return {
    sshd: () => {
      if (!sshd) throw new Error('sshd is not running (sshPageSetup hooks not run)');
      return sshd;
    },
    serve,
    serveWithHome: (home) => serve({ env: { HOME: home, SSH_AUTH_SOCK: '', CRASHDECK_CRASH: crash806() } }),
  };
}

/**
 * A fresh client home in the sshd's temp dir: `key` 'harness' copies the harness's authorized
 * key, { passphrase } makes and authorizes a new key that needs it; `trustServer` copies the
 * harness's known_hosts (else there is none, so the server's key is unknown).
 */
export function clientHome(sshd: Sshd, name: string, key: 'harness' | { passphrase: string }, trustServer: boolean): string {
  const home = path.join(sshd.dir, name);
  const dotSsh = path.join(home, '.ssh');
  mkdirSync(dotSsh, { recursive: true, mode: 0o700 });
  if (key === 'harness') {
    for (const f of ['id_ed25519', 'id_ed25519.pub']) copyFileSync(path.join(sshd.home, '.ssh', f), path.join(dotSsh, f));
  } else {
    keygen(path.join(dotSsh, 'id_ed25519'), key.passphrase, 'protected-key');
    sshd.authorize(path.join(dotSsh, 'id_ed25519.pub'));
  }
  if (trustServer) copyFileSync(path.join(sshd.home, '.ssh', 'known_hosts'), path.join(dotSsh, 'known_hosts'));
  return home;
}

/** The panic-sysrq fixture dump as ssh://root@127.0.0.1:PORT/path on this sshd. */
export function sshDumpUrl(sshd: Sshd): string {
  return `ssh://root@127.0.0.1:${sshd.port}${vmcorePath('panic-sysrq')}`;
}

/** Go to the serve host, fill the Open form with the fixture dump over SSH and its vmlinux, and press Open. */
export async function openSshDumpFromForm(page: Page, host: ServeHandle, sshd: Sshd): Promise<void> {
  await page.goto(host.url);
  await page.getByLabel('vmcore path').fill(sshDumpUrl(sshd));
  await page.getByLabel(/debug vmlinux path/).fill(vmlinuxPath());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}
