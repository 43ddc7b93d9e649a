/**
 * `kmem -V`: the kernel's vm_stat counters by section (VM_ZONE_STAT, VM_NODE_STAT,
 * VM_NUMA_STAT, VM_EVENT_STATES; older kernels print a single VM_STAT list).
 */
import { Diagnostics, crashMessage, guarded, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { KmemVmStatModel } from './models.ts';

export const KMEM_VMSTAT_PARSER_VERSION = 1;

const SECTION = /^ {0,8}([A-Z][A-Z_]{1,40}):\s*$/;
const COUNTER = /^ {0,60}([A-Za-z][A-Za-z0-9_]{0,60}): +(-?\d{1,20})\s*$/;

/** Parse `kmem -V`. Counters before any section header go to section "VM_STAT". */
export function parseKmemVmStat(text: string): ParseResult<KmemVmStatModel> {
  return guarded('kmem -V', () => ({ sections: {} }), () => {
    const diags = new Diagnostics('kmem -V');
    const sections: Record<string, Record<string, number>> = {};
    let cur: Record<string, number> | null = null;
    let counters = 0;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const s = SECTION.exec(line);
      if (s) {
        cur = sections[s[1] as string] ??= {};
        continue;
      }
      const c = COUNTER.exec(line);
      if (c) {
        cur ??= sections.VM_STAT ??= {};
        cur[c[1] as string] = Number(c[2]);
        counters++;
        continue;
      }
      if (crashMessage(line, ['kmem'], diags)) continue;
      diags.skip(i + 1, line);
    }
    if (counters === 0) noDataDiagnosis(diags, 'kmem -V', text);
    return { model: { sections }, diagnostics: diags.finish() };
  });
}
