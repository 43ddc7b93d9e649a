/**
 * Shared plumbing for the crash output parsers: line splitting, bounded diagnostics, crash's own
 * error/warning lines, and number readers that return null instead of NaN or throwing.
 *
 * Everything here is linear in the input and uses only anchored regexes without nested
 * quantifiers, so hostile dump text cannot make a parser slow.
 */
import type { Diagnosis } from '../api/contract.ts';

/** What every parser returns. */
export interface ParseResult<M> {
  model: M;
  diagnostics: Diagnosis[];
}

/** Longest line a parser looks at; longer lines are cut (crash never prints such lines). */
export const MAX_LINE = 4096;

/** Split crash output into lines (LF or CRLF; crash's `\r` progress lines become separate lines). */
export function splitLines(text: string): string[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  // Plain split is several times faster; only pay for the regex when a \r is present.
  const out = text.includes('\r') ? text.split(/\r?\n|\r/) : text.split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  for (let i = 0; i < out.length; i++) {
    const l = out[i] as string;
    if (l.length > MAX_LINE) out[i] = l.slice(0, MAX_LINE);
  }
  return out;
}

/** How many skipped lines are quoted in the one "unparsed lines" diagnostic. */
const SAMPLE_LINES = 3;
/** Diagnostics beyond this count are folded into one summary so garbage cannot flood the UI. */
const MAX_DIAGNOSTICS = 40;

/**
 * Collects diagnostics for one parse. Lines the parser could not read are counted and sampled
 * into a single `unparsed-lines` warning rather than one diagnostic each.
 */
export class Diagnostics {
  private readonly list: Diagnosis[] = [];
  private dropped = 0;
  private skippedCount = 0;
  private readonly samples: string[] = [];
  private readonly context: string;

  /** `context` names the parser in messages ("kmem -s"). */
  constructor(context: string) {
    this.context = context;
  }

  add(code: string, severity: Diagnosis['severity'], message: string, hint?: string): void {
    if (this.list.length >= MAX_DIAGNOSTICS) {
      this.dropped++;
      return;
    }
    const d: Diagnosis = { code, severity, message: clip(message, 500) };
    if (hint !== undefined) d.hint = hint;
    this.list.push(d);
  }

  /** A line the parser did not understand (1-based line number). */
  skip(lineNo: number, line: string, why?: string): void {
    this.skippedCount++;
    if (this.samples.length < SAMPLE_LINES) {
      this.samples.push(`line ${lineNo}${why ? ` (${why})` : ''}: ${JSON.stringify(clip(line, 120))}`);
    }
  }

  /** True once an error-severity diagnostic was added (e.g. crash's own error line). */
  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }

  get skipped(): number {
    return this.skippedCount;
  }

  /** The final list, with the skipped-lines summary and any overflow note appended. */
  finish(): Diagnosis[] {
    const out = this.list.slice();
    if (this.skippedCount > 0) {
      out.push({
        code: 'unparsed-lines',
        severity: 'warning',
        message: `${this.context}: skipped ${this.skippedCount} line(s) it could not read; ${this.samples.join('; ')}`,
        hint: 'The raw output is still shown; these lines are missing from the structured view.',
      });
    }
    if (this.dropped > 0) {
      out.push({
        code: 'diagnostics-truncated',
        severity: 'info',
        message: `${this.context}: ${this.dropped} further diagnostic(s) not listed`,
      });
    }
    return out;
  }
}

/** Cut a string for quoting in a message. */
export function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * Recognise crash's own messages inside a command's output and record them as diagnostics:
 * `<cmd>: message` errors (with the optional `FILE: x  LINE: n  FUNCTION: f()` follow-up line),
 * `crash: ...` errors, `WARNING: ...` and `NOTE: ...`. Returns true when the line was one.
 *
 * `commands` are the command names whose error prefix to accept (e.g. ["vm"], ["kmem"]).
 */
