/**
 * `kmem -f`: per zone, the free_area lists per order (one row per migrate type on kernels that
 * have them) with blocks and pages, and crash's `nr_free_pages: N  (found M)` cross-check.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemFreeModel, KmemFreeZone } from './models.ts';

export const KMEM_FREE_PARSER_VERSION = 1;

/** Parse `kmem -f`. */
export function parseKmemFree(text: string): ParseResult<KmemFreeModel> {
  const empty = (): KmemFreeModel => ({ zones: [], nrFreePages: null, foundFreePages: null });
  return guarded('kmem -f', empty, () => {
    const diags = new Diagnostics('kmem -f');
    const model = empty();
    let cur: KmemFreeZone | null = null;
    let expectZoneRow = false;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const t = line.trim();
      if (t === '') continue;
      const f = fields(t);
      if (f[0] === 'ZONE' && f[1] === 'NAME') {
        expectZoneRow = true;
        continue;
      }
      if (f[0] === 'AREA' && f[1] === 'SIZE') continue;
      const nr = /^nr_free_pages: (\d{1,16})(?: +\((?:found (\d{1,16})|verified)\))?/.exec(t);
      if (nr) {
        model.nrFreePages = Number(nr[1]);
        model.foundFreePages = nr[2] !== undefined ? Number(nr[2]) : t.includes('(verified)') ? model.nrFreePages : null;
        continue;
      }
      if (crashMessage(line, ['kmem'], diags)) continue;
      if (expectZoneRow) {
        expectZoneRow = false;
        // "  0   DMA         4095     192  ffffea0000000040      1000          0"
        const zone = dec(f[0]);
        const size = dec(f[2]);
        const free = dec(f[3]);
        if (f.length >= 7 && zone !== null && size !== null && free !== null) {
          cur = {
            zone, name: f[1] as string, size, free, memMap: f[4] as string, startPaddr: f[5] as string, startMapnr: dec(f[6]),
            areas: [], blocksPerOrder: [], pagesPerOrder: [],
          };
          model.zones.push(cur);
          continue;
        }
        diags.skip(i + 1, line, 'zone row');
        continue;
      }
      // "  6     256k  ffff888013e97310       1     64"
      const order = dec(f[0]);
      const blocks = dec(f[3]);
      const pages = dec(f[4]);
      if (cur && f.length === 5 && order !== null && blocks !== null && pages !== null && /^[0-9a-f]{1,16}$/.test(f[2] as string)) {
        const prev = cur.areas[cur.areas.length - 1];
        const migrateIndex = prev && prev.order === order ? prev.migrateIndex + 1 : 0;
        cur.areas.push({ order, sizeText: f[1] as string, sizeBytes: sizeToBytes(f[1]), address: f[2] as string, migrateIndex, blocks, pages });
        cur.blocksPerOrder[order] = (cur.blocksPerOrder[order] ?? 0) + blocks;
        cur.pagesPerOrder[order] = (cur.pagesPerOrder[order] ?? 0) + pages;
        continue;
      }
      diags.skip(i + 1, line);
    }
    for (const z of model.zones) {
      // orders without rows (none expected) become explicit zeros
      for (let o = 0; o < z.blocksPerOrder.length; o++) {
        z.blocksPerOrder[o] ??= 0;
        z.pagesPerOrder[o] ??= 0;
      }
    }
    if (model.zones.length === 0) noDataDiagnosis(diags, 'kmem -f', text);
    if (model.nrFreePages !== null && model.foundFreePages !== null && model.nrFreePages !== model.foundFreePages) {
      // crash prints both itself; counters and lists can disagree in a dump taken while other CPUs ran.
      diags.add('free-pages-mismatch', 'info',
        `kmem -f: nr_free_pages says ${model.nrFreePages}, walking the free lists found ${model.foundFreePages}`);
    }
    return { model, diagnostics: diags.finish() };
  });
}

function dec(s: string | undefined): number | null {
  return s !== undefined && /^\d{1,16}$/.test(s) ? Number(s) : null;
}
