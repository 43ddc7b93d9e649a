/**
 * Panic signatures: a stable bucket id naming what a developer would fix, so dumps of the same
 * bug group together (WinDbg's bucket id). Offsets, pids, sizes and other numbers never appear.
 * The grammar for every kind is in docs/signatures.md.
 */
import type { TriageCulprit, TriageHungTask, TriagePanic } from '../api/triage-report.ts';

const fnPart = (module: string | null, fn: string | null): string => `${module ? `${module}!` : ''}${fn ?? 'unknown'}`;

/** Names from the dump (process names, cgroup paths) are hostile text: keep a signature plain ASCII without markup. */
const safeName = (s: string): string => s.replace(/[^\w.\-/@+=,]/g, '_').slice(0, 128) || 'unknown';

/** `oom:<culprit kind>:<name>` — the culprit, never the allocation site (that is whoever asked last). */
export function oomSignature(c: TriageCulprit): string {
  switch (c.kind) {
    case 'slab': {
      // "unreclaimable slab (cache unknown)" has no cache to name.
      const cache = /\s/.test(c.name) ? null : c.name;
      return `oom:slab:${safeName(cache ?? 'unknown')}`;
    }
    case 'memcg':
      return `oom:memcg:${safeName(c.cgroup ?? 'unknown')}`;
    case 'shmem':
      return 'oom:shmem:tmpfs';
    case 'user-anon': {
      // "ingestd (pid 179)" / "worker (12 processes)" -> the command; "user processes (...)" has none.
      const m = /^(.+?) \((?:pid \d+|\d+ processes)\)$/.exec(c.name);
      return `oom:user-anon:${m ? safeName(m[1] as string) : 'unknown'}`;
    }
    case 'pagecache':
      return `oom:pagecache:${c.name.startsWith('dirty') ? 'dirty' : 'file'}`;
    case 'kernel-other':
      return `oom:kernel-other:${c.name.startsWith('page tables') ? 'pagetables' : c.name.startsWith('kernel stacks') ? 'kernel-stacks' : 'unaccounted'}`;
    case 'hugetlb':
      return 'oom:hugetlb:pool';
    case 'fragmentation':
      return 'oom:fragmentation:high-order';
    case 'unknown':
      return 'oom:unknown';
  }
}

/** `hung-task:<module>!<function><-<wait kind>[:<lock symbol>]` — where the first blocked task sleeps and on what. */
export function hungSignature(panic: TriagePanic, first: TriageHungTask | undefined): string {
  const head = `hung-task:${fnPart(panic.functionModule, panic.function)}`;
  const w = first?.waitsOn;
  if (!w || w.kind === 'unknown') return head;
  return `${head}<-${w.kind}${w.symbol ? `:${w.symbol}` : ''}`;
}

/** `<kind>:<module>!<function>` for every other kind. */
export function plainSignature(panic: TriagePanic): string {
  return `${panic.kind}:${fnPart(panic.functionModule, panic.function)}`;
}
