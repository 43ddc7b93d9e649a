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

/** Index just past `key` (given with its "=" and a leading space) at or after `from`, or -1. */
function after(args: string, key: string, from: number): number {
  const at = args.indexOf(key, from);
  return at === -1 ? -1 : at + key.length;
}

function tokenEnd(args: string, from: number): number {
  const end = args.indexOf(' ', from);
  return end === -1 ? args.length : end;
}

/**
 * Pick the allocation fields with a few targeted searches in the order the kernel prints them
 * (call_site ptr bytes_req bytes_alloc gfp_flags node accounted [name]), without cutting
 * substrings: the hottest path of a slab-heavy trace. Out-of-order fields are still found.
 */
export function readAllocFields(args: string, out: AllocFields): void {
  out.bytesReq = NaN;
  out.bytesAlloc = NaN;
  out.accounted = false;
  out.reclaimable = false;
  out.dma = false;
  out.name = null;
  let p = after(args, ' bytes_req=', 0);
  if (p !== -1) {
    const e = tokenEnd(args, p);
    out.bytesReq = digitsAt(args, p, e);
    p = e;
  } else p = 0;
  let q = after(args, ' bytes_alloc=', p);
  if (q === -1) q = after(args, ' bytes_alloc=', 0);
  if (q !== -1) {
    const e = tokenEnd(args, q);
    out.bytesAlloc = digitsAt(args, q, e);
    p = e;
  }
  let g = after(args, ' gfp_flags=', p);
  if (g === -1) g = after(args, ' gfp_flags=', 0);
  if (g !== -1) {
    const e = tokenEnd(args, g);
    if (containsWithin(args, '_RECLAIMABLE', g, e)) out.reclaimable = true;
    const dma = args.indexOf('GFP_DMA', g);
    if (dma !== -1 && dma < e && args.charCodeAt(dma + 7) !== 51 /* GFP_DMA32 */) out.dma = true;
    // Kernels without the `accounted` field say it in the flags.
    if (containsWithin(args, 'ACCOUNT', g, e)) out.accounted = true;
    p = e;
  }
  const a = after(args, ' accounted=', p);
  // "true", or "1" in raw (`trace-cmd report -R`) output.
  if (a !== -1 && (args.charCodeAt(a) === 116 /* t */ || args.charCodeAt(a) === 49 /* 1 */)) out.accounted = true;
  const n = after(args, ' name=', p);
  if (n !== -1) out.name = args.slice(n, tokenEnd(args, n));
}
