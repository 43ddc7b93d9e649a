/**
 * Browser-side decoder for one trace chunk as the Api sends it (contract.ts TraceChunkWire):
 * each column is the base64 of a little-endian typed array. Decoded with atob into fresh,
 * aligned buffers, so the event table reads typed arrays instead of one object per event.
 */
import type { TraceChunkWire } from '../../electron/api/contract.ts';

/** One chunk's events as columns (only the first `count` entries of each column count). */
export interface DecodedTraceChunk {
  index: number;
  count: number;
  /** Seconds since boot. */
  ts: Float64Array;
  cpu: Uint16Array;
  pid: Int32Array;
  /** Index into `comms`. */
  comm: Uint16Array;
  /** Index into `events`. */
  event: Uint16Array;
  /** Index into `stacks`, -1 when the event has no callchain. */
  stack: Int32Array;
  argsEnd: Uint32Array;
  comms: string[];
  events: string[];
  stacks: string[];
  args: string;
}

/** The bytes of a base64 string in a fresh ArrayBuffer (offset 0, so any typed view is aligned). */
export function base64Bytes(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

// Typed arrays use the platform's byte order; every platform a browser runs on is little-endian,
// but say so plainly rather than show wrong numbers if that ever changes.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function column<T>(b64: string, width: number, name: string, make: (buf: ArrayBuffer, n: number) => T, count: number): T {
  const buf = base64Bytes(b64);
  if (buf.byteLength % width !== 0) throw new Error(`trace chunk column ${name} has ${buf.byteLength} bytes, not a multiple of ${width}`);
  const n = buf.byteLength / width;
  if (n < count) throw new Error(`trace chunk column ${name} holds ${n} entries, fewer than its ${count} events`);
  return make(buf, n);
}

/** Decode a wire chunk; throws a plain Error when a column is shorter than the event count. */
export function decodeTraceChunk(w: TraceChunkWire): DecodedTraceChunk {
  if (!littleEndian) throw new Error('trace chunks are little-endian and this platform is not');
  const c = w.count;
  return {
    index: w.index,
    count: c,
    ts: column(w.ts, 8, 'ts', (b, n) => new Float64Array(b, 0, n), c),
    cpu: column(w.cpu, 2, 'cpu', (b, n) => new Uint16Array(b, 0, n), c),
    pid: column(w.pid, 4, 'pid', (b, n) => new Int32Array(b, 0, n), c),
    comm: column(w.comm, 2, 'comm', (b, n) => new Uint16Array(b, 0, n), c),
    event: column(w.event, 2, 'event', (b, n) => new Uint16Array(b, 0, n), c),
    stack: column(w.stack, 4, 'stack', (b, n) => new Int32Array(b, 0, n), c),
    argsEnd: column(w.argsEnd, 4, 'argsEnd', (b, n) => new Uint32Array(b, 0, n), c),
    comms: w.comms,
    events: w.events,
    stacks: w.stacks,
    args: w.args,
  };
}

// Structured clone (V8's serializer) writes a string of Latin-1 characters one byte each.
const wide = /[\u0100-\uffff]/;
function stringBytes(x: string): number {
  return wide.test(x) ? 2 * x.length : x.length;
}

/**
 * Bytes a decoded chunk takes when kept in IndexedDB: its columns as they are, plus its strings
 * as structured clone writes them (one byte a character unless one is beyond Latin-1).
 */
export function storedChunkBytes(c: DecodedTraceChunk): number {
  let bytes = c.ts.byteLength + c.cpu.byteLength + c.pid.byteLength + c.comm.byteLength + c.event.byteLength + c.stack.byteLength + c.argsEnd.byteLength;
  bytes += stringBytes(c.args);
  for (const list of [c.comms, c.events, c.stacks]) for (const x of list) bytes += stringBytes(x);
  return bytes;
}

const storedColumns = [
  ['ts', Float64Array],
  ['cpu', Uint16Array],
  ['pid', Int32Array],
  ['comm', Uint16Array],
  ['event', Uint16Array],
  ['stack', Int32Array],
  ['argsEnd', Uint32Array],
] as const;

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

