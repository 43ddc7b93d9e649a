/**
 * One event line of `trace-cmd report` or a tracefs `trace` file:
 *   `      kworker/u4:1-29    [001]     9.598441: kmem_cache_alloc:     (bufpool_refill+0x46) call_site=...`
 *   `            bash-1234    (   1234) [001] d..2.   123.456789: kmalloc: call_site=...`
 * Comm may contain spaces and dashes (the pid is the last `-N` before the CPU), the tgid column
 * and the latency flags are optional.
 */

/** Header of an ftrace event line: comm, pid, cpu, timestamp, event name, rest. */
export const ftraceHeaderRe = /^\s*(.+?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:[.dDXb][^\s]{2,6}\s+)?(\d+(?:\.\d+)?):\s+([\w:.+-]+?):\s*(.*)$/;

/**
 * The latency format (`trace-cmd report -l`, tracefs with the latency-format option): no
 * brackets, the CPU number runs into the flags: `   sleep-186     0.....     9.540774: kmalloc: ...`.
 */
export const ftraceLatencyRe = /^\s*(.+?)-(\d+)\s+(\d+)[.dDXb][^\s]{2,6}\s+(\d+(?:\.\d+)?):\s+([\w:.+-]+?):\s*(.*)$/;

/** True when the line is an ftrace event line in any of the shapes above. */
export function isFtraceLine(line: string): boolean {
  return ftraceHeaderRe.test(line) || ftraceLatencyRe.test(line);
}

/** A parsed event line; reused between calls to spare the allocator. */
export interface FtraceLine {
  comm: string;
  pid: number;
  cpu: number;
  ts: number;
  event: string;
  args: string;
}

/** The header of an event line read in place; its args are `text.slice(argsStart, end)`. */
export interface FtraceHeader {
  comm: string;
  pid: number;
  cpu: number;
  ts: number;
  event: string;
  argsStart: number;
  /** Comm and event names already seen: a repeated one is returned as the same string object. */
  readonly names: StringInterner;
}

/** A fresh header to pass to parseFtraceAt (reuse it: it carries the interned names). */
export function newFtraceHeader(): FtraceHeader {
  return { comm: '', pid: 0, cpu: 0, ts: 0, event: '', argsStart: 0, names: new StringInterner() };
}

/**
 * A copy of `s` that does not share memory with the text it was cut from. V8 cuts longer
 * substrings as views of their parent, so a kept name would otherwise pin a whole read block.
 */
export function detachString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

const internSlots = 1024;

/**
 * A small direct-mapped cache of short strings (task and event names) read in place: the caller
 * hashes the characters while it scans them anyway, a hit costs one compare, and every hit is
 * the same string object (pointer-equal, its hash cached, nothing kept that pins a read block).
 */
export class StringInterner {
  private readonly slots: string[] = new Array<string>(internSlots).fill('');

  /** The string `text[start, end)`, whose characters hash (h = h * 31 + c, 32-bit) to `hash`. */
  get(text: string, start: number, end: number, hash: number): string {
    const i = hash & (internSlots - 1);
    const s = this.slots[i]!;
    // `===` compares whole strings at memcmp speed; startsWith and charCodeAt loops go a
    // character at a time (several ns each on sliced strings).
    const cut = text.slice(start, end);
    if (cut === s) return s;
    const fresh = detachString(cut);
    this.slots[i] = fresh;
    return fresh;
  }
}

const lineHeader = newFtraceHeader();

/** Parse one line into `out`; false when the line is not an event line. */
export function parseFtraceLine(line: string, out: FtraceLine): boolean {
  if (!parseFtraceAt(line, 0, line.length, lineHeader)) return false;
  out.comm = lineHeader.comm;
  out.pid = lineHeader.pid;
  out.cpu = lineHeader.cpu;
  out.ts = lineHeader.ts;
  out.event = lineHeader.event;
  out.args = line.slice(lineHeader.argsStart);
  return true;
}

/**
 * Parse the line `text[start, end)` in place into `out`; false when it is not an event line.
 * `end` must be the text's end or sit on its line terminator ("\r" or "\n").
 */
export function parseFtraceAt(text: string, start: number, end: number, out: FtraceHeader): boolean {
  return fastParse(text, start, end, out) || regexParse(text, start, end, out);
}

function regexParse(text: string, start: number, end: number, out: FtraceHeader): boolean {
  const line = text.slice(start, end);
  const m = ftraceHeaderRe.exec(line) ?? ftraceLatencyRe.exec(line);
  if (m === null) return false;
  out.comm = intern(out.names, m[1]!);
  out.pid = +m[2]!;
  out.cpu = +m[3]!;
  out.ts = +m[4]!;
  const ev = m[5]!;
  const colon = ev.indexOf(':');
  out.event = intern(out.names, colon === -1 ? ev : ev.slice(colon + 1));
  // The args group runs to the end of the line.
  out.argsStart = end - m[6]!.length;
  return true;
}

