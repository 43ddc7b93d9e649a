/**
 * Which module owns a slab cache. A module's own kmem_cache is usually named after it
 * (bufpool -> "bufpool_entry", xfs -> "xfs_inode", nf_conntrack -> "nf_conntrack"); generic
 * kmalloc-N caches have no owner by name, so the allocation stack of the OOM report (a frame in
 * `[module]` calling the slab allocator) or trace call sites are the other ways to point at one.
 */
import type { Frame, ModuleFacts, TraceEvidence } from './facts.ts';

export interface ModuleAttribution {
  module: string;
  /** How it was found, for the explanation. */
  how: string;
  strength: 'name' | 'stack' | 'trace';
}

/** Frames that belong to the slab/page allocator itself, not to its caller. */
const ALLOCATOR_FRAME = /^(?:kmem_cache_alloc\w*|__kmem_cache_alloc\w*|kmalloc\w*|__kmalloc\w*|kmalloc_trace|kmalloc_large\w*|___slab_alloc|__slab_alloc\w*|slab_alloc\w*|new_slab|allocate_slab|alloc_slab_page|__alloc_pages\w*|alloc_pages\w*|folio_alloc\w*|__folio_alloc\w*|get_page_from_freelist|out_of_memory|dump_header|oom_kill_process|__oom_kill_process|dump_stack\w*|__kmalloc_node\w*|kvmalloc\w*|__kvmalloc\w*|kzalloc\w*|krealloc\w*|mempool_alloc\w*|__get_free_pages|get_zeroed_page|alloc_pages_vma|vma_alloc_folio|__vmalloc\w*|vmalloc\w*|__alloc_pages_slowpath\w*|__alloc_pages_may_oom|panic|vpanic|__crash_kexec|crash_kexec|machine_kexec|mem_cgroup_out_of_memory|try_charge_memcg|try_charge|charge_memcg|__mem_cgroup_charge|mem_cgroup_charge\w*|obj_cgroup_charge\w*|__memcg_kmem_charge\w*|memcg_kmem_charge\w*|mem_cgroup_oom\w*)$/;

/** A function name without compiler suffixes (.cold, .constprop.0, .isra.0, .part.0). */
export function baseName(fn: string): string {
  let s = fn;
  for (let i = 0; i < 3; i++) s = s.replace(/\.(?:cold|constprop\.\d+|isra\.\d+|part\.\d+|llvm\.\d+)$/, '');
  return s;
}

/** Whether a frame function is allocator machinery (strip .cold/.constprop suffixes first). */
export function isAllocatorFrame(fn: string): boolean {
  return ALLOCATOR_FRAME.test(baseName(fn));
}

/** The first real caller of the allocator in an allocation stack (innermost first), with its module. */
export function allocationSite(trace: readonly Frame[]): Frame | null {
  for (const f of trace) {
    if (!f.unreliable && !isAllocatorFrame(f.fn)) return f;
  }
  return null;
}

/** Whether the allocation stack went through the slab allocator (kmem_cache_alloc / kmalloc). */
export function isSlabAllocation(trace: readonly Frame[]): boolean {
  return trace.some((f) => !f.unreliable && /^(?:kmem_cache_alloc|__kmem_cache_alloc|kmalloc|__kmalloc|___slab_alloc|__slab_alloc|allocate_slab|new_slab)/.test(baseName(f.fn)));
}

/** Letters that mark a module as not part of the distribution kernel (O out-of-tree, E unsigned, P proprietary, X unsupported, C staging). */
export function isTaintingModule(m: ModuleFacts): boolean {
  return m.taints !== null && /[OEPXC]/.test(m.taints);
}

/**
 * Find the module that owns `cache`: by name against loaded modules, then by the OOM report's
 * allocation stack, then by trace call sites. Returns null rather than guessing.
 */
export function moduleForCache(cache: string, modules: readonly ModuleFacts[], allocTrace: readonly Frame[], trace: TraceEvidence | null): ModuleAttribution | null {
  const byName = matchByName(cache, modules);
  if (byName) return { module: byName.name, how: `cache name "${cache}" carries the name of loaded module ${byName.name}${byName.taints ? ` (taints ${byName.taints})` : ''}`, strength: 'name' };
  const linked = trace?.callSites?.find((c) => c.cache === cache && c.module);
  if (linked?.module) return { module: linked.module, how: `trace call site ${linked.fn} [${linked.module}] allocates from ${cache}`, strength: 'trace' };
  if (isSlabAllocation(allocTrace)) {
    const site = allocationSite(allocTrace);
    if (site?.module) {
      const mod = modules.find((m) => m.name === site.module);
      if (!mod || isTaintingModule(mod) || modules.length === 0) {
        return { module: site.module, how: `the OOM was hit in a slab allocation from ${site.fn} [${site.module}]`, strength: 'stack' };
      }
    }
  }
  return null;
}

function norm(s: string): string {
  return s.toLowerCase().replace(/-/g, '_');
}

function matchByName(cache: string, modules: readonly ModuleFacts[]): ModuleFacts | null {
  const c = norm(cache);
  let best: ModuleFacts | null = null;
  for (const m of modules) {
    const n = norm(m.name);
    if (n.length < 3) continue;
    const hit = c === n || c.startsWith(`${n}_`) || c.startsWith(`${n}:`) || c.startsWith(`${n}.`);
    if (hit && (!best || n.length > norm(best.name).length)) best = m;
  }
  return best;
}
