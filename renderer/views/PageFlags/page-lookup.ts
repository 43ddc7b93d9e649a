/**
 * The Page flags view's logic: turning what the user typed (a physical address, a pfn or a
 * struct page address) into the one address `kmem -p` takes, and decoding a page's FLAGS word
 * through the dump's own `kmem -g` table (flag bits move between kernel versions and configs,
 * so a built-in table would lie). Pure and BigInt-based: addresses do not fit a JS number.
 */
import type { PageFlagBit } from '../../../electron/parse/models.ts';

/** How the lookup input is read. */
export type LookupMode = 'physical' | 'pfn' | 'page';

/** x86_64's page size; crash's outputs here carry no page size, so this is the assumption. */
export const defaultPageSize = 4096;

/** A lookup ready for `kmem -p`, or why not. */
export type LookupResult = { ok: true; arg: string; physical: string | null; note: string } | { ok: false; message: string };

function parseNumber(text: string, hexDefault: boolean): bigint | null {
  const t = text.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]{1,16}$/i.test(t)) return BigInt(t);
  if (hexDefault && /^[0-9a-f]{1,16}$/i.test(t)) return BigInt(`0x${t}`);
  if (!hexDefault && /^\d{1,20}$/.test(t)) return BigInt(t);
  return null;
}

const maxU64 = (1n << 64n) - 1n;

/**
 * The `kmem -p` argument for an input. Addresses are hex with or without 0x (as crash prints
 * them); a pfn is decimal unless written 0x..., and becomes pfn × page size.
 */
export function lookupArg(mode: LookupMode, input: string, pageSize = defaultPageSize): LookupResult {
  if (input.trim() === '') return { ok: false, message: 'Enter an address or a pfn.' };
  if (mode === 'pfn') {
    const pfn = parseNumber(input, false);
    if (pfn === null) return { ok: false, message: `"${input.trim()}" is not a pfn: a decimal number, or hex written 0x….` };
    const phys = pfn * BigInt(pageSize);
    if (phys > maxU64) return { ok: false, message: 'That pfn is beyond a 64-bit physical address.' };
    const arg = `0x${phys.toString(16)}`;
    return { ok: true, arg, physical: arg, note: `pfn ${pfn} × page size ${pageSize} = physical address ${arg}` };
  }
  const v = parseNumber(input, true);
  if (v === null) return { ok: false, message: `"${input.trim()}" is not a hex address (up to 16 hex digits, 0x optional).` };
  const arg = `0x${v.toString(16)}`;
  return mode === 'physical'
    ? { ok: true, arg, physical: arg, note: `physical address ${arg} (pfn ${v / BigInt(pageSize)})` }
    : { ok: true, arg, physical: null, note: `struct page at ${arg}` };
}

/** A FLAGS word decoded. */
export interface DecodedFlags {
  /** Set bits that the table names, low to high, each with its primary name and its aliases. */
  bits: Array<{ bit: number; name: string; aliases: string[] }>;
  /** The word above the highest flag bit (zone, node and section numbers live there), hex; "0" if none. */
  upper: string;
  /** Highest bit the table knows. */
  topBit: number;
}

/** Strip crash's "PG_" prefix for display ("PG_slab" -> "slab"). */
export function shortName(name: string): string {
  return name.replace(/^PG_/, '');
}

/**
 * Names per bit in table order: the first name listed for a bit is the primary one (crash lists
 * the enum pageflags names first, then the aliases that reuse bits, e.g. PG_swapcache = PG_owner_priv_1).
 */
export function namesByBit(table: readonly PageFlagBit[]): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const f of table) {
    const list = m.get(f.bit) ?? [];
    if (!list.includes(f.name)) list.push(f.name);
    m.set(f.bit, list);
  }
  return m;
}

/** True when page->mapping (hex as crash prints it) has PAGE_MAPPING_ANON (bit 0): an anonymous page. */
export function isAnonMapping(mapping: string | null | undefined): boolean {
  return typeof mapping === 'string' && /^[0-9a-f]{1,16}$/i.test(mapping) && (BigInt(`0x${mapping}`) & 1n) === 1n;
}

/**
 * Decode a FLAGS hex word (as crash prints it, no 0x) against the dump's flag table. Given the
 * page's mapping, an anonymous page names a bit whose aliases include anon_exclusive so (the
 * kernel reuses PG_mappedtodisk's bit as PG_anon_exclusive; no file backs anon memory).
 */
export function decodePageFlags(flagsHex: string, table: readonly PageFlagBit[], mapping?: string | null): DecodedFlags | null {
  const t = flagsHex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(t) || table.length === 0) return null;
  const word = BigInt(`0x${t}`);
  const names = namesByBit(table);
  const anon = isAnonMapping(mapping);
  const topBit = Math.max(...names.keys());
  const bits: DecodedFlags['bits'] = [];
  for (const [bit, list] of [...names].sort((a, b) => a[0] - b[0])) {
    if (!((word >> BigInt(bit)) & 1n)) continue;
    const short = list.map(shortName);
    const primary = anon && short.includes('anon_exclusive') ? 'anon_exclusive' : short[0]!;
    bits.push({ bit, name: primary, aliases: short.filter((n) => n !== primary) });
  }
  return { bits, upper: (word >> BigInt(topBit + 1)).toString(16), topBit };
}
