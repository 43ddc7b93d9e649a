/**
 * Children that die with crashdeck. When the process that started crash is SIGKILLed (a killed
 * serve host or test runner), crash 8.0.6 sometimes hangs in a futex and stays behind as an
 * orphan holding ~1 GB and a CPU.
 *
 * Why not `setpriv --pdeathsig KILL -- crash`: crash's main() calls
 * `prctl(PR_SET_PDEATHSIG, SIGUSR2)` itself (main.c, there since the first commit of crash-utility/crash, 7.0.4), which replaces any
 * parent-death signal set before exec; its SIGUSR2 handler then calls clean_exit() -> exit()
 * from signal context in a multi-threaded (gdb) process, which is where it can hang. We checked
 * with strace: under setpriv, crash still receives SIGUSR2 when its parent dies.
 *
 * So each local child gets a guard: a tiny `sh` whose stdin is a pipe only crashdeck holds (Node
 * opens its pipes close-on-exec, so no other child inherits it). When crashdeck dies, for any
 * reason, the pipe reaches EOF; the guard gives the child a moment to exit by itself (crash's
 * own clean_exit removes its temp files) and then SIGKILLs it. When the child ends normally,
 * crashdeck kills the guard. The child is spawned directly, so its pid is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a child may take to exit by itself after crashdeck died, before SIGKILL. */
export const orphanGraceSeconds = 1;

// $1 pid, $2 grace. The start time (field 22 of /proc/PID/stat, counted after the ")" that ends
// the command name) is read at once and compared before the kill, so a pid reused by another
// program after the child ended is never killed.
const guardScript = `start_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
t=$(start_of "$1")
read -r _
[ -n "$t" ] || exit 0
sleep "$2"
[ "$(start_of "$1")" = "$t" ] && kill -KILL "$1" 2>/dev/null
exit 0`;

/**
 * Start a guard that SIGKILLs `pid` once this process is gone. Kill the returned process when
 * the guarded child exits. Returns null when the guard cannot start (no sh): the child then
 * runs unguarded, as before.
 */
export function startOrphanGuard(pid: number, graceSeconds = orphanGraceSeconds): ChildProcess | null {
  try {
    const guard = spawn('sh', ['-c', guardScript, 'crashdeck-orphan-guard', String(pid), String(graceSeconds)], { stdio: ['pipe', 'ignore', 'ignore'] });
    guard.on('error', () => undefined);
    guard.stdin.on('error', () => undefined);
    return guard;
  } catch {
    return null;
  }
}
