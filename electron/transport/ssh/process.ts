/**
 * One remote program on one SSH exec channel: the command line that starts it (every word
 * quoted, run by /bin/sh whatever the login shell, its pid reported first) and the
 * RunningProcess around the channel (streams, exit, signals by pid).
 */
import type { ClientChannel } from 'ssh2';
import { ApiError } from '../../api/contract.ts';
import { shellCommand, shellQuote } from '../quote.ts';
import { remoteGuardLine } from './remote-guard.ts';
import type { ExitInfo, RunningProcess, SpawnSpec } from '../types.ts';
import { exitFromClose } from './open-session.ts';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How the remote command line is built. */
export interface RemoteCommandOptions {
  /**
   * Detach the remote orphan guard (./remote-guard.ts) that SIGKILLs the program once its SSH
   * session is gone; default true. Off only to show what it prevents.
   */
  orphanGuard?: boolean;
}

/** The remote command line for a spawn spec; every word quoted by the one quoting function. */
export function remoteCommandLine(spec: SpawnSpec, options: RemoteCommandOptions = {}): string {
  const words: string[] = [];
  if (spec.sudo) words.push('sudo', '-n', '--');
  const env = Object.entries(spec.env ?? {});
  if (env.length) {
    words.push('env');
    for (const [k, val] of env) {
      if (!envName.test(k)) throw new ApiError('bad-request', `invalid environment variable name: ${JSON.stringify(k)}`);
      words.push(`${k}=${val}`);
    }
  }
  words.push(spec.command, ...spec.args);
  // The shell reports its pid first, then `exec`s the program (which keeps that pid), so kill()
  // can signal it with `kill`: sshd refuses channel signal requests in root sessions (no
  // post-auth privilege separation there). The guard is detached in between, so it watches
  // that same pid and this shell's parent, the sshd session.
  const guard = options.orphanGuard === false ? '' : `${remoteGuardLine({ sudo: spec.sudo === true })} && `;
  const line = `printf '${pidMarker}%s\\n' "$$" >&2 && ${guard}exec ${shellCommand(words)}`;
  const script = spec.cwd === undefined ? line : `cd -- ${shellQuote(spec.cwd)} && ${line}`;
  // The login shell may be fish or another non-POSIX shell: it only has to run /bin/sh with
  // one single-quoted argument, which they all parse the same way.
  return `exec /bin/sh -c ${shellQuote(script)}`;
}

/** Prefix of the first stderr line of every spawned command: the remote pid. */
export const pidMarker = 'crashdeck-remote-pid:';

/** A remote process on one exec channel. */
export class SshProcess implements RunningProcess {
  readonly pid = undefined;
  private readonly stdoutListeners: ((chunk: string) => void)[] = [];
  private readonly stderrListeners: ((chunk: string) => void)[] = [];
  private readonly exitListeners: ((info: ExitInfo) => void)[] = [];
  private exited: ExitInfo | undefined;
  private termTimer: NodeJS.Timeout | undefined;

  /** The program's pid on the remote host, once its first stderr line arrived. */
  remotePid: number | undefined;
  private stderrHead: string | null = '';
  /** Resolves once the pid line arrived (or never will: the channel closed first). */
  private readonly pidKnown: Promise<void>;
  private pidSettled: () => void = () => undefined;

  constructor(
    private readonly channel: ClientChannel,
    /** The connection's drop listeners: a drop ends this process with reason 'connection-lost'. */
    onLost: Set<(err: ApiError) => void>,
    private readonly sendSignal: (pid: number, signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL') => Promise<boolean>,
  ) {
    this.pidKnown = new Promise((resolve) => {
      this.pidSettled = resolve;
    });
    channel.setEncoding('utf8');
    channel.stderr.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      for (const l of this.stdoutListeners) l(chunk);
    });
    channel.stderr.on('data', (chunk: string) => {
      if (this.stderrHead !== null) {
        // Until the pid line is complete, hold stderr back.
        this.stderrHead += chunk;
        const nl = this.stderrHead.indexOf('\n');
        if (nl < 0) return;
        const first = this.stderrHead.slice(0, nl);
        chunk = this.stderrHead.slice(nl + 1);
        this.stderrHead = null;
        if (first.startsWith(pidMarker)) this.remotePid = Number(first.slice(pidMarker.length));
        else chunk = `${first}\n${chunk}`;
        this.pidSettled();
        if (chunk === '') return;
      }
      for (const l of this.stderrListeners) l(chunk);
    });
    channel.on('error', () => undefined);
    channel.on('close', (...args: unknown[]) => {
      // A stderr remainder without newline (pid line never completed) still belongs to the caller.
      if (this.stderrHead) for (const l of this.stderrListeners) l(this.stderrHead);
      this.stderrHead = null;
      this.pidSettled();
      this.finish(exitFromClose(args));
    });
    const lost = (): void => this.finish({ code: null, signal: null, reason: 'connection-lost' });
    onLost.add(lost);
    this.cleanup = () => onLost.delete(lost);
  }

  private readonly cleanup: () => void;

  private finish(info: ExitInfo): void {
    if (this.exited) return;
    this.exited = info;
    this.cleanup();
    if (this.termTimer) clearTimeout(this.termTimer);
    for (const l of this.exitListeners) l(info);
  }

  onStdout(listener: (chunk: string) => void): void {
    this.stdoutListeners.push(listener);
  }

  onStderr(listener: (chunk: string) => void): void {
    this.stderrListeners.push(listener);
  }

  onExit(listener: (info: ExitInfo) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  write(data: string): void {
    if (!this.exited) this.channel.write(data);
  }

  closeStdin(): void {
    if (!this.exited) this.channel.end();
  }

  kill(signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): void {
    if (this.exited) return;
    // A kill right after spawn waits for the pid line (it is the first thing the shell prints).
    void this.pidKnown.then(async () => {
      if (this.exited) return;
      const pid = this.remotePid;
      if (pid === undefined || pid <= 1 || !(await this.sendSignal(pid, signal))) {
        try {
          this.channel.signal(signal.slice(3));
        } catch {
          // servers without signal support: closing below is the fallback
        }
      }
      // If the program is still there a while after the signal was sent (the `kill` runs on a
      // channel of its own, which takes a round trip), close the channel: sshd then closes its
      // pipes and the process gets EOF/SIGPIPE. SIGINT never closes: it may only interrupt.
      if (this.exited) return;
      if (signal === 'SIGKILL') this.termTimer ??= setTimeout(() => this.channel.close(), 1000);
      else if (signal === 'SIGTERM') this.termTimer ??= setTimeout(() => this.channel.close(), 3000);
    });
  }
}
