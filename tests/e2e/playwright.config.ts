// Playwright e2e: Chromium at /usr/bin/chromium against `crashdeck serve` with the real fixtures.
// Each test starts its own serve host (see serve-host-fixture.ts), so no webServer block here.
import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

export default defineConfig({
  testDir: here,
  testMatch: '**/*.spec.ts',
  outputDir: path.join(repoRoot, 'test-results/e2e-artifacts'),
  // One crash at a time: each serve host starts a real crash (6 s, ~1 GB).
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  // tests/run-all.mjs sets PLAYWRIGHT_JSON_OUTPUT_NAME and reads `stats` from the JSON report.
  reporter: [['list'], ['json']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    screenshot: 'only-on-failure',
    trace: 'off',
    viewport: { width: 1280, height: 800 },
  },
});
