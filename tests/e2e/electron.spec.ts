/**
 * The desktop app end to end, through Playwright's `_electron`: the scenario of overview.spec.ts
 * (panic-sysrq on the Overview) with the dump given on the app's command line, as a file manager
 * or `crashdeck /var/crash/.../dump` would, crash 8.0.6 through CRASHDECK_CRASH and the debug
 * vmlinux found by discovery (CRASHDECK_DEBUGINFO_DIRS).
 *
 * It needs a real Electron binary: ELECTRON_PATH, or the one `node_modules/electron` downloads
 * on install. Without one the test is reported as skipped with the reason — never silently
 * passed. An ELECTRON_PATH that does not run fails the test: it was asked for. On Linux the app
 * also needs a display (run under `xvfb-run` in CI).
 *
 * Before launching, main, preload, the trace worker and the renderer are built with the Vite
 * configs of forge.config.ts, resolved by @electron-forge/plugin-vite's own config generator
 * (what `electron-forge package` runs), into a temporary app directory, so nothing is written
 * into the checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { crash806, fixtureMeta, repoRoot, vmcorePath, vmlinuxPath } from '../support/fixtures.ts';

const require = createRequire(import.meta.url);
const shots = path.join(repoRoot, 'test-results');

/** An Electron to run, or why there is none. */
type ElectronLookup = { path: string; version: string } | { path: null; reason: string };

/** `<binary> --version`, or the error saying why it does not run. */
function electronVersion(binary: string): { version: string } | { error: string } {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
    return { version: out.trim() };
  } catch (err) {
    return { error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

const howToGetOne =
  'set ELECTRON_PATH to an Electron 38 executable, or download the binary of the installed electron package ' +
  '(`node node_modules/electron/install.js`; it needs github.com and is skipped when installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)';

/** ELECTRON_PATH, else the binary of node_modules/electron if it was downloaded and runs. */
function findElectron(): ElectronLookup {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) {
    // Asked for explicitly: a broken path must fail the run, not skip it.
    const v = electronVersion(fromEnv);
    if ('error' in v) throw new Error(`ELECTRON_PATH=${fromEnv} does not run: ${v.error}`);
    return { path: fromEnv, version: v.version };
  }
  let binary: string;
  try {
    binary = require('electron') as string;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { path: null, reason: `No Electron binary: ELECTRON_PATH is not set and node_modules/electron has none (${why}). To run this test, ${howToGetOne}.` };
  }
  if (!existsSync(binary)) return { path: null, reason: `No Electron binary: node_modules/electron points at ${binary}, which does not exist. To run this test, ${howToGetOne}.` };
  const v = electronVersion(binary);
  if ('error' in v) return { path: null, reason: `No working Electron binary: ${binary} --version failed (${v.error}). To run this test, ${howToGetOne}.` };
  return { path: binary, version: v.version };
}

const found = findElectron();
// The reason is the skip annotation in Playwright's reports; the list reporter shows only "-", so say it on stderr too.
if (found.path === null && process.env.TEST_WORKER_INDEX === undefined) process.stderr.write(`electron.spec.ts: skipped: ${found.reason}\n`);
test.skip(found.path === null, found.path === null ? found.reason : '');

interface ViteConfigGenerator {
  getBuildConfigs(): Promise<Record<string, unknown>[]>;
  getRendererConfig(): Promise<Record<string, unknown>[]>;
}

/**
 * Build the desktop app into `appDir` the way Forge does (its config generator over the Vite
 * plugin's entries in forge.config.ts), plus what `electron <appDir>` needs beside the bundles:
 * package.json ("main"), node_modules (ssh2 stays external) and resources/ (the demo case).
 */
async function buildDesktopApp(appDir: string): Promise<void> {
  const { build } = await import('vite');
  const { config } = await import('../../forge.config.ts');
  const plugin = (config.plugins ?? []).find((p) => (p as { name?: string }).name === 'vite') as unknown as { config: unknown } | undefined;
  if (!plugin) throw new Error('forge.config.ts has no Vite plugin');
  const Generator = (require('@electron-forge/plugin-vite/dist/ViteConfig.js') as { default: new (pluginConfig: unknown, projectDir: string, isProd: boolean) => ViteConfigGenerator }).default;
  const generator = new Generator(plugin.config, repoRoot, true);
  const into = async (configs: Record<string, unknown>[], outDir: string): Promise<void> => {
    for (const c of configs) {
      await build({ ...c, configFile: false, logLevel: 'warn', build: { ...(c.build as object), outDir, emptyOutDir: false, watch: null } });
    }
  };
  await into(await generator.getBuildConfigs(), path.join(appDir, '.vite/build'));
  await into(await generator.getRendererConfig(), path.join(appDir, '.vite/renderer/main_window'));
  for (const f of ['build/main.js', 'build/preload.cjs', 'build/import-worker.js', 'renderer/main_window/index.html']) {
    if (!existsSync(path.join(appDir, '.vite', f))) throw new Error(`the Forge Vite build wrote no .vite/${f}`);
  }
  await writeFile(path.join(appDir, 'package.json'), JSON.stringify({ name: 'crashdeck', productName: 'crashdeck', type: 'module', main: '.vite/build/main.js' }));
  await symlink(path.join(repoRoot, 'node_modules'), path.join(appDir, 'node_modules'));
  await symlink(path.join(repoRoot, 'resources'), path.join(appDir, 'resources'));
}

let work: string | undefined;
let app: ElectronApplication | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  work = await mkdtemp(path.join(tmpdir(), 'crashdeck-electron-e2e-'));
  await buildDesktopApp(path.join(work, 'app'));
});

