/**
 * Export -> import round trip: a case written as .crashcase and read back (and opened as a
 * read-only session through the Api) answers every command with the same raw text and parse,
 * keeps the notes and their order, and gives the same verdict the fixture's ground truth names.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { writeCaseBundle } from '../../../electron/report/bundle-write.ts';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { fixtureFile, fixtureMeta } from '../../support/fixtures.ts';
import { caseFromTranscripts, note } from './case-from-transcripts.ts';
import { fixtureCompleteness } from '../../support/transcripts.ts';

const truth = fixtureMeta('oom-slab-leak').truth as unknown as { oom: { unreclaimable_slab_top: Array<{ cache: string }> }; panic_task: { pid: number; comm: string } };
const notes = [
  note({ view: 'slab', rowKey: 'bufpool_entry', text: '**Leaks** 512-byte objects; see `kmem -S`', tag: 'root-cause' }, 2),
  note({ view: 'evidence', rowKey: 'log|bufpool', text: 'first note', tag: 'question' }, 0),
  note({ view: 'processes', rowKey: '29', text: 'the kworker that hit the OOM', tag: 'ruled-out' }, 1),
];

let dir: string;
let api: ApiHost;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-case-'));
  api = createApi();
});
afterAll(async () => {
  await api.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('case bundle round trip', () => {
  it('reads back the same results, notes, verdict and manifest', async () => {
    const c = caseFromTranscripts('oom-slab-leak', { annotations: notes });
    const back = await readCaseBundle(await writeCaseBundle(c));
    expect(back.manifest).toEqual(c.manifest);
    expect(back.results).toEqual(c.results);
    expect(back.annotations).toEqual(c.annotations);
    expect(back.triage).toEqual(c.triage);
    expect(back.dump).toEqual(c.dump);
  });

  it('carries trace summaries and, when asked, the trace files; the reports list the traces', async () => {
    const c = caseFromTranscripts('oom-slab-leak');
    const api2 = createApi();
    try {
      const file = fixtureFile('oom-slab-leak', 'trace-report.txt');
      const imported = await api2.call('trace.import', { file });
      c.traces = [imported.summary];
      c.traceFiles = { 'trace-report.txt': await readFile(file) };
    } finally {
      await api2.dispose();
    }
    const back = await readCaseBundle(await writeCaseBundle(c));
    expect(back.traces).toEqual(JSON.parse(JSON.stringify(c.traces)));
    expect(Buffer.from(back.traceFiles!['trace-report.txt']!).equals(Buffer.from(c.traceFiles!['trace-report.txt']!))).toBe(true);
    const html = renderHtmlReport(back);
    expect(html).toContain('<h2 id="traces">Traces</h2>');
    // The module's leaking call site is among the biggest allocators the trace saw.
    expect(html).toContain('bufpool_refill+0x46');
  });

  it('opens as a read-only session whose session.run answers from the bundle, and triage finds the leaking cache', async () => {
    const c = caseFromTranscripts('oom-slab-leak', { annotations: notes });
    const file = path.join(dir, 'slab.crashcase');
    await writeFile(file, await writeCaseBundle(c));
    const info = await api.call('case.open', { path: file });
    expect(info).toMatchObject({ state: 'ready', source: 'case', readOnly: true, fingerprint: c.dump.fingerprint, release: c.dump.release });
    for (const r of c.results) {
      const [id, ...arg] = r.command.split(' ');
      const isFlag = arg[0]?.startsWith('-');
      const command = (isFlag ? { id: r.command } : arg.length ? { id, arg: arg.join(' ') } : { id }) as never;
      const got = await api.call('session.run', { sessionId: info.id, command });
      expect(got.raw).toBe(r.raw);
      expect(got.parsed).toEqual(r.parsed);
    }
    const contents = await api.call('case.contents', { sessionId: info.id });
    expect(contents.annotations.map((a) => a.text)).toEqual(notes.map((a) => a.text));
    // analyze.triage goes through session.run, so it works on a case without crash.
    const t = await api.call('analyze.triage', { sessionId: info.id });
    expect(t.oom?.culprit.name).toContain(truth.oom.unreclaimable_slab_top[0]!.cache);
    expect(t.panic.task.pid).toBe(truth.panic_task.pid);
    // Opening the same file again gives the same session, not a second one.
    expect((await api.call('case.open', { path: file })).id).toBe(info.id);
  });

  it('the incomplete dump\'s completeness travels with the case: the opened session and its triage say 38 of 75', async () => {
    const s = 'oops-syscall-6.12-mdf172' as const;
    const c = caseFromTranscripts(s);
    c.dump.completeness = fixtureCompleteness(s);
    const back = await readCaseBundle(await writeCaseBundle(c));
    expect(back.dump.completeness).toEqual(c.dump.completeness);
    const file = path.join(dir, 'incomplete.crashcase');
    await writeFile(file, await writeCaseBundle(c));
    const info = await api.call('case.open', { path: file });
    expect(info.completeness).toEqual(c.dump.completeness);
    const t = await api.call('analyze.triage', { sessionId: info.id });
    expect(t.completeness).toMatchObject({ state: 'incomplete', tasksRead: c.dump.completeness.tasksRead, tasksInKernel: c.dump.completeness.tasksInKernel });
    await api.call('session.close', { sessionId: info.id });
  });

  it('refuses a command the bundle does not hold, saying to attach the dump', async () => {
    const file = path.join(dir, 'small.crashcase');
    await writeFile(file, await writeCaseBundle(caseFromTranscripts('panic-sysrq')));
    const info = await api.call('case.open', { path: file });
    const err = await api.call('session.run', { sessionId: info.id, command: { id: 'vm', arg: '1' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'refused' });
    expect((err as Error).message).toContain('"vm 1" is not in this case');
    expect((err as { hint: string }).hint).toMatch(/Attach the dump/);
  });

  it('re-parses raw text when the bundle was parsed by an older parser', async () => {
    const c = caseFromTranscripts('panic-sysrq');
    const sys = c.results.find((r) => r.command === 'sys')!;
    const current = sys.parsed!;
    sys.parsed = { ...current, parserVersion: 0, model: { release: 'stale-parse' } };
    const file = path.join(dir, 'stale.crashcase');
    await writeFile(file, await writeCaseBundle(c));
    const info = await api.call('case.open', { path: file });
    const got = await api.call('session.run', { sessionId: info.id, command: { id: 'sys' } });
    expect(got.parsed?.parserVersion).toBe(current.parserVersion);
    expect((got.parsed?.model as { release: string }).release).toBe(fixtureMeta('panic-sysrq').kernel.release);
  });

  it('report.export of a case session carries the caller\'s notes in every format', async () => {
    const file = path.join(dir, 'export.crashcase');
    await writeFile(file, await writeCaseBundle(caseFromTranscripts('oom-slab-leak')));
    const info = await api.call('case.open', { path: file });
    const md = await api.call('report.export', { sessionId: info.id, format: 'md', annotations: notes });
    expect(md.encoding).toBe('utf8');
    // The user's order: the question (order 0) before the ruled-out (1) before the root cause (2).
    const order = ['first note', 'the kworker that hit the OOM', '**Leaks**'].map((s) => md.content.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const zip = await api.call('report.export', { sessionId: info.id, format: 'case', annotations: notes });
    const again = await readCaseBundle(Buffer.from(zip.content, 'base64'));
    expect(again.annotations).toEqual(notes);
    expect(zip.fileName).toMatch(/\.crashcase$/);
  });
});
