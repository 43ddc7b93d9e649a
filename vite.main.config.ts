// Forge's Vite build of the Electron main process (forge.config.ts): ESM because package.json
// says "type": "module"; native packages stay external and are copied in at package time.
import { defineConfig } from 'vite';

// eslint-disable-next-line no-restricted-syntax -- Vite (via Forge) loads a config file by its default export.
export default defineConfig({
  build: {
    lib: { entry: 'electron/main.ts', formats: ['es'], fileName: () => 'main.js' },
    rollupOptions: { external: ['ssh2', 'cpu-features'] },
  },
});
