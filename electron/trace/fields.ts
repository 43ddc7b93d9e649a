/**
 * Reading `key=value` fields out of an event's argument text without splitting the whole line:
 * the importer looks at a handful of keys on a minority of events, so a targeted scan is cheaper
 * than building a map per event.
 */

/** The value of `key` (up to the next space), or null when absent. `key` is given without '='. */
export function fieldValue(args: string, key: string): string | null {
  const needle = key + '=';
  let at = args.indexOf(needle);
  while (at > 0 && args.charCodeAt(at - 1) !== 32 && args.charCodeAt(at - 1) !== 9) {
    at = args.indexOf(needle, at + 1);
  }
  if (at === -1) return null;
  const start = at + needle.length;
  let end = args.indexOf(' ', start);
  if (end === -1) end = args.length;
  return args.slice(start, end);
}

/** A numeric field (decimal or 0x hex), or NaN. */
export function numberField(args: string, key: string): number {
  const v = fieldValue(args, key);
  if (v === null || v === '') return NaN;
  return Number(v);
}

/** A call site as printed: symbol+offset (with "/0xsize" dropped), module if shown, or a raw address. */
export interface CallSite {
  callSite: string;
  fn: string;
  module: string | null;
}

/**
 * The `call_site=` of a kmem event. tracefs prints `%pS` (`bufpool_refill+0x46/0x1fd [bufpool]`),
 * trace-cmd prints `bufpool_refill+0x46`, an unsymbolised perf.data prints `0xffffffffc0219046`.
 */
export function callSiteField(args: string): CallSite | null {
  const needle = 'call_site=';
  const at = args.indexOf(needle);
  if (at === -1) return null;
  const start = at + needle.length;
  let end = args.indexOf(' ', start);
  if (end === -1) end = args.length;
  let raw = args.slice(start, end);
  let module: string | null = null;
  if (args.charCodeAt(end + 1) === 91 /* [ */) {
    const close = args.indexOf(']', end + 2);
    if (close !== -1 && close - end < 64) module = args.slice(end + 2, close);
  }
  const slash = raw.indexOf('/');
  if (slash !== -1) raw = raw.slice(0, slash);
  return { callSite: raw, fn: functionOf(raw), module };
}

/** Just the call-site text (with any "/0xsize" dropped), the aggregation key; null when absent. */
export function callSiteKey(args: string): string | null {
  const at = args.indexOf('call_site=');
  if (at === -1) return null;
  const start = at + 10;
  let end = args.indexOf(' ', start);
  if (end === -1) end = args.length;
  const slash = args.indexOf('/', start);
  if (slash !== -1 && slash < end) end = slash;
  return args.slice(start, end);
}

/** "bufpool_refill+0x46" -> "bufpool_refill"; a raw address stays as it is. */
export function functionOf(symbolOffset: string): string {
  const plus = symbolOffset.indexOf('+');
  return plus > 0 ? symbolOffset.slice(0, plus) : symbolOffset;
}

/** The kmem allocation fields the aggregates need, read in one pass. */
export interface AllocFields {
  bytesReq: number;
  bytesAlloc: number;
  /** `accounted=true`, or __GFP_ACCOUNT in the flags: the kmalloc-cg-N variant. */
  accounted: boolean;
  /** __GFP_RECLAIMABLE: the kmalloc-rcl-N variant. */
  reclaimable: boolean;
  /** GFP_DMA: the dma-kmalloc-N variant. */
  dma: boolean;
  /** The cache name (`name=`, newer kernels' kmem_cache_alloc), else null. */
  name: string | null;
}

function digitsAt(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return to > from ? v : NaN;
}

function containsWithin(s: string, needle: string, from: number, to: number): boolean {
  const at = s.indexOf(needle, from);
  return at !== -1 && at + needle.length <= to;
}

/**
 * Scan `key=value` tokens once and pick the allocation fields without cutting substrings:
 * the hottest path of a slab-heavy trace, which is mostly kmalloc / kmem_cache_alloc.
 */
export function readAllocFields(args: string, out: AllocFields): void {
  out.bytesReq = NaN;
  out.bytesAlloc = NaN;
  out.accounted = false;
  out.reclaimable = false;
  out.dma = false;
  out.name = null;
  let pos = 0;
  const n = args.length;
  while (pos < n) {
    let end = args.indexOf(' ', pos);
    if (end === -1) end = n;
    const eq = args.indexOf('=', pos);
    if (eq > pos && eq < end) {
      const k0 = args.charCodeAt(pos);
      const klen = eq - pos;
      if (k0 === 98 /* b */ && klen === 9) {
        if (args.startsWith('bytes_req', pos)) out.bytesReq = digitsAt(args, eq + 1, end);
      } else if (k0 === 98 && klen === 11) {
        if (args.startsWith('bytes_alloc', pos)) out.bytesAlloc = digitsAt(args, eq + 1, end);
      } else if (k0 === 103 /* g */ && klen === 9) {
        if (args.startsWith('gfp_flags', pos)) {
          if (containsWithin(args, 'ACCOUNT', eq, end)) out.accounted = true;
          if (containsWithin(args, '__GFP_RECLAIMABLE', eq, end)) out.reclaimable = true;
          const dma = args.indexOf('GFP_DMA', eq);
          if (dma !== -1 && dma < end && args.charCodeAt(dma + 7) !== 51 /* GFP_DMA32 */) out.dma = true;
        }
      } else if (k0 === 97 /* a */ && klen === 9) {
        if (args.startsWith('accounted', pos) && args.startsWith('true', eq + 1)) out.accounted = true;
      } else if (k0 === 110 /* n */ && klen === 4) {
        if (args.startsWith('name', pos)) out.name = args.slice(eq + 1, end);
      }
    }
    pos = end + 1;
  }
}
