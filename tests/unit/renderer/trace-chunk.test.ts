/**
 * The renderer's chunk decoder reads what the Node side sends: a real fixture trace imported by
 * electron/trace, put on the wire, decoded with atob, gives back the fixture file's own lines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceChunkWire } from '../../../electron/api/contract.ts';
import { chunkToWire } from '../../../electron/trace/chunk-wire.ts';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { decodeTraceChunk, eventAt, eventByRef, filterEvents, type DecodedTraceChunk } from '../../../renderer/lib/trace-chunk.ts';
import { fixtureFile } from '../../support/fixtures.ts';

async function importWire(file: string): Promise<TraceChunkWire[]> {
  const wires: TraceChunkWire[] = [];
  await importTraceFile(file, {}, { onChunk: async (c) => { wires.push(JSON.parse(JSON.stringify(chunkToWire('t1', c))) as TraceChunkWire); } });
  return wires;
}

/** The fixture's report lines parsed here by hand: "comm-pid [cpu] ts: event: args". */
function reportLines(file: string): { comm: string; pid: number; cpu: number; ts: number; event: string; args: string }[] {
  const out = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+(\w+):\s+(.*)$/.exec(line);
    if (m) out.push({ comm: m[1]!, pid: Number(m[2]), cpu: Number(m[3]), ts: Number(m[4]), event: m[5]!, args: m[6]! });
  }
  return out;
}

describe('trace chunk decoder', () => {
  const file = fixtureFile('oom-slab-leak', 'trace-report.txt');

  it('gives back every event of the oom-slab-leak report: time, cpu, pid, comm, event and arguments', async () => {
    const chunks: DecodedTraceChunk[] = (await importWire(file)).map(decodeTraceChunk);
    const expected = reportLines(file);
    const got = chunks.flatMap((c) => Array.from({ length: c.count }, (_, i) => eventAt(c, i)));
    expect(got.length).toBe(expected.length);
    for (const k of [0, 1, Math.floor(expected.length / 2), expected.length - 1]) {
      const e = expected[k]!;
      const g = got[k]!;
      expect(g.ts).toBeCloseTo(e.ts, 6);
      expect([g.cpu, g.pid, g.comm.trim(), g.event]).toEqual([e.cpu, e.pid, e.comm.trim(), e.event]);
      // The importer may drop the "(call_site)" prefix; the key=value text must be there.
      const kv = e.args.replace(/^\([^)]*\)\s*/, '').trim();
      expect(g.args).toContain(kv.split(' ')[0]!);
    }
  });

  it('filters by event, pid and comm like the table does: the leaking kworker pid 29 and its bufpool allocations', async () => {
    const chunks = (await importWire(file)).map(decodeTraceChunk);
    const lines = reportLines(file);
    const want = lines.filter((l) => l.pid === 29 && l.event === 'kmem_cache_alloc').length;
    expect(want).toBeGreaterThan(0);
    const refs = filterEvents(chunks, { event: 'kmem_cache_alloc', pid: 29 });
    expect(refs.length).toBe(want);
    expect(eventByRef(chunks, refs[0]!)?.comm).toBe('kworker/u4:1');
    expect(filterEvents(chunks, { comm: 'KWORKER/U4:1' }).length).toBe(lines.filter((l) => l.comm.trim() === 'kworker/u4:1').length);
    expect(filterEvents(chunks, { event: 'no_such_event' })).toEqual([]);
  });

  it('refuses a chunk whose column is shorter than its event count instead of showing garbage', async () => {
    const [w] = await importWire(file);
    expect(() => decodeTraceChunk({ ...w!, pid: btoa('\u0001\u0000\u0000\u0000') })).toThrow(/pid/);
  });

  it('keeps perf callchains, innermost frame first', async () => {
    const chunks = (await importWire(fixtureFile('oom-user-hog', 'perf-script.txt'))).map(decodeTraceChunk);
    const first = eventAt(chunks[0]!, 0);
    // perf-script.txt starts with kmem:kmalloc from perf 186 whose first frame is __kmalloc_node.
    const text = readFileSync(fixtureFile('oom-user-hog', 'perf-script.txt'), 'utf8').split('\n');
    const head = /^\s*(\S+)\s+(\d+)/.exec(text[0]!)!;
    expect([first.comm, first.pid]).toEqual([head[1], Number(head[2])]);
    const frame = /\s[0-9a-f]+\s+([\w.]+)/.exec(text[1]!)![1]!;
    expect(first.stack?.split('\n')[0]).toContain(frame);
  });
});
