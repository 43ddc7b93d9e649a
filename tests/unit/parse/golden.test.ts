/**
 * Every fixture transcript through the parser registry: crash 8.0.6 output parses with no
 * warning or error; crash 8.0.2's partial output yields exactly the diagnostics that say so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parserFor } from '../../../electron/parse/index.ts';
import { fixtureMeta, fixturesDir, scenarios } from '../../support/fixtures.ts';
import { problems } from './helpers.ts';

/** Commands of the fixture README that have no structured view (raw text only). */
const RAW = new Set(['dev', 'help']);
/** File names turn spaces into `_`, so `list task_struct...` comes back with its `_` as spaces; it is raw text anyway. */
const isRawOnly = (command: string): boolean => RAW.has(command) || command.startsWith('list ');

function files(s: string, dir: string): { command: string; text: string }[] {
  const d = path.join(fixturesDir(), s, dir);
  return readdirSync(d).filter((f) => f.endsWith('.txt')).sort().map((f) => ({
    command: f.slice(0, -4).replaceAll('_', ' '),
    text: readFileSync(path.join(d, f), 'utf8'),
  }));
}

describe('golden: crash 8.0.6 transcripts parse with zero unexpected diagnostics', () => {
  for (const s of scenarios) {
    it(s, () => {
      const all = files(s, 'transcripts');
      expect(all.length).toBeGreaterThanOrEqual(20);
      for (const { command, text } of all) {
        const parsed = parseCommandOutput(command, text);
        if (isRawOnly(command)) {
          expect(parsed, command).toBeNull();
          continue;
        }
        expect(parsed, `${command} has a parser`).not.toBeNull();
        expect(problems(parsed?.diagnostics ?? []), command).toEqual([]);
        expect(parsed?.parser).toBe(parserFor(command));
      }
    });
  }
});

describe('golden: crash 8.0.2 partial output yields diagnostics, not silence', () => {
  for (const s of scenarios) {
    it(s, () => {
      const truth = fixtureMeta(s).truth.panic_task;
      const kernelThreadPanics = truth.comm.startsWith('kworker');
      const seen: Record<string, string[]> = {};
      for (const { command, text } of files(s, 'transcripts-crash-8.0.2')) {
        const parsed = parseCommandOutput(command, text);
        if (isRawOnly(command)) continue;
        const p = problems(parsed?.diagnostics ?? []).map((x) => x.split(':')[0] as string);
        if (p.length) seen[command] = p;
      }
      // Only the active tasks are known, so the panic task has no parent and other pids are not found.
      const expected: Record<string, string[]> = {
        'ps': ['parent-unknown'],
        'ps -G': ['parent-unknown'],
      };
      const vmPid = Object.keys(seen).find((c) => /^vm \d+$/.test(c));
      if (vmPid) expected[vmPid] = ['crash-error'];
      if (!kernelThreadPanics) expected.vm = ['crash-error'];
      expect(seen).toEqual(expected);
      expect(vmPid).toBeDefined();
    });
  }
});
