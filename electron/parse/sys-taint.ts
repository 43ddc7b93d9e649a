/**
 * `sys -t`: `TAINTED_MASK: 3000  OE` -> the mask and each taint flag by name.
 *
 * The bit -> letter -> name table is the kernel's ABI (kernel/panic.c taint_flags[],
 * Documentation/admin-guide/tainted-kernels.rst); bit numbers have never been reassigned.
 * Bits beyond the table are reported as unknown rather than dropped.
 */
import { Diagnostics, crashMessage, guarded, hexNum, noDataDiagnosis, splitLines } from './common.ts';
import type { ParseResult } from './common.ts';
import type { SysTaintModel, TaintFlag } from './models.ts';

export const SYS_TAINT_PARSER_VERSION = 1;

/** Kernel taint flags by bit (include/linux/panic.h TAINT_*). */
export const TAINT_FLAGS: readonly Omit<TaintFlag, 'bit'>[] = [
  { letter: 'P', name: 'TAINT_PROPRIETARY_MODULE', description: 'proprietary module was loaded' },
  { letter: 'F', name: 'TAINT_FORCED_MODULE', description: 'module was force loaded' },
  { letter: 'S', name: 'TAINT_CPU_OUT_OF_SPEC', description: 'kernel running on an out of specification system' },
  { letter: 'R', name: 'TAINT_FORCED_RMMOD', description: 'module was force unloaded' },
  { letter: 'M', name: 'TAINT_MACHINE_CHECK', description: 'processor reported a Machine Check Exception' },
  { letter: 'B', name: 'TAINT_BAD_PAGE', description: 'bad page referenced or unexpected page flags' },
  { letter: 'U', name: 'TAINT_USER', description: 'taint requested by userspace application' },
  { letter: 'D', name: 'TAINT_DIE', description: 'kernel died recently (OOPS or BUG)' },
  { letter: 'A', name: 'TAINT_OVERRIDDEN_ACPI_TABLE', description: 'ACPI table overridden by user' },
  { letter: 'W', name: 'TAINT_WARN', description: 'kernel issued a warning' },
  { letter: 'C', name: 'TAINT_CRAP', description: 'staging driver was loaded' },
  { letter: 'I', name: 'TAINT_FIRMWARE_WORKAROUND', description: 'workaround for a platform firmware bug applied' },
  { letter: 'O', name: 'TAINT_OOT_MODULE', description: 'externally-built ("out-of-tree") module was loaded' },
  { letter: 'E', name: 'TAINT_UNSIGNED_MODULE', description: 'unsigned module was loaded' },
  { letter: 'L', name: 'TAINT_SOFTLOCKUP', description: 'soft lockup occurred' },
  { letter: 'K', name: 'TAINT_LIVEPATCH', description: 'kernel has been live patched' },
  { letter: 'X', name: 'TAINT_AUX', description: 'auxiliary taint, defined for and used by distros' },
  { letter: 'T', name: 'TAINT_RANDSTRUCT', description: 'kernel was built with the struct randomization plugin' },
  { letter: 'N', name: 'TAINT_TEST', description: 'an in-kernel test has been run' },
];

/** Decode a taint mask to flags (unknown bits get letter '?'). */
export function decodeTaint(mask: number): TaintFlag[] {
  const out: TaintFlag[] = [];
  for (let bit = 0; bit < 53 && 2 ** bit <= mask; bit++) {
    if (Math.floor(mask / 2 ** bit) % 2 !== 1) continue;
    const f = TAINT_FLAGS[bit];
    out.push(f ? { bit, ...f } : { bit, letter: '?', name: `TAINT_BIT_${bit}`, description: 'taint bit unknown to crashdeck' });
  }
  return out;
}

/** Parse `sys -t`. */
export function parseSysTaint(text: string): ParseResult<SysTaintModel> {
  const empty = (): SysTaintModel => ({ mask: null, maskValue: null, letters: '', flags: [], tainted: false });
  return guarded('sys -t', empty, () => {
    const diags = new Diagnostics('sys -t');
    const model = empty();
    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      if (crashMessage(line, ['sys'], diags)) continue;
      const m = /^\s*TAINTED_MASK: +([0-9a-fA-F]{1,16})(?: +(\S*))?\s*$/.exec(line);
      if (!m || model.mask !== null) {
        diags.skip(i + 1, line);
        continue;
      }
      model.mask = m[1] as string;
      model.maskValue = hexNum(model.mask);
      model.letters = m[2] ?? '';
    }
    if (model.mask === null) {
      noDataDiagnosis(diags, 'sys -t', text);
    } else if (model.maskValue !== null) {
      model.flags = decodeTaint(model.maskValue);
      model.tainted = model.maskValue !== 0;
      const decoded = model.flags.map((f) => f.letter).join('');
      if (model.letters && sortLetters(decoded) !== sortLetters(model.letters)) {
        diags.add('taint-mismatch', 'warning',
          `sys -t: crash printed taint letters "${model.letters}" but mask ${model.mask} decodes to "${decoded}"`);
      }
      if (model.flags.some((f) => f.letter === '?')) {
        diags.add('unknown-taint-bit', 'info', `sys -t: mask ${model.mask} has bits newer than crashdeck's taint table`);
      }
    }
    return { model, diagnostics: diags.finish() };
  });
}

function sortLetters(s: string): string {
  return [...s].sort().join('');
}
