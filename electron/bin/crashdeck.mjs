#!/usr/bin/env node
// The `crashdeck` command. The CLI is TypeScript run through tsx, so `npx crashdeck` works from
// a fresh `npm ci` without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
