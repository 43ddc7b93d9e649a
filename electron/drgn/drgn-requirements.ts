/**
 * Which drgn reads which kernel: one table, used by the drgn session (what to ask), `crashdeck
 * doctor` and native-tools/install-drgn.sh's default. The counterpart of
 * crash/crash-requirements.ts for the second engine.
 *
 * Measured on this project's fixtures with crashdeck_drgn.py (load, `tasks`, `slab_caches`,
 * `zones`, `modules`, `stack` of the panic task, `blocked_tasks`; the integration tests under
 * tests/integration/drgn/ repeat it):
 *
 * | drgn (Debian, python) | 6.1.192 (panic-sysrq …) | 6.12.118 (hung-mutex-6.12 …) | 7.2.13 (hung-mutex-7.2) |
 * |---|---|---|---|
 * | 0.0.22 (bookworm, 3.11) | all; module frames named by crashdeck's own module-kallsyms reader, but a stack ends at its first module frame (an Oops in a module: only the faulting frame; a lockup interrupting module code: the interrupt frames above it) | same | tasks, zones, modules, stacks as on 6.12; slab counts no (7.1 moved the nodes behind per_node[], sheaves hold free objects) |
 * | 0.0.31 (trixie, 3.13) | all, module frames through drgn's load_module_kallsyms; frames past a module frame are unreliable (zero PCs), crashdeck cuts them | same | no stacks ("unrecognized .orc_header": 7.x changed the ORC header), no slab counts |
 * | 0.3.0 (sid, 3.14) | all, whole stacks through module frames | all | all: 76 tasks, 205 caches, backupd → qdrv_cfg_mutex → qholder 269 |
 *
 * Slab counts before 7.1 are read by crashdeck_drgn.py itself with every drgn: they equal crash's
 * `kmem -s` on every 6.x fixture, while drgn 0.3.0's slab_cache_usage counted more allocated
 * objects there (ext4_io_end: 6 against crash's 0); on 7.x only that helper knows the sheaves.
 * Load + every question above takes 1–2 s on an idle 2-core machine with each of them.
 */

/** A question the engine answers; see crashdeck_drgn.py's QUESTIONS. */
export type DrgnCapability = 'tasks' | 'stacks' | 'moduleFrames' | 'slab' | 'zones' | 'modules' | 'log' | 'locks';

/** What one drgn release does with one kernel range. */
export interface DrgnSupport {
  /** drgn release ("0.0.22"). */
  drgn: string;
  /** First kernel (major.minor) the row covers; it ends where the next row of the same drgn starts. */
  fromKernel: readonly [number, number];
  /** Questions answered correctly (compared with crash on the fixtures). */
  reads: readonly DrgnCapability[];
  /** What it cannot do there, said plainly. */
  caveat?: string;
  basis: 'measured';
}

const everything: readonly DrgnCapability[] = ['tasks', 'stacks', 'moduleFrames', 'slab', 'zones', 'modules', 'log', 'locks'];

/** The table: per drgn release, kernel ranges oldest first. */
export const drgnSupport: readonly DrgnSupport[] = [
  {
    drgn: '0.0.22',
    fromKernel: [6, 1],
    reads: ['tasks', 'stacks', 'slab', 'zones', 'modules', 'log', 'locks'],
    caveat: 'no module kallsyms helper (crashdeck reads the modules\' symbol tables itself); a stack ends at its first module frame',
    basis: 'measured',
  },
  {
    drgn: '0.0.22',
    fromKernel: [7, 0],
    reads: ['tasks', 'stacks', 'zones', 'modules', 'log', 'locks'],
    caveat: 'no slab counts (7.x keeps free objects in per-node sheaves); a stack ends at its first module frame',
    basis: 'measured',
  },
  {
    drgn: '0.0.31',
    fromKernel: [6, 1],
    reads: ['tasks', 'stacks', 'moduleFrames', 'slab', 'zones', 'modules', 'log', 'locks'],
    caveat: 'frames below a module frame are unreliable without the module\'s debug info (crashdeck cuts the stack there)',
    basis: 'measured',
  },
  {
    drgn: '0.0.31',
    fromKernel: [7, 0],
    reads: ['tasks', 'zones', 'modules', 'log'],
    caveat: 'no stacks ("unrecognized .orc_header": 7.x changed the ORC header) and no slab counts',
    basis: 'measured',
  },
  { drgn: '0.3.0', fromKernel: [6, 1], reads: everything, basis: 'measured' },
];

/** drgn releases crashdeck's tests run: Debian bookworm's, trixie's and sid's. */
export const verifiedDrgnReleases = ['0.0.22', '0.0.31', '0.3.0'] as const;

/** The drgn that reads every measured kernel fully; install-drgn.sh's default. */
export const recommendedDrgn = '0.3.0';

/** -1, 0, 1 like a comparator, numerically per dotted part ("0.0.31" < "0.3.0"). */
export function compareDrgnVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function kernelOf(release: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function atOrAfter(kernel: readonly [number, number], from: readonly [number, number]): boolean {
  return kernel[0] > from[0] || (kernel[0] === from[0] && kernel[1] >= from[1]);
}

/**
 * What a drgn release reads of a kernel: the row of the newest measured release not newer than
 * it (a drgn between two measured ones is judged by the older), then the row whose kernel range
 * holds the release. Null when the kernel is older than every row (before 6.1: not measured) or
 * unreadable.
 */
export function drgnSupportFor(drgnVersion: string, release: string | null | undefined): DrgnSupport | null {
  const kernel = release ? kernelOf(release) : null;
  if (!kernel) return null;
  const measured = [...new Set(drgnSupport.map((row) => row.drgn))]
    .filter((v) => compareDrgnVersions(v, drgnVersion) <= 0)
    .sort(compareDrgnVersions);
  const basis = measured.at(-1);
  if (!basis) return null;
  const rows = drgnSupport.filter((row) => row.drgn === basis && atOrAfter(kernel, row.fromKernel));
  return rows.at(-1) ?? null;
}

/** The oldest measured drgn that reads everything of this kernel (for the install hint). */
export function drgnNeededFor(release: string | null | undefined): string {
  for (const version of verifiedDrgnReleases) {
    const row = drgnSupportFor(version, release);
    if (row && everything.every((c) => row.reads.includes(c))) return version;
  }
  return recommendedDrgn;
}
