/**
 * The remote orphan guard: a remote program dies with its SSH session.
 *
 * When the connection drops, sshd's session process exits and a remote crash normally follows
 * at once (crash's PR_SET_PDEATHSIG SIGUSR2 -> clean_exit()). A crash that is stopped, or hangs
 * in that exit path (a futex, see ../orphan-guard.ts), is reparented to PID 1 instead and keeps
 * its memory (GBs for a big vmcore) on the remote host for good.
 *
 * So before the program starts, the remote shell detaches a small POSIX `sh` that polls, once a
 * second, whether the session process (the shell's parent, sshd) still exists; the remote host
 * may lack setpriv, so only sh builtins, `sleep`, `kill` and Linux /proc are used. Once the session
 * is gone it gives the program a grace period to exit by itself (crash's clean_exit removes its
 * temp files) and then SIGKILLs the program and its descendants (under sudo the program is sudo
 * and crash its child; `sudo -n kill`, like SshProcess.kill). It exits as soon as the program
 * ends. Every pid is compared with the start time (field 22 of /proc/PID/stat) read at the start,
 * so a pid reused after the program ended is never killed. The guard is detached (`( … & )`, its
 * parent is init, not crash) and holds none of the channel's streams (all /dev/null), so the
 * channel still closes when the program exits and nothing reaches the program's stdout/stderr.
 */
import { shellCommand } from '../quote.ts';

/** Seconds a program may take to exit by itself after its session ended, before SIGKILL. */
export const remoteGraceSeconds = 1;

/** The guard's $0, so it is recognisable in `ps` on the remote host. */
export const remoteGuardName = 'crashdeck-remote-guard';

// $1 program pid, $2 session pid, $3 grace seconds, $4 "sudo" to kill through `sudo -n`.
// st PID sets $s to the process's start time (the 20th word after the ")" that ends its
// command name, which may contain spaces) and $p to its ppid; fails when it is gone.
// (The stat words after the name are numbers and a state letter: nothing for the shell to glob.)
const guardScript = `st() { s=; p=; read -r l 2>/dev/null <"/proc/$1/stat" || return 1; l=\${l##*) }; set -- $l; p=$2; s=\${20}; [ -n "$s" ]; }
st "$1" || exit 0; t=$s
st "$2" || exit 0; u=$s
while sleep 1; do
  st "$1" && [ "$s" = "$t" ] || exit 0
  st "$2" && [ "$s" = "$u" ] || break
done
sleep "$3"
st "$1" && [ "$s" = "$t" ] || exit 0
k=$1; n=0; m=
while [ "$m" != "$k" ] && [ $n -lt 4 ]; do
  m=$k; n=$((n + 1))
  for f in /proc/[0-9]*/stat; do
    q=\${f#/proc/}; q=\${q%/stat}
    case " $k " in *" $q "*) continue ;; esac
    st "$q" || continue
    case " $k " in *" $p "*) k="$k $q" ;; esac
  done
done
if [ "$4" = sudo ]; then sudo -n kill -KILL $k; else kill -KILL $k; fi
exit 0`;

/**
 * Shell text that detaches the guard for the program about to be exec'd by this shell (`$$`),
 * watching this shell's parent (`$PPID`, the sshd session process). It succeeds at once, so
 * `GUARD && exec PROGRAM` keeps the program's pid, exit code and streams.
 */
export function remoteGuardLine(options: { sudo: boolean; graceSeconds?: number }): string {
  const grace = String(options.graceSeconds ?? remoteGraceSeconds);
  const args = shellCommand(['/bin/sh', '-c', guardScript, remoteGuardName]);
  return `( ${args} "$$" "$PPID" ${shellCommand([grace, options.sudo ? 'sudo' : 'user'])} </dev/null >/dev/null 2>&1 & )`;
}
