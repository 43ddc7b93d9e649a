/**
 * crash's "PARTIAL DUMP" named for what it is: makedumpfile's dump level decoded into the kinds of
 * pages left out on purpose (makedumpfile's bits: 1 zero, 2 cache, 4 cache with private data,
 * 8 user, 16 free), never worded like the incomplete-dump warning.
 */
import { describe, expect, it } from 'vitest';
import { filteredDumpText } from '../../../renderer/lib/dump-level.ts';

describe('filteredDumpText', () => {
  it('the fixtures\' levels: 31 (kdump-tools\' default) and 23 (user pages kept)', () => {
    expect(filteredDumpText(31)).toBe('filtered dump (level 31: zero, cache, user and free pages left out)');
    expect(filteredDumpText(23)).toBe('filtered dump (level 23: zero, cache and free pages left out)');
  });

  it('one kind, cache with private data, and no level', () => {
    expect(filteredDumpText(1)).toBe('filtered dump (level 1: zero pages left out)');
    expect(filteredDumpText(4)).toBe('filtered dump (level 4: cache pages left out)');
    for (const none of [null, undefined, 0]) expect(filteredDumpText(none)).toBe('filtered dump (makedumpfile left out zero, cache, user or free pages)');
    for (const l of [1, 7, 23, 31, null]) expect(filteredDumpText(l)).not.toMatch(/incomplete|partial/i);
  });
});
