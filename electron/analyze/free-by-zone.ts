/**
 * "Free, but not for you": the free memory of every zone judged against the failing request.
 * A zone's free pages are usable (above min + lowmem_reserve in a zone the gfp mask allows),
 * below the watermark (kept back from this request), or unusable for it: ZONE_MOVABLE for a
 * non-movable request, zones above the mask's highest zone, CMA pageblocks for a non-movable
 * request, nodes the cpuset/mempolicy excluded.
 *
 * From the log alone the unusable part is Mem-Info's `free:` minus the zones the report lists:
 * show_free_areas() prints only zones up to gfp_zone(gfp_mask) on the allowed nodes, so the
 * difference is exactly the free memory the request could not reach; the boot lines name the
 * zone. crash's `kmem -z` lists every zone, so there the zone is read directly.
 */
import type { BootZones } from './boot-zones.ts';
import type { ZoneFacts } from './facts.ts';
import { nodeList, zoneTypeOrder, zoneUsable, type GfpInfo } from './gfp.ts';
import type { FreeByZone, UnusableCause, ZoneFree, ZoneVerdict } from '../api/triage-report.ts';

export interface FreeByZoneInputs {
  /** Zones of the OOM report (the ones the request may use), at the moment of the OOM. */
  reportZones: readonly ZoneFacts[];
  /** Zones crash lists (`kmem -z`), at the moment of the dump. */
  dumpZones: readonly ZoneFacts[];
  /** The watermark verdicts of checkZones for the zones analysed (min, reserve per zone). */
  verdicts: readonly ZoneVerdict[];
  /** Mem-Info `free:` in pages (the global NR_FREE_PAGES), when the report printed it. */
  memInfoFreePages: number | null;
  gfp: GfpInfo | null;
  boot: BootZones;
  constraint: string | null;
  /** Nodes the OOM was confined to ("0-1"), when constrained. */
  allowedNodes: string | null;
  pageKb: number;
  /** Total pages (totalram) for the "is the difference more than noise" test. */
  totalPages: number | null;
}

/**
 * Global and per-zone free counters are read a moment apart while the report prints; below this
 * the "Mem-Info free minus listed zones" difference is noise, not a zone the report left out.
 */
function noiseKb(totalPages: number | null, pageKb: number): number {
  return Math.max(4096, totalPages !== null ? 0.01 * totalPages * pageKb : 0);
}

/** Split free memory per zone; null when there are no zones to judge. */
export function freeByZone(inp: FreeByZoneInputs): FreeByZone | null {
  const { gfp, pageKb } = inp;
  const base = inp.reportZones.length > 0 ? inp.reportZones : inp.dumpZones;
  if (base.length === 0) return null;
  const key = (z: { node: number; zone: string }): string => `${z.node}/${z.zone}`;
  const listed = new Set(base.map(key));
  // Zones crash shows that the report left out (ZONE_MOVABLE for a GFP_KERNEL request, ...).
  const extra = inp.reportZones.length > 0 ? inp.dumpZones.filter((z) => !listed.has(key(z))) : [];
  const allowed = nodeSet(inp.constraint, inp.allowedNodes);
  const request = requestName(gfp);
  const highest = gfp?.highestZone ?? 'Movable';
  const movableReq = gfp === null || gfp.flags.has('__GFP_MOVABLE');
  const zones: ZoneFree[] = [];

  for (const z of [...base, ...extra]) {
    const free = z.freeKb ?? 0;
    const v = inp.verdicts.find((x) => x.node === z.node && x.zone === z.zone);
    const inMask = gfp === null || zoneUsable(z.zone, gfp);
    const nodeOk = allowed === null || allowed.has(z.node);
    const source = { command: z.source.command, row: z.source.row };
    if (!inMask || !nodeOk) {
      const cause: UnusableCause = !nodeOk ? 'node' : z.zone === 'Movable' ? 'movable' : 'gfp-zone';
      zones.push({ node: z.node, zone: z.zone, usable: false, freeKb: free, usableKb: 0, belowWatermarkKb: 0, unusableKb: free, cause, reason: reasonFor(cause, z.zone, request, highest, inp.boot, inp.allowedNodes), source });
      continue;
    }
    // __zone_watermark_ok() subtracts free CMA pages for requests that may not use CMA (ALLOC_CMA
    // is set only for movable allocations).
    const cma = movableReq ? 0 : Math.min(free, z.freeCmaKb ?? 0);
    const reachable = free - cma;
    const floor = (v?.minKb ?? z.minKb ?? 0) + (v?.reserveKb ?? 0);
    const below = Math.min(reachable, floor);
    zones.push({
      node: z.node, zone: z.zone, usable: true, freeKb: free, usableKb: reachable - below, belowWatermarkKb: below, unusableKb: cma,
      cause: cma > 0 ? 'cma' : null, reason: cma > 0 ? reasonFor('cma', z.zone, request, highest, inp.boot, inp.allowedNodes) : null, source,
    });
  }

  // From the log alone: whatever Mem-Info counts free beyond the listed zones is out of reach.
  if (extra.length === 0 && inp.reportZones.length > 0 && inp.memInfoFreePages !== null) {
    const listedKb = inp.reportZones.reduce((s, z) => s + (z.freeKb ?? 0), 0);
    const restKb = inp.memInfoFreePages * pageKb - listedKb;
    if (restKb > noiseKb(inp.totalPages, pageKb)) {
      const { zone, cause, node } = unlistedZone(inp, highest);
      zones.push({
        node, zone, usable: false, freeKb: restKb, usableKb: 0, belowWatermarkKb: 0, unusableKb: restKb, cause,
        reason: reasonFor(cause, zone, request, highest, inp.boot, inp.allowedNodes),
        source: { command: 'log', row: 'Mem-Info' },
      });
    }
  }
  const sum = (k: 'usableKb' | 'belowWatermarkKb' | 'unusableKb'): number => zones.reduce((s, z) => s + z[k], 0);
  return { request, highestZone: highest, zones, usableKb: sum('usableKb'), belowWatermarkKb: sum('belowWatermarkKb'), unusableKb: sum('unusableKb'), movableSetting: inp.boot.movableSetting };
}

