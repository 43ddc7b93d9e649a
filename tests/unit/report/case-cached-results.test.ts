/**
 * report.export with the renderer's cached results: a case carries what the user looked at
 * (another pid's memory map, a page lookup, a console line) besides its own results, which win
 * for the same command; the renderer's parsed models are replaced by the host's parse of the raw
 * text; hostile command lines and output stay text; oversized input is refused with the limit.
 * The raw outputs are the fixtures' real crash 8.0.6 transcripts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportResultLimits, type CachedResult } from '../../../electron/api/contract.ts';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { writeCaseBundle } from '../../../electron/report/bundle-write.ts';
import { caseCommandKey, checkCachedResults, mergeCaseResults } from '../../../electron/report/case-merge.ts';
import type { CaseResult } from '../../../electron/report/case-types.ts';
import { pickForExport } from '../../../renderer/views/Report/cached-results.ts';
import type { ResultRecord } from '../../../renderer/lib/db.ts';
import { fixtureMeta, transcript } from '../../support/fixtures.ts';
import { caseFromTranscripts } from './case-from-transcripts.ts';

const slabLeak = fixtureMeta('oom-slab-leak');
/** cachesrv: a task of the oom-slab-leak fixture that is not the OOM task (pid 154 in its vm transcript). */
const otherPid = 154;
const vmOther = transcript('oom-slab-leak', `vm ${otherPid}`);
const pageLookup = transcript('oom-slab-leak', 'kmem -p 0x1000000');

function cached(command: string, raw: string, extra: Partial<CachedResult> = {}): CachedResult {
  return { command, raw, crashVersion: '8.0.6', at: 1_700_000_100_000, durationMs: 12, warnings: [], error: null, diagnoses: [], ...extra };
}

