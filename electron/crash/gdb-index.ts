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
import { readBuildId } from '../symbols/build-id.ts';
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
  const p = gdbIndexPath(cacheDir, buildId);
  const st = await t.stat(p).catch(() => null);
  if (!st?.isFile || st.size === 0) return null;
  const got = await readBuildId(t, p).catch(() => null);
  return got?.buildId === buildId ? p : null;
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

/** Why no copy was built, or where it is. */
export type BuildOutcome = { built: string } | { skipped: 'gdb-add-index-missing' | 'no-build-id' | 'failed'; detail: string };

/**
 * POSIX sh that copies `vmlinux` to a temp name in `dir`, indexes it and renames it into place,
 * then removes the oldest copies beyond `maxIndexedCopies` (by modification time). Exit 3: no
 * gdb-add-index. A temp left by a failure or a signal is removed by the trap; one left by a
 * SIGKILLed builder by the next build.
 */
export function buildScript(vmlinux: string, cacheDir: string, buildId: string): string {
  const dir = `${cacheDir.replace(/\/+$/, '')}/${buildId}`;
  return [
    // A builder killed outright (SIGKILL) leaves its temp: remove those whose shell is gone.
    `for f in ${shQuote(`${dir}/${buildingPrefix}`)}*; do p=\${f##*-}; [ -f "$f" ] && ! kill -0 "$p" 2>/dev/null && rm -f -- "$f"; done`,
    'command -v gdb-add-index >/dev/null 2>&1 || exit 3',
    `mkdir -p ${shQuote(dir)} || exit 1`,
    `t=${shQuote(`${dir}/${buildingPrefix}`)}$$`,
    `trap 'rm -f "$t" "$t".gdb-index "$t".debug_names "$t".debug_str' EXIT`,
    "trap 'exit 1' INT TERM HUP",
    `cp -- ${shQuote(vmlinux)} "$t" || exit 1`,
    'gdb-add-index "$t" >/dev/null || exit 1',
    `mv -f -- "$t" ${shQuote(`${dir}/${indexedName}`)} || exit 1`,
    `ls -t ${shQuote(cacheDir.replace(/\/+$/, ''))}/*/${indexedName} 2>/dev/null | tail -n +${maxIndexedCopies + 1} | while IFS= read -r f; do rm -f -- "$f"; done`,
    'exit 0',
  ].join('\n');
}

/** Builds in flight in this process, by host label and build-id (doctor says "building"). */
const inFlight = new Map<string, Promise<BuildOutcome>>();

/** Whether this process is building the copy of `buildId` on the host. */
export function isBuilding(t: Transport, buildId: string): boolean {
  return inFlight.has(`${t.label}\0${buildId}`);
}

/** Build the indexed copy once (concurrent calls share one build); verified by build-id. */
export function buildGdbIndex(t: Transport, vmlinux: string, cacheDir: string, buildId: string, hostEnv?: Readonly<Record<string, string>>): Promise<BuildOutcome> {
  const key = `${t.label}\0${buildId}`;
  const running = inFlight.get(key);
  if (running) return running;
  const job = (async (): Promise<BuildOutcome> => {
    const r = await t.exec({ command: 'sh', args: ['-c', buildScript(vmlinux, cacheDir, buildId)], ...(hostEnv ? { env: hostEnv } : {}) }, { timeoutMs: 30 * 60_000 }).catch((err: unknown) => ({ code: -1, signal: null, stdout: '', stderr: err instanceof Error ? err.message : String(err) }));
    if (r.code === 3) return { skipped: 'gdb-add-index-missing', detail: `gdb-add-index is not installed on ${t.label} (it comes with gdb)` };
    if (r.code !== 0) return { skipped: 'failed', detail: `gdb-add-index failed on ${vmlinux}: ${r.stderr.trim().split('\n').slice(-2).join(' | ') || `exit ${r.code}`}` };
    const built = await findGdbIndexed(t, cacheDir, buildId);
    if (built) return { built };
    await t.exec({ command: 'rm', args: ['-f', '--', gdbIndexPath(cacheDir, buildId)] }, { timeoutMs: 15_000 }).catch(() => undefined);
    return { skipped: 'failed', detail: `the indexed copy of ${vmlinux} did not carry build-id ${buildId}; removed` };
  })().finally(() => inFlight.delete(key));
  inFlight.set(key, job);
  return job;
}

/**
 * After a session's crash start succeeded, build the indexed copy when none was used, so the next
 * start reads it. Never delays or fails the session: errors end in `onDone`'s outcome.
 */
export function indexAfterStart(started: Promise<unknown>, t: Transport, choice: IndexChoice, onDone?: (o: BuildOutcome) => void): void {
  if (choice.indexed || !choice.cacheDir) return;
  if (!choice.buildId) {
    onDone?.({ skipped: 'no-build-id', detail: `${choice.vmlinux} has no build-id, so an indexed copy could not be verified` });
    return;
  }
  const { cacheDir, buildId, vmlinux } = choice;
  // Only after a good start: a vmlinux crash rejected is not worth indexing, and the build (a
  // copy plus a DWARF scan) would otherwise compete with crash's own start for disk and CPU.
  started.then(
    () => void buildGdbIndex(t, vmlinux, cacheDir, buildId).then((o) => onDone?.(o)),
    () => undefined,
  );
}
