/**
 * `kmem -g`: the dump's own page-flag table (PG_* name, bit, mask). Names and bits vary by
 * kernel version and config and aliases share a bit, so the table is always read from the dump,
 * never assumed. `decodePageFlags` turns a page's FLAGS value into names through it.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { PageFlagBit, PageFlagsModel } from './models.ts';

export const KMEM_PAGEFLAGS_PARSER_VERSION = 1;

/** Parse `kmem -g`. */
export function parseKmemPageFlags(text: string): ParseResult<PageFlagsModel> {
  return guarded('kmem -g', () => ({ flags: [], namesByBit: {} }), () => {
    const diags = new Diagnostics('kmem -g');
    const flags: PageFlagBit[] = [];
    const namesByBit: Record<number, string[]> = {};
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const f = fields(line);
      if (f[0] === 'PAGE-FLAG' && f[1] === 'BIT') continue;
      if (f[0] === 'FLAGS:') continue; // `kmem -g <value>` echoes the value first
      if (crashMessage(line, ['kmem'], diags)) continue;
      const bit = f.length === 3 && /^\d{1,2}$/.test(f[1] as string) ? Number(f[1]) : null;
      if (bit === null || !/^[A-Za-z_][\w]{0,40}$/.test(f[0] as string) || !/^[0-9a-f]{1,16}$/.test(f[2] as string) || bit > 63) {
        diags.skip(i + 1, line, 'not a PAGE-FLAG row');
        continue;
      }
      const value = f[2] as string;
      if (BigInt(`0x${value}`) !== 1n << BigInt(bit)) {
        diags.add('flag-value-mismatch', 'warning', `kmem -g: ${f[0]} bit ${bit} does not match value ${value}`);
      }
      flags.push({ name: f[0] as string, bit, value });
      (namesByBit[bit] ??= []).push(f[0] as string);
    }
    if (flags.length === 0) noDataDiagnosis(diags, 'kmem -g', text);
    return { model: { flags, namesByBit }, diagnostics: diags.finish() };
  });
}

/**
 * FLAGS hex -> primary flag names (first listed per bit, `PG_` removed). Bits above the table's
 * highest bit are the page's node/zone/section fields and are ignored.
 */
export function decodePageFlags(hex: string, table: PageFlagsModel): string[] {
  if (!/^(?:0x)?[0-9a-fA-F]{1,16}$/.test(hex)) return [];
  const v = BigInt(hex.startsWith('0x') ? hex : `0x${hex}`);
  const out: string[] = [];
  const bits = Object.keys(table.namesByBit).map(Number).sort((a, b) => a - b);
  for (const bit of bits) {
    if ((v >> BigInt(bit)) & 1n) {
      const name = table.namesByBit[bit]?.[0];
      if (name) out.push(name.replace(/^PG_/, ''));
    }
  }
  return out;
}