export function crashMessage(line: string, commands: readonly string[], diags: Diagnostics): boolean {
  const t = line.trimStart();
  if (t.startsWith('WARNING:')) {
    diags.add('crash-warning', 'warning', `crash: ${t}`);
    return true;
  }
  if (t.startsWith('NOTE:')) {
    diags.add('crash-note', 'info', `crash: ${t}`);
    return true;
  }
  if (/^FILE: \S+ +LINE: \d+ +FUNCTION: /.test(t)) {
    diags.add('crash-error-location', 'info', `crash: ${t}`);
    return true;
  }
  if (t.startsWith('crash: ')) {
    diags.add('crash-error', 'error', t, crashErrorHint(t));
    return true;
  }
  for (const c of commands) {
    if (line.startsWith(`${c}: `)) {
      diags.add('crash-error', 'error', t, crashErrorHint(t));
      return true;
    }
  }
  return false;
}

function crashErrorHint(msg: string): string | undefined {
  if (/invalid structure member offset|invalid structure size|no such member/.test(msg)) {
    return 'This crash does not know this kernel\'s data structures; use a newer crash (8.0.4 or newer for 6.1 kernels; 8.0.6 verified).';
  }
  if (/invalid task or pid value/.test(msg)) {
    return 'crash could not find that task; with an old crash the task list may be incomplete.';
  }
  if (/command not found/.test(msg)) return 'This crash does not have that command.';
  return undefined;
}

/** Decimal integer or null (accepts a leading minus). */
export function int(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d{1,16}$/.test(s)) return null;
  return Number(s);
}

/** Decimal number (integer or fraction) or null. */
export function num(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d{1,16}(\.\d{1,12})?$/.test(s)) return null;
  return Number(s);
}

/** Hex digits (optional 0x) to a number or null; precise up to 2^53, which covers page counts/flags we do math on. */
export function hexNum(s: string | undefined): number | null {
  if (s === undefined) return null;
  const m = /^(?:0x)?([0-9a-fA-F]{1,16})$/.exec(s);
  if (!m) return null;
  return parseInt(m[1] as string, 16);
}

/** True for a bare hex address/value (optional 0x). */
export function isHex(s: string | undefined): s is string {
  return s !== undefined && /^(?:0x)?[0-9a-fA-F]{1,16}$/.test(s);
}

const UNIT: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, p: 1024 ** 5, pb: 1024 ** 5,
};

/** crash's human sizes ("8k", "319.5 MB", "72 KB", "0") to bytes, or null. Units are binary (crash divides by 1024). */
export function sizeToBytes(s: string | undefined): number | null {
  if (s === undefined) return null;
  const m = /^(\d{1,16}(?:\.\d{1,6})?) ?([kKmMgGtTpP]?[bB]?)$/.exec(s.trim());
  if (!m) return null;
  const factor = UNIT[(m[2] as string).toLowerCase()];
  if (factor === undefined) return null;
  return Math.round(Number(m[1]) * factor);
}

/** Split on runs of spaces/tabs (no regex backtracking risk). */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (space) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/**
 * Run a parser so that an unexpected exception becomes an `internal-error` diagnostic with the
 * given empty model instead of escaping. The parsers are written not to throw; this is the seatbelt.
 */
export function guarded<M>(context: string, empty: () => M, run: () => ParseResult<M>): ParseResult<M> {
  try {
    return run();
  } catch (e) {
    return {
      model: empty(),
      diagnostics: [{
        code: 'internal-error',
        severity: 'error',
        message: `${context} parser failed: ${e instanceof Error ? e.message : String(e)}`,
        hint: 'Please report this with the raw output; the raw text is still shown.',
      }],
    };
  }
}

/** Nothing recognisable in the whole output: a diagnostic instead of a silently empty model. */
export function noDataDiagnosis(diags: Diagnostics, context: string, text: string): void {
  if (diags.hasErrors) return; // crash's own error already says why there is nothing
  if (text.trim() === '') diags.add('empty-output', 'warning', `${context}: the command printed nothing`);
  else diags.add('no-data', 'warning', `${context}: no recognisable ${context} output found`);
}
