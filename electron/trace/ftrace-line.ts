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

/** Parse one line into `out`; false when the line is not an event line. */
export function parseFtraceLine(line: string, out: FtraceLine): boolean {
  return fastParse(line, out) || regexParse(line, out);
}

function regexParse(line: string, out: FtraceLine): boolean {
  const m = ftraceHeaderRe.exec(line) ?? ftraceLatencyRe.exec(line);
  if (m === null) return false;
  out.comm = m[1]!;
  out.pid = +m[2]!;
  out.cpu = +m[3]!;
  out.ts = +m[4]!;
  const ev = m[5]!;
  const colon = ev.indexOf(':');
  out.event = colon === -1 ? ev : ev.slice(colon + 1);
  out.args = m[6]!;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The common shape without a regex (the importer's hottest code): `comm-pid [cpu] ts: event: args`
 * with single fields in fixed order. Anything unusual (tgid column, odd spacing) falls back to the
 * regex, which accepts the same lines.
 */
function fastParse(line: string, out: FtraceLine): boolean {
  const open = line.indexOf(' [');
  if (open < 3) return false;
  // "[ddd]"
  let p = open + 2;
  let cpu = 0;
  let c = line.charCodeAt(p);
  if (!isDigit(c)) return false;
  do {
    cpu = cpu * 10 + (c - 48);
    c = line.charCodeAt(++p);
  } while (isDigit(c));
  if (c !== 93 /* ] */) return false;
  // pid: digits right before the spaces before " ["
  let e = open;
  while (e > 0 && line.charCodeAt(e - 1) === 32) e--;
  let b = e;
  while (b > 0 && isDigit(line.charCodeAt(b - 1))) b--;
  if (b === e || b < 2 || line.charCodeAt(b - 1) !== 45 /* - */) return false;
  let cs = 0;
  while (line.charCodeAt(cs) === 32) cs++;
  if (cs >= b - 1) return false;
  // timestamp (after optional latency flags)
  p++;
  while (line.charCodeAt(p) === 32) p++;
  c = line.charCodeAt(p);
  if (!isDigit(c)) {
    const sp = line.indexOf(' ', p);
    if (sp === -1) return false;
    p = sp;
    while (line.charCodeAt(p) === 32) p++;
  }
  // "123.456789:" read in place: integer digits and fraction digits as one integer N, then
  // N / 10^k, which is exactly the correctly rounded value Number() would give.
  let whole = 0;
  let digits = 0;
  let scale = 1;
  let seenDot = false;
  for (;;) {
    c = line.charCodeAt(p);
    if (isDigit(c)) {
      whole = whole * 10 + (c - 48);
      if (seenDot) scale *= 10;
      // Counter / TSC clocks print long integers; beyond 2^53 they lose precision, which is fine for ordering.
      if (++digits > 20) return false;
    } else if (c === 46 /* . */ && !seenDot) seenDot = true;
    else break;
    p++;
  }
  if (c !== 58 /* : */ || digits === 0 || line.charCodeAt(p + 1) !== 32) return false;
  const ts = whole / scale;
  p += 2;
  while (line.charCodeAt(p) === 32) p++;
  const evStart = p;
  let evEnd = line.indexOf(':', evStart);
  if (evEnd === -1 || evEnd === evStart) return false;
  // "kmem:kmalloc:" (a system prefix) -> the name after it
  let nameStart = evStart;
  const next = line.charCodeAt(evEnd + 1);
  if (next !== 32 && evEnd + 1 < line.length) {
    const second = line.indexOf(':', evEnd + 1);
    if (second === -1) return false;
    nameStart = evEnd + 1;
    evEnd = second;
  }
  for (let i = nameStart; i < evEnd; i++) {
    if (line.charCodeAt(i) === 32) return false;
  }
  p = evEnd + 1;
  while (line.charCodeAt(p) === 32) p++;
  // Consecutive lines mostly repeat comm and event: reuse the previous string objects, so no
  // new string is cut and later comparisons are pointer-equal.
  const prevComm = out.comm;
  if (prevComm.length !== b - 1 - cs || !line.startsWith(prevComm, cs)) out.comm = line.slice(cs, b - 1);
  let pid = 0;
  for (let i = b; i < e; i++) pid = pid * 10 + (line.charCodeAt(i) - 48);
  out.pid = pid;
  out.cpu = cpu;
  out.ts = ts;
  const prevEvent = out.event;
  if (prevEvent.length !== evEnd - nameStart || !line.startsWith(prevEvent, nameStart)) out.event = line.slice(nameStart, evEnd);
  out.args = line.slice(p);
  return true;
}