let dir: string;
let api: ApiHost;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-cached-'));
  api = createApi();
});
afterAll(async () => {
  await api.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function openCase(name: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, await writeCaseBundle(caseFromTranscripts('oom-slab-leak')));
  return (await api.call('case.open', { path: file })).id;
}

describe('merging cached results into a case', () => {
  it('keeps the session result for the same command and fills in the commands it lacks', () => {
    const own: CaseResult[] = caseFromTranscripts('oom-slab-leak').results;
    const ownSys = own.find((r) => r.command === 'sys')!;
    const merged = mergeCaseResults(own, [
      cached('sys', 'SYNTHETIC stale sys output from an older cache'),
      cached('kmem  -s', 'SYNTHETIC stale kmem -s with doubled spaces in the command'),
      cached(`vm ${otherPid}`, vmOther),
    ]);
    expect(merged.find((r) => r.command === 'sys')).toBe(ownSys);
    expect(merged.filter((r) => r.command === 'kmem -s')).toHaveLength(1);
    expect(merged.find((r) => r.command === 'kmem -s')!.raw).not.toContain('SYNTHETIC');
    const vm = merged.find((r) => r.command === `vm ${otherPid}`)!;
    expect(vm.raw).toBe(vmOther);
    expect(merged).toHaveLength(own.length + 1);
  });

  it('answers a cached command under the line the view asks for again (argument forms the allowlist rewrites)', () => {
    expect(caseCommandKey('kmem -p 1000000')).toBe('kmem -p 0x1000000');
    expect(caseCommandKey('kmem -p 0xABCDEF')).toBe('kmem -p 0xabcdef');
    expect(caseCommandKey('vm   0154')).toBe('vm 154');
    expect(caseCommandKey('vtop -c 154 0x400000 0x7FFF')).toBe('vtop -c 154 0x400000 0x7fff');
    expect(caseCommandKey('bt -a')).toBe('bt -a');
    // Console lines that are no guided command stay as typed (whitespace collapsed).
    expect(caseCommandKey('  sym   jiffies ')).toBe('sym jiffies');
    expect(caseCommandKey('vm -p 154')).toBe('vm -p 154');
  });

  it('parses the raw text itself: a sent parsed model is never stored', () => {
    const forged = { parser: 'vm', parserVersion: 9999, model: { pid: 1, command: '<img src=x onerror=alert(1)>' }, diagnostics: [] };
    const [vm, sym] = mergeCaseResults([], [
      cached(`vm ${otherPid}`, vmOther, { parsed: forged, parserVersion: 9999 }),
      cached('sym jiffies', 'ffffffff82a05980 (D) jiffies', { parsed: forged }),
    ]);
    const model = vm!.parsed!.model as { pid: number; command: string; vmas: unknown[] };
    expect(vm!.parsed!.parserVersion).toBeLessThan(9999);
    // From the transcript's own header line: PID: 154 ... COMMAND: "cachesrv".
    expect(model.pid).toBe(otherPid);
    expect(model.command).toBe('cachesrv');
    expect(model.vmas.length).toBeGreaterThan(0);
    // No parser for sym: the raw text only, not the forged model.
    expect(sym!.parsed).toBeNull();
  });

  it('keeps one result per command from the cache: the newest', () => {
    const merged = mergeCaseResults([], [cached('sym jiffies', 'old', { at: 1 }), cached('sym  jiffies', 'new', { at: 2 }), cached('sym jiffies', 'older', { at: 0 })]);
    expect(merged.map((r) => r.raw)).toEqual(['new']);
  });

  it('refuses too many results, too much text and unusable command lines, naming the limit', () => {
    const small = { maxResults: 2, maxTotalTextBytes: 10, maxCommandChars: 20 } as const;
    expect(() => checkCachedResults([cached('a', ''), cached('b', ''), cached('c', '')], small)).toThrow(/3 cached results .* more than the 2/);
    // 6 + 6 bytes of UTF-8 ("é" is two bytes): over 10.
    expect(() => checkCachedResults([cached('a', 'ééé'), cached('b', 'ééé')], small)).toThrow(/more than 10 bytes of output text/);
    expect(() => checkCachedResults([cached('sym\u0000jiffies', '')], small)).toThrow(/control characters/);
    expect(() => checkCachedResults([cached('   ', '')], small)).toThrow(/unusable command line/);
    expect(() => checkCachedResults([cached('x'.repeat(21), '')], small)).toThrow(/over 20 characters/);
    expect(() => checkCachedResults([cached('a', 'x'.repeat(10))], small)).not.toThrow();
  });

  it('the renderer sends the most recently used results within the limits and says how many it left out', () => {
    const rec = (command: string, raw: string, lastUsed: number, at: number): ResultRecord => ({
      fingerprint: 'f', command, raw, parsed: null, parserVersion: null, crashVersion: '8.0.6', at, durationMs: 1, warnings: [], error: null, lastUsed, bytes: 0,
    });
    const picked = pickForExport([rec('old', 'x'.repeat(8), 1, 30), rec('new', 'y'.repeat(8), 3, 10), rec('mid', 'z', 2, 20), rec('bad\u0001', 'z', 4, 0)], { maxResults: 5, maxTotalTextBytes: 10, maxCommandChars: 50 });
    expect(picked.results.map((r) => r.command)).toEqual(['new', 'mid']);
    expect(picked.left).toBe(2);
    expect(picked.results.every((r) => !('parsed' in r))).toBe(true);
  });
});

describe('report.export with cached results', () => {
  it('a case session exports its bundle plus the cached results, and the bundle answers them when opened', async () => {
    const id = await openCase('with-cached.crashcase');
    const results = [cached(`vm ${otherPid}`, vmOther), cached('kmem -p 1000000', pageLookup), cached('sym jiffies', 'ffffffff82a05980 (D) jiffies')];
    const zip = await api.call('report.export', { sessionId: id, format: 'case', results });
    const bundle = await readCaseBundle(Buffer.from(zip.content, 'base64'));
    expect(bundle.results.map((r) => r.command)).toEqual(expect.arrayContaining([`vm ${otherPid}`, 'kmem -p 0x1000000', 'sym jiffies', 'sys', 'ps']));

    // The exported bundle opened in a fresh host: each view's command and the console line answer.
    const file = path.join(dir, 'exported.crashcase');
    await writeFile(file, Buffer.from(zip.content, 'base64'));
    const fresh = createApi();
    try {
      const info = await fresh.call('case.open', { path: file });
      expect(info.release).toBe(slabLeak.kernel.release);
      const vm = await fresh.call('session.run', { sessionId: info.id, command: { id: 'vm', arg: String(otherPid) } });
      expect(vm.raw).toBe(vmOther);
      expect((vm.parsed?.model as { command: string }).command).toBe('cachesrv');
      const page = await fresh.call('session.run', { sessionId: info.id, command: { id: 'kmem -p', arg: '0x1000000' } });
      expect(page.raw).toBe(pageLookup);
      expect(page.parsed).not.toBeNull();
      const sym = await fresh.call('session.console', { sessionId: info.id, line: 'sym jiffies' });
      expect(sym.raw).toBe('ffffffff82a05980 (D) jiffies');
    } finally {
      await fresh.dispose();
    }
  });

  it('keeps hostile command lines and output as text: never run, escaped in the HTML', async () => {
    const id = await openCase('hostile.crashcase');
    const hostile = [
      cached("ps | sh -c 'touch /tmp/crashdeck-pwned'", '</script><script>window.__pwned=1</script>'),
      cached('sym <img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'),
    ];
    const zip = await api.call('report.export', { sessionId: id, format: 'case', results: hostile });
    const bundle = await readCaseBundle(Buffer.from(zip.content, 'base64'));
    const pipe = bundle.results.find((r) => r.command.startsWith('ps |'))!;
    expect(pipe.raw).toBe('</script><script>window.__pwned=1</script>');
    // The case's own `ps` is untouched by a cached line that merely starts with "ps".
    expect(bundle.results.find((r) => r.command === 'ps')!.raw).toBe(transcript('oom-slab-leak', 'ps'));
    // The case session still refuses the pipe in its console (shell off): a cached line is a key, not a command.
    const refused = await api.call('session.console', { sessionId: id, line: "ps | sh -c 'touch /tmp/crashdeck-pwned'" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'refused' });

    const html = await api.call('report.export', { sessionId: id, format: 'html', results: hostile });
    expect(html.content).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html.content).toContain('sym &lt;img src=x onerror=alert(1)&gt;');
    expect(html.content).not.toContain('<img src=x');
    expect(html.content).not.toContain('<script>window.__pwned');
  });

  it('refuses more results than the contract allows and more text than the limit, with the limit in the message', async () => {
    const id = await openCase('limits.crashcase');
    const many = Array.from({ length: exportResultLimits.maxResults + 1 }, (_, i) => cached(`sym s${i}`, ''));
    const tooMany = await api.call('report.export', { sessionId: id, format: 'case', results: many }).catch((e: unknown) => e);
    expect(tooMany).toMatchObject({ code: 'bad-request' });
    const chunk = 'x'.repeat(17 * 1024 * 1024);
    const big = [cached('sym a', chunk), cached('sym b', chunk), cached('sym c', chunk)];
    const tooBig = await api.call('report.export', { sessionId: id, format: 'case', results: big }).catch((e: unknown) => e);
    expect(tooBig).toMatchObject({ code: 'bad-request' });
    expect((tooBig as Error).message).toContain(`${exportResultLimits.maxTotalTextBytes} bytes`);
    expect((tooBig as Error).message).toContain('48 MiB');
  });
});
