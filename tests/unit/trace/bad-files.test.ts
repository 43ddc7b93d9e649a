/**
 * Hostile and broken inputs: each gives a clear error or a partial import that says how many
 * lines it skipped — never a hang and never a heap that grows with the line length.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { fixtureFile } from '../../support/fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trace-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const report = readFileSync(fixtureFile('oom-slab-leak', 'trace-report.txt'));

describe('bad trace files', () => {
  it('refuses a text file that is no trace, saying what it expected', async () => {
    const p = file('notes.txt', 'Meeting notes\n- buy milk\n- fix the OOM\n');
    await expect(importTraceFile(p)).rejects.toMatchObject({ code: 'not-a-trace', message: expect.stringContaining('no line looks like a trace event') });
  });

  it('refuses binary garbage that is neither trace.dat nor perf.data', async () => {
    const p = file('garbage.bin', randomBytes(256 * 1024));
    await expect(importTraceFile(p)).rejects.toMatchObject({ code: 'not-a-trace', message: expect.stringContaining('binary') });
  });

  it('refuses an empty file, a missing one and a directory with different errors', async () => {
    await expect(importTraceFile(file('empty.txt', ''))).rejects.toMatchObject({ code: 'not-a-trace', message: expect.stringContaining('empty') });
    await expect(importTraceFile(path.join(dir, 'nope.txt'))).rejects.toMatchObject({ code: 'not-found' });
    await expect(importTraceFile(dir)).rejects.toMatchObject({ code: 'not-a-trace', message: expect.stringContaining('not a regular file') });
  });

  it('imports a file truncated mid-line up to the cut, and says the file may be truncated', async () => {
    const text = report.toString('utf8');
    const cutAt = text.indexOf('\n', Math.floor(text.length / 2)) + 40; // 40 bytes into a line
    const p = file('truncated.txt', text.slice(0, cutAt));
    const whole = text.slice(0, cutAt).split('\n');
    const complete = whole.slice(0, -1).filter((l) => /\]\s+\d+\.\d+:/.test(l)).length;
    const s = await importTraceFile(p);
    expect(s.events).toBe(complete);
    expect(s.skippedLines).toBe(1); // the cut line does not parse
    expect(s.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['no-final-newline', 'skipped-lines']));
  });

  it('skips a 100 MB single line (counted), keeping the events around it, in bounded memory', async () => {
    const p = path.join(dir, 'huge-line.txt');
    const head = report.subarray(0, report.indexOf('\n', 20000) + 1);
    const tail = report.subarray(report.length - 20000);
    const tailStart = tail.indexOf('\n') + 1;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(p);
      out.on('error', reject);
      out.write(head);
      const mb = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 100; i++) out.write(mb);
      out.write('\n');
      out.end(tail.subarray(tailStart), () => resolve());
    });
    const expected = [head, tail.subarray(tailStart)].map((b) => b.toString().split('\n').filter((l) => /\]\s+\d+\.\d+:/.test(l)).length).reduce((a, b) => a + b);
    const before = process.memoryUsage().rss;
    const s = await importTraceFile(p);
    expect(s.events).toBe(expected);
    expect(s.overlongLines).toBe(1);
    expect(s.skippedLines).toBe(1);
    expect(s.diagnostics.find((d) => d.code === 'overlong-lines')?.message).toContain('without being read into memory');
    expect(process.memoryUsage().rss - before).toBeLessThan(60 * 1024 * 1024);
  });

  it('refuses a file that is one huge line', async () => {
    const p = file('one-line.txt', 'x'.repeat(3 * 1024 * 1024));
    await expect(importTraceFile(p, { maxLineBytes: 64 * 1024 })).rejects.toMatchObject({ code: 'not-a-trace' });
  });

  it('keeps unknown events as events and reports garbage lines in between as skipped', async () => {
    const lines = [
      'cpus=2',
      '          myapp-4242  [001]   100.000001: my_custom_probe:      answer=42 name=foo',
      '          myapp-4242  [001]   100.000002: another_unknown:      x=1',
      '#### corrupted \x01\x02 bytes here',
      '          myapp-4242  [000]   100.000003: my_custom_probe:      answer=43 name=bar',
      'not a trace line at all',
    ];
    const s = await importTraceFile(file('unknown.txt', lines.join('\n') + '\n'));
    expect(s.events).toBe(3);
    expect(s.byEvent).toEqual({ my_custom_probe: 2, another_unknown: 1 });
    expect(s.skippedLines).toBe(1); // the "#..." line is a comment; the last one is garbage
    expect(s.diagnostics.find((d) => d.code === 'skipped-lines')?.message).toContain('not a trace line at all');
  });

  it('reads garbage appended to a real trace as skipped lines and keeps the trace', async () => {
    const p = file('tail-garbage.txt', Buffer.concat([report, randomBytes(64 * 1024)]));
    const events = report.toString().split('\n').filter((l) => /\]\s+\d+\.\d+:/.test(l)).length;
    const s = await importTraceFile(p);
    expect(s.events).toBe(events);
    expect(s.skippedLines).toBeGreaterThan(0);
  });

  it('stops at once when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(importTraceFile(fixtureFile('oom-slab-leak', 'trace-report.txt'), {}, { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
