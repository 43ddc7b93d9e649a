/**
 * What the panic-kind follow-ups mean (`bt -F`, `struct mutex.owner`, `sym`, `mod -s`,
 * `dis -rl`), read from their models (parse/follow-ups.ts for crash's text, drgn/to-models.ts
 * for drgn's answers). Each reader returns null when the answer does not say it, so the caller
 * can say what is unknown instead of guessing.
 */
import { crashFailed } from '../parse/follow-ups.ts';
import type { LockOwnerWordModel, StackWordsModel, SymbolAtModel } from '../parse/models.ts';

/** Strip the compiler's suffixes (.cold, .constprop.0, .isra.0, .part.0) from a function name. */
function plain(fn: string): string {
  return fn.replace(/\.(?:cold|constprop\.\d+|isra\.\d+|part\.\d+)$/g, '');
}

/**
 * The lock a blocked task sleeps on, from its stack words: the lock's address lies in the frames
 * of the scheduler and lock primitives (the wait primitive's argument and its waiter list). A
 * bare data symbol there (no `+offset`, not `[cache]`, not a frame's own function) is a
 * statically allocated lock: `qdrv_cfg_mutex`. Only frames below `stopAt` (the task's own
 * function) are read.
 */
export function lockSymbolFromWords(stack: StackWordsModel, stopAt: string): string | null {
  const names: string[] = [];
  const frameFns = new Set(stack.frames.map((f) => f.function));
  for (const frame of stack.frames) {
    if (frame.function === stopAt || plain(frame.function) === stopAt) break;
    for (const w of frame.words) {
      if (/^[A-Za-z_][\w.]{0,127}$/.test(w) && !/^[0-9a-f]{8,16}$/.test(w)) names.push(w);
    }
  }
  const candidates = names.filter((n) => !frameFns.has(n));
  return candidates.find((n) => /mutex|lock|sem|mtx/i.test(n)) ?? candidates[0] ?? null;
}

/** The owner word with the flag bits masked: the owning task_struct (16 hex digits) and the flags; null when not read. */
export function ownerOfWord(m: LockOwnerWordModel): { task: string | null; flags: number } | null {
  if (m.word === null || !/^[0-9a-f]{1,16}$/.test(m.word)) return null;
  const v = BigInt(`0x${m.word}`);
  // mutex: MUTEX_FLAGS 0x07; rw_semaphore: RWSEM_OWNER_FLAGS_MASK 0x07 (reader-owned, non-spinnable).
  const task = v & ~7n;
  return { task: task === 0n ? null : task.toString(16).padStart(16, '0'), flags: Number(v & 7n) };
}

/** `sym ADDR` of a data address: the object's name when the address is its start ("qdrv_hw_lock"), else null. */
export function dataSymbolOf(m: SymbolAtModel): string | null {
  return m.name !== null && m.offset === 0 ? m.name : null;
}

/** `dis -rl ADDR`: the disassembly up to the faulting instruction, with source lines; the last `max` lines. */
export function disassemblyTail(text: string, max = 24): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (crashFailed(text) && !lines.some((l) => l.startsWith('0x'))) return [];
  return lines.slice(-max);
}
