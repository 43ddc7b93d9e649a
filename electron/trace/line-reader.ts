/**
 * Bounded streaming line splitter: turns a byte stream into batches of lines without ever holding
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
 * Yield the lines of `source` in batches (one batch per input chunk, so the per-line cost is
 * a string split, not an await). Line terminators ("\n" and "\r\n") are removed.
 */
export async function* boundedLines(
  source: AsyncIterable<Buffer | string>,
  stats: LineStats,
  options: { maxLineBytes?: number; signal?: AbortSignal } = {},
): AsyncGenerator<string[]> {
  const max = options.maxLineBytes ?? defaultMaxLineBytes;
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
    const out: string[] = [];
    let start = 0;
    if (skipping) {
      skipping = false;
      stats.lines++;
      start = firstNl + 1;
    } else if (carry) {
      stats.lines++;
      if (carry.length + firstNl > max) stats.overlong++;
      else out.push(stripCr(Buffer.concat([carry, buf.subarray(0, firstNl)]).toString('utf8')));
      carry = null;
      start = firstNl + 1;
    }
    const lastNl = buf.lastIndexOf(10);
    if (lastNl >= start) {
      // Trace text is almost always ASCII, where latin1 decoding is the same and much faster.
      const text = isAscii(buf.subarray(start, lastNl)) ? buf.toString('latin1', start, lastNl) : buf.toString('utf8', start, lastNl);
      const parts = text.split('\n');
      const hasCr = text.includes('\r');
      for (const line of parts) {
        stats.lines++;
        if (line.length > max) {
          stats.overlong++;
          continue;
        }
        out.push(hasCr ? stripCr(line) : line);
      }
    }
    const rest = buf.length - (lastNl + 1);
    if (rest > max) {
      skipping = true;
      stats.overlong++;
    } else if (rest > 0) {
      // Copy: a subarray would pin the whole read buffer until the next newline.
      carry = Buffer.from(buf.subarray(lastNl + 1));
    }
    if (out.length) yield out;
  }
  if (skipping) {
    stats.lines++;
    stats.endedWithoutNewline = true;
  } else if (carry && carry.length) {
    stats.lines++;
    stats.endedWithoutNewline = true;
    yield [stripCr(carry.toString('utf8'))];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
