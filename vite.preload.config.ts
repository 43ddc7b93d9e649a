// Forge's Vite build of the preload script (forge.config.ts): one CommonJS file, because a
// sandboxed preload runs as a plain script that can require only `electron` (and a few
// builtins), so everything else is bundled in.
import { defineConfig } from 'vite';

// eslint-disable-next-line no-restricted-syntax -- Vite (via Forge) loads a config file by its default export.
export default defineConfig({
  build: {
    rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
  },
});
