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
