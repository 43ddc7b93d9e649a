/**
 * Running the real `crashdeck` command in tests, as a user does: node + electron/bin/crashdeck.mjs
 * (its bundle when up to date, which the test run builds first, else the sources through tsx),
 * capturing stdout, stderr and the exit code.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './fixtures.ts';

/** The crashdeck bin script. */
export const crashdeckBin = path.join(repoRoot, 'electron/bin/crashdeck.mjs');

/** How a crashdeck run ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `crashdeck ARGS...` to the end; resolves for any exit code (tests assert on it). With
 * `timeoutMs` the run is SIGKILLed after that long (it then resolves with code null), so a hung
 * CLI never outlives its test.
 */
export function runCrashdeck(args: readonly string[], env: Readonly<Record<string, string>> = {}, options: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [crashdeckBin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
