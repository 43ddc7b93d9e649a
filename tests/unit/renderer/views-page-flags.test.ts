/**
 * Page flags view logic: pfn / physical / struct page input to the `kmem -p` argument, and the
 * FLAGS word of the fixture's `kmem -p 0x1000000` decoded through its own `kmem -g` table to the
 * names crash itself printed.
 */
import { describe, expect, it } from 'vitest';
import { parseKmemPageFlags, parseKmemPages } from '../../../electron/parse/index.ts';
import { transcript } from '../../support/fixtures.ts';
import { decodePageFlags, lookupArg, namesByBit } from '../../../renderer/views/PageFlags/page-lookup.ts';

const table = parseKmemPageFlags(transcript('oom-slab-leak', 'kmem -g')).model.flags;

describe('Page flags view: lookup input', () => {
  it('turns a pfn into pfn × 4096 as a physical address', () => {
    expect(lookupArg('pfn', '4096')).toMatchObject({ ok: true, arg: '0x1000000' });
    expect(lookupArg('pfn', '0x1000')).toMatchObject({ ok: true, arg: '0x1000000' });
    expect(lookupArg('pfn', '1', 65536)).toMatchObject({ ok: true, arg: '0x10000' });
  });

  it('takes hex addresses with or without 0x, big ones exactly', () => {
    expect(lookupArg('physical', '1000000')).toMatchObject({ ok: true, arg: '0x1000000' });
    expect(lookupArg('page', 'ffffea0000040000')).toMatchObject({ ok: true, arg: '0xffffea0000040000', physical: null });
    expect(lookupArg('page', '0xFFFFEA0000040000')).toMatchObject({ ok: true, arg: '0xffffea0000040000' });
  });

  it('refuses what is not an address, and anything a shell would read', () => {
    expect(lookupArg('physical', '')).toMatchObject({ ok: false });
    expect(lookupArg('physical', '0x1000; !sh')).toMatchObject({ ok: false });
    expect(lookupArg('physical', '12345678901234567')).toMatchObject({ ok: false });
    expect(lookupArg('pfn', 'abc')).toMatchObject({ ok: false });
    expect(lookupArg('pfn', String(2n ** 60n))).toMatchObject({ ok: false });
  });
});

describe("Page flags view: decoding through the dump's table", () => {
  it('decodes the fixture page to the names crash printed', () => {
    const pText = transcript('oom-slab-leak', 'kmem -p 0x1000000');
    const page = parseKmemPages(pText).model.pages[0]!;
    const crashNames = pText.trim().split('\n').pop()!.trim().split(/\s+/).pop()!.split(',');
    const dec = decodePageFlags(page.flags, table)!;
    expect(dec.bits.map((b) => b.name)).toEqual(crashNames);
    // Everything above the highest flag bit is zone/node/section, not flags.
    expect(BigInt(`0x${dec.upper}`) << BigInt(dec.topBit + 1) | BigInt(`0x${page.flags}`) & ((1n << BigInt(dec.topBit + 1)) - 1n)).toBe(BigInt(`0x${page.flags}`));
  });

  it('uses the first-listed name of a bit and keeps the aliases', () => {
    const byBit = namesByBit(table);
    const bit10 = byBit.get(10)!;
    expect(bit10[0]).toBe('PG_owner_priv_1');
    const dec = decodePageFlags((1 << 10).toString(16), table)!;
    expect(dec.bits).toEqual([{ bit: 10, name: 'owner_priv_1', aliases: bit10.slice(1).map((n) => n.replace(/^PG_/, '')) }]);
    expect(dec.bits[0]!.aliases).toContain('swapcache');
  });

  it('returns null for a word that is not hex or without a table', () => {
    expect(decodePageFlags('zz', table)).toBeNull();
    expect(decodePageFlags('1000', [])).toBeNull();
  });
});