test.afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test.afterEach(async () => {
  // Quitting runs before-quit, which stops the crash session.
  await app?.close();
  app = undefined;
});

test('desktop app: panic-sysrq from the command line; Overview shows release, panic message and the panicking task', async () => {
  const truth = fixtureMeta('panic-sysrq');
  const vmcore = vmcorePath('panic-sysrq');
  // Discovery finds the fixtures' vmlinux under its release name in a debuginfo directory.
  const debuginfo = path.join(work!, 'debuginfo');
  await mkdir(debuginfo);
  await symlink(vmlinuxPath(), path.join(debuginfo, `vmlinux-${truth.kernel.release}`));
  const config = path.join(work!, 'config');
  await mkdir(config);

  app = await electron.launch({
    executablePath: found.path!,
    // `electron <app dir> <dump>`: the dump is the launch's own path (electron/shell/single-instance.ts).
    args: [path.join(work!, 'app'), vmcore],
    cwd: path.dirname(vmcore),
    env: {
      ...(process.env as Record<string, string>),
      CRASHDECK_CRASH: crash806(),
      CRASHDECK_DEBUGINFO_DIRS: debuginfo,
      // A fresh userData (recent dumps, window state, IndexedDB cache, single-instance lock).
      XDG_CONFIG_HOME: config,
    },
    timeout: 120_000,
  });
  const page = await app.firstWindow();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  // The packaged page's own scheme, with the bridge and without Node.
  await expect(page).toHaveURL(/^crashdeck:\/\/app\//);
  expect(await page.evaluate(() => ({ bridge: (globalThis as { crashdeck?: { kind?: string } }).crashdeck?.kind, require: typeof (globalThis as { require?: unknown }).require, process: typeof (globalThis as { process?: unknown }).process }))).toEqual({
    bridge: 'electron',
    require: 'undefined',
    process: 'undefined',
  });
  await expect(page.getByTestId('release')).toHaveText(truth.kernel.release);
  // crash prints the kernel's panic line; the truth has the message after "not syncing: ".
  await expect(page.getByTestId('panic-message')).toHaveText(`Kernel panic - not syncing: ${truth.truth.panic_message}`);
  await expect(page.getByTestId('panic-pid')).toHaveText(String(truth.truth.panic_task.pid));
  await expect(page.getByTestId('panic-comm')).toHaveText(truth.truth.panic_task.comm);
  // crash's [PARTIAL DUMP] named for what it is: makedumpfile's filtering at the dump's own level
  await expect(page.getByTestId('dumpfile')).toContainText(`filtered dump (level ${(truth as unknown as { vmcore: { dump_level: number } }).vmcore.dump_level}: `);
  await expect(page.getByTestId('session-status')).toHaveAttribute('data-state', 'ready');
  await page.screenshot({ path: path.join(shots, 'overview-electron-panic-sysrq.png'), fullPage: true });
  expect(dialogs).toEqual([]);
});
