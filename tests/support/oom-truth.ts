/** The OOM culprit checks both triage CLI tests make against a fixture's meta.json truth. */
import { expect } from 'vitest';
import type { TriageReport } from '../../electron/api/triage-report.ts';
import type { FixtureMeta } from './fixtures.ts';

/** The culprit's kind and, by kind, its cache + module or its task, as the truth names them. */
export function expectOomCulpritAsTruth(r: TriageReport, t: FixtureMeta['truth']): void {
  expect(r.oom?.culprit.kind).toBe(t.culprit_kind);
  if (t.culprit_kind === 'slab') {
    expect(r.oom?.culprit.name).toBe(t.culprit.cache);
    expect(r.oom?.culprit.module).toBe(t.culprit.module);
  } else {
    expect(r.oom?.culprit.pid).toBe(t.culprit.pid);
    expect(r.oom?.culprit.name).toContain(String(t.culprit.comm));
  }
}
