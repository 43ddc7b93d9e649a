/**
 * crash's "PARTIAL DUMP" in words: makedumpfile's dump level names the kinds of pages it left
 * out on purpose. Normal for kdump, and not the same as an incomplete dump (pages crash needs
 * missing), which has its own red warning.
 */

/** makedumpfile's dump-level bits, in its own order. */
const levelBits: ReadonlyArray<[number, string]> = [[1, 'zero'], [2, 'cache'], [8, 'user'], [16, 'free']];

/** "filtered dump (level 31: zero, cache, user and free pages left out)"; without a level, the kinds it may leave out. */
export function filteredDumpText(level: number | null | undefined): string {
  if (typeof level !== 'number' || level <= 0) return 'filtered dump (makedumpfile left out zero, cache, user or free pages)';
  // bit 4 (cache pages with private data) is still cache
  const kinds = levelBits.filter(([bit]) => (level & bit) !== 0 || (bit === 2 && (level & 4) !== 0)).map(([, name]) => name);
  const list = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}` : kinds[0];
  return `filtered dump (level ${level}: ${list} pages left out)`;
}
