/**
 * The desktop packaging, checked without an Electron binary: forge.config.ts (fuses, entries,
 * native externals hook), the main/worker/preload bundles built with Forge's own Vite configs
 * merged with ours, electron-builder.yml against electron-builder's schema, and the icons.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { build, loadConfigFromFile, type UserConfig } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { config, copyNativeExternals } from '../../../forge.config.ts';
import { repoRoot } from '../../support/fixtures.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): unknown };

type ForgeGetConfig = (env: unknown, user: UserConfig) => UserConfig;
const forgeMain = (require('@electron-forge/plugin-vite/dist/config/vite.main.config.js') as { getConfig: ForgeGetConfig }).getConfig;
const forgePreload = (require('@electron-forge/plugin-vite/dist/config/vite.preload.config.js') as { getConfig: ForgeGetConfig }).getConfig;

/** Build one Forge `build` entry the way @electron-forge/plugin-vite does, into `outDir`. */
async function forgeBuild(entry: { entry: string; config: string; target?: string }, outDir: string): Promise<void> {
  const env = {
    root: repoRoot,
    mode: 'production',
    command: 'build',
    forgeConfigSelf: entry,
    forgeConfig: { renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }] },
  };
  const user = (await loadConfigFromFile({ command: 'build', mode: 'production' }, path.join(repoRoot, entry.config), repoRoot, 'silent'))!.config;
  const merged = (entry.target === 'preload' ? forgePreload : forgeMain)(env, user);
  await build({ ...merged, configFile: false, logLevel: 'silent', build: { ...merged.build, outDir, minify: false, watch: null } });
}

const plugins = config.plugins as unknown as { name: string; fusesConfig?: Record<number, boolean>; config?: { build: { entry: string; config: string; target?: string }[]; renderer: { name: string; config: string }[] } }[];
const vite = plugins.find((p) => p.name === 'vite')!;

describe('forge.config.ts', () => {
  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar-only with integrity; cookies encrypted; no extra file:// powers', () => {
    const fuses = plugins.find((p) => p.fusesConfig)!.fusesConfig!;
    expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    // The page is served from crashdeck://, so file:// keeps plain browser powers.
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    // Every fuse Electron knows is set explicitly.
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    for (const f of known) expect(typeof fuses[f as number], `fuse ${f}`).toBe('boolean');
  });

  it('builds main, preload and the renderer from the project entries', () => {
    const entries = vite.config!.build.map((b) => b.entry);
    expect(entries).toContain('electron/main.ts');
    expect(entries).toContain('electron/preload.ts');
    expect(vite.config!.renderer).toEqual([{ name: 'main_window', config: 'vite.renderer.config.ts' }]);
    for (const b of [...vite.config!.build, ...vite.config!.renderer]) expect(existsSync(path.join(repoRoot, b.config)), b.config).toBe(true);
    expect(existsSync(path.join(repoRoot, 'renderer/index.html'))).toBe(true);
  });

  it('copies ssh2 with everything it needs at runtime into the packaged app', { timeout: 60_000 }, async () => {
    const buildPath = mkdtempSync(path.join(tmpdir(), 'crashdeck-pkg-'));
    const copied = await copyNativeExternals(buildPath);
    const ssh2Deps = Object.keys((JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/ssh2/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    for (const d of ['ssh2', ...ssh2Deps]) expect(copied, d).toContain(d);
    // Loadable from the copy alone (what the packaged main process will do).
    const fromApp = createRequire(path.join(buildPath, 'main.js'));
    expect(fromApp.resolve('ssh2').startsWith(buildPath)).toBe(true);
    expect(typeof (fromApp('ssh2') as { Client: unknown }).Client).toBe('function');
  });
});

describe('bundles built with Forge’s Vite configs', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'crashdeck-vite-'));
  beforeAll(async () => {
    for (const b of vite.config!.build) await forgeBuild(b, out);
  }, 120_000);

  it('the sandboxed preload is one CommonJS file that requires nothing but electron', () => {
    const code = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).toContain('exposeInMainWorld');
  });

  it('main.js and import-worker.js are ESM importing only electron, Node builtins and the native externals', () => {
    const allowed = new Set(['electron', 'ssh2', 'cpu-features', 'yauzl', 'yazl', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const file of ['main.js', 'import-worker.js']) {
      const code = readFileSync(path.join(out, file), 'utf8');
      const imported = [...code.matchAll(/^import\s[^;]*?from\s+["']([^"']+)["']|^import\s+["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2]);
      expect(imported.length, file).toBeGreaterThan(0);
      for (const m of imported) expect(allowed.has(m!), `${file} imports ${m}`).toBe(true);
    }
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['main.js', 'import-worker.js', 'preload.cjs']));
    // package.json is not inlined as a data: URL that readFileSync cannot open at run time.
    for (const file of ['main.js', 'import-worker.js']) expect(readFileSync(path.join(out, file), 'utf8'), file).not.toContain('data:application/json');
  });
});

describe('electron-builder.yml', () => {
  const cfg = yaml.load(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as {
    linux: { target: string[]; icon: string; desktop: { entry: Record<string, string> } };
    deb: { recommends: string[] };
    fileAssociations: { ext: string; mimeType: string }[];
  };

  it('is valid for electron-builder', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, logger: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(cfg, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds deb, rpm and AppImage; the deb recommends crash, trace-cmd and linux-perf', () => {
    expect(cfg.linux.target.sort()).toEqual(['AppImage', 'deb', 'rpm']);
    expect(cfg.deb.recommends).toEqual(expect.arrayContaining(['crash', 'trace-cmd', 'linux-perf']));
  });

  it('associates .crashcase files and has a desktop entry', () => {
    expect(cfg.fileAssociations).toContainEqual(expect.objectContaining({ ext: 'crashcase', mimeType: 'application/x-crashdeck-case' }));
    expect(cfg.linux.desktop.entry.Name).toBe('crashdeck');
  });

  it('takes icons from resources/ as NxN PNGs of the size their names say', () => {
    const dir = path.join(repoRoot, cfg.linux.icon);
    const pngs = readdirSync(dir).filter((f) => f.endsWith('.png'));
    expect(pngs).toEqual(expect.arrayContaining(['16x16.png', '32x32.png', '48x48.png', '128x128.png', '256x256.png', '512x512.png']));
    for (const f of pngs) {
      const b = readFileSync(path.join(dir, f));
      expect(b.subarray(1, 4).toString(), f).toBe('PNG');
      const n = Number(f.split('x')[0]);
      expect([b.readUInt32BE(16), b.readUInt32BE(20)], f).toEqual([n, n]);
    }
  });
});
