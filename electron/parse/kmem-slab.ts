/**
 * `kmem -s [cache]`: slab caches with object size, allocated and total objects, slabs and slab
 * size. Rows whose counts crash could not read (`?`) and crash's NOTE/error lines become
 * diagnostics, never rows. Handles crash 8.x (NAME last) and crash 7.x (NAME second) layouts
 * by reading the header.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemSlabModel, SlabCache } from './models.ts';

export const KMEM_SLAB_PARSER_VERSION = 2;


/** Parse `kmem -s`. */
export function parseKmemSlab(text: string): ParseResult<KmemSlabModel> {
  return guarded('kmem -s', () => ({ caches: [] }), () => {
    const diags = new Diagnostics('kmem -s');
    const caches: SlabCache[] = [];
    const lines = splitLines(text);
    // crash 8.x default; replaced by whatever header the output carries.
    let cols = ['CACHE', 'OBJSIZE', 'ALLOCATED', 'TOTAL', 'SLABS', 'SSIZE', 'NAME'];
    let idx = columnIndexes(cols);
    let unknown = 0;
    let unnamed = 0;
    const unknownNames: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.length === 0) continue;
      const f = fields(line);
      if (f.length === 0) continue;
      if (f[0] === 'CACHE' && f.includes('NAME') && f.includes('OBJSIZE')) {
        cols = f;
        idx = columnIndexes(f);
        continue;
      }
      const addr = f[0] as string;
      if (f.length < cols.length || !isHexAddr(addr)) {
        if (!crashMessage(line, ['kmem'], diags)) diags.skip(i + 1, line, 'not a kmem -s row');
        continue;
      }
      // NAME last may contain spaces; NAME second (crash 7.x) may not. Columns map one to one either way.
      const name = idx.nameLast ? f.slice(idx.name).join(' ') : (f[idx.name] as string);
      const o = f[idx.objSize];
      const a = f[idx.allocated];
      const t = f[idx.total];
      const sl = f[idx.slabs];
      const ssizeText = f[idx.ssize] ?? '';
      if (o === '?' || a === '?' || t === '?' || sl === '?' || ssizeText === '?') {
        unknown++;
        if (unknownNames.length < 10) unknownNames.push(name);
        continue;
      }
      const objSize = dec(o);
      const allocated = dec(a);
      const total = dec(t);
      const slabs = dec(sl);
      const ssize = sizeToBytes(ssizeText);
      if (objSize === null || allocated === null || total === null || slabs === null || ssize === null) {
        diags.skip(i + 1, line, 'unreadable number');
        continue;
      }
      const row: SlabCache = {
        address: addr, name, objSize, allocated, total, slabs, slabSize: ssize, slabSizeText: ssizeText, totalBytes: objSize * total,
      };
      // crash's placeholder when the name string is on a page the dump does not have.
      if (name === '(unknown)') {
        row.nameUnknown = true;
        unnamed++;
      }
      caches.push(row);
    }
    if (unnamed > 0) {
      diags.add('slab-names-unknown', 'warning',
        `kmem -s: crash could not read the names of ${unnamed} cache(s) (printed "(unknown)"): the pages holding them are missing from the dump`,
        'Their sizes and counts are still listed; the dump is incomplete, so caches cannot be told apart by name.');
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

/** Where each column sits, from the header (missing columns read as -1 -> undefined). */
function columnIndexes(cols: string[]): { name: number; nameLast: boolean; objSize: number; allocated: number; total: number; slabs: number; ssize: number } {
  const name = cols.indexOf('NAME');
  return {
    name, nameLast: name === cols.length - 1, objSize: cols.indexOf('OBJSIZE'), allocated: cols.indexOf('ALLOCATED'),
    total: cols.indexOf('TOTAL'), slabs: cols.indexOf('SLABS'), ssize: cols.indexOf('SSIZE'),
  };
}

function isHexAddr(s: string): boolean {
  if (s.length < 8 || s.length > 16) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function dec(s: string | undefined): number | null {
  if (s === undefined || s.length === 0 || s.length > 15) return null;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return v;
}
