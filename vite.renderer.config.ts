// Forge's Vite build/dev server of the renderer (forge.config.ts): the renderer's own config
// (renderer/vite.config.ts), writing where Forge packages it instead of dist/renderer, plus the
// CSP also as a <meta> tag (electron/shell/csp-meta.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import rendererConfig from './renderer/vite.config.ts';
import { cspMetaPlugin } from './electron/shell/csp-meta.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

// eslint-disable-next-line no-restricted-syntax -- Vite (via Forge) loads a config file by its default export.
export default defineConfig((env) =>
  mergeConfig(typeof rendererConfig === 'function' ? rendererConfig(env) : rendererConfig, {
    plugins: [cspMetaPlugin()],
    build: { outDir: path.join(here, '.vite/renderer/main_window'), emptyOutDir: true },
  }),
);
