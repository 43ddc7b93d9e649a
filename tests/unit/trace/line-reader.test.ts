import { describe, expect, it } from 'vitest';
import { boundedLines, newLineStats } from '../../../electron/trace/line-reader.ts';

async function collect(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, maxLineBytes?: number) {
  const stats = newLineStats();
  const lines: string[] = [];
  const src = (async function* () {
    for await (const c of chunks as AsyncIterable<Buffer | string>) yield c;
  })();
  for await (const batch of boundedLines(src, stats, maxLineBytes === undefined ? {} : { maxLineBytes })) lines.push(...batch);
  return { lines, stats };
}

describe('boundedLines', () => {
  it('splits lines across arbitrary chunk boundaries and strips CRLF', async () => {
    const text = 'alpha\r\nbeta\ngamma\ndelta';
    // Every split point gives the same lines.
    for (let cut = 0; cut <= text.length; cut++) {
      const { lines, stats } = await collect([text.slice(0, cut), text.slice(cut)]);
      expect(lines).toEqual(['alpha', 'beta', 'gamma', 'delta']);
      expect(stats.endedWithoutNewline).toBe(true);
    }
  });

  it('keeps a multi-byte UTF-8 character split between two reads intact', async () => {
    const buf = Buffer.from('comm=häuser\nnext\n', 'utf8');
    const at = buf.indexOf(0xc3) + 1; // inside "ä"
    const { lines } = await collect([buf.subarray(0, at), buf.subarray(at)]);
    expect(lines).toEqual(['comm=häuser', 'next']);
  });

  it('skips a 100 MB line without buffering it and reads the lines after it', async () => {
    const mb = Buffer.alloc(1024 * 1024, 0x41);
    async function* hostile() {
      yield Buffer.from('first\n');
      for (let i = 0; i < 100; i++) yield mb;
      yield Buffer.from('\nlast\n');
    }
    const before = process.memoryUsage().rss;
    const { lines, stats } = await collect(hostile(), 64 * 1024);
    expect(lines).toEqual(['first', 'last']);
    expect(stats.overlong).toBe(1);
    expect(stats.lines).toBe(3);
    expect(stats.bytes).toBe(100 * mb.length + 12);
    // Far below the 100 MB the line would take if it were buffered.
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('counts an overlong line that shares a read with normal lines', async () => {
    const { lines, stats } = await collect([`a\n${'x'.repeat(500)}\nb\n`], 100);
    expect(lines).toEqual(['a', 'b']);
    expect(stats.overlong).toBe(1);
  });

  it('stops with an AbortError when the signal fires', async () => {
    const ac = new AbortController();
    async function* endless() {
      for (;;) {
        yield Buffer.from('line\n'.repeat(1000));
        ac.abort();
      }
    }
    const stats = newLineStats();
    const run = async () => {
      for await (const batch of boundedLines(endless(), stats, { signal: ac.signal })) void batch;
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
