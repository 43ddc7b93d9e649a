/**
 * Edge cases of the fast import path: lines read in place out of read blocks, names interned,
 * kmem fields reused from a memo. Each test states what a user would see if the shortcut were
 * wrong: lost or merged lines, wrong task names, wrong per-site counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TraceAggregator } from '../../../electron/trace/aggregates.ts';
import { chunkArgs } from '../../../electron/trace/chunk-builder.ts';
import { importTraceFile } from '../../../electron/trace/importer.ts';
import { boundedLines, newLineStats } from '../../../electron/trace/line-reader.ts';
import type { CallSiteAggregate, TraceEventChunk, TraceSummary } from '../../../electron/api/trace-model.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'crashdeck-trace-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readLines(parts: Buffer[], maxLineBytes?: number): Promise<{ lines: string[]; count: number; overlong: number }> {
  const stats = newLineStats();
  const lines: string[] = [];
  const src = (async function* () {
    for (const p of parts) yield p;
  })();
  for await (const batch of boundedLines(src, stats, maxLineBytes === undefined ? {} : { maxLineBytes })) lines.push(...batch);
  return { lines, count: stats.lines, overlong: stats.overlong };
}

/** What the lines of `text` are, by definition: split on "\n", one trailing "\r" dropped, no line after a final "\n". */
function expectedLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (text.endsWith('\n')) parts.pop();
  return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function cutBytes(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out.filter((b) => b.length > 0);
}

describe('line blocks', () => {
  it('give the same lines however the bytes are cut into reads (CRLF, multi-byte UTF-8, empty lines)', async () => {
    const piece = fc.constantFrom('a', 'kworker/u4:1', ' ', '\r', 'ä', '日本', '😀', '<img src=x>', '[001]', '');
    const line = fc.array(piece, { maxLength: 6 }).map((xs) => xs.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), async (ls, finalNl, cuts) => {
        const text = ls.join('\n') + (finalNl && ls.length ? '\n' : '');
        const { lines, count } = await readLines(cutBytes(Buffer.from(text, 'utf8'), cuts));
        const want = expectedLines(text);
        expect(lines).toEqual(want);
        expect(count).toBe(want.length);
      }),
      { numRuns: 400 },
    );
  });

  it('leave out and count every line over the limit, wherever the reads are cut', async () => {
    const line = fc.string({ unit: fc.constantFrom('x', ' ', '-'), maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), async (ls, cuts) => {
        const text = ls.join('\n') + '\n';
        const { lines, count, overlong } = await readLines(cutBytes(Buffer.from(text), cuts), 10);
        expect(lines).toEqual(ls.filter((l) => l.length <= 10));
        expect(overlong).toBe(ls.filter((l) => l.length > 10).length);
        expect(count).toBe(ls.length);
      }),
      { numRuns: 300 },
    );
  });
});

function eventLine(comm: string, pid: number, cpu: number, ts: string, event: string, args: string): string {
  return `${comm.padStart(16)}-${String(pid).padEnd(5)} [${String(cpu).padStart(3, '0')}] ${ts.padStart(12)}: ${(event + ':').padEnd(21)} ${args}`;
}

async function importText(name: string, text: string | Buffer): Promise<{ summary: TraceSummary; chunks: TraceEventChunk[] }> {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const chunks: TraceEventChunk[] = [];
  const summary = await importTraceFile(file, { format: 'trace-cmd-report' }, { onChunk: (c) => void chunks.push(c) });
  return { summary, chunks };
}