/**
 * A chunk read back from IndexedDB, checked as strictly as a wire chunk: a column of the wrong
 * type or shorter than the event count (a damaged or foreign record) throws instead of showing
 * garbage, and so does a chunk stored under another index.
 */
export function checkStoredChunk(x: unknown, index: number): DecodedTraceChunk {
  const c = x as Partial<Record<keyof DecodedTraceChunk, unknown>> | null;
  if (!c || typeof c !== 'object') throw new Error(`stored trace chunk ${index} is missing`);
  if (c.index !== index) throw new Error(`stored trace chunk ${index} holds chunk ${String(c.index)}`);
  const count = c.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new Error(`stored trace chunk ${index} has no event count`);
  for (const [name, type] of storedColumns) {
    const col = c[name];
    if (!(col instanceof type)) throw new Error(`stored trace chunk ${index}: column ${name} is not a ${type.name}`);
    if (col.length < count) throw new Error(`stored trace chunk ${index}: column ${name} holds ${col.length} entries, fewer than its ${count} events`);
  }
  if (!isStringArray(c.comms) || !isStringArray(c.events) || !isStringArray(c.stacks) || typeof c.args !== 'string') {
    throw new Error(`stored trace chunk ${index}: its string tables are damaged`);
  }
  return c as DecodedTraceChunk;
}

/** Event i of a chunk as the table shows it. */
export interface TraceEventRow {
  ts: number;
  cpu: number;
  pid: number;
  comm: string;
  event: string;
  args: string;
  /** Callchain frames joined by "\n", innermost first; null without one. */
  stack: string | null;
}

/** Event i's fields (i < count). */
export function eventAt(c: DecodedTraceChunk, i: number): TraceEventRow {
  const s = c.stack[i]!;
  return {
    ts: c.ts[i]!,
    cpu: c.cpu[i]!,
    pid: c.pid[i]!,
    comm: c.comms[c.comm[i]!] ?? '?',
    event: c.events[c.event[i]!] ?? '?',
    args: c.args.slice(i === 0 ? 0 : c.argsEnd[i - 1]!, c.argsEnd[i]!),
    stack: s >= 0 ? (c.stacks[s] ?? null) : null,
  };
}

/** What the event table filters on; empty fields match everything. */
export interface TraceEventFilter {
  event?: string;
  pid?: number | null;
  /** Case-insensitive substring of the comm. */
  comm?: string;
}

/**
 * Events matching the filter across chunks, as packed references (chunk position * 2^20 + event
 * index; chunks hold far fewer than 2^20 events), so a million matches cost one number each.
 */
export function filterEvents(chunks: readonly DecodedTraceChunk[], f: TraceEventFilter): number[] {
  const out: number[] = [];
  const comm = (f.comm ?? '').trim().toLowerCase();
  const pid = f.pid ?? null;
  const ev = (f.event ?? '').trim();
  chunks.forEach((c, k) => {
    const evIdx = ev ? c.events.indexOf(ev) : -1;
    if (ev && evIdx < 0) return;
    const commOk = comm ? c.comms.map((x) => x.toLowerCase().includes(comm)) : null;
    for (let i = 0; i < c.count; i++) {
      if (evIdx >= 0 && c.event[i] !== evIdx) continue;
      if (pid !== null && c.pid[i] !== pid) continue;
      if (commOk && !commOk[c.comm[i]!]) continue;
      out.push(k * eventRefScale + i);
    }
  });
  return out;
}

/** Packing factor of filterEvents' references. */
export const eventRefScale = 1 << 20;

/** The row a packed reference names. */
export function eventByRef(chunks: readonly DecodedTraceChunk[], ref: number): TraceEventRow | null {
  const c = chunks[Math.floor(ref / eventRefScale)];
  const i = ref % eventRefScale;
  return c && i < c.count ? eventAt(c, i) : null;
}
