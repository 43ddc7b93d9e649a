#!/usr/bin/env node
// The `crashdeck` command. From the bundle in dist/cli when it is up to date (built by
// `npm run build:cli`, part of set-up and of the test run; see cli-bundle.mjs), else the
// TypeScript sources through tsx, so `npx crashdeck` also works from a fresh `npm ci`.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from './cli-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = process.env.CRASHDECK_CLI_FROM_SOURCE ? null : freshBundle(root);
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
