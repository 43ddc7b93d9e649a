/** Formatting helpers: ages on badges, sizes in tables, uptimes. */
import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatDuration, formatKib } from '../../../renderer/lib/format.ts';

describe('format', () => {
  it('ages', () => {
    expect(formatAge(1000)).toBe('just now');
    expect(formatAge(42_000)).toBe('42 s ago');
    expect(formatAge(5 * 60_000)).toBe('5 min ago');
    expect(formatAge(3 * 3_600_000)).toBe('3 h ago');
    expect(formatAge(3 * 86_400_000)).toBe('3 d ago');
  });
  it('sizes: ps RSS of 166596 kB is 162.7 MiB', () => {
    expect(formatKib(166596)).toBe('162.7 MiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
  it('durations', () => {
    expect(formatDuration(6)).toBe('00:00:06');
    expect(formatDuration(86400 + 3723)).toBe('1 d 01:02:03');
  });
});
