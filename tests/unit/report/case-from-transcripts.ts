/**
 * Test helper: a case built from the fixtures' real crash 8.0.6 transcripts (parsed by the real
 * parsers, triaged by the real engine), optionally with hostile text swapped into `ps` — a
 * clearly synthetic input standing for a dump whose process names are markup.
 */
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { analyzeTriageRaw } from '../../../electron/host/methods/analyze-methods.ts';
import type { CaseAnnotation, CaseBundle, CaseResult } from '../../../electron/report/case-types.ts';
import { fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';

/** Commands every fixture has a transcript of. */
export const caseCommands = ['sys', 'sys -t', 'bt', 'log', 'mod', 'mod -t', 'ps', 'kmem -i', 'kmem -z', 'kmem -f', 'kmem -s', 'kmem -V', 'kmem -g'];

/** SYNTHETIC hostile process names (not from any real dump). */
export const hostileNames = ['<img src=x onerror=window.__pwned=1>', '</script><script>window.__pwned=2</script>'];

/** A case of a fixture from its transcripts; `hostile` renames two ps tasks to markup. */
export function caseFromTranscripts(scenario: Scenario, opts: { hostile?: boolean; annotations?: CaseAnnotation[] } = {}): CaseBundle {
  const results: CaseResult[] = caseCommands.map((command, i) => {
    let raw = transcript(scenario, command);
    if (opts.hostile && command === 'ps') raw = withHostileComms(raw);
    return { command, raw, parsed: parseCommandOutput(command, raw), crashVersion: '8.0.6', at: 1_700_000_000_000 + i, durationMs: 10, warnings: [], error: null, diagnoses: [] };
  });
  const meta = fixtureMeta(scenario);
  return {
    manifest: { schema: 'crashdeck.case/1', appVersion: '0.1.0', createdAt: '2026-11-26T00:00:00.000Z' },
    dump: {
      fingerprint: `test-${scenario}`, vmcoreName: 'vmcore', vmlinuxName: null, host: 'local', release: meta.kernel.release,
      crashVersion: '8.0.6', degraded: null, startupWarnings: [], diagnoses: [],
    },
    results,
    annotations: opts.annotations ?? [],
    triage: analyzeTriageRaw({ results: results.map((r) => ({ command: r.command, raw: r.raw })) }),
    traces: [],
  };
}

/** Replace the comm of the two user tasks with the largest RSS in `ps` output with the hostile names. */
export function withHostileComms(raw: string): string {
  const lines = raw.split('\n');
  const users = lines
    .map((line, i) => ({ i, m: /^[>\s]*\d+\s+\d+\s+\d+\s+[0-9a-f]+\s+\S+\s+[\d.]+\s+\d+\s+(\d+)\s+(\S.*)$/.exec(line) }))
    .filter((x) => x.m && !(x.m[2] as string).startsWith('['))
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]));
  users.slice(0, hostileNames.length).forEach((u, k) => {
    const line = lines[u.i] as string;
    lines[u.i] = line.slice(0, line.length - (u.m![2] as string).length) + hostileNames[k];
  });
  return lines.join('\n');
}

/** A note. */
export function note(partial: Partial<CaseAnnotation> & Pick<CaseAnnotation, 'view' | 'rowKey' | 'text'>, order = 0): CaseAnnotation {
  return { uid: `n-${order}-${partial.rowKey}`, label: partial.rowKey, tag: null, order, createdAt: 1, updatedAt: 1, ...partial };
}
