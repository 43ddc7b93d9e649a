/**
 * A chunk in its JSON-safe wire shape (contract.ts TraceChunkSchema): typed-array columns as
 * base64 of their little-endian bytes. Also the on-disk spool format, one JSON file per chunk.
 */
import type { TraceChunkWire } from '../api/contract.ts';
import type { TraceEventChunk } from '../api/trace-model.ts';

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function bytes(s: string): Buffer {
  const b = Buffer.from(s, 'base64');
  // Typed arrays need an aligned offset: copy into a fresh buffer.
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return Buffer.from(out);
}

/** Chunk -> wire. */
export function chunkToWire(traceId: string, c: TraceEventChunk): TraceChunkWire {
  return {
    traceId, index: c.index, count: c.count,
    ts: b64(c.ts), cpu: b64(c.cpu), pid: b64(c.pid), comm: b64(c.comm), event: b64(c.event), stack: b64(c.stack), argsEnd: b64(c.argsEnd),
    comms: c.comms, events: c.events, stacks: c.stacks, args: c.args,
  };
}

/** Wire -> chunk (Node side; the renderer decodes the same layout with atob). */
export function chunkFromWire(w: TraceChunkWire): TraceEventChunk {
  const col = <T>(s: string, make: (buf: ArrayBuffer, off: number, len: number) => T, width: number): T => {
    const b = bytes(s);
    return make(b.buffer as ArrayBuffer, b.byteOffset, b.length / width);
  };
  return {
    index: w.index,
    count: w.count,
    ts: col(w.ts, (b, o, n) => new Float64Array(b, o, n), 8),
    cpu: col(w.cpu, (b, o, n) => new Uint16Array(b, o, n), 2),
    pid: col(w.pid, (b, o, n) => new Int32Array(b, o, n), 4),
    comm: col(w.comm, (b, o, n) => new Uint16Array(b, o, n), 2),
    event: col(w.event, (b, o, n) => new Uint16Array(b, o, n), 2),
    stack: col(w.stack, (b, o, n) => new Int32Array(b, o, n), 4),
    argsEnd: col(w.argsEnd, (b, o, n) => new Uint32Array(b, o, n), 4),
    comms: w.comms,
    events: w.events,
    stacks: w.stacks,
    args: w.args,
  };
}
