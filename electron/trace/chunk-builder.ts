/**
 * Fills columnar event chunks one event at a time and hands each full chunk to a sink, so the
 * importer never holds more than one chunk of events.
 */
import { chunkCapacity, type TraceEventChunk } from '../api/trace-model.ts';

/** Most characters (args plus distinct callchains) one chunk holds before it is emitted early. */
const maxChunkText = 8 * 1024 * 1024;

class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** Accumulates events into chunks of `capacity` and emits them. */
export class ChunkBuilder {
  private chunkIndex = 0;
  private n = 0;
  private ts!: Float64Array;
  private cpu!: Uint16Array;
  private pid!: Int32Array;
  private comm!: Uint16Array;
  private event!: Uint16Array;
  private stack!: Int32Array;
  private argsEnd!: Uint32Array;
  private args: string[] = [];
  private argsLen = 0;
  private textLen = 0;
  private comms!: StringTable;
  private events!: StringTable;
  private stacks!: StringTable;
  private lastComm: string | null = null;
  private lastCommId = 0;
  private lastEvent: string | null = null;
  private lastEventId = 0;

  constructor(
    private readonly sink: ((chunk: TraceEventChunk) => void) | null,
    private readonly capacity = chunkCapacity,
  ) {
    this.reset();
  }

  /** Chunks emitted so far (including a final partial one after `flush`). */
  get emitted(): number {
    return this.chunkIndex;
  }

  add(ts: number, cpu: number, pid: number, comm: string, event: string, args: string, stack: string | null): void {
    if (this.sink === null) return;
    const i = this.n;
    this.ts[i] = ts;
    this.cpu[i] = cpu;
    this.pid[i] = pid;
    // Consecutive events mostly share task and event name: skip the table lookup then.
    if (comm !== this.lastComm) {
      this.lastComm = comm;
      this.lastCommId = this.comms.id(comm);
    }
    if (event !== this.lastEvent) {
      this.lastEvent = event;
      this.lastEventId = this.events.id(event);
    }
    this.comm[i] = this.lastCommId;
    this.event[i] = this.lastEventId;
    if (stack === null) this.stack[i] = -1;
    else {
      const before = this.stacks.list.length;
      this.stack[i] = this.stacks.id(stack);
      if (this.stacks.list.length !== before) this.textLen += stack.length;
    }
    this.args.push(args);
    this.argsLen += args.length;
    this.argsEnd[i] = this.argsLen;
    this.n = i + 1;
    // Full by count, or by text (deep callchains, long args): a chunk stays a few MB.
    if (this.n === this.capacity || this.argsLen + this.textLen > maxChunkText) this.emit();
  }

  /** Emit the last, partial chunk. */
  flush(): void {
    if (this.n > 0) this.emit();
  }

  private emit(): void {
    const n = this.n;
    // A full chunk hands over its columns as they are (reset makes new ones); a partial one is cut to size.
    const full = n === this.capacity;
    const chunk: TraceEventChunk = {
      index: this.chunkIndex++,
      count: n,
      ts: full ? this.ts : this.ts.slice(0, n),
      cpu: full ? this.cpu : this.cpu.slice(0, n),
      pid: full ? this.pid : this.pid.slice(0, n),
      comm: full ? this.comm : this.comm.slice(0, n),
      event: full ? this.event : this.event.slice(0, n),
      stack: full ? this.stack : this.stack.slice(0, n),
      comms: this.comms.list,
      events: this.events.list,
      stacks: this.stacks.list,
      args: this.args.join(''),
      argsEnd: full ? this.argsEnd : this.argsEnd.slice(0, n),
    };
    this.reset();
    this.sink!(chunk);
  }

  private reset(): void {
    const c = this.capacity;
    this.n = 0;
    this.ts = new Float64Array(c);
    this.cpu = new Uint16Array(c);
    this.pid = new Int32Array(c);
    this.comm = new Uint16Array(c);
    this.event = new Uint16Array(c);
    this.stack = new Int32Array(c);
    this.argsEnd = new Uint32Array(c);
    this.args = [];
    this.argsLen = 0;
    this.textLen = 0;
    this.comms = new StringTable();
    this.events = new StringTable();
    this.stacks = new StringTable();
    this.lastComm = null;
    this.lastEvent = null;
  }
}

/** The argument text of event `i` of a chunk. */
export function chunkArgs(chunk: TraceEventChunk, i: number): string {
  return chunk.args.slice(i === 0 ? 0 : chunk.argsEnd[i - 1]!, chunk.argsEnd[i]!);
}
