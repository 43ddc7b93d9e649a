/**
 * The engine never throws and never leaves its vocabulary, whatever the dump gave: garbage
 * logs, transcripts cut off anywhere (a crash that died mid-command), lines shuffled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { culpritKinds, panicKinds, type TriageReport } from '../../../electron/api/triage-report.ts';
import { triage, type Gathered } from '../../../electron/analyze/triage.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { transcript } from '../../support/fixtures.ts';

function wellFormed(r: TriageReport): void {
  expect(r.schema).toBe('crashdeck.triage/1');
  expect(panicKinds).toContain(r.panic.kind);
  expect(r.panic.signature.startsWith(`${r.panic.kind}:`)).toBe(true);
  if (r.oom) {
    expect(culpritKinds).toContain(r.oom.culprit.kind);
    expect(['high', 'medium', 'low']).toContain(r.oom.confidence);
    expect(r.oom.explanation.length).toBeGreaterThan(0);
    for (const b of r.oom.memory) expect(Number.isFinite(b.bytes)).toBe(true);
  }
  expect(() => JSON.stringify(r)).not.toThrow();
}

const commands: Array<[keyof Gathered, string]> = [
  ['sys', 'sys'], ['sysT', 'sys -t'], ['bt', 'bt'], ['log', 'log'], ['mod', 'mod'], ['modT', 'mod -t'], ['ps', 'ps'],
  ['kmemI', 'kmem -i'], ['kmemZ', 'kmem -z'], ['kmemF', 'kmem -f'], ['kmemS', 'kmem -s'], ['kmemV', 'kmem -V'],
];

describe('triage robustness', () => {
  it('arbitrary text as the kernel log', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (text) => {
      wellFormed(triage({ log: parseLog(text).model, logOnly: true }));
    }), { numRuns: 200 });
  });

  it('every transcript of the OOM fixtures cut at a random point', () => {
    for (const scenario of ['oom-slab-leak', 'oom-user-hog'] as const) {
      const full = commands.map(([k, c]) => [k, c, transcript(scenario, c)] as const);
      fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: full.length, maxLength: full.length }), (cuts) => {
        const g: Gathered = {};
        full.forEach(([k, c, text], i) => {
          const cut = text.slice(0, Math.floor(text.length * (cuts[i] ?? 1)));
          (g as Record<string, unknown>)[k] = parseCommandOutput(c, cut)?.model ?? null;
        });
        wellFormed(triage(g));
      }), { numRuns: 60 });
    }
  });

  it('the OOM report with its lines shuffled', () => {
    const lines = transcript('oom-slab-leak', 'log').split('\n');
    fc.assert(fc.property(fc.shuffledSubarray(lines, { minLength: 0, maxLength: lines.length }), (sub) => {
      wellFormed(triage({ log: parseLog(sub.join('\n')).model, logOnly: true }));
    }), { numRuns: 60 });
  });
});
