/**
 * Looking at live processes through /proc, for the tests that check a crash dies with its parent
 * (locally and over SSH): argv of a pid, a scan by argv word, and polling until a pid is gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** argv of a live process, or null once it is gone (a zombie counts as gone: it holds nothing). */
export function cmdline(pid: number): string[] | null {
  try {
    if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) return null;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** Live processes whose argv contains `word` as one whole argument. */
export function processesWith(word: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => cmdline(pid)?.includes(word) ?? false);
}

/** Poll until the process is gone; true when it went within `ms`. */
export async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cmdline(pid) === null) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cmdline(pid) === null;
}
