/**
 * Completeness as data: the structured `completeness` of the triage report, assessed from what
 * crash printed for the fixtures (startup complaints kept verbatim in the timings files, `sys`
 * TASKS and CPUS, the kernel's nr_threads), and shown before anything else on every text
 * surface — CLI text, Markdown, the HTML/PDF report, fleet lines and buckets — for the incomplete
 * dump (oops-syscall-6.12-mdf172: 38 of 75 tasks), said as 'unknown' for a verdict from the log
 * alone, and absent for every complete fixture.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { TriageReportSchema } from '../../../electron/api/contract.ts';
import { assessCompleteness } from '../../../electron/crash/incomplete-dump.ts';
import { renderMarkdown, renderText } from '../../../electron/analyze/render.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import { triage } from '../../../electron/analyze/triage.ts';
import { parseLog } from '../../../electron/parse/log.ts';
import { parseSys } from '../../../electron/parse/sys.ts';
import { bucketLines, renderBuckets } from '../../../electron/fleet/buckets.ts';
import type { FleetDumpLine } from '../../../electron/api/fleet-lines.ts';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { renderMarkdownReport } from '../../../electron/report/markdown-report.ts';
import { allScenarios, fixtureFile, fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';
import { caseFromTranscripts } from '../report/case-from-transcripts.ts';
import { fixtureCompleteness } from '../../support/transcripts.ts';
import { gatheredFromTranscripts } from './gather-transcripts.ts';

const incomplete = 'oops-syscall-6.12-mdf172' as const;
const truth = (fixtureMeta(incomplete).truth as { dump_incomplete?: { crash_ps_tasks: number; tasks_in_kernel: number } }).dump_incomplete!;
const complete = allScenarios.filter((s) => s !== incomplete);

const checked = fixtureCompleteness;

const crashReport = (s: Scenario): TriageReport => triage({ ...gatheredFromTranscripts(s), completeness: checked(s) });
const logReport = (s: Scenario): TriageReport => triage({ log: parseLog(readFileSync(fixtureFile(s, 'vmcore-dmesg.txt'), 'utf8')).model, logOnly: true });

describe('the assessment', () => {
  for (const crash of ['8.0.6', '9.0.2'] as const) {
    it(`${incomplete} (crash ${crash}): incomplete, ${truth.crash_ps_tasks} of ${truth.tasks_in_kernel}, with the cause and the fix`, () => {
      const c = checked(incomplete, crash);
      expect(c).toMatchObject({ state: 'incomplete', tasksRead: truth.crash_ps_tasks, tasksInKernel: truth.tasks_in_kernel });
      expect(c.reason).toContain(`crash reads ${truth.crash_ps_tasks} of the ${truth.tasks_in_kernel} tasks`);
      expect(c.reason).toContain('makedumpfile older than the kernel');
      expect(c.fix).toContain('makedumpfile 1.7.6 or newer');
    });
  }

  for (const s of complete) {
    it(`${s}: complete, nothing to say`, () => {
      const c = checked(s);
      expect(c).toMatchObject({ state: 'complete', reason: null, fix: null });
      expect(c.tasksRead).toBe(c.tasksInKernel);
      expect(c.tasksRead).toBe(parseSys(transcript(s, 'sys')).model.tasks);
    });
  }

  it('unreadable counts and no complaint: unknown, never complete', () => {
    const c = assessCompleteness({ startupText: '', sysRaw: transcript('panic-sysrq', 'sys'), nrThreadsRaw: 'p: gdb request failed: p nr_threads\n', release: null });
    expect(c.state).toBe('unknown');
    expect(c.reason).toMatch(/nr_threads/);
  });
});

describe('in the triage report', () => {
  it('from the log alone: unknown, "needs crash to check", never silence', () => {
    for (const s of allScenarios) {
      const r = logReport(s);
      expect(r.completeness).toMatchObject({ state: 'unknown', tasksRead: null, tasksInKernel: null });
      expect(r.completeness.reason).toMatch(/^needs crash to check/);
      expect(renderText(r).split('\n')[0]).toMatch(/^Completeness unknown: needs crash to check/);
    }
  });

  it('crash outputs without a session check say that, not "complete"', () => {
    expect(triage(gatheredFromTranscripts('panic-sysrq')).completeness.state).toBe('unknown');
  });

  it('travels through the Api contract; a report written before it existed reads as unknown', () => {
    const r = crashReport(incomplete);
    expect(v.parse(TriageReportSchema, r).completeness).toEqual(r.completeness);
    const { completeness: _, ...old } = r;
    expect(v.parse(TriageReportSchema, old).completeness.state).toBe('unknown');
  });

  it(`CLI text and Markdown: the incomplete dump's warning comes first; complete dumps have none`, () => {
    const r = crashReport(incomplete);
    const text = renderText(r).split('\n');
    expect(text[0]).toBe(`INCOMPLETE DUMP (${truth.crash_ps_tasks} of ${truth.tasks_in_kernel} tasks): ${r.completeness.reason}`);
    expect(text[1]).toContain('Fix: ');
    const md = renderMarkdown(r);
    expect(md.indexOf('Warning — Incomplete dump')).toBeGreaterThan(0);
    expect(md.indexOf('Warning — Incomplete dump')).toBeLessThan(md.indexOf('|'));
    for (const s of complete) {
      const c = crashReport(s);
      expect(renderText(c), s).not.toMatch(/INCOMPLETE|Completeness/);
      expect(renderMarkdown(c), s).not.toMatch(/Incomplete|Completeness/);
    }
  });
});

describe('in the exported reports (HTML, which the PDF prints, and Markdown)', () => {
  const bundle = (s: Scenario): ReturnType<typeof caseFromTranscripts> => {
    const c = caseFromTranscripts(s);
    c.dump.completeness = checked(s);
    c.triage = { ...(c.triage as TriageReport), completeness: checked(s) };
    return c;
  };

  it('the warning is the first thing after the title, before any table', () => {
    const html = renderHtmlReport(bundle(incomplete));
    const warn = html.indexOf('data-completeness="incomplete"');
    expect(warn).toBeGreaterThan(html.indexOf('</header>'));
    expect(warn).toBeLessThan(html.indexOf('<table'));
    expect(html.slice(warn, warn + 400)).toContain(`Incomplete dump: ${truth.crash_ps_tasks} of ${truth.tasks_in_kernel} tasks`);
    const md = renderMarkdownReport(bundle(incomplete));
    const mdWarn = md.indexOf(`Warning — Incomplete dump: ${truth.crash_ps_tasks} of ${truth.tasks_in_kernel} tasks`);
    expect(mdWarn).toBeGreaterThan(0);
    expect(mdWarn).toBeLessThan(md.indexOf('**Verdict:**'));
    expect(mdWarn).toBeLessThan(md.indexOf('| '));
    // said once, not again inside the triage section
    expect(md.split('Incomplete dump').length - 1).toBe(1);
  });

  it('complete fixtures: no warning anywhere', () => {
    for (const s of complete) {
      expect(renderHtmlReport(bundle(s)), s).not.toContain('data-completeness');
      expect(renderMarkdownReport(bundle(s)), s).not.toMatch(/Incomplete dump|Completeness unknown/);
    }
  });
});

describe('fleet lines and buckets', () => {
  const line = (s: Scenario, r: TriageReport, host = 'h1'): FleetDumpLine => ({
    ...r,
    source: { host, path: `/var/crash/${s}/dump`, size: 1, mtime: '2026-01-01T00:00:00.000Z' },
    fleet: { fingerprint: s, buildId: null, crashTime: null, fromIndex: false, notes: [] },
  });

  it('each member carries its flag; the incomplete dump is listed before the table; a later log-only line does not hide crash\'s word', () => {
    const plain = allScenarios.map((s) => line(s, logReport(s)));
    const confirmed = allScenarios.map((s) => line(s, crashReport(s)));
    // a --confirm run, then a plain run over the same dumps: one bucket per bug, crash's completeness kept
    const t = bucketLines([...confirmed, ...plain]);
    expect(t.dumps).toBe(allScenarios.length);
    const flags = t.buckets.flatMap((b) => b.members.map((m) => [m.path.split('/')[3], m.completeness]));
    expect(new Map(flags as [string, string][])).toEqual(new Map(allScenarios.map((s) => [s, s === incomplete ? 'incomplete' : 'complete'])));
    const oops = t.buckets.find((b) => b.members.some((m) => m.path.includes(incomplete)));
    expect(oops?.incomplete).toBe(1);
    expect(oops?.members.find((m) => m.path.includes(incomplete))).toMatchObject({ tasksRead: truth.crash_ps_tasks, tasksInKernel: truth.tasks_in_kernel, basis: 'crash' });
    const text = renderBuckets(t).split('\n');
    expect(text[0]).toMatch(/^INCOMPLETE DUMPS: 1 dump/);
    expect(text[1]).toContain(`${incomplete}/dump  ${truth.crash_ps_tasks} of ${truth.tasks_in_kernel} tasks`);
    // only the log's word: every member unknown, said after the table, no incomplete warning
    const logOnly = renderBuckets(bucketLines(plain));
    expect(logOnly).not.toContain('INCOMPLETE');
    expect(logOnly).toContain(`${allScenarios.length} dump(s) not checked for completeness`);
    // complete dumps only: nothing
    expect(renderBuckets(bucketLines(confirmed.filter((l) => !l.source.path.includes(incomplete))))).not.toMatch(/INCOMPLETE|completeness/);
  });
});
