/**
 * `crashdeck --help` as a newcomer runs it (the real bin through tsx): every command is listed,
 * an unknown command is refused with the usage, and each subcommand answers its own --help.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.ts';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'electron/bin/crashdeck.mjs');
const commands = ['serve', 'run', 'triage', 'report', 'trace'];

describe('crashdeck --help', () => {
  it('lists every command and exits 0', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    for (const c of commands) expect(stdout).toMatch(new RegExp(`^  ${c}\\s+\\S`, 'm'));
  });

  it('refuses an unknown command with exit 2 and the usage', async () => {
    const err = await run(process.execPath, [bin, 'frobnicate']).then(() => null, (e: { code?: number; stderr?: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("unknown command 'frobnicate'");
    expect(err?.stderr).toContain('Commands:');
  });

  it.each(['serve', 'run', 'triage', 'report'])('%s --help explains its options', async (c) => {
    const { stdout } = await run(process.execPath, [bin, c, '--help']);
    expect(stdout).toMatch(/Usage: crashdeck/);
  });
});
