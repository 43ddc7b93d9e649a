/**
 * Doyensec's electronegativity over electron/ and renderer/: no findings, and every suppression
 * is an inline `eng-disable` comment with its reason beside it (see docs/SECURITY.md). Its CLI
 * is broken by a newer hoisted `commander` (it reads options as properties), so this runs its
 * programmatic runner, which is also what `npm run audit:electron` runs.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.ts';

interface Finding {
  id: string;
  severity: { name: string; value: number };
  confidence: { name: string };
  file: string;
  location: { line: number; column: number };
  description: string;
}
type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<{ issues: Finding[]; errors: { file: string; message: string; tolerable: boolean }[]; atomicChecks: number }>;

const run = createRequire(import.meta.url)('@doyensec/electronegativity/dist/runner.js') as Runner;

async function scan(dir: string) {
  // Quiet the tool's "cannot fetch Electron releases" notes (no internet in CI).
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    return await run({ input: dir, electronVersionOverride: '38.8.6', isRelative: true, parserPlugins: [] }, false);
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

const describeFinding = (f: Finding) => `${f.id} ${f.severity.name}/${f.confidence.name} ${f.file}:${f.location.line} ${f.description}`;

describe('electronegativity', () => {
  it('finds nothing in electron/ and renderer/', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-eneg-'));
    // Scanned together so global checks (CSP, navigation limits, permission handler) see both.
    for (const d of ['electron', 'renderer']) cpSync(path.join(repoRoot, d), path.join(dir, d), { recursive: true });
    const r = await scan(dir);
    expect(r.atomicChecks).toBeGreaterThan(20);
    expect(r.errors.filter((e) => !e.tolerable).map((e) => `${e.file}: ${e.message}`)).toEqual([]);
    expect(r.issues.map(describeFinding)).toEqual([]);
  });

  it('does report an insecure window (the scanner really runs)', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-eneg-bad-'));
    writeFileSync(
      path.join(dir, 'main.js'),
      "const { BrowserWindow, shell } = require('electron');\n" +
        "const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n" +
        "w.webContents.on('new-window', (e, url) => shell.openExternal(url));\n",
    );
    const ids = (await scan(dir)).issues.map((f) => f.id);
    for (const id of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      expect(ids).toContain(id);
    }
  });
});