describe('trace-cmd report text on the fast path', () => {
  const lines = [
    eventLine('sleep', 186, 0, '9.540774', 'kmalloc', 'call_site=alloc_bprm+0x32 ptr=0xffff888005434a00 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false'),
    eventLine('trace-cmd', 185, 1, '9.540988', 'mm_page_alloc', 'page=0xffffffff823a15cb pfn=0x915b order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP'),
    eventLine('sleep', 186, 0, '9.541192', 'kmalloc', 'call_site=alloc_bprm+0x32 ptr=0xffff888005434b00 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false'),
  ];

  it('reads CRLF text exactly like LF text', async () => {
    const lf = await importText('lf.txt', 'cpus=2\n' + lines.join('\n') + '\n');
    const crlf = await importText('crlf.txt', 'cpus=2\r\n' + lines.join('\r\n') + '\r\n');
    for (const { summary, chunks } of [lf, crlf]) {
      expect(summary.events).toBe(3);
      expect(summary.skippedLines).toBe(0);
      expect(summary.tasks.map((t) => [t.pid, t.comm, t.count])).toEqual([[186, 'sleep', 2], [185, 'trace-cmd', 1]]);
      expect(summary.firstTs).toBe(9.540774);
      expect(summary.lastTs).toBe(9.541192);
      expect(summary.pageAlloc.byGfp).toEqual({ 'GFP_HIGHUSER_MOVABLE|__GFP_COMP': 1 });
      // No "\r" is left at the end of any event's args.
      expect(chunkArgs(chunks[0]!, 1)).toBe('page=0xffffffff823a15cb pfn=0x915b order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP');
    }
    expect(crlf.summary.callSites).toEqual(lf.summary.callSites);
  });

  it('keeps a task name with markup and multi-byte UTF-8 intact when a character straddles two 1 MB reads', async () => {
    const comm = 'häuser<img src=x>日本';
    const filler = eventLine('sleep', 186, 0, '1.000000', 'sched_waking', 'comm=x pid=1 prio=120 target_cpu=000');
    const head = Buffer.from('cpus=2\n');
    const target = Buffer.from(eventLine(comm, 4242, 1, '2.000000', 'kmalloc', 'call_site=bufpool_refill+0x46 ptr=0x1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL name=日本') + '\n');
    // Fill up to just before the 1 MB read boundary, so that the boundary falls inside "日".
    const readSize = 1 << 20;
    const commAt = target.indexOf(Buffer.from('日'));
    const fillerLines: string[] = [];
    let size = head.length;
    while (size + filler.length + 1 + commAt + 1 < readSize) {
      fillerLines.push(filler);
      size += filler.length + 1;
    }
    // Pad the last filler line's args with spaces so "日" begins exactly one byte before the boundary.
    const pad = readSize - (size + commAt + 1);
    fillerLines[fillerLines.length - 1] += ' '.repeat(pad);
    const body = Buffer.concat([head, Buffer.from(fillerLines.join('\n') + '\n'), target, Buffer.from(filler + '\n')]);
    expect(body.indexOf(Buffer.from('日'))).toBe(readSize - 1);
    const { summary, chunks } = await importText('utf8-boundary.txt', body);
    expect(summary.events).toBe(fillerLines.length + 2);
    expect(summary.skippedLines).toBe(0);
    expect(summary.tasks.find((t) => t.pid === 4242)?.comm).toBe(comm);
    const chunk = chunks.find((c) => c.comms.includes(comm))!;
    const row = Array.from(chunk.pid.subarray(0, chunk.count)).indexOf(4242);
    expect(chunk.comms[chunk.comm[row]!]).toBe(comm);
    expect(chunkArgs(chunk, row)).toBe('call_site=bufpool_refill+0x46 ptr=0x1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL name=日本');
    expect(summary.callSites.find((c) => c.callSite === 'bufpool_refill+0x46')?.cacheName).toBe('日本');
  });

  it('names thousands of tasks right (more names than the interning table holds, long names)', async () => {
    const n = 3000;
    const text = ['cpus=2'];
    for (let i = 0; i < n; i++) text.push(eventLine(`worker-thread-number-${i}`, 10000 + i, i % 2, `${(1 + i / 1000).toFixed(6)}`, 'sched_waking', 'comm=x pid=1'));
    // Each task again, in reverse, so a wrong cached name would show as a renamed task.
    for (let i = n - 1; i >= 0; i--) text.push(eventLine(`worker-thread-number-${i}`, 10000 + i, 0, '9.000000', 'sched_wakeup', 'comm=x pid=1'));
    const { summary } = await importText('many-tasks.txt', text.join('\n') + '\n');
    expect(summary.events).toBe(2 * n);
    expect(summary.tasks).toHaveLength(n);
    for (const t of summary.tasks) {
      expect(t.comm).toBe(`worker-thread-number-${t.pid - 10000}`);
      expect(t.comms).toEqual([t.comm]);
      expect(t.count).toBe(2);
    }
  });
});

