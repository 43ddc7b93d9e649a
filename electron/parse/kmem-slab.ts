/**
 * `kmem -s [cache]`: slab caches with object size, allocated and total objects, slabs and slab
 * size. Rows whose counts crash could not read (`?`) and crash's NOTE/error lines become
 * diagnostics, never rows. Handles crash 8.x (NAME last) and crash 7.x (NAME second) layouts
 * by reading the header.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemSlabModel, SlabCache } from './models.ts';

export const KMEM_SLAB_PARSER_VERSION = 1;

const NUMERIC = ['OBJSIZE', 'ALLOCATED', 'TOTAL', 'SLABS'] as const;

/** Parse `kmem -s`. */
export function parseKmemSlab(text: string): ParseResult<KmemSlabModel> {
  return guarded('kmem -s', () => ({ caches: [] }), () => {
    const diags = new Diagnostics('kmem -s');
    const caches: SlabCache[] = [];
    const lines = splitLines(text);
    // crash 8.x default; replaced by whatever header the output carries.
    let cols = ['CACHE', 'OBJSIZE', 'ALLOCATED', 'TOTAL', 'SLABS', 'SSIZE', 'NAME'];
    let nameIdx = 6;
    let unknown = 0;
    const unknownNames: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.length === 0 || line.trim() === '') continue;
      const f = fields(line);
      if (f[0] === 'CACHE' && f.includes('NAME') && f.includes('OBJSIZE')) {
        cols = f;
        nameIdx = f.indexOf('NAME');
        continue;
      }
      if (crashMessage(line, ['kmem'], diags)) continue;
      const addr = f[0] ?? '';
      if (!/^[0-9a-f]{8,16}$/.test(addr) || f.length < cols.length) {
        diags.skip(i + 1, line, 'not a kmem -s row');
        continue;
      }
      // NAME last may contain spaces; NAME second (crash 7.x) may not.
      const nameLast = nameIdx === cols.length - 1;
      const name = nameLast ? f.slice(nameIdx).join(' ') : (f[nameIdx] as string);
      // Columns before NAME map one to one; with NAME second it is a single field, so the same holds after it.
      const value = (col: string): string | undefined => {
        const c = cols.indexOf(col);
        return c < 0 ? undefined : f[c];
      };
      if (NUMERIC.some((c) => value(c) === '?') || value('SSIZE') === '?') {
        unknown++;
        if (unknownNames.length < 10) unknownNames.push(name);
        continue;
      }
      const nums = NUMERIC.map((c) => dec(value(c)));
      const ssizeText = value('SSIZE') ?? '';
      const ssize = sizeToBytes(ssizeText);
      const [objSize, allocated, total, slabs] = nums;
      if (objSize == null || allocated == null || total == null || slabs == null || ssize === null) {
        diags.skip(i + 1, line, 'unreadable number');
        continue;
      }
      caches.push({
        address: addr, name, objSize, allocated, total, slabs, slabSize: ssize, slabSizeText: ssizeText, totalBytes: objSize * total,
      });
    }
    if (unknown > 0) {
      diags.add('slab-counts-unknown', 'warning',
        `kmem -s: crash could not read the object counts of ${unknown} cache(s) (printed "?"): ${unknownNames.join(', ')}${unknown > unknownNames.length ? ', ...' : ''}`,
        'These caches are left out of the table; `kmem -S <cache>` may show why.');
    }
    if (caches.length === 0 && unknown === 0) noDataDiagnosis(diags, 'kmem -s', text);
    return { model: { caches }, diagnostics: diags.finish() };
  });
}

function dec(s: string | undefined): number | null {
  return s !== undefined && /^\d{1,16}$/.test(s) ? Number(s) : null;
}
