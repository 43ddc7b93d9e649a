// Forge's Vite build of the trace-import worker thread (forge.config.ts):
// electron/trace/worker-client.ts starts `import-worker.js` beside the bundled main.js.
import { defineConfig } from 'vite';

// eslint-disable-next-line no-restricted-syntax -- Vite (via Forge) loads a config file by its default export.
export default defineConfig({
  build: {
    lib: { entry: 'electron/trace/import-worker.ts', formats: ['es'], fileName: () => 'import-worker.js' },
    rollupOptions: { external: ['ssh2', 'cpu-features'] },
  },
});
