/**
 * `kmem -z`: per node and zone, spanned and present pages, min/low/high watermarks and the
 * zone's VM_STAT counters; unpopulated zones are kept and marked.
 */
import { Diagnostics, crashMessage, guarded, int, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemZone, KmemZoneModel } from './models.ts';

export const KMEM_ZONE_PARSER_VERSION = 2;

const ZONE_HEADER = /^NODE: (\d{1,5}) +ZONE: (\d{1,3}) +ADDR: ([0-9a-f]{1,16}) +NAME: "([^"]{0,40})"\s*$/;
const STAT = /^ {0,40}([A-Z][A-Z0-9_]{0,60}): +(-?\d{1,20})\s*$/;

/** Parse `kmem -z`. */
export function parseKmemZone(text: string): ParseResult<KmemZoneModel> {
  return guarded('kmem -z', () => ({ zones: [] }), () => {
    const diags = new Diagnostics('kmem -z');
    const zones: KmemZone[] = [];
    let cur: KmemZone | null = null;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const t = line.trim();
      if (t === '') continue;
      const h = ZONE_HEADER.exec(t);
      if (h) {
        cur = {
          node: Number(h[1]), zone: Number(h[2]), address: h[3] as string, name: h[4] as string, populated: true,
          spanned: null, present: null, min: null, low: null, high: null, vmStat: {},
        };
        zones.push(cur);
        continue;
      }
      if (crashMessage(line, ['kmem'], diags)) continue;
      if (!cur) {
        diags.skip(i + 1, line, 'before any NODE/ZONE header');
        continue;
      }
      if (t === '[unpopulated]') {
        cur.populated = false;
        continue;
      }
      if (t === 'VM_STAT:') continue;
      if (t.startsWith('SIZE:')) {
        // "SIZE: 4095  PRESENT: 3998  MIN/LOW/HIGH: 36/45/54" (PRESENT is not always printed)
        const size = /SIZE: (\d{1,16})/.exec(t);
        const present = /PRESENT: (\d{1,16})/.exec(t);
        const wm = /MIN\/LOW\/HIGH: (\d{1,16})\/(\d{1,16})\/(\d{1,16})/.exec(t);
        cur.spanned = size ? Number(size[1]) : null;
        // crash prints PRESENT only when it is below SIZE (memory.c dump_zone_stats), so no PRESENT means all spanned pages are present.
        cur.present = present ? Number(present[1]) : cur.spanned;
        if (wm) {
          cur.min = Number(wm[1]);
          cur.low = Number(wm[2]);
          cur.high = Number(wm[3]);
        }
        if (!size || !wm) diags.add('zone-line', 'warning', `kmem -z: cannot read every value of ${JSON.stringify(t.slice(0, 120))}`);
        continue;
      }
      const s = STAT.exec(line);
      if (s) {
        cur.vmStat[s[1] as string] = int(s[2]) ?? 0;
        continue;
      }
      diags.skip(i + 1, line);
    }
    if (zones.length === 0) noDataDiagnosis(diags, 'kmem -z', text);
    return { model: { zones }, diagnostics: diags.finish() };
  });
}
