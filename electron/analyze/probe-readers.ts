/**
 * Readers for the small follow-up commands panic-kind triage sends to crash (`bt -F`, `struct
 * mutex.owner`, `sym`, `mod -s`, `dis -rl`). Their output is too narrow for a parser module of
 * its own; each reader returns null when the text is not what it expects (crash errors included),
 * so the caller can say what is unknown instead of guessing.
 */

/** crash reported a failure instead of output. */
export function crashFailed(text: string): string | null {
  const line = text.split('\n').find((l) => /^(?:\w[\w -]{0,20}: |symbol not found|gdb: |invalid |Usage:)/.test(l.trim()) && !/^\s*[0-9a-f]{8,16} /.test(l));
  return line ? line.trim() : null;
}

/**
 * The lock a blocked task sleeps on, from `bt -F PID`: crash prints the stack words of each
 * frame symbolically, and the lock's address lies in the frames of the scheduler and lock
 * primitives (the wait primitive's argument and its waiter list). A bare data symbol (no
 * `+offset`, not `[addr:cache]`) there is a statically allocated lock: `qdrv_cfg_mutex`.
 */
export function lockSymbolFromStack(btF: string, stopAt: string): string | null {
  const names: string[] = [];
  const frameFns = new Set<string>();
  for (const line of btF.split('\n')) {
    const frame = /^\s*#\d{1,4} \[[0-9a-f]{1,16}\] (\S{1,128}) at /.exec(line);
    if (frame) {
      frameFns.add(frame[1] as string);
      if (frame[1] === stopAt || (frame[1] as string).replace(/\.(?:cold|constprop\.\d+|isra\.\d+|part\.\d+)$/g, '') === stopAt) break;
      continue;
    }
    const data = /^\s*[0-9a-f]{8,16}: (.*)$/.exec(line);
    if (!data) continue;
    for (const w of (data[1] as string).trim().split(/\s+/)) {
      if (/^[A-Za-z_][\w.]{0,127}$/.test(w) && !/^[0-9a-f]{8,16}$/.test(w)) names.push(w);
    }
  }
  const candidates = names.filter((n) => !frameFns.has(n));
  return candidates.find((n) => /mutex|lock|sem|mtx/i.test(n)) ?? candidates[0] ?? null;
}

/** `struct mutex.owner X` / `struct rw_semaphore.owner X`: the owner word, flag bits masked, as 16 hex digits; null when not printed. */
export function ownerWord(text: string): { raw: bigint; task: string | null; flags: number } | null {
  const m = /counter = (-?\d{1,20}|0x[0-9a-f]{1,16})\b/.exec(text);
  if (!m) return null;
  let v = BigInt(m[1] as string);
  if (v < 0n) v += 1n << 64n;
  // mutex: MUTEX_FLAGS 0x07; rw_semaphore: RWSEM_OWNER_FLAGS_MASK 0x07 (reader-owned, non-spinnable).
  const task = v & ~7n;
  return { raw: v, task: task === 0n ? null : task.toString(16).padStart(16, '0'), flags: Number(v & 7n) };
}

/** `sym ADDR`: "ffffffffc02140e5 (t) qdrv_submit.constprop.0+5 [qdrv] /build/qdrv.c: 43" -> "/build/qdrv.c: 43". */
export function sourceLineOf(symText: string): string | null {
  const line = symText.split('\n').find((l) => /^[0-9a-f]{8,16} \(\S\) /.test(l.trim()));
  const m = line ? /\s(\S{1,400}): (\d{1,7})\s*$/.exec(line) : null;
  return m ? `${m[1]}: ${m[2]}` : null;
}

/** `sym ADDR` for a data address: "ffffffffc0211588 (?) qdrv_hw_lock [qdrv]" -> "qdrv_hw_lock" (no offset: the object itself). */
export function dataSymbolOf(symText: string): string | null {
  const m = /^[0-9a-f]{8,16} \(\S\) ([A-Za-z_][\w.]{0,127})(?:\s+\[[\w-]{1,64}\])?(?:\s|$)/.exec(symText.trim());
  return m ? (m[1] as string) : null;
}

/** `mod -s NAME [FILE]`: the loaded object file, or the reason it could not be loaded. */
export function moduleLoad(text: string): { loaded: string | null; error: string | null } {
  for (const l of text.split('\n')) {
    const row = /^[0-9a-f]{8,16}\s+\S+\s+[0-9a-f]{8,16}\s+\d+\s+(\/\S+)/.exec(l.trim());
    if (row) return { loaded: row[1] as string, error: null };
  }
  return { loaded: null, error: crashFailed(text) ?? (text.trim().split('\n')[0]?.slice(0, 200) || 'no output') };
}

/** `dis -rl ADDR`: the disassembly up to the faulting instruction, with source lines; the last `max` lines. */
export function disassemblyTail(text: string, max = 24): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (crashFailed(text) && !lines.some((l) => l.startsWith('0x'))) return [];
  return lines.slice(-max);
}