describe('kmem field memo', () => {
  // Args that differ only in places the memo must notice (name=, sizes, flags, call site) or
  // must ignore (the ptr value, even one that looks like a key), and shapes it must not memoise.
  const argsPool = [
    'call_site=alloc_bprm+0x32 ptr=0xffff888005434a00 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false',
    'call_site=alloc_bprm+0x32 ptr=0xffff888005434b40 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false',
    'call_site=alloc_bprm+0x32 ptr=0xffff888005434b40 bytes_req=400 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false',
    'call_site=alloc_bprm+0x32 ptr=0xffff888005434b40 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL_ACCOUNT node=-1 accounted=false',
    'call_site=alloc_bprm+0x32 ptr=call_site=evil+0x1 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=true',
    'call_site=alloc_bprm+0x32 ptr=0x1 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false name=kmalloc-512',
    'call_site=alloc_bprm+0x32 ptr=0x2 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false name=kmalloc-rcl-512',
    'call_site=alloc_bprm+0x33 ptr=0x3 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false',
    // Same lengths and the same characters around the ptr value as lines above: only a full compare tells them apart.
    'call_site=alloc_bprz+0x32 ptr=0xffff888005434b40 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false',
    'call_site=alloc_bprm+0x32 ptr=0xffff888005434b40 bytes_req=416 bytes_alloc=256 gfp_flags=GFP_KERNEL node=-1 accounted=false',
    'call_site=alloc_bprm+0x32 ptr=0xffff888005434b40 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=truee',
    'call_site=alloc_bprm+0x32 ptr=0x2 bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=false name=kmalloc-rcx-512',
    '(bufpool_refill+0x46) call_site=bufpool_refill+0x46/0x1f0 [bufpool] ptr=0x6 bytes_req=4000 bytes_alloc=4096 gfp_flags=GFP_DMX node=-1 accounted=false',
    '(bufpool_refill+0x46) call_site=bufpool_refill+0x46/0x1f0 [bufpool] ptr=0x4 bytes_req=4000 bytes_alloc=4096 gfp_flags=GFP_KERNEL|__GFP_RECLAIMABLE node=-1 accounted=false',
    '(bufpool_refill+0x46) call_site=bufpool_refill+0x46/0x1f0 [bufpool] ptr=0x5 bytes_req=4000 bytes_alloc=4096 gfp_flags=GFP_DMA32 node=-1 accounted=false',
    '(bufpool_refill+0x46) call_site=bufpool_refill+0x46/0x1f0 [bufpool] ptr=0x6 bytes_req=4000 bytes_alloc=4096 gfp_flags=GFP_DMA node=-1 accounted=false',
    'ptr=0x7 call_site=late_site+0x1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL',
    '(late_site) ptr=0x7 call_site=late_site+0x1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL',
    '(late_site) ptr=call_site=late_site+0x2 call_site=late_site+0x1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL',
    'call_site=no_ptr+0x1 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL',
    'ptr=0x8 bytes_req=8 bytes_alloc=8 gfp_flags=GFP_KERNEL',
    'call_site=alloc_bprm+0x32 ptr= bytes_req=416 bytes_alloc=512 gfp_flags=GFP_KERNEL node=-1 accounted=1',
  ];
  const pagePool = [
    'page=0xffffffff823a15cb pfn=0x915b order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP',
    'page=0xffffffff823a15cc pfn=0x915c order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP',
    'page=0xffffffff823a15cd pfn=0x915d order=3 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP',
    'page=gfp_flags=GFP_EVIL pfn=0x1 order=1 migratetype=0 gfp_flags=GFP_KERNEL',
    'page=0x1 pfn=0x2 order=12 migratetype=0 gfp_flags=GFP_KERNEL',
    'page=0x1 pfn=0x2 order=12 migratetype=0 gfp_flags=GFP_KERNEX',
    'page=0x1 pfn=0x2 order=13 migratetype=0 gfp_flags=GFP_KERNEL',
    'page=0x1 pfn=0x2 gfp_flags=GFP_KERNEL order=2',
  ];
  const meta = { format: 'trace-cmd-report' as const, source: 'text' as const, file: 'x', bytes: 0, lines: 0, skippedLines: 0, overlongLines: 0, chunks: 0, diagnostics: [] };
  type Ev = { event: string; args: string; pid: number };

  function fold(events: Ev[]): TraceSummary {
    const agg = new TraceAggregator();
    events.forEach((e, i) => agg.add(i, 0, e.pid, 'task', e.event, e.args, null));
    return agg.finish(meta);
  }

  /** The call-site rows of every event folded on its own (no memo can help), added up. */
  function oneByOne(events: Ev[]): { sites: Map<string, Omit<CallSiteAggregate, 'topPids' | 'firstTs' | 'lastTs' | 'fn' | 'module'>>; byOrder: Record<string, number>; byGfp: Record<string, number> } {
    const sites = new Map<string, Omit<CallSiteAggregate, 'topPids' | 'firstTs' | 'lastTs' | 'fn' | 'module'>>();
    const byOrder: Record<string, number> = {};
    const byGfp: Record<string, number> = {};
    for (const e of events) {
      const s = fold([e]);
      for (const c of s.callSites) {
        const key = `${c.event}|${c.callSite}|${c.cacheName}`;
        const acc = sites.get(key) ?? { event: c.event, callSite: c.callSite, cacheName: c.cacheName, count: 0, bytesReq: 0, bytesAlloc: 0, sizes: {}, accounted: 0, reclaimable: 0, dma: 0 };
        acc.count += c.count;
        acc.bytesReq += c.bytesReq;
        acc.bytesAlloc += c.bytesAlloc;
        acc.accounted += c.accounted;
        acc.reclaimable += c.reclaimable;
        acc.dma += c.dma;
        for (const [k, v] of Object.entries(c.sizes)) acc.sizes[k] = (acc.sizes[k] ?? 0) + v;
        sites.set(key, acc);
      }
      for (const [k, v] of Object.entries(s.pageAlloc.byOrder)) byOrder[k] = (byOrder[k] ?? 0) + v;
      for (const [k, v] of Object.entries(s.pageAlloc.byGfp)) byGfp[k] = (byGfp[k] ?? 0) + v;
    }
    return { sites, byOrder, byGfp };
  }

  it('gives every call site, size, flag and page count that folding each event alone gives', () => {
    const ev = fc.oneof(
      fc.record({ event: fc.constantFrom('kmalloc', 'kmalloc_node', 'kmem_cache_alloc'), args: fc.constantFrom(...argsPool), pid: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ event: fc.constant('mm_page_alloc'), args: fc.constantFrom(...pagePool), pid: fc.integer({ min: 1, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 60 }), (events) => {
        const all = fold(events);
        const want = oneByOne(events);
        const got = new Map(all.callSites.map((c) => [`${c.event}|${c.callSite}|${c.cacheName}`, c]));
        expect([...got.keys()].sort()).toEqual([...want.sites.keys()].sort());
        for (const [key, w] of want.sites) {
          const g = got.get(key)!;
          expect({ event: g.event, callSite: g.callSite, cacheName: g.cacheName, count: g.count, bytesReq: g.bytesReq, bytesAlloc: g.bytesAlloc, sizes: g.sizes, accounted: g.accounted, reclaimable: g.reclaimable, dma: g.dma }).toEqual(w);
        }
        expect(all.pageAlloc.byOrder).toEqual(want.byOrder);
        expect(all.pageAlloc.byGfp).toEqual(want.byGfp);
      }),
      { numRuns: 300 },
    );
  });
});
