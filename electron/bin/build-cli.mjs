#!/usr/bin/env node
// Bundles the crashdeck CLI into dist/cli (see cli-bundle.mjs): electron/cli.ts and the trace
// import worker, which worker-client.ts starts from beside the bundle. Packages stay external
// (node_modules as installed). The stamp is removed first and written last: a launcher never
// takes a half-written bundle.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleDir, stampName } from './cli-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, bundleDir);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(out, stampName), { force: true });
mkdirSync(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'electron/cli.ts', 'import-worker': 'electron/trace/import-worker.ts' },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Subcommands stay lazy (electron/cli.ts imports each when run): chunks, not one file.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  // electron/version.ts reads package.json beside its source; in the bundle it is a constant.
  define: { __CRASHDECK_VERSION__: JSON.stringify(pkg.version) },
  sourcemap: 'linked',
  logLevel: 'warning',
});
writeFileSync(path.join(out, stampName), `${new Date().toISOString()}\n`);
