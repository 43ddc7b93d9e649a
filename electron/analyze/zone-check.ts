/**
 * "Could the allocation have been served?": the page allocator's watermark test per zone
 * (__zone_watermark_ok), for the zones the gfp mask allows. A zone serves an order-N request
 * when free - (2^N - 1) > min + lowmem_reserve[highest zone of the request], and for N > 0 a free
 * block of order >= N exists. Free memory that fails the test (wrong zone, below the reserve,
 * only small blocks) is the "false free" the user sees in `free` but the kernel cannot use.
 */
import type { ZoneFacts } from './facts.ts';
import { lowmemReserveIndex, zoneUsable, type GfpInfo } from './gfp.ts';
import type { ZoneVerdict } from '../api/triage-report.ts';

export interface ZoneSummary {
  zones: ZoneVerdict[];
  /** Free kB in zones the mask may use, and in zones it may not. */
  usableFreeKb: number;
  unusableFreeKb: number;
  /** Free kB in usable zones above min + reserve (what an order-0 request could take). */
  usableHeadroomKb: number;
  /** Some usable zone passes the order-0 test. */
  anyUsableAboveMin: boolean;
  /** Some usable zone is above its high watermark plus reserve: clearly not short of pages. */
  anyUsableAboveHigh: boolean;
  /** Some usable zone has a block of the requested order (null when no free_area data). */
  anyUsableHasOrder: boolean | null;
  /** Usable zones pass order-0 (with room for the request) but none has a block of the order. */
  orderStarved: boolean;
}

/** Check each zone against the request; `gfp` null means "assume it may use every zone". */
export function checkZones(zones: readonly ZoneFacts[], gfp: GfpInfo | null, order: number, pageKb = 4): ZoneSummary {
  const out: ZoneVerdict[] = [];
  let usableFreeKb = 0;
  let unusableFreeKb = 0;
  let usableHeadroomKb = 0;
  let anyAbove = false;
  let anyAboveHigh = false;
  let anyHasOrder: boolean | null = null;
  const requestKb = (2 ** order) * pageKb;
  for (const z of zones) {
    const usable = gfp === null ? true : zoneUsable(z.zone, gfp);
    const free = z.freeKb ?? 0;
    // __zone_watermark_ok() does not count free CMA pages for a request that may not use CMA
    // (ALLOC_CMA is set only for movable allocations).
    const cma = gfp !== null && !gfp.flags.has('__GFP_MOVABLE') ? Math.min(free, z.freeCmaKb ?? 0) : 0;
    const reachable = free - cma;
    const min = z.minKb ?? 0;
    let reservePages = 0;
    if (z.lowmemReserve && z.lowmemReserve.length > 0 && gfp !== null) {
      reservePages = z.lowmemReserve[lowmemReserveIndex(gfp.highestZone, z.lowmemReserve.length)] ?? 0;
    }
    const reserveKb = reservePages * pageKb;
    const aboveMin = reachable - (requestKb - pageKb) > min + reserveKb;
    let largest: number | null = null;
    if (z.freeBlocksByOrder) {
      for (let o = z.freeBlocksByOrder.length - 1; o >= 0; o--) {
        if ((z.freeBlocksByOrder[o] ?? 0) > 0) {
          largest = o;
          break;
        }
      }
      if (largest === null) largest = -1;
    }
    const hasOrder = largest === null ? null : largest >= order;
    out.push({ node: z.node, zone: z.zone, usable, freeKb: free, minKb: min, reserveKb, largestFreeOrder: largest === -1 ? null : largest, aboveMin, hasOrder });
    if (usable) {
      usableFreeKb += free;
      usableHeadroomKb += Math.max(0, reachable - min - reserveKb);
      if (aboveMin) anyAbove = true;
      if (z.highKb !== null && reachable - (requestKb - pageKb) > z.highKb + reserveKb) anyAboveHigh = true;
      if (hasOrder !== null && aboveMin) anyHasOrder = (anyHasOrder ?? false) || hasOrder;
      else if (hasOrder !== null && anyHasOrder === null) anyHasOrder = false;
    } else {
      unusableFreeKb += free;
    }
  }
  const orderStarved = order > 0 && anyAbove && anyHasOrder === false;
  return { zones: out, usableFreeKb, unusableFreeKb, usableHeadroomKb, anyUsableAboveMin: anyAbove, anyUsableAboveHigh: anyAboveHigh, anyUsableHasOrder: anyHasOrder, orderStarved };
}
