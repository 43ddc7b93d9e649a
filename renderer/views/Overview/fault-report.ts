/**
 * The first fault report of a kernel log read as the kernel printed it: its headline ("BUG:
 * kernel NULL pointer dereference, address: …", "kernel BUG at fs/x.c:12!", "watchdog: BUG: soft
 * lockup - CPU#0 stuck for 13s!"), the kernel-mode RIP, the registers and the `Code:` bytes with
 * the faulting byte (the one the kernel wrapped in <>) kept apart. Pure text work over the log
 * text dump.identify returned; nothing here is trusted markup.
 */

/** One register as printed ("RAX", "0000000000000000"). */
export interface RegisterValue {
  name: string;
  value: string;
}

/** The `Code:` line split at the faulting instruction's first byte. */
export interface CodeBytes {
  before: string[];
  /** The byte the kernel marked (`<8b>`), where RIP points; null when none is marked. */
  at: string | null;
  after: string[];
}

export interface FaultReport {
  /** The headline line, without timestamp and caller. */
  headline: string;
  /** 0-based index of the headline among the log's lines (the Log view counts records the same way for dmesg text). */
  lineIndex: number;
  /** "qdrv_submit.constprop.0+0x5/0x30 [qdrv]" (kernel mode RIP, after "RIP: 0010:"). */
  rip: string | null;
  registers: RegisterValue[];
  code: CodeBytes | null;
}

const prefix = /^\s*(?:<\d>)?(?:\[\s*\d+\.\d+\]\s*)?(?:\[\s*[TC]\d+\]\s*)?/;
const headlines = [
  /^BUG: kernel NULL pointer dereference.*/,
  /^BUG: unable to handle .*/,
  /^(?:\S+: )?BUG: (?:soft lockup|workqueue lockup).*/,
  /^kernel BUG at .*/,
  /^BUG: .*/,
  /^general protection fault.*/,
  /^Watchdog detected hard LOCKUP.*/,
  /^INFO: task .* blocked for more than .*/,
  /^Oops: .*/,
];

/** The log's lines without their timestamp and printk caller prefix. */
export function logLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(prefix, '').replace(/\s+$/, ''));
}

/** "RAX: 0000 RBX: 0002 RCX: …" → registers; also "RSP: 0018:ffffc9… EFLAGS: 00000246". */
export function parseRegisterLine(line: string): RegisterValue[] {
  if (!/^(?:R[A-Z0-9]{2}|FS|CS|CR2|PKRU|R\d{1,2}):/.test(line)) return [];
  const out: RegisterValue[] = [];
  for (const m of line.matchAll(/\b([A-Z][A-Z0-9_]{1,7}):\s*([0-9a-f]{4,16}(?::[0-9a-f]{4,16})?(?:\(\d{4}\))?)/g)) out.push({ name: m[1]!, value: m[2]! });
  return out;
}

/** "Code: 48 89 <8b> 04 …" → bytes split at the marked one; null for a line of another shape. */
export function parseCodeLine(line: string): CodeBytes | null {
  const m = /^Code:\s+(.*)$/.exec(line.trim());
  if (!m) return null;
  const before: string[] = [];
  const after: string[] = [];
  let at: string | null = null;
  for (const tok of m[1]!.split(/\s+/)) {
    const marked = /^[<(]([0-9a-f]{2,4})[>)]$/.exec(tok);
    if (marked && at === null) at = marked[1]!;
    else if (/^[0-9a-f]{2,4}$/.test(tok)) (at === null ? before : after).push(tok);
    else return null;
  }
  return before.length || at ? { before, at, after } : null;
}

/** The first fault report in the log text, or null when it holds none. */
export function firstFaultReport(text: string | null | undefined): FaultReport | null {
  if (!text) return null;
  const lines = logLines(text);
  let start = -1;
  let headline = '';
  for (let i = 0; i < lines.length && start < 0; i++) {
    for (const re of headlines) {
      const m = re.exec(lines[i]!);
      if (m) {
        start = i;
        headline = m[0];
        break;
      }
    }
  }
  if (start < 0) return null;
  let rip: string | null = null;
  let code: CodeBytes | null = null;
  const registers: RegisterValue[] = [];
  // The kernel-mode block only: it ends at the call trace (a user-mode RIP 0033 follows it).
  for (let i = start + 1; i < Math.min(lines.length, start + 40); i++) {
    const l = lines[i]!;
    if (/^Call Trace:/.test(l) || /^<TASK>/.test(l.trim())) break;
    const r = /^RIP: 0010:(.*)$/.exec(l);
    if (r) rip = r[1]!.trim();
    else if (/^Code:/.test(l)) code = parseCodeLine(l);
    else registers.push(...parseRegisterLine(l));
  }
  return { headline: headline.replace(/\.$/, ''), lineIndex: start, rip, registers, code };
}
