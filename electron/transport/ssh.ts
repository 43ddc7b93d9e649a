/**
 * SshTransport: crash and the remote helpers run on the analysis host over one ssh2 connection.
 * Each process gets its own exec channel (closed when it ends, so sshd's MaxSessions is never
 * exhausted); file facts come over one SFTP channel, or over quoted `sudo -n` commands for
 * root-only dumps. A dropped connection fails what was running with 'connection-lost' and the
 * next call reconnects.
 */
import os from 'node:os';
import path from 'node:path';
import type { ClientChannel, ParsedKey, SFTPWrapper } from 'ssh2';
import { ApiError } from '../api/contract.ts';
import type { ExecResult, FileStat, RunningProcess, SpawnSpec, Transport } from './types.ts';
import { shellCommand } from './quote.ts';
import { remoteCommandLine, SshProcess } from './ssh/process.ts';
import type { PromptFn } from './ssh/auth.ts';
import { hostLabel, resolveHost, type ResolvedHost } from './ssh/config.ts';
import { openConnection, type HostKeyInfo, type OpenConnection } from './ssh/connect.ts';

export { HostKeyError, type HostKeyInfo } from './ssh/connect.ts';
export type { AuthPrompt, PromptFn } from './ssh/auth.ts';
export { splitSshUrl } from './ssh/config.ts';
export { remoteCommandLine } from './ssh/process.ts';

/** How to reach and trust a host. Defaults follow OpenSSH; tests point every path elsewhere. */
export interface SshTransportOptions {
  /** `ssh://user@host:port`, `user@host:port` or a ~/.ssh/config alias. */
  host: string;
  /** ssh config file; default ~/.ssh/config. */
  configFile?: string;
  /** Home for `~` and the default key and known_hosts paths; default os.homedir(). */
  home?: string;
  /** The user's known_hosts files; default ~/.ssh/known_hosts and ~/.ssh/known_hosts2. */
  userKnownHostsFiles?: readonly string[];
  /** The app's own known_hosts, where accepted keys are written. Default ~/.config/crashdeck/known_hosts. */
  appKnownHostsFile?: string;
  /** ssh-agent socket; default $SSH_AUTH_SOCK; null = do not use an agent. */
  agent?: string | null;
  /** Key files tried before the config's IdentityFile entries (like `ssh -i`). */
  identityFiles?: readonly string[];
  /** Passphrase, password and keyboard-interactive questions. */
  prompt?: PromptFn;
  /** Asked about an unknown host key; true accepts it and stores it in the app's file. */
  confirmHostKey?: (info: HostKeyInfo) => Promise<boolean>;
  /** SHA256 fingerprints of unknown keys the user already accepted (UI retry after 'host-key-unknown'). */
  acceptFingerprints?: readonly string[];
  /**
   * How stat/readRange/listDir reach files: 'sftp' (default; falls back to 'shell' when the
   * server has no sftp subsystem), 'shell' (quoted POSIX commands), 'sudo' (the same through
   * `sudo -n`, for root-only dumps).
   */
  files?: 'sftp' | 'shell' | 'sudo';
  connectTimeoutMs?: number;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

interface Live {
  conn: OpenConnection;
  lost: ApiError | undefined;
  /** Called with the loss when the connection drops. */
  onLost: Set<(err: ApiError) => void>;
  sftp: Promise<SFTPWrapper> | undefined;
  /**
   * A /bin/sh reading commands from its channel, opened with the connection, through which
   * kill() signals remote processes: it holds one session slot so a kill still works when
   * crash and other processes use up the rest of sshd's MaxSessions.
   */
  control: Promise<ClientChannel | null>;
}


/** A Transport over SSH. Connects on first use; after a drop, the next call reconnects. */
export class SshTransport implements Transport {
  readonly kind = 'ssh' as const;
  private resolved: ResolvedHost | undefined;
  private live: Live | undefined;
  private connecting: Promise<Live> | undefined;
  private closed = false;
  private readonly keyCache = new Map<string, ParsedKey>();
  private readonly lostListeners = new Set<(err: ApiError) => void>();
  /** Notes from the last connect (ignored @cert-authority lines...). */
  readonly notes: string[] = [];

  constructor(private readonly options: SshTransportOptions) {}

  /** "user@host:port" once resolved, else what the user typed. */
  get label(): string {
    return this.resolved ? hostLabel(this.resolved) : this.options.host;
  }

