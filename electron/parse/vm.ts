/**
 * `vm [pid]`: the task line, the mm summary (MM, PGD, RSS, TOTAL_VM) and the VMA list (start,
 * end, flags, file). When crash cannot walk the VMAs (e.g. crash 8.0.2 on 6.1 maple trees:
 * "vm: invalid structure member offset: mm_struct_mmap") that error is a diagnostic, never a
 * silently empty list.
 */
import { Diagnostics, crashMessage, fields, guarded, noDataDiagnosis, sizeToBytes, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { VmModel } from './models.ts';

export const VM_PARSER_VERSION = 1;

const HEADER = /^PID: +(\d+) +TASK: +([0-9a-f]+) +CPU: +(\d+) +COMMAND: +"(.*)"\s*$/;

/** An empty VmModel. */
export function emptyVm(): VmModel {
  return { pid: null, task: null, cpu: null, command: null, mm: null, pgd: null, rssKb: null, totalVmKb: null, kernelThread: false, vmas: [] };
}

/** Parse `vm` output for one task. */
export function parseVm(text: string): ParseResult<VmModel> {
  return guarded('vm', emptyVm, () => {
    const diags = new Diagnostics('vm');
    const model = emptyVm();
    let state: 'start' | 'mm' | 'vma' = 'start';
    let sawVmaHeader = false;
    let errors = 0;
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const h = HEADER.exec(line);
      if (h) {
        if (model.pid !== null) {
          diags.add('multiple-tasks', 'warning', 'vm: output holds more than one task; only the first is modelled');
          break;
        }
        model.pid = Number(h[1]);
        model.task = h[2] as string;
        model.cpu = Number(h[3]);
        model.command = h[4] as string;
        continue;
      }
      const f = fields(line);
      if (f[0] === 'MM' && f[1] === 'PGD') {
        state = 'mm';
        continue;
      }
      if (f[0] === 'VMA' && f[1] === 'START') {
        state = 'vma';
        sawVmaHeader = true;
        continue;
      }
      if (crashMessage(line, ['vm'], diags)) {
        if (line.startsWith('vm: ')) errors++;
        continue;
      }
      if (state === 'mm' && f.length >= 4) {
        // "ffff888004a10480  ffff8880055d0000  24628k   25568k" / "0  0  0k  0k" for kernel threads
        model.mm = f[0] as string;
        model.pgd = f[1] as string;
        const rss = sizeToBytes(f[2]);
        const total = sizeToBytes(f[3]);
        model.rssKb = rss === null ? null : rss / 1024;
        model.totalVmKb = total === null ? null : total / 1024;
        model.kernelThread = /^0+$/.test(model.mm);
        if (rss === null || total === null) diags.add('bad-value', 'warning', `vm: cannot read RSS/TOTAL_VM in ${JSON.stringify(line.trim())}`);
        state = 'start';
        continue;
      }
      if (state === 'vma' && f.length >= 4 && /^[0-9a-f]{1,16}$/.test(f[0] as string) && /^[0-9a-f]{1,16}$/.test(f[1] as string) &&
          /^[0-9a-f]{1,16}$/.test(f[2] as string) && /^[0-9a-f]{1,16}$/.test(f[3] as string)) {
        const start = f[1] as string;
        const end = f[2] as string;
        const file = f.slice(4).join(' ');
        model.vmas.push({ vma: f[0] as string, start, end, sizeBytes: span(start, end), flags: f[3] as string, file: file || null });
        continue;
      }
      diags.skip(i + 1, line);
    }
    if (model.pid === null && model.mm === null) noDataDiagnosis(diags, 'vm', text);
    else if (model.mm !== null && !model.kernelThread && !sawVmaHeader && errors === 0) {
      diags.add('vma-missing', 'warning', 'vm: the task has an mm but crash printed no VMA list');
    }
    return { model, diagnostics: diags.finish() };
  });
}

function span(start: string, end: string): number | null {
  const d = BigInt(`0x${end}`) - BigInt(`0x${start}`);
  return d >= 0n && d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : null;
}
