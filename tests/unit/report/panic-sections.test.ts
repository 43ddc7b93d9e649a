/**
 * The Panic sections of the exports on the real 6.12 fixtures (crash 8.0.6 transcripts, real
 * parsers, real triage engine) with the culprit's comm swapped for markup — a legal comm, so
 * SYNTHETIC hostile input standing for a hostile process name: the HTML (and so the PDF) and the
 * Markdown carry the fault, the wait chain and the lockup CPU table with the names meta.json's
 * truth gives, escaped; a .crashcase carries the per-kind verdict through a write and a read.
 */
import { describe, expect, it } from 'vitest';
import { analyzeTriageRaw } from '../../../electron/host/methods/analyze-methods.ts';
import { parseCommandOutput } from '../../../electron/parse/index.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { writeCaseBundle } from '../../../electron/report/bundle-write.ts';
import type { CaseBundle, CaseResult } from '../../../electron/report/case-types.ts';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { renderMarkdownReport } from '../../../electron/report/markdown-report.ts';
import { fixtureMeta, transcript, type Scenario } from '../../support/fixtures.ts';
import { panicCommands } from '../../../renderer/views/Panic/panic-model.ts';

/** SYNTHETIC: a legal comm (up to 15 bytes) that is markup. */
const hostile = '<img src=x>';
const escaped = '&lt;img src=x&gt;';

type Truth = { panic_task: { pid: number; comm: string; cpu: number }; function: string; module: string; blocked_task?: { comm: string; pid: number }; lock?: string; lock_holder?: { comm: string; pid: number }; lock_holder_function?: string };
const truthOf = (s: Scenario): Truth => fixtureMeta(s).truth as unknown as Truth;

/** A case from the fixture's transcripts with `comm` renamed to the hostile name everywhere crash printed it. */
function hostileCase(scenario: Scenario, comm: string): CaseBundle {
  const results: CaseResult[] = panicCommands.map((command, i) => {
    const raw = transcript(scenario, command).split(comm).join(hostile);
    return { command, raw, parsed: parseCommandOutput(command, raw), crashVersion: '8.0.6', at: 1_700_000_000_000 + i, durationMs: 10, warnings: [], error: null, diagnoses: [] };
  });
  return {
    manifest: { schema: 'crashdeck.case/1', appVersion: '0.1.0', createdAt: '2026-12-04T00:00:00.000Z' },
    dump: { fingerprint: `test-${scenario}`, vmcoreName: 'vmcore', vmlinuxName: null, host: 'local', release: fixtureMeta(scenario).kernel.release, crashVersion: '8.0.6', degraded: null, startupWarnings: [], diagnoses: [] },
    results,
    annotations: [],
    triage: analyzeTriageRaw({ results: results.map((r) => ({ command: r.command, raw: r.raw })) }),
    traces: [],
  };
}

function section(html: string, id: string): string {
  const from = html.indexOf(`<h2 id="${id}">`);
  expect(from, `section ${id}`).toBeGreaterThan(0);
  const to = html.indexOf('<h2 ', from + 1);
  return html.slice(from, to < 0 ? undefined : to);
}

/** Markdown with its fenced raw outputs taken out: what a renderer would turn into markup. */
function outsideFences(md: string): string {
  return md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '');
}

describe('Oops in the reports (oops-syscall-6.12)', () => {
  const t = truthOf('oops-syscall-6.12');
  const c = hostileCase('oops-syscall-6.12', t.panic_task.comm);
  const html = renderHtmlReport(c);

  it('the fault section names the function and module, with the task escaped', () => {
    const s = section(html, 'panic-fault');
    expect(s).toContain(`${t.function}`);
    expect(s).toContain(`[${t.module}]`);
    expect(s).toContain(`${escaped} (pid ${t.panic_task.pid})`);
    // The call trace marks the module's frames.
    expect(s).toContain(`[module ${t.module}]`);
    expect(html).not.toMatch(/<img/i);
  });

  it('a .crashcase keeps the whole Oops card (RIP, call trace) through a write and a read', async () => {
    const back = await readCaseBundle(await writeCaseBundle(c));
    expect(back.triage?.oops).toEqual(c.triage?.oops);
    expect(back.triage?.oops?.rip).toContain(t.function);
  });

  it('the Markdown carries it escaped', () => {
    const md = renderMarkdownReport(c);
    expect(md).toContain('the fault');
    expect(md).toContain(t.function.replace(/_/g, '\\_'));
    expect(outsideFences(md)).not.toMatch(/(?<!\\)<img/);
  });
});

describe('hung task in the reports (hung-mutex-6.12)', () => {
  const t = truthOf('hung-mutex-6.12');
  const c = hostileCase('hung-mutex-6.12', t.blocked_task!.comm);

  it('the wait chain names the (hostile) blocked task and what it waits on, escaped', () => {
    const html = renderHtmlReport(c);
    const s = section(html, 'panic-hung');
    expect(s).toContain(`${escaped} (pid ${t.blocked_task!.pid})`);
    expect(s).toContain('mutex');
    expect(s).toContain(`<code>${t.function}</code>`);
    expect(html).not.toMatch(/<img/i);
    const md = renderMarkdownReport(c);
    expect(md).toContain('Who waits for whom');
    expect(md).toContain('\\<img src=x\\> (pid 307)'.replace('307', String(t.blocked_task!.pid)));
    expect(outsideFences(md)).not.toMatch(/(?<!\\)<img/);
  });

  it('a .crashcase carries the per-kind verdict through a write and a read', async () => {
    const back = await readCaseBundle(await writeCaseBundle(c));
    expect(back.triage?.hung).toEqual(c.triage?.hung);
    expect(back.triage?.hung?.tasks[0]?.stack?.length).toBeGreaterThan(0);
    expect(section(renderHtmlReport(back), 'panic-hung')).toContain(`${escaped} (pid ${t.blocked_task!.pid})`);
  });
});

describe('soft lockup in the reports (softlockup-spin-6.12)', () => {
  const t = truthOf('softlockup-spin-6.12');
  const c = hostileCase('softlockup-spin-6.12', t.panic_task.comm);

  it('the lockup section and every CPU of bt -a, the stuck one marked, the task escaped', () => {
    const html = renderHtmlReport(c);
    const s = section(html, 'panic-lockup');
    expect(s).toContain(`lockup on CPU ${t.panic_task.cpu}`);
    expect(s).toContain(`${t.function} [${t.module}]`);
    const cpus = Number(/CPUS: (\d+)/.exec(transcript('softlockup-spin-6.12', 'sys'))![1]);
    expect(s.match(/<tr><td class="num">\d+/g)).toHaveLength(cpus);
    expect(s).toMatch(new RegExp(`<td class="num">${t.panic_task.cpu} <strong>lockup</strong></td><td>${escaped} \\(pid ${t.panic_task.pid}\\)`));
    expect(html).not.toMatch(/<img/i);
    expect(outsideFences(renderMarkdownReport(c))).not.toMatch(/(?<!\\)<img/);
  });
});
