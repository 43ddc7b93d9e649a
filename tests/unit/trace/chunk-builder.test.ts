import { describe, expect, it } from 'vitest';
import { ChunkBuilder, chunkArgs } from '../../../electron/trace/chunk-builder.ts';
import { chunkFromWire, chunkToWire } from '../../../electron/trace/chunk-wire.ts';
import type { TraceEventChunk } from '../../../electron/api/trace-model.ts';

describe('ChunkBuilder', () => {
  it('emits full chunks by count with per-chunk string tables', () => {
    const chunks: TraceEventChunk[] = [];
    const b = new ChunkBuilder((c) => chunks.push(c), 4);
    for (let i = 0; i < 10; i++) b.add(1 + i / 10, i % 2, 100 + (i % 3), `task${i % 3}`, i % 2 ? 'kmalloc' : 'mm_page_alloc', `n=${i}`, null);
    b.flush();
    expect(chunks.map((c) => c.count)).toEqual([4, 4, 2]);
    const c1 = chunks[1]!;
    expect(c1.index).toBe(1);
    // Event 5 overall is the second of chunk 1.
    expect([c1.ts[1], c1.cpu[1], c1.pid[1], c1.comms[c1.comm[1]!], c1.events[c1.event[1]!], chunkArgs(c1, 1), c1.stack[1]]).toEqual([1.5, 1, 102, 'task2', 'kmalloc', 'n=5', -1]);
  });

  it('emits early when deep callchains would make a chunk huge', () => {
    const chunks: TraceEventChunk[] = [];
    const b = new ChunkBuilder((c) => chunks.push(c));
    const frame = (i: number, j: number): string => `ffffffff8100${String(i).padStart(4, '0')} fn_${i}_${j}+0x1 ([kernel.kallsyms])`;
    for (let i = 0; i < 3000; i++) b.add(i, 0, 1, 'x', 'kmalloc', 'a=1', Array.from({ length: 80 }, (_, j) => frame(i, j)).join('\n'));
    b.flush();
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((n, c) => n + c.count, 0)).toBe(3000);
    for (const c of chunks) expect(c.stacks.reduce((n, s) => n + s.length, 0)).toBeLessThan(8 * 1024 * 1024 + 10_000);
  });

  it('round-trips through the JSON wire shape', () => {
    const chunks: TraceEventChunk[] = [];
    const b = new ChunkBuilder((c) => chunks.push(c));
    b.add(9.540774, 3, 179, 'ingestd', 'mm_page_alloc', 'order=0', 'ffffffff81 a+0x1 ([kernel.kallsyms])');
    b.add(9.6, 1, -1, '<idle>', 'kmalloc', 'x=ü', null);
    b.flush();
    const back = chunkFromWire(JSON.parse(JSON.stringify(chunkToWire('t1', chunks[0]!))));
    expect([...back.ts]).toEqual([9.540774, 9.6]);
    expect([...back.pid]).toEqual([179, -1]);
    expect([...back.stack]).toEqual([0, -1]);
    expect(chunkArgs(back, 1)).toBe('x=ü');
    expect(back.comms[back.comm[1]!]).toBe('<idle>');
  });
});
