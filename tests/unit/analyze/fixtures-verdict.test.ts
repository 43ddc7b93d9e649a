/**
 * The triage verdict on the public fixtures matches meta.json `truth`, from the crash 8.0.6
 * transcripts through the real parsers, and from vmcore-dmesg.txt alone (`--dmesg` mode).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { triage, type Gathered } from '../../../electron/analyze/triage.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { fixtureFile, fixtureMeta, scenarios, type Scenario } from '../../support/fixtures.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';

interface Truth {
  panic_type: string;
  panic_message: string;
  panic_task: { pid: number; comm: string };
  oom: null | { constraint: string; invoker_pid: number; invoker_comm: string; gfp_mask: string; order: number; victim: unknown };
  culprit_kind: string;
  culprit: Record<string, unknown>;
}

const truthOf = (s: Scenario): Truth => fixtureMeta(s).truth as unknown as Truth;

/** meta.json says "sysrq-crash" / "oom"; the triage vocabulary is the first word. */
const expectedKind = (t: Truth): string => (t.panic_type.startsWith('sysrq') ? 'sysrq' : t.panic_type);

function checkAgainstTruth(r: TriageReport, t: Truth): void {
  expect(r.schema).toBe('crashdeck.triage/1');
  expect(r.panic.kind).toBe(expectedKind(t));
  expect(r.dump.panicMessage).toContain(t.panic_message);
  expect(r.panic.task).toEqual({ pid: t.panic_task.pid, comm: t.panic_task.comm });
  if (t.oom === null) {
    expect(r.oom).toBeNull();
    expect(r.panic.function).toBe(t.culprit.function);
    return;
  }
  const o = r.oom;
  expect(o).not.toBeNull();
  if (!o) return;
  expect(o.constraint).toBe(t.oom.constraint);
  expect(o.trigger.pid).toBe(t.oom.invoker_pid);
  expect(o.trigger.comm).toBe(t.oom.invoker_comm);
  expect(o.trigger.gfpMask).toBe(t.oom.gfp_mask);
  expect(o.trigger.order).toBe(t.oom.order);
  // truth: victim null = nobody was killed (panic_on_oom); the engine may name the would-be victim.
  if (t.oom.victim === null) expect(o.victim === null || o.victim.killed === false).toBe(true);
  expect(o.culprit.kind).toBe(t.culprit_kind);
  if (t.culprit_kind === 'slab') {
    expect(o.culprit.name).toBe(t.culprit.cache);
    expect(o.culprit.module).toBe(t.culprit.module);
    // the cache's size as the report printed it, within the slab rounding of kmem -s
    const kb = (t.culprit.oom_report_unreclaimable_slab as { total_kb: number }).total_kb;
    expect(Math.abs((o.culprit.bytes ?? 0) / 1024 - kb)).toBeLessThan(kb * 0.01);
  }
  if (t.culprit_kind === 'user-anon') {
    expect(o.culprit.pid).toBe(t.culprit.pid);
    expect(o.culprit.name).toContain(String(t.culprit.comm));
  }
  expect(o.confidence).toBe('high');
  expect(o.conflicts).toEqual([]);
  // every evidence item names a command and a row the UI can jump to
  for (const e of o.evidence) {
    expect(e.command).toMatch(/\S/);
    expect(e.row).toMatch(/\S/);
  }
}

