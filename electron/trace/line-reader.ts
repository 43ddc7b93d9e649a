/**
 * Bounded streaming line splitter: turns a byte stream into blocks of lines without ever holding
 * more than one line-limit's worth of a line. A 100 MB line with no newline is skipped (and
 * counted) instead of being buffered, so hostile input cannot blow the heap or hang the import.
 */
import { isAscii } from 'node:buffer';

/** Counters the reader keeps while it runs; the importer reports them. */
export interface LineStats {
  bytes: number;
  lines: number;
  /** Lines longer than the limit, skipped without being kept. */
  overlong: number;
  /** The input ended without a final newline (a truncated file, or just a missing newline). */
  endedWithoutNewline: boolean;
}

/** A fresh, zeroed LineStats. */
export function newLineStats(): LineStats {
  return { bytes: 0, lines: 0, overlong: 0, endedWithoutNewline: false };
}

/** Default longest line kept (bytes); trace lines are a few hundred bytes. */
export const defaultMaxLineBytes = 64 * 1024;

/** The error thrown when the caller's AbortSignal fires. */
export function abortError(): Error {
  const err = new Error('import cancelled');
  err.name = 'AbortError';
  return err;
}

/**
 * The lines of one read, as offsets into one decoded string: line i is
 * `text.slice(starts[i], ends[i])` (terminator and a trailing "\r" excluded). Parsers read the
 * lines in place, so no string is cut for a line unless they need one. The offset arrays are
 * reused: a block is valid until the next one is requested.
 */
export interface LineBlock {
  text: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * Yield the lines of `source` in blocks, one per input chunk (so the per-line cost is a native
 * newline search, not an await). Line terminators ("\n" and "\r\n") are removed; overlong lines
 * are counted in `stats` and left out.
 */
export async function* boundedLineBlocks(
  source: AsyncIterable<Buffer | string>,
  stats: LineStats,
  options: { maxLineBytes?: number; signal?: AbortSignal } = {},
): AsyncGenerator<LineBlock> {
  const max = options.maxLineBytes ?? defaultMaxLineBytes;
  const block: LineBlock = { text: '', count: 0, starts: new Int32Array(4096), ends: new Int32Array(4096) };
  let carry: Buffer | null = null;
  let skipping = false;
  for await (const raw of source) {
    if (options.signal?.aborted) throw abortError();
    const buf = typeof raw === 'string' ? Buffer.from(raw) : raw;
    stats.bytes += buf.length;
    const firstNl = buf.indexOf(10);
    if (firstNl === -1) {
      if (skipping) continue;
      const total = (carry?.length ?? 0) + buf.length;
      if (total > max) {
        skipping = true;
        carry = null;
        stats.overlong++;
      } else {
        carry = carry ? Buffer.concat([carry, buf]) : Buffer.from(buf);
      }
      continue;
    }
    let start = 0;
    if (skipping) {
      skipping = false;
      stats.lines++;
      start = firstNl + 1;
    } else if (carry) {
      if (carry.length + firstNl > max) {
        stats.lines++;
        stats.overlong++;
      } else {
        // The line that began in an earlier read is a block of its own: joining it to this
        // read would copy the whole read.
        const first = Buffer.concat([carry, buf.subarray(0, firstNl)]);
        if (splitBlock(block, decode(first), max, stats)) yield block;
      }
      carry = null;
      start = firstNl + 1;
    }
    const lastNl = buf.lastIndexOf(10);
    // The lines of this read, without the newline after the last one.
    const body = lastNl >= start ? buf.subarray(start, lastNl) : null;
    const rest = buf.length - (lastNl + 1);
    if (rest > max) {
      skipping = true;
      stats.overlong++;
    } else if (rest > 0) {
      // Copy: a subarray would pin the whole read buffer until the next newline.
      carry = Buffer.from(buf.subarray(lastNl + 1));
    }
    if (body !== null && splitBlock(block, decode(body), max, stats)) yield block;
  }
  if (skipping) {
    stats.lines++;
    stats.endedWithoutNewline = true;
  } else if (carry && carry.length) {
    stats.endedWithoutNewline = true;
    if (splitBlock(block, carry.toString('utf8'), max, stats)) yield block;
  }
}

// Trace text is almost always ASCII, where latin1 decoding is the same and much faster.
function decode(b: Buffer): string {
  return isAscii(b) ? b.toString('latin1') : b.toString('utf8');
}

/** Fill `block` with the lines of `text` (newline-separated, no final newline); false when none is kept. */
function splitBlock(block: LineBlock, text: string, max: number, stats: LineStats): boolean {
  let n = 0;
  let { starts, ends } = block;
  let p = 0;
  for (;;) {
    const nl = text.indexOf('\n', p);
    const e = nl === -1 ? text.length : nl;
    stats.lines++;
    if (e - p > max) stats.overlong++;
    else {
      if (n === starts.length) {
        starts = grow(starts);
        ends = grow(ends);
      }
      starts[n] = p;
      ends[n] = e > p && text.charCodeAt(e - 1) === 13 /* \r */ ? e - 1 : e;
      n++;
    }
    if (nl === -1) break;
    p = nl + 1;
  }
  block.text = text;
  block.count = n;
  block.starts = starts;
  block.ends = ends;
  return n > 0;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The same lines as strings, one array per read (for parsers that take whole lines). */
export async function* boundedLines(
  source: AsyncIterable<Buffer | string>,
  stats: LineStats,
  options: { maxLineBytes?: number; signal?: AbortSignal } = {},
): AsyncGenerator<string[]> {
  for await (const b of boundedLineBlocks(source, stats, options)) {
    const out = new Array<string>(b.count);
    for (let i = 0; i < b.count; i++) out[i] = b.text.slice(b.starts[i], b.ends[i]);
    yield out;
  }
}
