/**
 * Notes on trace spans: the rowKey names the trace file and the span at microsecond precision
 * (any file name survives, however hostile), the span's event count agrees with counting the
 * fixture's trace-report.txt lines here, and the Report exports (HTML, Markdown, .crashcase)
 * say which span a note is about — hostile file names as text, never markup.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../electron/host/create-api.ts';
import type { ApiHost } from '../../../electron/api/handlers.ts';
import { readCaseBundle } from '../../../electron/report/bundle-read.ts';
import { writeCaseBundle } from '../../../electron/report/bundle-write.ts';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { renderMarkdownReport } from '../../../electron/report/markdown-report.ts';
import type { TraceSummary } from '../../../electron/api/trace-model.ts';
import { decodeTraceSpan, encodeTraceSpan, eventsInSpan, eventsInSpanEstimate, noteTargetText, traceSpanText, traceSpanView } from '../../../renderer/components/annotations/trace-span.ts';
import { decodeTraceChunk, type DecodedTraceChunk } from '../../../renderer/lib/trace-chunk.ts';
import { fixtureFile } from '../../support/fixtures.ts';
import { caseFromTranscripts, note } from './case-from-transcripts.ts';
import { reportTimestamps } from '../../support/trace-report.ts';

const hostileFile = '</script><img src=x onerror=alert(1)>.txt';

describe('span rowKey', () => {
  it('round-trips the file and the span at microsecond precision', () => {
    const key = encodeTraceSpan({ kind: 'range', file: '/srv/traces/trace-report.txt', start: 1234.5678904, end: 1234.8901226, events: 42 });
    expect(key).toContain('1234.567890');
    expect(key).toContain('1234.890123');
    expect(decodeTraceSpan(key)).toEqual({ kind: 'range', file: '/srv/traces/trace-report.txt', start: 1234.56789, end: 1234.890123, events: 42 });
  });

  it('keeps any file name whole: separators, newlines, markup', () => {
    for (const file of [hostileFile, 'a|b|c.txt', 'two\nlines.txt', 'trace-span|v1|range|1.000000|2.000000|3|x']) {
      const s = decodeTraceSpan(encodeTraceSpan({ kind: 'stall', file, start: 10, end: 10.25, events: 7 }));
      expect(s?.file, file).toBe(file);
      expect(s?.kind).toBe('stall');
    }
  });

  it('orders the ends, and marks an estimated count', () => {
    const s = decodeTraceSpan(encodeTraceSpan({ kind: 'range', file: 'f', start: 9.5, end: 9.25, events: 3.4, approx: true }));
    expect(s).toEqual({ kind: 'range', file: 'f', start: 9.25, end: 9.5, events: 3, approx: true });
    expect(traceSpanText(s!)).toBe('trace f: 9.250000–9.500000 s (250 ms, ≈3 events)');
  });

  it('refuses keys that are not spans', () => {
    for (const k of ['', 'bufpool_entry', 'trace-span|v2|range|1.000000|2.000000|3|f', 'trace-span|v1|range|2.000000|1.000000|3|f', 'trace-span|v1|other|1.000000|2.000000|3|f', 'trace-span|v1|range|1.0|2.0|3|f', 'trace-span|v1|range|1.000000|2.000000|3|']) {
      expect(decodeTraceSpan(k), k).toBeNull();
    }
  });

  it('prints the span as the issue words it; other notes keep "view · label"', () => {
    const rowKey = encodeTraceSpan({ kind: 'range', file: 'trace-report.txt', start: 1234.56789, end: 1234.890123, events: 1500 });
    // 0.322233 s.
    expect(noteTargetText({ view: traceSpanView, rowKey, label: 'x' })).toBe('trace trace-report.txt: 1234.567890–1234.890123 s (322 ms, 1,500 events)');
    const stall = encodeTraceSpan({ kind: 'stall', file: 't', start: 1, end: 1.0000415, events: 2 });
    expect(noteTargetText({ view: traceSpanView, rowKey: stall, label: 'direct-reclaim stall of cat (pid 7) on CPU 1' })).toBe('trace t: 1.000000–1.000042 s (42 µs, 2 events) — direct-reclaim stall of cat (pid 7) on CPU 1');
    expect(noteTargetText({ view: 'slab', rowKey: 'bufpool_entry', label: 'bufpool_entry' })).toBe('slab · bufpool_entry');
  });
});


describe('events in a span of the oom-slab-leak trace', () => {
  const file = fixtureFile('oom-slab-leak', 'trace-report.txt');
  let summary: TraceSummary;
  let chunks: DecodedTraceChunk[];
  const ts = reportTimestamps(file);
  beforeAll(async () => {
    const api = createApi();
    try {
      const r = await api.call('trace.import', { file });
      summary = r.summary;
      chunks = [];
      for (let i = 0; i < summary.chunks; i++) chunks.push(decodeTraceChunk(await api.call('trace.chunk', { traceId: r.traceId, index: i })));
    } finally {
      await api.dispose();
    }
  });

  it('counts exactly the report lines inside the span, edges included', () => {
    const first = ts[0]!;
    const last = ts.at(-1)!;
    for (const [a, b] of [[first, last], [first + (last - first) * 0.2, first + (last - first) * 0.6], [ts[10]!, ts[10]!]]) {
      const expected = ts.filter((t) => t >= a! - 5e-7 && t <= b! + 5e-7).length;
      expect(eventsInSpan(chunks, a!, b!)).toBe(expected);
    }
    expect(eventsInSpan(chunks, first, last)).toBe(ts.length);
  });

  it('a direct-reclaim stall spans its begin and end events and everything between', async () => {
    // The fixtures' traces have no direct reclaim, so a stall pair (SYNTHETIC lines in the trace's
    // own format) is put into the first 300 lines of the fixture's report.
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, 300);
    const tsOf = (l: string) => Number(/\]\s+(\d+\.\d+):/.exec(l)![1]);
    const b = tsOf(lines[50]!);
    const e = tsOf(lines[120]!);
    lines.splice(121, 0, `          stress-900   [001]   ${e.toFixed(6)}: mm_vmscan_direct_reclaim_end: nr_reclaimed=32`);
    lines.splice(51, 0, `          stress-900   [001]   ${b.toFixed(6)}: mm_vmscan_direct_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE`);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-stall-'));
    const synthetic = path.join(dir, 'stall-report.txt');
    await writeFile(synthetic, lines.join('\n') + '\n');
    const api = createApi();
    try {
      const r = await api.call('trace.import', { file: synthetic });
      const got: DecodedTraceChunk[] = [];
      for (let i = 0; i < r.summary.chunks; i++) got.push(decodeTraceChunk(await api.call('trace.chunk', { traceId: r.traceId, index: i })));
      const stall = r.summary.directReclaim.longest[0]!;
      expect(stall.pid).toBe(900);
      const key = encodeTraceSpan({ kind: 'stall', file: r.summary.file, start: stall.start, end: stall.start + stall.latency, events: eventsInSpan(got, stall.start, stall.start + stall.latency) });
      const span = decodeTraceSpan(key)!;
      expect([span.start, span.end]).toEqual([b, e]);
      const inside = reportTimestamps(synthetic).filter((t) => t >= b && t <= e).length;
      expect(span.events).toBe(inside);
      expect(span.events).toBeGreaterThanOrEqual(72);
    } finally {
      await api.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the histogram estimate of the whole trace is the whole count', () => {
    expect(eventsInSpanEstimate(summary.histogram, ts[0]! - 1, ts.at(-1)! + 1)).toBe(ts.length);
  });
});

describe('span notes in the exports', () => {
  const rowKey = encodeTraceSpan({ kind: 'range', file: hostileFile, start: 1234.56789, end: 1234.890123, events: 42 });
  const spanNote = note({ view: traceSpanView, rowKey, label: 'selected range', text: 'the leak **ramps up** here', tag: 'suspect' }, 0);
  const stallNote = note({ view: traceSpanView, rowKey: encodeTraceSpan({ kind: 'stall', file: 'trace-report.txt', start: 75.5, end: 75.512, events: 9 }), label: 'direct-reclaim stall of <b>x</b> (pid 3) on CPU 0', text: 'long stall' }, 1);
  const shown = 'trace </script><img src=x onerror=alert(1)>.txt: 1234.567890–1234.890123 s (322 ms, 42 events)';

  it('HTML says which span, with the file name as text', () => {
    const html = renderHtmlReport(caseFromTranscripts('oom-slab-leak', { annotations: [spanNote, stallNote] }));
    expect(html).toContain(shown.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(html).toContain('direct-reclaim stall of &lt;b&gt;x&lt;/b&gt; (pid 3) on CPU 0');
    expect(html).not.toMatch(/<img|<\/script><|<b>x/i);
    expect(html).toContain('<strong>ramps up</strong>');
  });

  it('Markdown says which span, with no raw markup', () => {
    const md = renderMarkdownReport(caseFromTranscripts('oom-slab-leak', { annotations: [spanNote] }));
    const heading = md.split('\n').find((l) => l.startsWith('### Suspect: '));
    expect(heading).toBeDefined();
    // Unescaped, the heading is the span text.
    expect(heading!.slice('### Suspect: '.length).replace(/\\(.)/g, '$1')).toBe(shown);
    expect(md).not.toMatch(/(?<!\\)<(?:img|\/script)/);
  });

  let dir: string;
  let api: ApiHost;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crashdeck-span-'));
    api = createApi();
  });
  afterAll(async () => {
    await api.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('a .crashcase keeps span notes, and the reopened case exports them the same', async () => {
    const file = path.join(dir, 'spans.crashcase');
    await writeFile(file, await writeCaseBundle(caseFromTranscripts('oom-slab-leak')));
    const info = await api.call('case.open', { path: file });
    const zip = await api.call('report.export', { sessionId: info.id, format: 'case', annotations: [spanNote, stallNote] });
    const back = await readCaseBundle(Buffer.from(zip.content, 'base64'));
    expect(back.annotations).toEqual([spanNote, stallNote]);
    const again = path.join(dir, 'again.crashcase');
    await writeFile(again, Buffer.from(zip.content, 'base64'));
    const reopened = await api.call('case.open', { path: again });
    const contents = await api.call('case.contents', { sessionId: reopened.id });
    expect(contents.annotations.map((a) => noteTargetText(a))).toEqual([shown, 'trace trace-report.txt: 75.500000–75.512000 s (12 ms, 9 events) — direct-reclaim stall of <b>x</b> (pid 3) on CPU 0']);
    const html = await api.call('report.export', { sessionId: reopened.id, format: 'html' });
    expect(html.content).toContain('1234.567890–1234.890123 s (322 ms, 42 events)');
  });
});
