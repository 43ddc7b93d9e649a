/**
 * `perf script` text, with or without callchains:
 *   `perf   181 [000]     8.646560:       kmem:kmalloc: call_site=... bytes_req=8 ...`
 *   `\tffffffff812a92c7 __kmalloc_node+0xa7 ([kernel.kallsyms])`   (one line per frame, then a blank line)
 * Comm may contain spaces; pid may be "pid/tid"; the CPU column and a sample period are optional.
 */

/** Header of a perf script sample. */
export const perfHeaderRe = /^\s*(\S.*?)\s+(\d+)(?:\/(\d+))?\s+(?:\[(\d+)\]\s+)?(\d+\.\d+):\s+(?:(\d+)\s+)?([\w.\-/=,]+(?::[\w.\-/=,]+)?):\s*(.*)$/;
const frameRe = /^\s+[0-9a-fA-F]+\s+\S/;
const maxFrames = 128;

/** Receives each complete sample. */
export type PerfSampleSink = (ts: number, cpu: number, pid: number, comm: string, event: string, args: string, stack: string | null) => void;

/** Line-at-a-time state machine: a header, its frames, a blank line. */
export class PerfScriptParser {
  skipped = 0;
  private pending = false;
  private ts = 0;
  private cpu = 0;
  private pid = 0;
  private comm = '';
  private event = '';
  private args = '';
  private frames: string[] = [];

  constructor(private readonly sink: PerfSampleSink) {}

  line(line: string): void {
    if (line.length === 0) {
      this.flush();
      return;
    }
    const c0 = line.charCodeAt(0);
    if ((c0 === 9 || c0 === 32) && this.pending && frameRe.test(line)) {
      if (this.frames.length < maxFrames) this.frames.push(line.trim());
      return;
    }
    const m = perfHeaderRe.exec(line);
    if (m === null) {
      if (c0 !== 35 /* # */) this.skipped++;
      return;
    }
    this.flush();
    this.pending = true;
    this.comm = m[1]!;
    // With pid/tid the task is the tid (what ftrace and crash's ps call pid).
    this.pid = +(m[3] ?? m[2]!);
    this.cpu = m[4] === undefined ? 0 : +m[4];
    this.ts = +m[5]!;
    const ev = m[7]!;
    const colon = ev.lastIndexOf(':');
    // "kmem:kmalloc" -> "kmalloc"; "cycles:u" keeps its name, not the modifier.
    const tail = colon === -1 ? '' : ev.slice(colon + 1);
    this.event = colon === -1 ? ev : /^[ukhHGpPS]{1,4}$/.test(tail) ? ev.slice(0, colon) : tail;
    this.args = m[8]!;
  }

  /** Emit the sample in progress (call at end of input). */
  flush(): void {
    if (!this.pending) return;
    this.pending = false;
    const stack = this.frames.length ? this.frames.join('\n') : null;
    this.frames = [];
    this.sink(this.ts, this.cpu, this.pid, this.comm, this.event, this.args, stack);
  }
}
