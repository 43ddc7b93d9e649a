/**
 * `kmem -S CACHE` (SLUB, crash 8.x): the cache's `kmem -s` row, then per CPU its current slab
 * and partial list, then per node the kmem_cache_node row and the partial/full lists. Each slab
 * row gives its struct page (SLAB column), its first object (MEMORY), node and object counts,
 * followed by the objects ("[addr]" allocated, "addr" free). The struct page addresses are what
 * the Page flags view looks up, so a slab cache leads to sample pages.
 */
import { Diagnostics, crashMessage, fields, guarded, int, isHex, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemSlabDetailModel, SlabDetailNode, SlabDetailSlab } from './models.ts';
import { parseKmemSlab } from './kmem-slab.ts';

export const KMEM_SLAB_DETAIL_PARSER_VERSION = 1;

/** "CPU 0 SLAB:", "CPU 1 PARTIAL:", "NODE 0 FULL:", "CPU 0 KMEM_CACHE_CPU:". */
const SECTION = /^(CPU|NODE) (\d{1,6}) ([A-Z_]{1,20}):$/;

const empty = (): KmemSlabDetailModel => ({ cache: null, slabs: [], nodes: [], untracked: [] });

/** Parse `kmem -S CACHE`; never throws, unreadable lines become one diagnostic. */
export function parseKmemSlabDetail(text: string): ParseResult<KmemSlabDetailModel> {
  return guarded('kmem -S', empty, () => {
    const diags = new Diagnostics('kmem -S');
    const model = empty();
    const lines = splitLines(text);
    // What the next plain lines belong to.
    let mode: 'none' | 'cache' | 'cpu-struct' | 'list' | 'objects' | 'nodes' = 'none';
    let list = '';
    let current: SlabDetailSlab | null = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const t = line.trim();
      if (t === '') continue;
      const f = fields(line);
      if (f[0] === 'CACHE' && f.includes('OBJSIZE')) {
        const row = lines[i + 1];
        if (row !== undefined) {
          model.cache = parseKmemSlab(`${line}\n${row}`).model.caches[0] ?? null;
          i++;
        }
        mode = 'cache';
        continue;
      }
      const sec = SECTION.exec(t);
      if (sec) {
        list = `${sec[1]} ${sec[2]} ${sec[3]}`;
        mode = sec[3] === 'KMEM_CACHE_CPU' ? 'cpu-struct' : 'list';
        current = null;
        continue;
      }
      if (f[0] === 'KMEM_CACHE_NODE') {
        mode = 'nodes';
        current = null;
        continue;
      }
      if (f[0] === 'SLAB' && f[1] === 'MEMORY') continue;
      if (t === 'FREE / [ALLOCATED]') {
        if (current) mode = 'objects';
        continue;
      }
      if (t === '(empty)') continue;
      if (t === '(not tracked)') {
        if (list && !model.untracked.includes(list)) model.untracked.push(list);
        continue;
      }
      if (mode === 'cpu-struct' && f.length === 1 && isHex(f[0])) continue;
      if ((mode === 'list' || mode === 'objects') && f.length === 6 && isHex(f[0]) && isHex(f[1])) {
        current = {
          list, slab: f[0] as string, memory: f[1] as string, node: int(f[2]), total: int(f[3]), allocated: int(f[4]), free: int(f[5]),
          objectsListed: 0, allocatedListed: 0,
        };
        model.slabs.push(current);
        mode = 'list';
        continue;
      }
      if (mode === 'objects' && current) {
        const first = f[0] as string;
        if (first.length > 2 && first.startsWith('[') && first.endsWith(']') && isHex(first.slice(1, -1))) {
          current.objectsListed++;
          current.allocatedListed++;
          continue;
        }
        if (isHex(first)) {
          current.objectsListed++;
          continue;
        }
      }
      if (mode === 'nodes' && f.length === 5 && isHex(f[0])) {
        const n: SlabDetailNode = { address: f[0] as string, node: int(f[1]), slabs: int(f[2]), partial: int(f[3]), perCpu: int(f[4]) };
        model.nodes.push(n);
        continue;
      }
      if (!crashMessage(line, ['kmem'], diags)) diags.skip(i + 1, line, 'not a kmem -S line');
    }
    if (model.cache === null && model.slabs.length === 0 && model.nodes.length === 0) noDataDiagnosis(diags, 'kmem -S', text);
    return { model, diagnostics: diags.finish() };
  });
}
