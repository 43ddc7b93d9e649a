/**
 * When the `crashdeck` launcher may run the CLI's bundle (electron/bin/cli-bundle.mjs): only a
 * complete build newer than every source, so an edited tree never runs stale code.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBundle } from '../../../electron/bin/cli-bundle.mjs';

let root: string;
const at = (p: string, seconds: number): void => utimesSync(path.join(root, p), seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'crashdeck-bundle-'));
  mkdirSync(path.join(root, 'electron/cli'), { recursive: true });
  mkdirSync(path.join(root, 'dist/cli'), { recursive: true });
  writeFileSync(path.join(root, 'package.json'), '{}');
  writeFileSync(path.join(root, 'electron/cli.ts'), '');
  writeFileSync(path.join(root, 'electron/cli/triage-command.ts'), '');
  writeFileSync(path.join(root, 'dist/cli/cli.js'), '');
  for (const p of ['package.json', 'electron/cli.ts', 'electron/cli/triage-command.ts']) at(p, 1000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('freshBundle', () => {
  it('is the bundle entry once a build has finished after the last source change', () => {
    writeFileSync(path.join(root, 'dist/cli/built'), '');
    at('dist/cli/built', 2000);
    expect(freshBundle(root)).toBe(path.join(root, 'dist/cli/cli.js'));
  });

  it('is null while a build is unfinished (no stamp yet)', () => {
    expect(freshBundle(root)).toBeNull();
  });

  it('is null after any source file below electron/, or package.json, changed', () => {
    writeFileSync(path.join(root, 'dist/cli/built'), '');
    at('dist/cli/built', 2000);
    at('electron/cli/triage-command.ts', 3000);
    expect(freshBundle(root)).toBeNull();
    at('electron/cli/triage-command.ts', 1000);
    at('package.json', 3000);
    expect(freshBundle(root)).toBeNull();
  });
});