function intern(names: StringInterner, s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return names.get(s, 0, s.length, h);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The common shape without a regex (the importer's hottest code): `comm-pid [cpu] ts: event: args`
 * with single fields in fixed order. Anything unusual (tgid column, odd spacing) falls back to the
 * regex, which accepts the same lines. Scans stop by themselves at `end`: the character there is
 * a line terminator (or past the text), which no field accepts.
 */
function fastParse(text: string, start: number, end: number, out: FtraceHeader): boolean {
  // The first " [" of the line, found with the single-character search (a memchr; V8's
  // multi-character indexOf costs about a nanosecond per character scanned).
  let open = text.indexOf('[', start);
  while (open !== -1 && open < end && (open === start || text.charCodeAt(open - 1) !== 32)) open = text.indexOf('[', open + 1);
  if (open === -1 || open >= end) return false;
  open--;
  if (open - start < 3) return false;
  // "[ddd]"
  let p = open + 2;
  let cpu = 0;
  let c = text.charCodeAt(p);
  if (!isDigit(c)) return false;
  do {
    cpu = cpu * 10 + (c - 48);
    c = text.charCodeAt(++p);
  } while (isDigit(c));
  if (c !== 93 /* ] */) return false;
  // pid: digits right before the spaces before " ["
  let e = open;
  while (e > start && text.charCodeAt(e - 1) === 32) e--;
  let b = e;
  while (b > start && isDigit(text.charCodeAt(b - 1))) b--;
  if (b === e || b - start < 2 || text.charCodeAt(b - 1) !== 45 /* - */) return false;
  let cs = start;
  while (text.charCodeAt(cs) === 32) cs++;
  if (cs >= b - 1) return false;
  // timestamp (after optional latency flags)
  p++;
  while (text.charCodeAt(p) === 32) p++;
  c = text.charCodeAt(p);
  if (!isDigit(c)) {
    const sp = text.indexOf(' ', p);
    if (sp === -1 || sp >= end) return false;
    p = sp;
    while (text.charCodeAt(p) === 32) p++;
  }
  // "123.456789:" read in place: integer digits and fraction digits as one integer N, then
  // N / 10^k, which is exactly the correctly rounded value Number() would give.
  let whole = 0;
  let digits = 0;
  let scale = 1;
  let seenDot = false;
  for (;;) {
    c = text.charCodeAt(p);
    if (isDigit(c)) {
      whole = whole * 10 + (c - 48);
      if (seenDot) scale *= 10;
      // Counter / TSC clocks print long integers; beyond 2^53 they lose precision, which is fine for ordering.
      if (++digits > 20) return false;
    } else if (c === 46 /* . */ && !seenDot) seenDot = true;
    else break;
    p++;
  }
  if (c !== 58 /* : */ || digits === 0 || text.charCodeAt(p + 1) !== 32) return false;
  const ts = whole / scale;
  p += 2;
  while (text.charCodeAt(p) === 32) p++;
  const evStart = p;
  let evEnd = text.indexOf(':', evStart);
  if (evEnd === -1 || evEnd >= end || evEnd === evStart) return false;
  // "kmem:kmalloc:" (a system prefix) -> the name after it
  let nameStart = evStart;
  const next = text.charCodeAt(evEnd + 1);
  if (next !== 32 && evEnd + 1 < end) {
    const second = text.indexOf(':', evEnd + 1);
    if (second === -1 || second >= end) return false;
    nameStart = evEnd + 1;
    evEnd = second;
  }
  let eh = 0;
  for (let i = nameStart; i < evEnd; i++) {
    c = text.charCodeAt(i);
    if (c === 32) return false;
    eh = (eh * 31 + c) | 0;
  }
  p = evEnd + 1;
  while (text.charCodeAt(p) === 32) p++;
  let ch = 0;
  for (let i = cs; i < b - 1; i++) ch = (ch * 31 + text.charCodeAt(i)) | 0;
  out.comm = out.names.get(text, cs, b - 1, ch);
  let pid = 0;
  for (let i = b; i < e; i++) pid = pid * 10 + (text.charCodeAt(i) - 48);
  out.pid = pid;
  out.cpu = cpu;
  out.ts = ts;
  out.event = out.names.get(text, nameStart, evEnd, eh);
  out.argsStart = p;
  return true;
}
