/**
 * "Where did memory go?": total memory split into the buckets the kernel's own counters support,
 * in pages. Anon LRU pages include shmem (shmem is swap-backed and lives on the anon LRU since
 * 2.6.28), so user anon is anon LRU minus shmem; whatever the counters cannot place is "other"
 * (vmalloc, percpu, driver pages from alloc_pages, ...).
 */
import type { MemCounters } from './facts.ts';

export type BucketKey =
  | 'userAnon' | 'shmem' | 'pagecache' | 'unevictable' | 'slabUnreclaimable' | 'slabReclaimable'
  | 'hugetlb' | 'pagetables' | 'kernelStack' | 'free' | 'other';

export const bucketLabels: Record<BucketKey, string> = {
  userAnon: 'user anonymous memory',
  shmem: 'shmem / tmpfs',
  pagecache: 'page cache (file LRU)',
  unevictable: 'unevictable (mlocked, ramfs)',
  slabUnreclaimable: 'slab, unreclaimable',
  slabReclaimable: 'slab, reclaimable',
  hugetlb: 'hugetlb pool',
  pagetables: 'page tables',
  kernelStack: 'kernel stacks',
  free: 'free',
  other: 'kernel, not accounted (vmalloc, percpu, driver pages)',
};

export interface Account {
  /** Pages per bucket. */
  pages: Record<BucketKey, number>;
  /** The total the buckets share, pages. */
  totalPages: number;
  /** True when hugetlb pages sit outside totalram (boot-time gigantic pages). */
  hugetlbOutsideTotal: boolean;
  /** Counters the account had to assume as 0. */
  unknown: string[];
}

/** Split `totalRamPages` into buckets from the counters; hugetlb in pages of 4 kB. */
export function accountMemory(c: MemCounters, totalRamPages: number, hugetlbPages: number, pageSizeKb = 4): Account {
  const unknown: string[] = [];
  const g = (k: keyof MemCounters): number => {
    const v = c[k];
    if (v === null || v === undefined) {
      unknown.push(k);
      return 0;
    }
    return v;
  };
  const anonLru = g('activeAnon') + g('inactiveAnon') + (c.isolatedAnon ?? 0);
  const fileLru = g('activeFile') + g('inactiveFile') + (c.isolatedFile ?? 0);
  const shmem = g('shmem');
  const pages: Record<BucketKey, number> = {
    userAnon: Math.max(0, anonLru - shmem),
    shmem,
    pagecache: fileLru,
    unevictable: c.unevictable ?? 0,
    slabUnreclaimable: g('slabUnreclaimable'),
    slabReclaimable: g('slabReclaimable'),
    hugetlb: hugetlbPages,
    pagetables: g('pagetables') + (c.secPagetables ?? 0),
    kernelStack: c.kernelStackKb !== null ? Math.round(c.kernelStackKb / pageSizeKb) : 0,
    free: g('free') + (c.freePcp ?? 0),
    other: 0,
  };
  // shmem beyond the anon LRU sits on the unevictable list (SHM_LOCK, ramfs-like): do not count it twice.
  if (shmem > anonLru) pages.unevictable = Math.max(0, pages.unevictable - (shmem - anonLru));
  let total = totalRamPages;
  let placed = sum(pages);
  let hugetlbOutsideTotal = false;
  if (hugetlbPages > 0 && placed > total) {
    // Boot-time gigantic pages come from memblock and are not in totalram: widen the total.
    hugetlbOutsideTotal = true;
    total += hugetlbPages;
  }
  placed = sum(pages);
  pages.other = Math.max(0, total - placed);
  if (c.kernelStackKb === null) unknown.push('kernelStackKb');
  return { pages, totalPages: Math.max(total, placed), hugetlbOutsideTotal, unknown };
}

function sum(p: Record<BucketKey, number>): number {
  let s = 0;
  for (const v of Object.values(p)) s += v;
  return s;
}
