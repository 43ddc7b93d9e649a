/**
 * The verdict's "free, but not for you" figures (report.oom.freeByZone, computed Node-side) as
 * the views show them: which zone the failing request could use and why not, and one summary
 * sentence. Pure; nothing here decides anything the engine did not.
 */
import type { TriageReportShape } from '../../electron/api/contract.ts';
import { formatKib } from './format.ts';

export type FreeByZoneShape = NonNullable<NonNullable<NonNullable<TriageReportShape['oom']>['freeByZone']>>;
export type ZoneFreeShape = FreeByZoneShape['zones'][number];

/** The best report's figures: crash's verdict once in, else the kernel log's. */
export function freeByZoneOf(...reports: Array<TriageReportShape | null | undefined>): FreeByZoneShape | null {
  for (const r of reports) if (r?.oom?.freeByZone) return r.oom.freeByZone;
  return null;
}

/** The row for one zone of crash's `kmem -z` (node and zone name), or null when the verdict has none. */
export function zoneReach(f: FreeByZoneShape | null, node: number, zone: string): ZoneFreeShape | null {
  return f?.zones.find((z) => z.zone === zone && (z.node === null || z.node === node)) ?? null;
}

/** Free memory out of the request's reach is worth saying (the engine's own threshold decided the split). */
export function hasOutOfReach(f: FreeByZoneShape | null): boolean {
  return f !== null && f.zones.some((z) => !z.usable && z.unusableKb > 0) && f.unusableKb > 0;
}

/** The zones holding free memory out of reach, as "zone Movable" / "zones Normal, Movable". */
export function outOfReachZones(f: FreeByZoneShape): string {
  const names = [...new Set(f.zones.filter((z) => z.unusableKb > 0).map((z) => z.zone))];
  return `${names.length === 1 ? 'zone' : 'zones'} ${names.join(', ')}`;
}

/** One line for the top of a view: what the request could use and what it could not. */
export function reachSummary(f: FreeByZoneShape): string {
  const usable = f.zones.filter((z) => z.usable).map((z) => z.zone);
  const inUsable = f.usableKb + f.belowWatermarkKb;
  const level = f.usableKb === 0 ? 'all of it at or below the min watermark plus lowmem reserve' : `${formatKib(f.usableKb)} of it above the watermark`;
  const head = `The failing request (${f.request}) may use zones up to ${f.highestZone} (${usable.join(', ') || 'none here'}): ${formatKib(inUsable)} free there, ${level}.`;
  return hasOutOfReach(f) ? `${head} ${formatKib(f.unusableKb)} more was free in ${outOfReachZones(f)}, which it could not use.` : head;
}