describe('triage on the fixtures (transcripts through the parsers)', () => {
  for (const s of scenarios) {
    it(`${s}: verdict matches meta.json truth`, () => {
      checkAgainstTruth(triage(gatheredFromTranscripts(s)), truthOf(s));
    });
  }

  it('oom-slab-leak: names the tainting module and explains the unreclaimable slab', () => {
    const r = triage(gatheredFromTranscripts('oom-slab-leak'));
    expect(r.panic.modules).toContain('bufpool');
    expect(r.panic.taint).toBe('OE');
    expect(r.oom?.explanation).toMatch(/bufpool_entry/);
    expect(r.oom?.nextCommands).toContain('kmem -s bufpool_entry');
    expect(r.oom?.evidence.some((e) => e.command === 'kmem -s' && e.row === 'bufpool_entry')).toBe(true);
    // per-cache view: the report's unreclaimable table, largest first (truth lists its top five)
    const top = (truthOf('oom-slab-leak').oom as unknown as { unreclaimable_slab_top: Array<{ cache: string; total_kb: number }> }).unreclaimable_slab_top;
    expect(r.oom?.topCaches?.slice(0, top.length).map((c) => c.name)).toEqual(top.map((c) => c.cache));
  });

  it('oom-user-hog: the would-be victim follows oom_badness and skips the -1000 task', () => {
    const t = truthOf('oom-user-hog');
    const r = triage(gatheredFromTranscripts('oom-user-hog'));
    const tasks = (t.oom as unknown as { task_dump: Array<{ pid: number; comm: string; rss_pages: number; pgtables_bytes: number; swapents: number; oom_score_adj: number }> }).task_dump;
    // independent recomputation from meta.json: totalpages = pages RAM - reserved (no swap)
    const log = readFileSync(fixtureFile('oom-user-hog', 'vmcore-dmesg.txt'), 'utf8');
    const ram = Number(/(\d+) pages RAM/.exec(log)?.[1]);
    const reserved = Number(/(\d+) pages reserved/.exec(log)?.[1]);
    const total = ram - reserved;
    const score = (x: (typeof tasks)[number]): number => x.rss_pages + x.swapents + Math.floor(x.pgtables_bytes / 4096) + x.oom_score_adj * Math.floor(total / 1000);
    const eligible = tasks.filter((x) => x.oom_score_adj !== -1000);
    const best = eligible.reduce((a, b) => (score(b) >= score(a) ? b : a));
    expect(r.oom?.victim).toMatchObject({ pid: best.pid, comm: best.comm, killed: false, points: score(best) });
    const dbsync = r.oom?.ranking.find((x) => x.oomScoreAdj === -1000);
    expect(dbsync?.eligible).toBe(false);
    expect(r.oom?.explanation).toMatch(/No process was killed/);
    const largest = (t.oom as unknown as { largest_rss_task: { pid: number; rss_kb: number } }).largest_rss_task;
    expect(r.oom?.topTasks?.[0]).toMatchObject({ pid: largest.pid, rssKb: largest.rss_kb });
  });

  it('degraded dump without the log still finds the culprit, with lower confidence', () => {
    for (const s of ['oom-slab-leak', 'oom-user-hog'] as const) {
      const t = truthOf(s);
      const r = triage(gatheredFromTranscripts(s, ['log']));
      expect(r.missing).toContain('log');
      expect(r.oom?.culprit.kind).toBe(t.culprit_kind);
      expect(r.oom?.confidence).not.toBe('high');
      expect(r.oom?.explanation).toMatch(/no OOM report/);
    }
  });
});

describe('triage --dmesg (vmcore-dmesg.txt only)', () => {
  for (const s of scenarios) {
    it(`${s}: verdict matches meta.json truth`, () => {
      const log = parseLog(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8')).model;
      const r = triage({ log, logOnly: true });
      checkAgainstTruth(r, truthOf(s));
      expect(r.dump.release).toBe(fixtureMeta(s).kernel.release);
    });
  }
});

describe('analyze.triageRaw (raw outputs the renderer has cached)', () => {
  it('gives the same verdict as the live path on every fixture', async () => {
    const { analyzeTriageRaw } = await import('../../../electron/host/methods/analyze-methods.ts');
    const { transcript } = await import('../../support/fixtures.ts');
    const cmds = ['sys', 'sys -t', 'bt', 'log', 'mod', 'mod -t', 'ps', 'kmem -i', 'kmem -z', 'kmem -f', 'kmem -s', 'kmem -V'];
    for (const s of scenarios) {
      const r = analyzeTriageRaw({ results: cmds.map((command) => ({ command, raw: transcript(s, command) })) });
      checkAgainstTruth(r, truthOf(s));
      expect(r.missing).toEqual([]);
    }
  });
});

describe('crash 8.0.2 (too old for these kernels) transcripts', () => {
  it('still finds the truth culprit; without the log it is never high confidence', async () => {
    const { parseCommandOutput } = await import('../../../electron/parse/index.ts');
    const { transcript } = await import('../../support/fixtures.ts');
    const cmds: Array<[keyof Gathered, string]> = [['sys', 'sys'], ['sysT', 'sys -t'], ['bt', 'bt'], ['log', 'log'], ['mod', 'mod'], ['modT', 'mod -t'], ['ps', 'ps'], ['kmemI', 'kmem -i'], ['kmemZ', 'kmem -z'], ['kmemF', 'kmem -f'], ['kmemS', 'kmem -s'], ['kmemV', 'kmem -V']];
    for (const s of ['oom-slab-leak', 'oom-user-hog'] as const) {
      for (const withLog of [true, false]) {
        const g: Gathered = {};
        for (const [k, c] of cmds) if (withLog || k !== 'log') (g as Record<string, unknown>)[k] = parseCommandOutput(c, transcript(s, c, '8.0.2'))?.model;
        const r = triage(g);
        expect(r.oom?.culprit.kind).toBe(truthOf(s).culprit_kind);
        if (!withLog) expect(r.oom?.confidence).not.toBe('high');
      }
    }
  });
});
