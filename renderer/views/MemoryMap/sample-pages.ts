/**
 * A task's sample pages: which user addresses to translate (first, middle and last page of its
 * largest VMAs, where an OOM's memory usually sits), the one `vtop -c PID ADDR...` that
 * translates them all, and each sample matched back to crash's answer by address. Pure and
 * BigInt-based: user addresses do not fit a JS number's exact range in general.
 */
import type { GuidedCommand } from '../../../electron/api/contract.ts';
import type { PageFlagBit, Vma } from '../../../electron/parse/models.ts';
import type { VtopModel, VtopPage, VtopTranslation } from '../../../electron/parse/vtop.ts';
import { decodePageFlags, defaultPageSize } from '../PageFlags/page-lookup.ts';

/** Where in its VMA a sample sits. */
export type SamplePosition = 'first' | 'middle' | 'last';

/** One address to translate. */
export interface PageSample {
  /** "0x7f66d5e7b000": the form the allowlist normalises to, so the cache key is the command line. */
  address: string;
  vma: Vma;
  position: SamplePosition;
}

/** How many of the largest VMAs are sampled (3 pages each: 12 addresses, one `vtop` command). */
export const sampledVmas = 4;
/** VM_PFNMAP: raw PFN mappings (vvar, device memory) have no struct page to look at. */
const VM_PFNMAP = 0x400n;

function hex(s: string): bigint | null {
  return /^[0-9a-f]{1,16}$/i.test(s) ? BigInt(`0x${s}`) : null;
}

/**
 * First, middle and last page of the `count` largest VMAs (by size, then address order), skipping
 * PFN mappings; a one-page VMA gives one sample, a two-page VMA two.
 */
export function pickSamples(vmas: readonly Vma[], count = sampledVmas, pageSize = defaultPageSize): PageSample[] {
  const ps = BigInt(pageSize);
  const usable = vmas
    .map((v, i) => ({ v, i, start: hex(v.start), end: hex(v.end), flags: hex(v.flags) }))
    .filter((x) => x.start !== null && x.end !== null && x.end > x.start && !((x.flags ?? 0n) & VM_PFNMAP));
  usable.sort((a, b) => {
    const d = (b.end! - b.start!) - (a.end! - a.start!);
    return d > 0n ? 1 : d < 0n ? -1 : a.i - b.i;
  });
  const out: PageSample[] = [];
  for (const x of usable.slice(0, count)) {
    const pages = (x.end! - x.start!) / ps;
    const at: Array<[SamplePosition, bigint]> = [['first', x.start!], ['middle', x.start! + (pages / 2n) * ps], ['last', x.start! + (pages - 1n) * ps]];
    const seen = new Set<bigint>();
    for (const [position, a] of at) {
      if (seen.has(a) || a >= x.end!) continue;
      seen.add(a);
      out.push({ address: `0x${a.toString(16)}`, vma: x.v, position });
    }
  }
  return out;
}

/** The guided command translating every sample in the task's address space. */
export function vtopCommand(pid: number, samples: readonly PageSample[]): GuidedCommand {
  return { id: 'vtop -c', arg: `${pid} ${samples.map((s) => s.address).join(' ')}` };
}

/** A sample with crash's answer: the translation, or why there is none. */
export interface MatchedSample extends PageSample {
  translation: VtopTranslation | null;
  /** 'ambiguous' when crash's output held the address twice (a forged block; see the vtop parser). */
  problem: 'missing' | 'ambiguous' | null;
}

/** Match each sample to crash's translation of the same address. */
export function matchSamples(samples: readonly PageSample[], model: Partial<VtopModel> | null | undefined): MatchedSample[] {
  const list = Array.isArray(model?.translations) ? model.translations : [];
  return samples.map((s) => {
    const want = BigInt(s.address);
    const hits = list.filter((t) => hex(t.virtual) === want);
    if (hits.length === 0) return { ...s, translation: null, problem: 'missing' };
    if (hits.length > 1 || hits.some((t) => t.duplicate)) return { ...s, translation: null, problem: 'ambiguous' };
    return { ...s, translation: hits[0]!, problem: null };
  });
}

/** The physical address to open in Page flags: the struct page's own, else the translation's. */
export function samplePhysical(t: VtopTranslation | null): string | null {
  if (!t || t.state !== 'present') return null;
  const p = t.page?.physical ?? t.physical;
  return p && /^[0-9a-f]{1,16}$/i.test(p) ? `0x${p.toLowerCase()}` : null;
}

/**
 * Page flags deep link for a sample's physical page (encoded: the value comes from dump text);
 * with the task and virtual address it was sampled at, so Page flags can say where it came from.
 */
export function pageFlagsLink(physical: string, from?: { pid: number; virtual: string }): string {
  const q = new URLSearchParams({ mode: 'physical', addr: physical });
  if (from) {
    q.set('pid', String(from.pid));
    q.set('vaddr', from.virtual);
  }
  return `#/page-flags?${q.toString()}`;
}

/** Where a Page flags lookup came from, read back from its link; null unless both parts are well-formed. */
export function sampledFrom(params: URLSearchParams): { pid: number; virtual: string } | null {
  const pid = params.get('pid') ?? '';
  const vaddr = params.get('vaddr') ?? '';
  if (!/^\d{1,7}$/.test(pid) || !/^0x[0-9a-f]{1,16}$/.test(vaddr)) return null;
  return { pid: Number(pid), virtual: vaddr };
}

/** What crash said about an address, in words. */
export function stateText(t: VtopTranslation): string {
  switch (t.state) {
    case 'present':
      return `in memory${t.hugePage ? ` (${t.hugePage} page)` : ''}${t.zeroPage ? ' (the shared zero page)' : ''}`;
    case 'swapped':
      return t.swap ? `swapped out to ${t.swap.device}, offset ${t.swap.offset}` : 'swapped out';
    case 'not-mapped':
      return t.file ? `not in memory; would be read from ${t.file.path} at offset 0x${t.file.offset}` : 'not in memory (never touched, or dropped)';
    case 'not-accessible':
      return 'no VMA of the task covers it';
    case 'not-kernel-address':
      return 'not a kernel virtual address';
    case 'not-available':
      return 'page not available in the dump';
  }
}

/**
 * A sampled page's flag names, decoded through the dump's `kmem -g` table (crash's own names
 * when the table is not loaded); an anonymous page's bit 17 reads anon_exclusive (see decodePageFlags).
 */
export function sampleFlagNames(page: VtopPage, table: readonly PageFlagBit[]): { names: string[]; via: 'kmem -g' | 'crash' } {
  const dec = decodePageFlags(page.flags, table, page.mapping);
  return dec ? { names: dec.bits.map((b) => b.name), via: 'kmem -g' } : { names: page.flagNames, via: 'crash' };
}
