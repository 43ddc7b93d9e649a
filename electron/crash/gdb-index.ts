/**
 * A gdb-indexed copy of the debug vmlinux, so crash's embedded gdb finds symbols through a
 * .gdb_index section instead of scanning all of DWARF at every start (about half the start-up
 * time on the fixtures; `npm run bench -- startup-index`). Built once per vmlinux by
 * `gdb-add-index` on the host that runs crash, in the background after a session opened, into
 * the debuginfod client cache beside the build-id's debuginfo: `<cache>/<buildid>/vmlinux.gdb-index`.
 * The user's file is never touched; a copy is used only when its build-id is the vmlinux's. At
 * most `maxIndexedCopies` copies are kept (the least recently built go first). settings.json
 * `gdbIndex: false` or CRASHDECK_GDB_INDEX=0 turns all of it off.
 */
import type { Diagnosis } from '../api/contract.ts';
import type { Settings } from '../settings.ts';
import type { Transport } from '../transport/types.ts';
import { shellQuote as shQuote } from '../transport/quote.ts';
import { fileWithBuildId, readBuildId } from '../symbols/build-id.ts';
import { cacheDirOn } from '../symbols/debuginfod-cache.ts';

/** File name of the indexed copy inside `<cache>/<buildid>/`. */
export const indexedName = 'vmlinux.gdb-index';
/** Prefix of a copy being built (`<name>.crashdeck-<pid of its sh>`): never read as a finished one. */
export const buildingPrefix = `${indexedName}.crashdeck-`;
/** Indexed copies kept per cache (each is the vmlinux plus ~10 %: 0.4–1 GB). */
export const maxIndexedCopies = 3;

/** Whether the indexed copy is wanted: on unless settings or the environment say off. */
export function gdbIndexEnabled(env: NodeJS.ProcessEnv, settings: Settings): boolean {
  const e = env.CRASHDECK_GDB_INDEX?.trim().toLowerCase();
  if (e === '0' || e === 'false' || e === 'off' || e === 'no') return false;
  return settings.gdbIndex !== false;
}

/** Where the indexed copy of `buildId` lives in a cache. */
export function gdbIndexPath(cacheDir: string, buildId: string): string {
  return `${cacheDir.replace(/\/+$/, '')}/${buildId}/${indexedName}`;
}

/** The indexed copy for the vmlinux with `buildId`, when it is there and carries that build-id. */
export async function findGdbIndexed(t: Transport, cacheDir: string, buildId: string): Promise<string | null> {
  return fileWithBuildId(t, gdbIndexPath(cacheDir, buildId), buildId);
}

/** What crash should read for `vmlinux`: the indexed copy when one matches, else the file itself. */
export interface IndexChoice {
  /** The file crash is started with. */
  vmlinux: string;
  /** The indexed copy in use, or null. */
  indexed: string | null;
  /** The vmlinux's build-id (null: none, so no copy can be verified). */
  buildId: string | null;
  cacheDir: string | null;
}

/** Pick the indexed copy of `vmlinux` on the transport's host, if one was built and matches. */
export async function chooseVmlinux(t: Transport, vmlinux: string, env: NodeJS.ProcessEnv, hostEnv?: Readonly<Record<string, string>>): Promise<IndexChoice> {
  const bid = await readBuildId(t, vmlinux).catch(() => null);
  const buildId = bid?.buildId ?? null;
  const cacheDir = buildId ? await cacheDirOn(t, env, hostEnv) : null;
  const indexed = buildId && cacheDir ? await findGdbIndexed(t, cacheDir, buildId) : null;
  return { vmlinux: indexed ?? vmlinux, indexed, buildId, cacheDir };
}

/** The note a session carries when crash reads the indexed copy (so the user knows which file). */
export function indexedNote(choice: IndexChoice): Diagnosis | null {
  if (!choice.indexed) return null;
  return {
    code: 'gdb-index',
    severity: 'info',
    message: `crash reads the gdb-indexed copy ${choice.indexed} of the vmlinux (same build-id ${choice.buildId ?? ''}), which starts faster`,
    hint: 'settings.json "gdbIndex": false or CRASHDECK_GDB_INDEX=0 turns the indexed copy off.',
  };
}

/** Where the copy is (built; `started`: a detached build is under way), or why there is none. */
export type BuildOutcome =
  | { built: string }
  | { started: string }
  | { skipped: 'gdb-add-index-missing' | 'no-build-id' | 'busy' | 'failed'; detail: string };

/**
 * POSIX sh that copies `vmlinux` to a temp name in `<cache>/<buildid>/`, indexes it and renames
 * it into place, then removes the oldest copies beyond `maxIndexedCopies` (by modification
 * time). Exit 4: another live builder has this build-id's temp. The temp is named after this
 * shell's pid: one left by a SIGKILLed builder is removed by the next build, one left by a
 * failure or a signal by the trap. Hangups are ignored: a build outlives the crashdeck that
 * started it (a one-shot `crashdeck triage` exits long before).
 */
