// Forge's Vite build of the Electron main process (forge.config.ts): ESM because package.json
// says "type": "module"; native packages stay external and are copied in at package time.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// eslint-disable-next-line no-restricted-syntax -- Vite (via Forge) loads a config file by its default export.
export default defineConfig({
  // electron/version.ts reads package.json at run time in Node; in the bundle it is a constant.
  define: { __CRASHDECK_VERSION__: JSON.stringify(pkg.version) },
  build: {
    lib: { entry: 'electron/main.ts', formats: ['es'], fileName: () => 'main.js' },
    rollupOptions: { external: ['ssh2', 'cpu-features', 'yauzl', 'yazl'] },
  },
});
