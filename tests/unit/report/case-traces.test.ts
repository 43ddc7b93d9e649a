/**
 * case.traceFiles / case.importTrace: a case bundle that carries oom-slab-leak's trace-report.txt
 * lets a teammate import the events without the original file. The caller names a file by its
 * bundle name only: hostile names are refused as unknown, and nothing is written outside the
 * host's private temp dir, which goes with trace.close and with the Api.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../electron/api/contract.ts';
import { createApi } from '../../../electron/host/create-api.ts';
import { EventBus } from '../../../electron/api/handlers.ts';
import { createCaseTraceMethods } from '../../../electron/host/methods/case-traces.ts';
import type { ApiContext } from '../../../electron/host/methods/context.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { writeCaseBundle } from '../../../electron/report/bundle-write.ts';
import { CaseSessionRecord } from '../../../electron/report/case-session.ts';
import { createTraceMethods } from '../../../electron/host/methods/trace-methods.ts';
import { LocalTransport } from '../../../electron/transport/local.ts';
import { fixtureFile, fixtureMeta } from '../../support/fixtures.ts';
import { caseFromTranscripts } from './case-from-transcripts.ts';
import { reportEventLines } from '../../support/trace-report.ts';

const report = fixtureFile('oom-slab-leak', 'trace-report.txt');
const culprit = { module: String(fixtureMeta('oom-slab-leak').truth.culprit.module) };
const hostile = ['../x', '/etc/passwd', 'a/b', '<img src=x>.txt', '..', '__proto__', 'constructor'];


/** Every file under dir, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  return out.sort();
}

let dir: string;
let casePath: string;
let reportText: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-case-traces-test-'));
  reportText = await readFile(report, 'utf8');
  const c = caseFromTranscripts('oom-slab-leak');
  c.traceFiles = { 'trace-report.txt': Buffer.from(reportText) };
  casePath = path.join(dir, 'with-trace.crashcase');
  await writeFile(casePath, await writeCaseBundle(c));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('case.traceFiles and case.importTrace', () => {
  it('lists the bundled file and imports it: same events as the fixture file, the top call site is the culprit module; the temp copy is private and goes with trace.close', async () => {
    const api = createApi();
    try {
      const info = await api.call('case.open', { path: casePath });
      expect(await api.call('case.traceFiles', { sessionId: info.id })).toEqual([{ name: 'trace-report.txt', bytes: Buffer.byteLength(reportText) }]);
      const progress: string[] = [];
      const off = api.events.subscribe((event, p) => {
        if (event === 'trace.progress') progress.push((p as { importId: string }).importId);
      });
      const r = await api.call('case.importTrace', { sessionId: info.id, name: 'trace-report.txt', importId: 'bundled-1' });
      off();
      expect(r.traceId).toBe('bundled-1');
      expect(progress).toContain('bundled-1');
      expect(r.summary.events).toBe(reportEventLines(reportText).length);
      expect(r.summary.skippedLines).toBe(0);
      expect(r.summary.callSites[0]!.fn.startsWith(culprit.module)).toBe(true);
      // The rest works as for any import: chunks and links.
      const chunk = await api.call('trace.chunk', { traceId: r.traceId, index: 0 });
      expect(chunk.traceId).toBe(r.traceId);
      const copy = (await api.call('trace.list', {})).find((t) => t.traceId === r.traceId)!.file;
      expect(await readFile(copy, 'utf8')).toBe(reportText);
      expect((await stat(path.dirname(path.dirname(copy)))).mode & 0o777).toBe(0o700);
      expect(await api.call('trace.close', { traceId: r.traceId })).toEqual({ closed: true });
      await expect(stat(copy)).rejects.toThrow(/ENOENT/);
    } finally {
      await api.dispose();
    }
  });

  it('refuses unknown and hostile names with not-found (naming what the case holds), and an unknown session', async () => {
    const api = createApi();
    try {
      const info = await api.call('case.open', { path: casePath });
      for (const name of [...hostile, 'other.txt', 'traces/trace-report.txt']) {
        const err = await api.call('case.importTrace', { sessionId: info.id, name }).catch((e: unknown) => e);
        expect(err, name).toBeInstanceOf(ApiError);
        expect((err as ApiError).code, name).toBe('not-found');
        expect((err as ApiError).hint).toContain('trace-report.txt');
      }
      expect(await api.call('trace.list', {})).toEqual([]);
      await expect(api.call('case.traceFiles', { sessionId: 'no-such-session' })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await api.dispose();
    }
  });

  it('a bundle written with hostile names stores them sanitised; importing them writes only inside the private dir', async () => {
    const c = caseFromTranscripts('oom-slab-leak');
    c.traceFiles = Object.fromEntries(hostile.filter((n) => !['__proto__', 'constructor'].includes(n)).map((n) => [n, Buffer.from(reportText)]));
    const back = await readCaseBundle(await writeCaseBundle(c));
    const bus = new EventBus();
    const ctx: ApiContext = { options: {}, bus, local: new LocalTransport(), sessions: new Map(), remotes: new Set() };
    const root = path.join(dir, 'temp-root');
    const trace = createTraceMethods(bus, { inProcess: true, spoolRoot: path.join(dir, 'spool') });
    const methods = createCaseTraceMethods(ctx, trace.impls, { tempRoot: root });
    const record = new CaseSessionRecord(back, path.join(dir, 'hostile.crashcase'), 'case-1', ctx.local, bus);
    ctx.sessions.set('case-1', record);
    try {
      const names = (await methods.impls['case.traceFiles']({ sessionId: 'case-1' })).map((f) => f.name);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(n).not.toMatch(/[/\\<>]|^\./);
      for (const name of names) {
        const r = await methods.impls['case.importTrace']({ sessionId: 'case-1', name });
        expect(r.summary.events).toBe(reportEventLines(reportText).length);
      }
      const priv = (await methods.tempDir())!;
      expect(path.dirname(priv)).toBe(root);
      // Every copy is inside the private dir, one per import, and the root holds nothing else.
      expect(await readdir(root)).toEqual([path.basename(priv)]);
      const copies = await filesUnder(priv);
      expect(copies).toHaveLength(names.length);
      for (const f of copies) expect(f.split(path.sep)).toHaveLength(2);

      // An in-memory bundle whose names were never sanitised still lands inside the dir.
      record.bundle.traceFiles = { '../../escape.txt': Buffer.from(reportText), 'a/b': Buffer.from(reportText) };
      for (const name of ['../../escape.txt', 'a/b']) await methods.impls['case.importTrace']({ sessionId: 'case-1', name });
      expect(await readdir(root)).toEqual([path.basename(priv)]);
      expect(await readdir(dir)).not.toContain('escape.txt');
      const after = await filesUnder(priv);
      expect(after).toHaveLength(names.length + 2);
      for (const f of after) expect(f.split(path.sep)).toHaveLength(2);
    } finally {
      await methods.dispose();
      await trace.dispose();
    }
    expect(await readdir(root)).toEqual([]);
  });

  it('disposing the Api removes the temp copies', async () => {
    const api = createApi();
    let copy = '';
    try {
      const info = await api.call('case.open', { path: casePath });
      const r = await api.call('case.importTrace', { sessionId: info.id, name: 'trace-report.txt' });
      copy = (await api.call('trace.list', {})).find((t) => t.traceId === r.traceId)!.file;
      await stat(copy);
    } finally {
      await api.dispose();
    }
    await expect(stat(copy)).rejects.toThrow(/ENOENT/);
    await expect(stat(path.dirname(path.dirname(copy)))).rejects.toThrow(/ENOENT/);
  });
});
