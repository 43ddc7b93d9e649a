/**
 * Every triage report the engine produces satisfies the contract's TriageReportSchema (what the
 * renderer and the report engine rely on), and analyze.triageRaw answers through the real Api
 * host with its params validated.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { TriageReportSchema } from '../../../electron/api/contract.ts';
import { createApi } from '../../../electron/host/create-api.ts';
import { triage } from '../../../electron/analyze/triage.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { allScenarios, fixtureMeta, transcript } from '../../support/fixtures.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';

describe('triage report shape', () => {
  it('matches TriageReportSchema on every fixture, complete and degraded', () => {
    for (const s of allScenarios) {
      for (const r of [triage(gatheredFromTranscripts(s)), triage(gatheredFromTranscripts(s, ['log'])), triage({ log: parseLog(transcript(s, 'log')).model, logOnly: true }), triage({})]) {
        const res = v.safeParse(TriageReportSchema, r);
        expect(res.success, JSON.stringify(res.issues?.[0]?.path?.map((p) => p.key))).toBe(true);
      }
    }
  });

  it('analyze.triageRaw through the Api host: verdict for raw outputs, bad params refused', async () => {
    const api = createApi();
    try {
      const r = await api.call('analyze.triageRaw', { results: [{ command: 'log', raw: transcript('oom-slab-leak', 'log') }, { command: 'kmem -s', raw: transcript('oom-slab-leak', 'kmem -s') }] });
      expect(r.oom?.culprit.name).toBe((fixtureMeta('oom-slab-leak').truth.culprit as { cache: string }).cache);
      await expect(api.dispatch('analyze.triageRaw', { results: [{ command: 'log' }] })).rejects.toMatchObject({ code: 'bad-request' });
    } finally {
      await api.dispose();
    }
  });
});
