/**
 * What an allocation's gfp mask allows, decoded the way the page allocator reads it: which zones
 * it may take pages from (gfp_zone), whether it may reclaim directly, start I/O or enter the
 * filesystem. Names from the OOM report (`0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)`) are
 * preferred because bit values moved between kernel versions; the zone bits and __GFP_IO/__GFP_FS
 * have kept their values since 2.6 and are the fallback when no names were printed.
 */

export interface GfpInfo {
  raw: string;
  /** Every flag name, composites expanded to their __GFP_ parts. */
  flags: Set<string>;
  /** The highest zone type the allocation may use: DMA, DMA32, Normal, HighMem or Movable. */
  highestZone: 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable';
  directReclaim: boolean;
  io: boolean;
  fs: boolean;
  /** True when the names came from the report; false when decoded from bits only. */
  named: boolean;
}

/** Composite gfp names as include/linux/gfp_types.h defines them (6.x; same meaning in 4.x/5.x). */
const COMPOSITES: Record<string, string[]> = {
  GFP_ATOMIC: ['__GFP_HIGH', '__GFP_ATOMIC', '__GFP_KSWAPD_RECLAIM'],
  GFP_KERNEL: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_IO', '__GFP_FS'],
  GFP_KERNEL_ACCOUNT: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_IO', '__GFP_FS', '__GFP_ACCOUNT'],
  GFP_NOWAIT: ['__GFP_KSWAPD_RECLAIM'],
  GFP_NOIO: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM'],
  GFP_NOFS: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_IO'],
  GFP_USER: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_IO', '__GFP_FS', '__GFP_HARDWALL'],
  GFP_DMA: ['__GFP_DMA'],
  GFP_DMA32: ['__GFP_DMA32'],
  GFP_HIGHUSER: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_IO', '__GFP_FS', '__GFP_HARDWALL', '__GFP_HIGHMEM'],
  GFP_HIGHUSER_MOVABLE: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_IO', '__GFP_FS', '__GFP_HARDWALL', '__GFP_HIGHMEM', '__GFP_MOVABLE'],
  GFP_TRANSHUGE_LIGHT: ['__GFP_IO', '__GFP_FS', '__GFP_HARDWALL', '__GFP_HIGHMEM', '__GFP_MOVABLE', '__GFP_COMP', '__GFP_NOMEMALLOC', '__GFP_NOWARN'],
  GFP_TRANSHUGE: ['__GFP_IO', '__GFP_FS', '__GFP_HARDWALL', '__GFP_HIGHMEM', '__GFP_MOVABLE', '__GFP_COMP', '__GFP_NOMEMALLOC', '__GFP_NOWARN', '__GFP_DIRECT_RECLAIM'],
  __GFP_RECLAIM: ['__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM'],
};

/** Bits whose values have not changed since 2.6 (include/linux/gfp_types.h, ___GFP_*). */
const STABLE_BITS: Array<[number, string]> = [
  [0x01, '__GFP_DMA'], [0x02, '__GFP_HIGHMEM'], [0x04, '__GFP_DMA32'], [0x08, '__GFP_MOVABLE'],
  [0x40, '__GFP_IO'], [0x80, '__GFP_FS'],
];
/** __GFP_DIRECT_RECLAIM has been 0x400 since 4.4 (when it replaced __GFP_WAIT). */
const DIRECT_RECLAIM_BIT = 0x400;

/** Decode a gfp mask as the OOM report prints it ("0x40cc0(GFP_KERNEL|__GFP_COMP)" or "0x40cc0"). */
export function decodeGfp(raw: string | null | undefined): GfpInfo | null {
  if (!raw) return null;
  const m = /^\s*(0x[0-9a-fA-F]+|\d+)?\s*(?:\(([^)]*)\))?/.exec(raw);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const value = m[1] !== undefined ? Number.parseInt(m[1], m[1].startsWith('0x') ? 16 : 10) : null;
  // gfp_mask=0x0: pagefault_out_of_memory(), no allocation of its own, so no zone limits apply.
  if (value === 0 && !(m[2] ?? '').trim()) return null;
  const names = (m[2] ?? '').split('|').map((s) => s.trim()).filter((s) => /^_*GFP_[A-Z0-9_]+$/.test(s));
  const flags = new Set<string>();
  for (const n of names) {
    flags.add(n);
    for (const part of COMPOSITES[n] ?? []) flags.add(part);
  }
  const named = names.length > 0;
  if (!named && value !== null) {
    for (const [bit, name] of STABLE_BITS) if (value & bit) flags.add(name);
    if (value & DIRECT_RECLAIM_BIT) flags.add('__GFP_DIRECT_RECLAIM');
  } else if (value !== null) {
    // Zone bits are printed only through composites; take them from the value too.
    for (const [bit, name] of STABLE_BITS.slice(0, 4)) if (value & bit) flags.add(name);
  }
  return {
    raw,
    flags,
    highestZone: gfpZone(flags),
    directReclaim: flags.has('__GFP_DIRECT_RECLAIM'),
    io: flags.has('__GFP_IO'),
    fs: flags.has('__GFP_FS'),
    named,
  };
}

/** gfp_zone(): the highest zone type the mask allows (mm: GFP_ZONE_TABLE). */
function gfpZone(flags: Set<string>): GfpInfo['highestZone'] {
  if (flags.has('__GFP_DMA')) return 'DMA';
  if (flags.has('__GFP_DMA32')) return 'DMA32';
  if (flags.has('__GFP_HIGHMEM') && flags.has('__GFP_MOVABLE')) return 'Movable';
  if (flags.has('__GFP_HIGHMEM')) return 'HighMem';
  return 'Normal';
}

/** Zone types in the kernel's enum zone_type order. */
export const zoneTypeOrder = ['DMA', 'DMA32', 'Normal', 'HighMem', 'Movable', 'Device'] as const;

/** Whether a zone (by name) is at or below the allocation's highest zone, i.e. in its zonelist. */
export function zoneUsable(zone: string, gfp: GfpInfo): boolean {
  const zi = zoneTypeOrder.indexOf(zone as (typeof zoneTypeOrder)[number]);
  const hi = zoneTypeOrder.indexOf(gfp.highestZone);
  if (zi < 0) return false;
  // On 64-bit kernels there is no HighMem zone: __GFP_HIGHMEM alone means "up to Normal".
  return zi <= hi;
}

/**
 * Index into a zone's `lowmem_reserve[]` array for an allocation whose highest zone is
 * `highest`: the array has one slot per compiled-in zone type (MAX_NR_ZONES), so which names
 * exist depends on the kernel config. `length` is the array's printed length.
 */
export function lowmemReserveIndex(highest: GfpInfo['highestZone'], length: number): number {
  // Drop the optional zone types the way configs usually do (64-bit: no HighMem; then no Device,
  // then no DMA32, then no DMA) until the count matches the printed array.
  const types: string[] = [...zoneTypeOrder];
  for (const drop of ['HighMem', 'Device', 'DMA32', 'DMA']) {
    if (types.length <= length) break;
    types.splice(types.indexOf(drop), 1);
  }
  let target: string = highest;
  if (!types.includes(target) && target === 'HighMem') target = 'Normal';
  const i = types.indexOf(target);
  return i >= 0 ? i : Math.min(length - 1, 2);
}
/** "0-1,3" -> {0,1,3}; null when not given or unreadable (then every node counts). */
export function nodeList(text: string | null): Set<number> | null {
  if (!text || text === '(null)') return null;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(part.trim());
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    for (let i = a; i <= b && i - a < 1024; i++) out.add(i);
  }
  return out.size ? out : null;
}

