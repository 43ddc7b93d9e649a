/**
 * What the boot log says about the zones: the command line's `movablecore=` / `kernelcore=`
 * (which carve ZONE_MOVABLE out of RAM), the "Movable zone start for each node" lines
 * (find_zone_movable_pfns_for_nodes: ZONE_MOVABLE exists on those nodes), and which zone ranges
 * are empty. The OOM report lists only the zones the failing request may use, so these lines are
 * how the log alone can name the zone the rest of the free memory sat in.
 */
import type { LogModel } from '../parse/models.ts';

export interface BootZones {
  /** The kernel command line, when the log still holds it. */
  commandLine: string | null;
  /** `movablecore=256M` / `kernelcore=...` as given (kernelcore=mirror included). */
  movableSetting: string | null;
  /** Nodes with a ZONE_MOVABLE start printed at boot (empty when none). */
  movableNodes: number[];
  /** The "Zone ranges:" block: zone name -> whether it has memory ("Normal   empty" -> false). */
  zoneRanges: Record<string, boolean>;
}

/** Boot records sit at the start of the log; the OOM report is never among them. */
const BOOT_RECORDS = 400;

/** Read the boot facts from the log's first records (the log is untrusted text: bounded regexes). */
export function bootZones(log: LogModel | null | undefined): BootZones {
  const out: BootZones = { commandLine: null, movableSetting: null, movableNodes: [], zoneRanges: {} };
  const records = log?.records.slice(0, BOOT_RECORDS) ?? [];
  let block: 'ranges' | 'movable' | null = null;
  for (const r of records) {
    const text = r.text;
    const cmd = /^(?:Kernel )?[Cc]ommand line: (.{0,4096})$/.exec(text);
    if (cmd && out.commandLine === null) out.commandLine = (cmd[1] as string).trim();
    if (text === 'Zone ranges:') {
      block = 'ranges';
      continue;
    }
    if (text === 'Movable zone start for each node') {
      block = 'movable';
      continue;
    }
    if (block === 'ranges') {
      const z = /^ {1,4}(\w{1,16}) +(empty|\[mem .{0,60}\])$/.exec(text);
      if (z) {
        out.zoneRanges[z[1] as string] = z[2] !== 'empty';
        continue;
      }
    } else if (block === 'movable') {
      const n = /^ {1,4}Node (\d{1,5}): 0x[0-9a-f]{1,16}$/.exec(text);
      if (n) {
        out.movableNodes.push(Number(n[1]));
        continue;
      }
    }
    block = null;
  }
  if (out.commandLine) {
    const p = /(?:^|\s)((?:movablecore|kernelcore)=\S{1,40})/.exec(out.commandLine);
    if (p) out.movableSetting = p[1] as string;
  }
  return out;
}
