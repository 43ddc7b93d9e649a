#!/usr/bin/env node
// The project's one test command (`npm test`): static checks, the vitest suites (unit,
// integration with real crash and sshd) and the Playwright e2e suite in Chromium, then one
// totals line "N passed, N failed" over all of them. Exit code 1 when anything failed.
//   node tests/run-all.mjs [--only unit,integration,e2e,checks]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test-results');
mkdirSync(outDir, { recursive: true });
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (name) => !only || only.has(name);

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(cmd, args, extraEnv = {}) {
  console.log(`\n=== ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  return r.status ?? 1;
}

function check(name, cmd, args) {
  const status = run(cmd, args);
  if (status === 0) totals.passed++;
  else totals.failed++;
  lines.push(`${name}: ${status === 0 ? 'ok' : `FAILED (exit ${status})`}`);
}

function vitestSuite(project) {
  const file = path.join(outDir, `vitest-${project}.json`);
  const status = run('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${file}`]);
  if (!existsSync(file)) {
    totals.failed++;
    lines.push(`${project}: vitest produced no report (exit ${status})`);
    return;
  }
  const j = JSON.parse(readFileSync(file, 'utf8'));
  // Suites that failed to load count as failures too.
  const brokenFiles = (j.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  totals.passed += j.numPassedTests;
  totals.failed += j.numFailedTests + brokenFiles;
  totals.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
  lines.push(`${project}: ${j.numPassedTests} passed, ${j.numFailedTests + brokenFiles} failed, ${j.numPendingTests} skipped`);
  if (status !== 0 && j.numFailedTests + brokenFiles === 0) {
    totals.failed++;
    lines.push(`${project}: vitest exited ${status}`);
  }
}

function playwrightSuite() {
  const file = path.join(outDir, 'playwright.json');
  const status = run('npx', ['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  if (!existsSync(file)) {
    totals.failed++;
    lines.push(`e2e: playwright produced no report (exit ${status})`);
    return;
  }
  const s = JSON.parse(readFileSync(file, 'utf8')).stats;
  totals.passed += s.expected + s.flaky;
  totals.failed += s.unexpected;
  totals.skipped += s.skipped;
  lines.push(`e2e: ${s.expected + s.flaky} passed, ${s.unexpected} failed, ${s.skipped} skipped`);
  if (status !== 0 && s.unexpected === 0) {
    totals.failed++;
    lines.push(`e2e: playwright exited ${status}`);
  }
}

if (want('checks')) {
  check('lint', 'npx', ['eslint', '.']);
  check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
}
// The CLI runs from its bundle when it is up to date (electron/bin/cli-bundle.mjs): the suites
// that spawn `crashdeck` test the bundle users run.
if (want('unit') || want('integration') || want('e2e')) check('build:cli', 'npm', ['run', '--silent', 'build:cli']);
if (want('unit')) vitestSuite('unit');
if (want('integration')) vitestSuite('integration');
if (want('e2e')) {
  check('build:renderer', 'npm', ['run', '--silent', 'build:renderer']);
  playwrightSuite();
}

console.log('\n' + lines.join('\n'));
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exitCode = totals.failed > 0 ? 1 : 0;
