/**
 * Decoding a VMA's vm_flags word as `vm` prints it (hex, no 0x) into names, and the short
 * "r-xp" permission string /proc/PID/maps users know. Bits are include/linux/mm.h as of Linux
 * 6.1 on x86_64 (the fixtures' kernel); bits above VM_MERGEABLE and arch-specific bits are
 * reported as unknown rather than guessed.
 */

/** vm_flags bits, Linux 6.1 (include/linux/mm.h), x86_64 (VM_ARCH_1 = VM_PAT). */
export const vmFlagBits: ReadonlyArray<{ bit: number; name: string; meaning: string }> = [
  { bit: 0, name: 'VM_READ', meaning: 'readable' },
  { bit: 1, name: 'VM_WRITE', meaning: 'writable' },
  { bit: 2, name: 'VM_EXEC', meaning: 'executable' },
  { bit: 3, name: 'VM_SHARED', meaning: 'shared mapping' },
  { bit: 4, name: 'VM_MAYREAD', meaning: 'may become readable' },
  { bit: 5, name: 'VM_MAYWRITE', meaning: 'may become writable' },
  { bit: 6, name: 'VM_MAYEXEC', meaning: 'may become executable' },
  { bit: 7, name: 'VM_MAYSHARE', meaning: 'may be shared' },
  { bit: 8, name: 'VM_GROWSDOWN', meaning: 'stack, grows down' },
  { bit: 9, name: 'VM_UFFD_MISSING', meaning: 'userfaultfd missing-page tracking' },
  { bit: 10, name: 'VM_PFNMAP', meaning: 'raw PFN mapping, no struct page' },
  { bit: 12, name: 'VM_UFFD_WP', meaning: 'userfaultfd write-protect tracking' },
  { bit: 13, name: 'VM_LOCKED', meaning: 'mlocked' },
  { bit: 14, name: 'VM_IO', meaning: 'memory-mapped I/O' },
  { bit: 15, name: 'VM_SEQ_READ', meaning: 'sequential read-ahead hint' },
  { bit: 16, name: 'VM_RAND_READ', meaning: 'random read hint' },
  { bit: 17, name: 'VM_DONTCOPY', meaning: 'not copied on fork' },
  { bit: 18, name: 'VM_DONTEXPAND', meaning: 'cannot be expanded by mremap' },
  { bit: 19, name: 'VM_LOCKONFAULT', meaning: 'locked on fault' },
  { bit: 20, name: 'VM_ACCOUNT', meaning: 'counted against overcommit' },
  { bit: 21, name: 'VM_NORESERVE', meaning: 'no swap reservation' },
  { bit: 22, name: 'VM_HUGETLB', meaning: 'hugetlbfs mapping' },
  { bit: 23, name: 'VM_SYNC', meaning: 'synchronous page faults' },
  { bit: 24, name: 'VM_PAT', meaning: 'x86 PAT memory type (VM_ARCH_1)' },
  { bit: 25, name: 'VM_WIPEONFORK', meaning: 'wiped in the child on fork' },
  { bit: 26, name: 'VM_DONTDUMP', meaning: 'left out of core dumps' },
  { bit: 27, name: 'VM_SOFTDIRTY', meaning: 'soft-dirty tracking' },
  { bit: 28, name: 'VM_MIXEDMAP', meaning: 'mixed struct page / PFN mapping' },
  { bit: 29, name: 'VM_HUGEPAGE', meaning: 'MADV_HUGEPAGE' },
  { bit: 30, name: 'VM_NOHUGEPAGE', meaning: 'MADV_NOHUGEPAGE' },
  { bit: 31, name: 'VM_MERGEABLE', meaning: 'KSM mergeable' },
];

/** A decoded vm_flags word. */
export interface DecodedVmFlags {
  names: string[];
  /** "rwxp" / "r--s" as in /proc/PID/maps. */
  perms: string;
  /** Set bits with no name here (hex), "0" when none. */
  unknown: string;
}

/** Decode `vm`'s FLAGS column; null when it is not a hex word. */
export function decodeVmFlags(hex: string): DecodedVmFlags | null {
  const t = hex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,16}$/i.test(t)) return null;
  const word = BigInt(`0x${t}`);
  let known = 0n;
  const names: string[] = [];
  for (const f of vmFlagBits) {
    const m = 1n << BigInt(f.bit);
    known |= m;
    if (word & m) names.push(f.name);
  }
  const has = (bit: number): boolean => ((word >> BigInt(bit)) & 1n) === 1n;
  const perms = `${has(0) ? 'r' : '-'}${has(1) ? 'w' : '-'}${has(2) ? 'x' : '-'}${has(3) ? 's' : 'p'}`;
  return { names, perms, unknown: (word & ~known).toString(16) };
}

/** Why `vm` produced no VMA list, and what still works, from crash's error and the parser's findings. */
export interface VmFailure {
  reason: 'crash-too-old' | 'no-such-task' | 'other';
  message: string;
  stillWorks: string[];
}

/**
 * Recognise the ways `vm` fails that users hit: a crash without maple-tree support on a 6.1+ kernel
 * (maple tree: "invalid structure member offset: mm_struct_mmap", so the MM header prints but
 * no VMA), and a task crash cannot find ("invalid task or pid value"). Looks at diagnostic codes
 * and messages and at crash's error line, never at the output body.
 */
export function vmFailure(error: string | null, diagnostics: ReadonlyArray<{ code: string; message: string }>): VmFailure | null {
  const texts = [error ?? '', ...diagnostics.map((d) => `${d.code} ${d.message}`)].join('\n');
  if (/mm_struct_mmap|maple/i.test(texts)) {
    return {
      reason: 'crash-too-old',
      message: 'crash could not walk this task\'s VMAs: this kernel keeps them in a maple tree (Linux 6.1+), which this crash does not understand ("invalid structure member offset: mm_struct_mmap"). Use a crash that knows the maple tree (8.0.3 or newer; 8.0.4 also reads the task list of Debian 6.1 kernels; 8.0.6 verified).',
      stillWorks: ['the MM header below (RSS and total VM of the task)', 'Processes (ps): RSS and VSZ of every task crash finds', "Log: the OOM report's task table (rss, total_vm, pgtables per process)"],
    };
  }
  if (/invalid task or pid value/i.test(texts)) {
    return {
      reason: 'no-such-task',
      message: 'crash did not find this task. With a crash too old for the kernel, only the tasks active on a CPU are found.',
      stillWorks: ["Log: the OOM report's task table lists every process with its memory", 'Processes (ps) for the tasks crash does find'],
    };
  }
  return null;
}
