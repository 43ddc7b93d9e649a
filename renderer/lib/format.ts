/** Small formatting helpers shared by views (pure; unit-tested). */

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago" for an age in milliseconds. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** Bytes as "512 B", "1.5 KiB", "383.5 MiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} ${units[0]}` : `${v.toFixed(1)} ${units[i]}`;
}

/** Kilobytes (as ps reports VSZ/RSS) as a human size. */
export function formatKib(kib: number): string {
  return formatBytes(kib * 1024);
}

/** Seconds as "1 d 02:03:04" / "00:00:06". */
export function formatDuration(totalSeconds: number): string {
  const t = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(t / 86400);
  const hh = String(Math.floor((t % 86400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((t % 3600) / 60)).padStart(2, '0');
  const ss = String(t % 60).padStart(2, '0');
  return `${d > 0 ? `${d} d ` : ''}${hh}:${mm}:${ss}`;
}

/**
 * A symbol offset as the kernel prints it: crash writes `qdrv_poll_hw+29` (decimal) where the
 * kernel's own reports write `qdrv_poll_hw+0x1d`; one reading shows both the kernel's way.
 * Text already in hex (or without an offset) is returned unchanged.
 */
export function hexOffset(symbol: string): string {
  return symbol.replace(/\+(\d+)(?![\dx])/, (_m, dec: string) => `+0x${Number(dec).toString(16)}`);
}

/** A long path with its middle left out ("/var/crash/…/vmcore"), both ends kept: the file name tells dumps apart. */
export function middleEllipsis(text: string, max = 48): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const tail = Math.ceil(keep / 2);
  return `${text.slice(0, keep - tail)}…${text.slice(text.length - tail)}`;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time as one format everywhere: "2026-12-04 13:20:46 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** crash's `sys` DATE ("Fri Dec  4 13:20:46 UTC 2026") in ms since the epoch, or null when it is another zone or shape. */
export function parseCrashDate(text: string): number | null {
  const m = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/.exec(text.trim());
  if (!m) return null;
  const month = months.indexOf(m[1]!);
  return month < 0 ? null : Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
}

/** crash's DATE in the common format when it can be read, else as crash printed it. */
export function formatCrashDate(text: string): string {
  const ms = parseCrashDate(text);
  return ms === null ? text : formatUtc(ms);
}

/**
 * One evidence item as one phrase: "row: detail" unless the detail already says the row
 * ("task backupd:307 blocked …: first fault report: task backupd:307 blocked …" → the detail),
 * and without doubled punctuation ("Node 0 DMA free:" + ": …").
 */
export function evidenceText(row: string, detail: string): string {
  const r = row.trim();
  const d = detail.trim();
  if (!r || d.includes(r)) return d;
  if (!d || r.includes(d)) return r;
  return `${r.replace(/:+$/, '')}: ${d}`;
}
