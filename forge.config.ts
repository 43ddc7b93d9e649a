/**
 * Electron Forge: `npm start` (dev, Vite dev server for the renderer) and `npm run package`
 * (out/crashdeck-linux-x64), which electron-builder.yml turns into deb/rpm/AppImage installers
 * (`npm run dist`). Neither can run in CI here (no Electron binary); tests/unit/electron/
 * packaging-config.test.ts checks this file and its hook on paper.
 *
 * Build layout (.vite/): build/main.js and build/import-worker.js (ESM: package.json is
 * "type": "module"), build/preload.cjs (CommonJS: sandboxed preloads are plain scripts),
 * renderer/main_window/.
 */
import { cp, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Packages the main bundle leaves external (vite.main.config.ts): ssh2 carries native parts
 * (its crypto binding, optional cpu-features) that a bundler cannot inline; yauzl and yazl
 * (case bundles) are CommonJS that `require` Node builtins, which an ESM bundle cannot do.
 */
export const nativeExternals = ['ssh2', 'yauzl', 'yazl'] as const;

/** Directory of an installed package as Node would resolve it from `fromDir`. */
function packageDir(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/**
 * The installed packages `names` need at runtime (dependencies and installed optional ones),
 * as [name, directory] pairs. The Vite plugin packages only .vite/, so these are copied in.
 */
export async function runtimeClosure(names: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const queue: [string, string][] = names.map((n) => [n, root]);
  while (queue.length) {
    const [name, from] = queue.shift()!;
    if (found.has(name)) continue;
    const dir = packageDir(name, from);
    if (dir === null) continue; // an optional dependency that is not installed
    found.set(name, dir);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push([dep, dir]);
  }
  return found;
}

/** Copy the native externals and their runtime dependencies into the app being packaged. */
export async function copyNativeExternals(buildPath: string): Promise<string[]> {
  const closure = await runtimeClosure(nativeExternals);
  for (const [name, dir] of closure) {
    await cp(dir, path.join(buildPath, 'node_modules', name), { recursive: true, dereference: true });
  }
  return [...closure.keys()];
}

/** The Forge configuration. */
export const config: ForgeConfig = {
  packagerConfig: {
    name: 'crashdeck',
    executableName: 'crashdeck',
    appBundleId: 'io.github.crashdeck',
    icon: path.join(root, 'resources/icons/512x512'),
    // Native modules must live outside the asar to be loadable.
    asar: { unpack: '**/node_modules/{ssh2,cpu-features}/**/*.node' },
    // The demo case (opened when no dump is given) and the remote probe script, found under
    // process.resourcesPath at run time.
    extraResource: ['resources/demo', 'native-tools'],
  },
  rebuildConfig: { onlyModules: ['ssh2', 'cpu-features'] },
  makers: [],
  hooks: {
    packageAfterCopy: async (_forgeConfig, buildPath) => {
      await copyNativeExternals(buildPath);
    },
  },
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
        // Trace imports run in a worker_thread that loads import-worker.js beside main.js.
        { entry: 'electron/trace/import-worker.ts', config: 'vite.worker.config.ts', target: 'main' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    // Flip Electron's fuses at package time (checklist: "Use fuses"). Every fuse is set
    // explicitly so an Electron upgrade adding one fails the package step instead of defaulting.
    new FusesPlugin({
      version: FuseVersion.V1,
      strictlyRequireAllFuses: true,
      // `ELECTRON_RUN_AS_NODE=1 crashdeck` must not turn the app into a Node with our privileges.
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      // Off: the page comes from the privileged crashdeck:// scheme (shell/app-protocol.ts), so
      // file:// pages need no extra powers. See docs/SECURITY.md, item 18.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
