/**
 * Panic signatures: a stable bucket id naming what a developer would fix, so dumps of the same
 * bug group together (WinDbg's bucket id). Offsets, pids, sizes and other numbers never appear.
 * A signature is built only from facts every basis has (the dump's kernel log and crash alike),
 * so a dump keeps its id when crash confirms it; what only crash reads (a lock's symbol, its
 * owner) goes into `signatureDetail` beside it. The grammar for every kind is in docs/signatures.md.
 */
import type { SignatureDetail, TriageCulprit, TriageHungTask, TriageLockup, TriagePanic } from '../api/triage-report.ts';

/** Bumped whenever the grammar changes, so stored verdicts (the fleet index) are bucketed again. */
export const SIGNATURE_GRAMMAR_VERSION = 2;

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

/**
 * `hung-task:<module>!<function><-<wait kind>` — where the first blocked task sleeps and on what
 * kind of wait. Both come from the blocked task's stack, which the hung-task report prints and
 * crash's `bt` shows; the lock's symbol needs crash (`bt -F`), so it is never part of the id.
 */
export function hungSignature(panic: TriagePanic, first: TriageHungTask | undefined): string {
  const head = `hung-task:${fnPart(panic.functionModule, panic.function)}`;
  const w = first?.waitsOn;
  if (!w || w.kind === 'unknown') return head;
  return `${head}<-${w.kind}`;
}

/**
 * What crash (or a newer kernel's report) adds beside the signature: the lock the first blocked
 * task waits for and its owner, or the lock a spinning CPU holds or wants. Null when there is none.
 */
export function signatureDetail(first: TriageHungTask | undefined, lockup: TriageLockup | null | undefined): SignatureDetail | null {
  if (first && (first.waitsOn?.symbol || first.owner)) {
    const o = first.owner;
    return {
      lock: first.waitsOn?.symbol ?? null,
      owner: o && (o.pid !== null || o.comm !== null) ? { pid: o.pid, comm: o.comm } : null,
      ownerFunction: o?.function ?? null,
    };
  }
  if (lockup?.lock) return { lock: lockup.lock, owner: null, ownerFunction: null };
  return null;
}

/** `<kind>:<module>!<function>` for every other kind. */
export function plainSignature(panic: TriagePanic): string {
  return `${panic.kind}:${fnPart(panic.functionModule, panic.function)}`;
}