export function buildScript(vmlinux: string, cacheDir: string, buildId: string): string {
  const dir = `${cacheDir.replace(/\/+$/, '')}/${buildId}`;
  return [
    `for f in ${shQuote(`${dir}/${buildingPrefix}`)}*; do [ -f "$f" ] && ! kill -0 "\${f##*-}" 2>/dev/null && rm -f -- "$f"; done`,
    `for f in ${shQuote(`${dir}/${buildingPrefix}`)}*; do [ -f "$f" ] && exit 4; done`,
    `mkdir -p ${shQuote(dir)} || exit 1`,
    `t=${shQuote(`${dir}/${buildingPrefix}`)}$$`,
    `trap 'rm -f "$t" "$t".gdb-index "$t".debug_names "$t".debug_str' EXIT`,
    "trap 'exit 1' INT TERM",
    "trap '' HUP",
    // Below interactive work on the host: the copy and the DWARF scan are background chores.
    "if command -v nice >/dev/null 2>&1; then n='nice -n 10'; else n=''; fi",
    `$n cp -- ${shQuote(vmlinux)} "$t" || exit 1`,
    '$n gdb-add-index "$t" >/dev/null || exit 1',
    `mv -f -- "$t" ${shQuote(`${dir}/${indexedName}`)} || exit 1`,
    `ls -t ${shQuote(cacheDir.replace(/\/+$/, ''))}/*/${indexedName} 2>/dev/null | tail -n +${maxIndexedCopies + 1} | while IFS= read -r f; do rm -f -- "$f"; done`,
    'exit 0',
  ].join('\n');
}

/**
 * Build the indexed copy on the transport's host. `detach`: start it and return at once (exit 3
 * still says gdb-add-index is missing); the copy is verified by build-id when it is chosen.
 * Otherwise wait for it and verify it now (a copy with another build-id is removed).
 */
export async function buildGdbIndex(t: Transport, vmlinux: string, cacheDir: string, buildId: string, opts: { detach?: boolean; hostEnv?: Readonly<Record<string, string>> } = {}): Promise<BuildOutcome> {
  const inner = buildScript(vmlinux, cacheDir, buildId);
  const script = [
    'command -v gdb-add-index >/dev/null 2>&1 || exit 3',
    opts.detach ? `sh -c ${shQuote(inner)} </dev/null >/dev/null 2>&1 &\nexit 0` : inner,
  ].join('\n');
  const target = gdbIndexPath(cacheDir, buildId);
  // background: at crash's lower priority, so the page and a starting crash are served first.
  const r = await t.exec({ command: 'sh', args: ['-c', script], background: true, ...(opts.hostEnv ? { env: opts.hostEnv } : {}) }, { timeoutMs: opts.detach ? 60_000 : 30 * 60_000 }).catch((err: unknown) => ({ code: -1, signal: null, stdout: '', stderr: err instanceof Error ? err.message : String(err) }));
  if (r.code === 3) return { skipped: 'gdb-add-index-missing', detail: `gdb-add-index is not installed on ${t.label} (it comes with gdb)` };
  if (r.code === 4) return { skipped: 'busy', detail: `another crashdeck is building ${target}` };
  if (r.code !== 0) return { skipped: 'failed', detail: `gdb-add-index failed on ${vmlinux}: ${r.stderr.trim().split('\n').slice(-2).join(' | ') || `exit ${r.code}`}` };
  if (opts.detach) return { started: target };
  const built = await findGdbIndexed(t, cacheDir, buildId);
  if (built) return { built };
  await t.exec({ command: 'rm', args: ['-f', '--', target] }, { timeoutMs: 15_000 }).catch(() => undefined);
  return { skipped: 'failed', detail: `the indexed copy of ${vmlinux} did not carry build-id ${buildId}; removed` };
}

/**
 * After a session's crash start succeeded, build the indexed copy when none was used, so the next
 * start reads it. Never delays or fails the session: errors end in `onDone`'s outcome.
 */
export function indexAfterStart(started: Promise<unknown>, t: Transport, choice: IndexChoice, onDone?: (o: BuildOutcome) => void): void {
  if (choice.indexed) return;
  const { cacheDir, buildId, vmlinux } = choice;
  if (!buildId || !cacheDir) {
    onDone?.({ skipped: 'no-build-id', detail: buildId ? `no debuginfod cache directory on ${t.label}` : `${vmlinux} has no build-id, so an indexed copy could not be verified` });
    return;
  }
  // Only after a good start: a vmlinux crash rejected is not worth indexing, and the build (a
  // copy plus a DWARF scan) would otherwise compete with crash's own start for disk and CPU.
  started.then(
    () => void buildGdbIndex(t, vmlinux, cacheDir, buildId, { detach: true }).then((o) => onDone?.(o)),
    () => undefined,
  );
}
