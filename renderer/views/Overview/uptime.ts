/**
 * One uptime for the dump. The kernel log's timestamps come from the kernel's own clock, so the
 * panic line's timestamp is the uptime at the panic. crash's `sys` UPTIME is computed from
 * jiffies divided by the HZ crash assumes — 1000 on x86_64 for every 2.6+ kernel — so on a kernel
 * built with another HZ (Debian's: 250) it is wrong: on hung-mutex-6.12 the panic is at 31.8 s
 * and crash says 00:03:52, (jiffies − INITIAL_JIFFIES) / 1000 where INITIAL_JIFFIES is −300 s at
 * the real HZ. The log's figure is shown; crash's only when there is no log timestamp.
 */
import type { LogModel } from '../../../electron/parse/models.ts';

export interface UptimeFact {
  text: string;
  /** Where it comes from, in a few words. */
  source: string;
  /** Why crash's figure differs, when it does (for the hover). */
  note: string | null;
}

/** Seconds as "31.8 s", "12 min 05 s", "3 h 02 min". */
export function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  return d > 0 ? `${d} d ${h} h ${m} min` : `${h} h ${m} min`;
}

/** The panic's time since boot from the log (the panic line, else the last timestamped record). */
export function logPanicSeconds(log: Partial<Pick<LogModel, 'panics' | 'records'>> | null | undefined): number | null {
  const p = log?.panics?.at(-1)?.timestamp;
  if (typeof p === 'number') return p;
  const last = [...(log?.records ?? [])].reverse().find((r) => typeof r.timestamp === 'number');
  return last?.timestamp ?? null;
}

/** The uptime to show and where it comes from; crash's `sys` figure only when the log has none. */
export function uptimeFact(log: Partial<Pick<LogModel, 'panics' | 'records'>> | null | undefined, crashSeconds: number | null): UptimeFact | null {
  const fromLog = logPanicSeconds(log);
  if (fromLog !== null) {
    const differs = crashSeconds !== null && Math.abs(crashSeconds - fromLog) > 2;
    return {
      text: formatUptime(fromLog),
      source: 'kernel log timestamp of the panic',
      note: differs
        ? `crash's sys says ${formatUptime(crashSeconds)}: it divides jiffies by the HZ it assumes (1000 on x86_64), which is wrong for a kernel built with another HZ; the log's timestamps come from the kernel's own clock.`
        : null,
    };
  }
  return crashSeconds === null ? null : { text: formatUptime(crashSeconds), source: 'crash sys (jiffies at the HZ crash assumes)', note: null };
}
