// Forge's Vite build of the trace-import worker thread (forge.config.ts):
// electron/trace/worker-client.ts starts `import-worker.js` beside the bundled main.js.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// eslint-disable-next-line no-restricted-syntax -- Vite (via Forge) loads a config file by its default export.
export default defineConfig({
  // As in vite.main.config.ts: the version is a constant in the bundle.
  define: { __CRASHDECK_VERSION__: JSON.stringify(pkg.version) },
  build: {
    lib: { entry: 'electron/trace/import-worker.ts', formats: ['es'], fileName: () => 'import-worker.js' },
    rollupOptions: { external: ['ssh2', 'cpu-features', 'yauzl', 'yazl'] },
  },
});