  /** Whether close() was called (a closed transport never reconnects). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether a connection is up right now. */
  get connected(): boolean {
    return this.live !== undefined && this.live.lost === undefined;
  }

  /** Listen for connection drops (the UI offers reconnect); returns the unsubscribe function. */
  onConnectionLost(listener: (err: ApiError) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Connect now (resolving config, verifying the host key, authenticating). Idempotent. */
  async connect(): Promise<void> {
    await this.ensure();
  }

  /** Drop the current connection (if any) and connect again. */
  async reconnect(): Promise<void> {
    if (this.live) this.endLive(this.live, new ApiError('connection-lost', `ssh: reconnecting to ${this.label}`));
    this.closed = false;
    await this.ensure();
  }

  private async ensure(): Promise<Live> {
    if (this.closed) throw new ApiError('connection-lost', `ssh: the connection to ${this.label} was closed`, 'Open the dump again.');
    if (this.live && !this.live.lost) return this.live;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Live> {
    const o = this.options;
    const home = o.home ?? os.homedir();
    const resolved = await resolveHost(o.host, { home, ...(o.configFile ? { configFile: o.configFile } : {}) }).catch((err: unknown) => {
      throw new ApiError('bad-request', err instanceof Error ? err.message : String(err));
    });
    if (o.identityFiles?.length) {
      const extra = o.identityFiles;
      const withIds = (h: ResolvedHost): ResolvedHost => ({ ...h, identityFiles: [...extra, ...h.identityFiles.filter((f) => !extra.includes(f))], jumps: h.jumps.map(withIds) });
      this.resolved = withIds(resolved);
    } else {
      this.resolved = resolved;
    }
    const appFile = o.appKnownHostsFile ?? path.join(home, '.config', 'crashdeck', 'known_hosts');
    const userFiles = o.userKnownHostsFiles ?? [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')];
    const agent = o.agent === null ? undefined : (o.agent ?? process.env.SSH_AUTH_SOCK);
    this.notes.length = 0;
    const conn = await openConnection(this.resolved, {
      knownHostsFiles: [...userFiles, appFile],
      appKnownHostsFile: appFile,
      ...(agent ? { agent } : {}),
      ...(o.prompt ? { prompt: o.prompt } : {}),
      ...(o.confirmHostKey ? { confirmHostKey: o.confirmHostKey } : {}),
      ...(o.acceptFingerprints ? { acceptFingerprints: o.acceptFingerprints } : {}),
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      readyTimeoutMs: o.readyTimeoutMs ?? 20_000,
      keepaliveIntervalMs: o.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: o.keepaliveCountMax ?? 3,
      keyCache: this.keyCache,
      notes: this.notes,
    });
    const live: Live = { conn, lost: undefined, onLost: new Set(), sftp: undefined, control: Promise.resolve(null) };
    live.control = this.openControl(live);
    const label = this.label;
    const drop = (): void => this.endLive(live, new ApiError('connection-lost', `ssh: the connection to ${label} was lost`, 'Reconnect; results already shown are kept.'));
    conn.client.on('close', drop);
    conn.client.on('end', drop);
    for (const hop of conn.hops) hop.on('close', drop);
    if (this.closed) {
      this.endLive(live, new ApiError('connection-lost', `ssh: the connection to ${label} was closed`));
      throw live.lost;
    }
    this.live = live;
    return live;
  }

  private endLive(live: Live, err: ApiError): void {
    if (live.lost) return;
    live.lost = err;
    if (this.live === live) this.live = undefined;
    for (const l of [...live.onLost]) l(err);
    live.conn.client.end();
    for (const hop of [...live.conn.hops].reverse()) hop.end();
    if (!this.closed || err.message.includes('lost')) for (const l of [...this.lostListeners]) l(err);
  }

  private channelCount = 0;

  /** Exec channels open right now (sshd allows MaxSessions, 10 by default, per connection). */
  get openChannels(): number {
    return this.channelCount;
  }

  private async openChannel(live: Live, command: string): Promise<ClientChannel> {
    // sshd frees a closed session's slot on a later pass of its main loop, so an open right
    // after other channels closed can bounce off MaxSessions for a moment: retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tryOpenChannel(live, command);
      } catch (err) {
        if (live.lost || attempt >= 4 || !(err instanceof ApiError) || err.code !== 'refused') throw err;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }

  private tryOpenChannel(live: Live, command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      live.conn.client.exec(command, (err, channel) => {
        if (err) {
          reject(live.lost ?? new ApiError('refused', `ssh: ${this.label} refused a new channel: ${err.message}`, 'Too many open sessions (sshd MaxSessions)? Close other views of this host.'));
          return;
        }
        this.channelCount++;
        let counted = true;
        const uncount = (): void => {
          if (counted) this.channelCount--;
          counted = false;
        };
        channel.once('close', uncount);
        live.onLost.add(uncount);
        resolve(channel);
      });
    });
  }

  async spawn(spec: SpawnSpec): Promise<RunningProcess> {
    const command = remoteCommandLine(spec);
    const live = await this.ensure();
    const channel = await this.openChannel(live, command);
    const proc = new SshProcess(channel, live.onLost, async (pid, signal) => {
      // The exit (or not) shows through the process's own channel.
      const kill = shellCommand([...(spec.sudo ? ['sudo', '-n', '--'] : []), 'kill', '-s', signal.slice(3), '--', String(pid)]);
      const control = await live.control;
      if (control && !live.lost) {
        control.write(`${kill} 2>/dev/null\n`);
        return true;
      }
      const r = await this.exec({ command: 'sh', args: ['-c', kill] }, { timeoutMs: 10_000 }).catch(() => null);
      return r?.code === 0;
    });
    return proc;
  }

  private openControl(live: Live): Promise<ClientChannel | null> {
    return new Promise((resolve) => {
      live.conn.client.exec('exec /bin/sh', (err, channel) => {
        if (err) return resolve(null);
        // Nothing is read from it; drain so a chatty shell never stalls the window.
        channel.resume();
        channel.stderr.resume();
        channel.on('error', () => undefined);
        resolve(channel);
      });
    });
  }

  async exec(spec: SpawnSpec, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<ExecResult> {
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    const proc = await this.spawn(spec);
    return new Promise<ExecResult>((resolve, reject) => {
      const out: string[] = [];
      const err: string[] = [];
      let bytes = 0;
      let failure: ApiError | undefined;
      const stop = (e: ApiError): void => {
        if (failure) return;
        failure = e;
        proc.kill('SIGKILL');
      };
      const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
        stop(new ApiError('timeout', `${spec.command} on ${this.label} did not finish within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const take = (into: string[]) => (chunk: string): void => {
        bytes += Buffer.byteLength(chunk);
        if (bytes > maxBytes) return stop(new ApiError('refused', `${spec.command} on ${this.label} wrote more than ${maxBytes} bytes`));
        into.push(chunk);
      };
      proc.onStdout(take(out));
      proc.onStderr(take(err));
      proc.onExit((info) => {
        if (timer) clearTimeout(timer);
        if (failure) return reject(failure);
        if (info.reason === 'connection-lost') return reject(lostWhile(this.label, spec.command));
        resolve({ code: info.code, signal: info.signal, stdout: out.join(''), stderr: err.join('') });
      });
      proc.closeStdin();
    });
  }

  /** Run a shell script remotely (`sh -c SCRIPT sh ARGS...`), through sudo -n when asked. */
  private async script(script: string, args: readonly string[], sudo: boolean, maxBytes?: number): Promise<ExecResult> {
    return this.exec({ command: 'sh', args: ['-c', script, 'sh', ...args], sudo }, { timeoutMs: 60_000, ...(maxBytes ? { maxBytes } : {}) });
  }

  /** Which connection an SFTP session belongs to, so its errors after a drop say so. */
  private readonly sftpLive = new WeakMap<SFTPWrapper, Live>();

  private async sftp(): Promise<SFTPWrapper> {
    const l = await this.ensure();
    l.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => {
      l.conn.client.sftp((err, sftp) => {
        if (err) {
          l.sftp = undefined;
          reject(err);
        } else {
          this.sftpLive.set(sftp, l);
          resolve(sftp);
        }
      });
    });
    return l.sftp;
  }

  private async useSftp(): Promise<SFTPWrapper | null> {
    if (this.options.files === 'shell' || this.options.files === 'sudo') return null;
    try {
      return await this.sftp();
    } catch (err) {
      if (err instanceof ApiError) throw err;
      // No sftp subsystem on this server: fall back to commands.
      return null;
    }
  }

  async stat(p: string): Promise<FileStat | null> {
    const sftp = await this.useSftp();
    if (sftp) {
      return new Promise((resolve, reject) => {
        sftp.stat(p, (err, st) => {
          if (err) return sftpMissing(err) ? resolve(null) : reject(this.fileError(err, p, sftp));
          resolve({ size: st.size, mtimeMs: st.mtime * 1000, isFile: st.isFile(), isDirectory: st.isDirectory() });
        });
      });
    }
    const r = await this.script('stat -L -c "%s %Y %F" -- "$1"', [p], this.options.files === 'sudo');
    if (r.code !== 0) return null;
    const m = /^(\d+) (\d+) (.+)$/.exec(r.stdout.trim());
    if (!m) throw new ApiError('internal', `unexpected stat output from ${this.label}: ${JSON.stringify(r.stdout.slice(0, 200))}`);
    const kind = m[3] ?? '';
    return { size: Number(m[1]), mtimeMs: Number(m[2]) * 1000, isFile: kind.startsWith('regular'), isDirectory: kind === 'directory' };
  }

  async readRange(p: string, offset: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) throw new ApiError('bad-request', 'readRange: offset and length must be non-negative integers');
    if (length === 0) return Buffer.alloc(0);
    const sftp = await this.useSftp();
    if (sftp) return this.sftpRead(sftp, p, offset, length);
    // exec output is text, so the bytes travel as base64.
    const r = await this.script('tail -c +"$2" -- "$1" | head -c "$3" | base64', [p, String(offset + 1), String(length)], this.options.files === 'sudo', length * 2 + 4096);
    if (r.code !== 0) throw new ApiError('dump-unreadable', `cannot read ${p} on ${this.label}: ${r.stderr.trim()}`);
    return Buffer.from(r.stdout.replace(/\s+/g, ''), 'base64');
  }

  private sftpRead(sftp: SFTPWrapper, p: string, offset: number, length: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      sftp.open(p, 'r', (err, handle) => {
        if (err) return reject(this.fileError(err, p, sftp));
        const buf = Buffer.alloc(length);
        let got = 0;
        const finish = (e: Error | null): void => {
          // After a drop there is nobody to close the handle with.
          if (e && this.sftpLive.get(sftp)?.lost) return reject(this.fileError(e, p, sftp));
          sftp.close(handle, () => (e ? reject(this.fileError(e, p, sftp)) : resolve(buf.subarray(0, got))));
        };
        const next = (): void => {
          if (got >= length) return finish(null);
          sftp.read(handle, buf, got, Math.min(length - got, 32 * 1024), offset + got, (e, n) => {
            if (e) return (e as { code?: number }).code === 1 ? finish(null) : finish(e);
            if (n === 0) return finish(null);
            got += n;
            next();
          });
        };
        next();
      });
    });
  }

  async listDir(p: string): Promise<string[] | null> {
    const sftp = await this.useSftp();
    if (sftp) {
      return new Promise((resolve) => {
        sftp.readdir(p, (err, list) => {
          if (err) return resolve(null);
          resolve(list.map((e) => e.filename).filter((n) => n !== '.' && n !== '..'));
        });
      });
    }
    // Globs instead of ls: names may hold newlines; NUL separates them.
    const r = await this.script('cd -- "$1" || exit 1; for f in * .[!.]* ..?*; do if [ -e "$f" ] || [ -L "$f" ]; then printf "%s\\000" "$f"; fi; done', [p], this.options.files === 'sudo');
    if (r.code !== 0) return null;
    return r.stdout.split('\0').filter((n) => n !== '');
  }

  private fileError(err: Error, p: string, sftp: SFTPWrapper): ApiError {
    if (this.sftpLive.get(sftp)?.lost) return new ApiError('connection-lost', `ssh: the connection to ${this.label} was lost while reading ${p}`, 'Reconnect and try again; results already shown are kept.');
    const code = (err as { code?: number }).code;
    if (code === 3) return new ApiError('dump-unreadable', `permission denied reading ${p} on ${this.label}`, 'Dumps under /var/crash are often root-only: enable sudo for this host (needs `sudo -n`).');
    return new ApiError('dump-unreadable', `cannot read ${p} on ${this.label}: ${err.message}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.live) this.endLive(this.live, new ApiError('connection-lost', `ssh: the connection to ${this.label} was closed`));
  }
}

function lostWhile(label: string, command: string): ApiError {
  return new ApiError('connection-lost', `ssh: the connection to ${label} was lost while ${command} was running`, 'Reconnect and run it again; results already shown are kept.');
}

function sftpMissing(err: Error): boolean {
  return (err as { code?: number }).code === 2;
}

