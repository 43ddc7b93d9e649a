/**
 * Test helper: the triage inputs of a fixture built from its crash 8.0.6 transcripts, run through
 * the parser registry exactly as a live session would parse them.
 */
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import type { Gathered } from '../../../electron/analyze/triage.ts';
import type { VmModel } from '../../../electron/parse/models.ts';
import { transcript, type Scenario, type TranscriptCrash } from '../../support/fixtures.ts';

const inputs: Array<[keyof Gathered, string]> = [
  ['sys', 'sys'], ['sysT', 'sys -t'], ['bt', 'bt'], ['log', 'log'], ['mod', 'mod'], ['modT', 'mod -t'], ['ps', 'ps'],
  ['kmemI', 'kmem -i'], ['kmemZ', 'kmem -z'], ['kmemF', 'kmem -f'], ['kmemS', 'kmem -s'], ['kmemV', 'kmem -V'],
];

/** Parse a fixture's transcripts (crash 8.0.6 unless `crash` says) into a Gathered; `omit` drops inputs to model a degraded dump. */
export function gatheredFromTranscripts(scenario: Scenario, omit: Array<keyof Gathered> = [], vmPids: number[] = [], crash: TranscriptCrash = '8.0.6'): Gathered {
  const g: Gathered = {};
  for (const [key, cmd] of inputs) {
    if (omit.includes(key)) continue;
    const parsed = parseCommandOutput(cmd, transcript(scenario, cmd, crash));
    if (!parsed) throw new Error(`no parser for ${cmd}`);
    (g as Record<string, unknown>)[key] = parsed.model;
  }
  for (const pid of vmPids) {
    const parsed = parseCommandOutput(`vm ${pid}`, transcript(scenario, `vm ${pid}`));
    if (parsed) (g.vms ??= {})[pid] = parsed.model as VmModel;
  }
  return g;
}