/** Whether the unusable part is worth a sentence: more than noise, and not a rounding of the whole. */
export function unusableMatters(f: FreeByZone | null | undefined, totalPages: number | null, pageKb: number): boolean {
  return f !== null && f !== undefined && f.unusableKb > noiseKb(totalPages, pageKb);
}

/** The zones holding unusable free memory, largest first, as "zone Movable" / "zones Normal, Movable". */
export function unusableZonesText(f: FreeByZone): string {
  const names = [...new Set(f.zones.filter((z) => z.unusableKb > 0).sort((a, b) => b.unusableKb - a.unusableKb).map((z) => z.zone))];
  return `${names.length === 1 ? 'zone' : 'zones'} ${names.join(', ')}`;
}

/** The zone the log's unlisted free memory sat in, as far as the boot lines tell. */
function unlistedZone(inp: FreeByZoneInputs, highest: string): { zone: string; cause: UnusableCause; node: number | null } {
  const rank = (name: string): number => zoneTypeOrder.indexOf(name as (typeof zoneTypeOrder)[number]);
  const candidates: string[] = [];
  // Normal counts only when the boot log shows it with memory; Movable when its start was printed.
  if (rank('Normal') > rank(highest) && inp.boot.zoneRanges.Normal === true) candidates.push('Normal');
  if (rank('Movable') > rank(highest) && inp.boot.movableNodes.length > 0) candidates.push('Movable');
  // Boot showed the zones, none HighMem (a 64-bit kernel) and no Movable start: memory onlined as
  // movable later (virtio-mem, ACPI hot-plug) is the only zone above Normal that holds free pages.
  const ranges = Object.keys(inp.boot.zoneRanges);
  const hotplugMovable = candidates.length === 0 && ranges.length > 0 && !ranges.includes('HighMem') && rank(highest) <= rank('Normal')
    && nodeSet(inp.constraint, inp.allowedNodes) === null;
  if (hotplugMovable) candidates.push('Movable');
  if (candidates.length > 0) {
    const nodes = candidates.includes('Movable') && candidates.length === 1 ? inp.boot.movableNodes : [];
    return { zone: candidates.join(', '), cause: candidates.length === 1 && candidates[0] === 'Movable' ? 'movable' : 'gfp-zone', node: nodes.length === 1 ? (nodes[0] as number) : null };
  }
  if (nodeSet(inp.constraint, inp.allowedNodes) !== null) return { zone: 'other nodes', cause: 'node', node: null };
  return { zone: 'not listed in the OOM report', cause: 'unlisted', node: null };
}

function reasonFor(cause: UnusableCause, zone: string, request: string, highest: string, boot: BootZones, allowedNodes: string | null): string {
  switch (cause) {
    case 'movable': {
      const origin = boot.movableSetting ? `${boot.movableSetting} on the command line`
        : boot.movableNodes.length > 0 ? 'set up at boot (movable_node or hot-pluggable memory)'
          : 'no Movable zone at boot: memory hot-plugged and onlined movable, e.g. virtio-mem';
      return `ZONE_MOVABLE (${origin}) holds movable pages only; ${request} may use zones up to ${highest}`;
    }
    case 'gfp-zone':
      return `${request} may use zones up to ${highest}; ${zone} is above that`;
    case 'cma':
      return `free CMA pageblocks in ${zone}: only movable allocations may take them, and ${request} is not movable`;
    case 'node':
      return `outside the nodes this OOM was confined to (${allowedNodes ?? '?'})`;
    default:
      return `the OOM report lists only the zones ${request} may use (up to ${highest}); the boot lines that would name this zone are not in the log`;
  }
}

/** "GFP_KERNEL" from "0x40cc0(GFP_KERNEL|__GFP_COMP)", else the raw mask, else "the request". */
export function requestName(gfp: GfpInfo | null): string {
  if (!gfp) return 'the request';
  const names = /\(([^)]*)\)/.exec(gfp.raw)?.[1]?.split('|').map((s) => s.trim()) ?? [];
  // The composites say what the request is (GFP_KERNEL, GFP_KERNEL|GFP_DMA32); __GFP_ modifiers do not.
  const composites = names.filter((n) => /^GFP_[A-Z0-9_]+$/.test(n));
  return composites.length ? composites.join('|') : (/^\s*(0x[0-9a-fA-F]+)/.exec(gfp.raw)?.[1] ?? gfp.raw);
}

/** The nodes a cpuset / mempolicy constraint allowed; null when unconstrained or unreadable. */
function nodeSet(constraint: string | null, text: string | null): Set<number> | null {
  if (constraint !== 'CONSTRAINT_CPUSET' && constraint !== 'CONSTRAINT_MEMORY_POLICY') return null;
  return nodeList(text);
}
