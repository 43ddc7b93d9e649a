/**
 * Every transcript of every fixture, crash 8.0.6 (`transcripts/`) and crash 9.0.2
 * (`transcripts-crash-9.0.2/`), through the parser registry, with what each model says checked
 * against sources that are not crash: meta.json truth, the guest's own records (ps, facts.env,
 * meminfo, slabinfo, tainted), the kernel's log (vmcore-dmesg.txt) and the VMCOREINFO the kernel
 * wrote into the dump header. Where the two crash releases print different things, the model
 * says so (a row crash 9 leaves out is listed in notPrinted with a diagnostic, never invented).
 */
import { describe, expect, it } from 'vitest';
import { parseCommandOutput, parserFor } from '../../../electron/parse/index.ts';
import { allScenarios, type Scenario } from '../../support/fixtures.ts';
import { incompleteScenario as incomplete, truthChecks, truthContext } from '../../support/model-truth.ts';
import { transcriptDirs, transcriptFiles } from '../../support/transcripts.ts';
import { problems } from './helpers.ts';

const RAW = new Set(['dev', 'help']);
const isRawOnly = (command: string): boolean => RAW.has(command) || command.startsWith('list ');

/** What crash reports as a problem in this fixture's transcripts, by command (none on a complete dump). */
function expectedProblems(s: Scenario, crash: string, vmPidCommand: string): Record<string, string[]> {
  if (s !== incomplete) return {};
  // The pages makedumpfile 1.7.2 left out: half the tasks, cache names, slab freelists, and a
  // dentry under the panic task's mappings that crash 8.0.6 reads (9.0.2 does not need it).
  return {
    ...(crash === '8.0.6' ? { vm: ['crash-error'] } : {}),
    'ps': ['parent-unknown'],
    'ps -G': ['parent-unknown'],
    'kmem -s': [...Array(9).fill('crash-error') as string[], 'slab-names-unknown'],
    [vmPidCommand]: ['crash-error'],
  };
}

for (const s of allScenarios) {
  for (const { crash, dir } of transcriptDirs(s)) {
    if (crash === '8.0.2') continue; // golden.test.ts: crash 8.0.2's partial output
    const version: '8.0.6' | '9.0.2' = crash;
    describe(`golden ${s} with crash ${crash}`, () => {
      const all = transcriptFiles(dir);
      const files = new Map(all.map((f) => [f.command, f.text]));
      const vmPidCommand = all.map((f) => f.command).find((c) => /^vm \d+$/.test(c)) ?? 'vm ?';

      it('has every command of the fixture README and parses each one with only the problems crash itself reported', () => {
        expect(all.length).toBeGreaterThanOrEqual(22);
        const seen: Record<string, string[]> = {};
        for (const { command, text } of all) {
          const parsed = parseCommandOutput(command, text);
          if (isRawOnly(command)) {
            expect(parsed, command).toBeNull();
            continue;
          }
          expect(parsed?.parser, command).toBe(parserFor(command));
          const p = problems(parsed?.diagnostics ?? []).map((x) => x.split(':')[0] as string);
          if (p.length) seen[command] = p;
        }
        expect(seen).toEqual(expectedProblems(s, crash, vmPidCommand));
      });

      const ctx = truthContext(s, version, vmPidCommand, (command) => {
        const text = files.get(command);
        if (text === undefined) throw new Error(`no ${command} transcript`);
        const p = parseCommandOutput(command, text);
        return { raw: text, model: p?.model ?? null, codes: (p?.diagnostics ?? []).map((d) => d.code) };
      });
      for (const check of truthChecks) it(check.title, () => check.run(ctx));
    });
  }
}
