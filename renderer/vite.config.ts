// Builds the Svelte renderer into dist/renderer, the directory the serve host and Electron load.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  // Relative asset URLs so the same build works from http://127.0.0.1:PORT/ and from file:// in Electron.
  base: './',
  plugins: [svelte({ configFile: path.join(here, 'svelte.config.js') })],
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    // No inline assets: a strict CSP (no data: scripts) must be able to load everything.
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: true,
  },
});
