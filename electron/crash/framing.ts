/**
 * Splits crash's stdout into one frame per command.
 *
 * On a pipe crash prints no prompt and echoes nothing, so consecutive outputs are simply
 * concatenated. After every command the session sends a shell-escape marker
 * (`!echo CRASHDECK-<nonce>-<seq>`). We use the shell escape rather than gdb's `echo` because
 * crash flushes its stdout before running a shell escape, so the marker always lands after the
 * command's output, and because crash's tokenizer eats the backslash in gdb's `echo text\n`
 * (the line comes out as `textn` without a newline). The nonce is random per session, so text
 * from a dump cannot forge a marker. The marker may arrive split across chunks and may follow
 * output that did not end in a newline; both are handled.
 */
import { randomBytes } from 'node:crypto';

/** The output of one marker-delimited command (seq 0 is everything crash printed at startup). */
export interface Frame {
  seq: number;
  text: string;
}

/** A fresh random nonce for a session's markers. */
export function newNonce(): string {
  return randomBytes(12).toString('hex');
}

/** Incremental framer over crash's stdout. */
export class CommandFramer {
  private buffer = '';
  /** Where the next marker search starts (everything before it holds no marker start). */
  private searchFrom = 0;
  private readonly prefix: string;

  constructor(readonly nonce: string) {
    this.prefix = `CRASHDECK-${nonce}-`;
  }

  /** The line to write to crash's stdin after command number `seq`. */
  markerCommand(seq: number): string {
    // The quotes are removed by the shell, so the line crash keeps in its history (and prints for
    // `h`) never matches the marker the shell prints.
    return `!echo ${this.prefix}""${seq}\n`;
  }

  /** Bytes received since the last complete frame (for diagnosing a crash that died mid-command). */
  pending(): string {
    return this.buffer;
  }

  /** Forget buffered text (after the process was restarted). */
  reset(): void {
    this.buffer = '';
    this.searchFrom = 0;
  }

  /** Feed a chunk of stdout; returns the frames it completed, in order. */
  push(chunk: string): Frame[] {
    this.buffer += chunk;
    const frames: Frame[] = [];
    for (;;) {
      const at = this.buffer.indexOf(this.prefix, this.searchFrom);
      if (at < 0) {
        // Keep the tail that could be the start of a marker split across chunks.
        this.searchFrom = Math.max(0, this.buffer.length - this.prefix.length + 1);
        break;
      }
      const eol = this.buffer.indexOf('\n', at);
      if (eol < 0) {
        this.searchFrom = at;
        break;
      }
      const seqText = this.buffer.slice(at + this.prefix.length, eol).replace(/\r$/, '');
      if (!/^\d+$/.test(seqText)) {
        // Not our marker line (cannot happen without the nonce); keep scanning after it.
        this.searchFrom = at + 1;
        continue;
      }
      frames.push({ seq: Number(seqText), text: this.buffer.slice(0, at) });
      this.buffer = this.buffer.slice(eol + 1);
      this.searchFrom = 0;
    }
    return frames;
  }
}
