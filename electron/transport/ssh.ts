/**
 * SshTransport: crash and the remote helpers run on the analysis host over one ssh2 connection.
 * Each process gets its own exec channel, taken from a per-connection semaphore over sshd's
 * MaxSessions (./ssh/channel-slots.ts: learned when sshd refuses, queued instead of failing).
 * File facts come over one SFTP channel; when sshd has no sftp subsystem (asked once, the
 * refused channel closed) or for root-only dumps through `sudo -n`, over quoted POSIX commands
 * on exec channels (./ssh/exec-files.ts). A dropped connection fails what was running with
 * 'connection-lost' and the next call reconnects.
 */
import os from 'node:os';
import path from 'node:path';
import type { ClientChannel, ParsedKey, SFTPWrapper } from 'ssh2';
import { ApiError } from '../api/contract.ts';
import type { ExecResult, FileStat, RunningProcess, SpawnSpec, Transport } from './types.ts';
import { shellCommand, shellQuote } from './quote.ts';
import { remoteCommandLine, SshProcess } from './ssh/process.ts';
import { ChannelSlots, SlotsBusyError, type Slot, type SlotKind } from './ssh/channel-slots.ts';
import { ExecFiles, type RawResult } from './ssh/exec-files.ts';
import { exitFromClose, openExec, openSftp, serverCaughtUp, SessionRefusedError } from './ssh/open-session.ts';
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
  /** How long a command waits for one of sshd's session channels before failing; default 60 s. */
  channelWaitMs?: number;
}

/** How a transport reaches files right now (for doctor and messages). */
export type FileAccess = 'sftp' | 'exec' | 'sudo' | 'unknown';

interface Live {
  conn: OpenConnection;
  lost: ApiError | undefined;
  /** Called with the loss when the connection drops. */
  onLost: Set<(err: ApiError) => void>;
  /** sshd's session channels of this connection. */
  slots: ChannelSlots;
  /** The SFTP session while one is open; closed again when idle and someone needs its slot. */
  sftp: Promise<SFTPWrapper> | undefined;
  /** SFTP operations in flight (an idle SFTP channel gives its slot back under pressure). */
  sftpBusy: number;
  /** Exec-channel file access of this connection (its tool check belongs to the connection). */
  files: ExecFiles;
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
  /** sshd refused the sftp subsystem once: remembered, never asked again by this transport. */
  private sftpRefused = false;
  private sftpSeen = false;
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
    const label = this.label;
    const live: Live = {
      conn,
      lost: undefined,
      onLost: new Set(),
      slots: new ChannelSlots(),
      sftp: undefined,
      sftpBusy: 0,
      files: undefined as unknown as ExecFiles,
    };
    live.files = new ExecFiles((script, args, opts) => this.runRaw(live, script, args, opts), label);
    live.slots.addReleaser(() => this.releaseIdleSftp(live));
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
    live.slots.close(err);
    for (const l of [...live.onLost]) l(err);
    live.conn.client.end();
    for (const hop of [...live.conn.hops].reverse()) hop.end();
    if (!this.closed || err.message.includes('lost')) for (const l of [...this.lostListeners]) l(err);
  }

  private channelCount = 0;

  /** Exec channels open right now (the SFTP channel not counted). */
  get openChannels(): number {
    return this.channelCount;
  }

  /** sshd's MaxSessions as learned from a refusal on the current connection, if any. */
  get learnedMaxSessions(): number | undefined {
    return this.live?.slots.learnedLimit;
  }

  /** How files are reached: SFTP, exec commands (no sftp subsystem), sudo, or not yet known. */
  get fileAccess(): FileAccess {
    if (this.options.files === 'sudo') return 'sudo';
    if (this.options.files === 'shell' || this.sftpRefused) return 'exec';
    return this.sftpSeen ? 'sftp' : 'unknown';
  }

  /**
   * A session slot, then a session on it. An open that sshd refuses teaches the slots its
   * MaxSessions (the channels of ours open at that moment) and waits in the queue for one to
   * close, instead of failing.
   */
  private async withSlot<T>(live: Live, kind: SlotKind, what: string, open: () => Promise<T>, waitMs?: number): Promise<{ value: T; slot: Slot }> {
    const wait = waitMs ?? this.options.channelWaitMs ?? 60_000;
    let front = false;
    for (let lonely = 0; ;) {
      const slot = await live.slots.acquire(kind, what, wait, front).catch((err: unknown) => {
        if (err instanceof SlotsBusyError) throw new ApiError('refused', `ssh: ${this.label}: MaxSessions reached: ${err.message}`, 'Close other views of this host, or raise MaxSessions in its sshd_config.');
        throw live.lost ?? err;
      });
      try {
        return { value: await open(), slot };
      } catch (err) {
        if (err instanceof SessionRefusedError && err.stage === 'request' && !live.lost) {
          // The refused request's channel holds the slot until sshd has freed it.
          await err.closed;
          await serverCaughtUp(live.conn.client);
        }
        slot.release();
        if (live.lost) throw live.lost;
        if (!(err instanceof SessionRefusedError)) throw err;
        if (err.stage === 'request') throw err;
        if (err.stage === 'connection') throw new ApiError('connection-lost', `ssh: the connection to ${this.label} was lost while opening a channel for ${what}`, 'Reconnect; results already shown are kept.');
        // Refused open: with none of ours open, not the limit (retry a little, then say so);
        // else the limit (slots are only freed once sshd has caught up with a close).
        if (live.slots.inUse === 0) {
          if (lonely >= 4) {
            throw new ApiError('refused', `ssh: ${this.label} refused a session channel for ${what} while crashdeck had none open (${err.message})`, 'The server allows no sessions for this account (MaxSessions 0, a ForceCommand or resource limits): check its sshd_config and log.');
          }
          await new Promise((r) => setTimeout(r, 50 * 2 ** lonely));
          lonely++;
          continue;
        }
        live.slots.learnFromRefusal(live.slots.inUse);
        front = true;
      }
    }
  }

  private async openChannel(live: Live, command: string, kind: SlotKind, what: string, waitMs?: number): Promise<ClientChannel> {
    let got: { value: ClientChannel; slot: Slot };
    try {
      got = await this.withSlot(live, kind, what, () => openExec(live.conn.client, command), waitMs);
    } catch (err) {
      if (err instanceof SessionRefusedError) throw new ApiError('refused', `ssh: ${this.label} refused to run ${what} (${err.message})`, 'The account may be limited to SFTP or a forced command (ForceCommand, authorized_keys command=): check its sshd_config.');
      throw err;
    }
    const { value: channel, slot } = got;
    this.channelCount++;
    let counted = true;
    const uncount = (): void => {
      if (counted) this.channelCount--;
      counted = false;
    };
    channel.once('close', () => {
      uncount();
      // The slot is free once sshd has caught up with the close (see serverCaughtUp).
      void serverCaughtUp(live.conn.client).then(() => slot.release());
    });
    live.onLost.add(() => {
      uncount();
      slot.release();
    });
    return channel;
  }

  async spawn(spec: SpawnSpec): Promise<RunningProcess> {
    return this.spawnAs(spec, 'long');
  }

  private async spawnAs(spec: SpawnSpec, kind: SlotKind): Promise<RunningProcess> {
    const command = remoteCommandLine(spec);
    const live = await this.ensure();
    const channel = await this.openChannel(live, command, kind, spec.command);
    const proc = new SshProcess(channel, live.onLost, (pid, signal) => this.signalRemote(live, pid, signal, spec.sudo === true));
    return proc;
  }

  /**
   * `kill` a remote pid on a short channel of its own, ahead of every queued request (long-lived
   * processes never hold the last slot once the limit is known, so one frees up). When every
   * slot is held by a long-lived process (`MaxSessions 1` and crash, or a limit learned too
   * late), false at once: the caller then falls back to a channel signal and closing the
   * process's channel.
   */
  private async signalRemote(live: Live, pid: number, signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL', sudo: boolean): Promise<boolean> {
    if (live.lost) return false;
    const kill = shellCommand([...(sudo ? ['sudo', '-n', '--'] : []), 'kill', '-s', signal.slice(3), '--', String(pid)]);
    try {
      const ch = await this.openChannel(live, `exec /bin/sh -c ${shellQuote(`${kill} 2>/dev/null`)}`, 'urgent', `kill ${pid}`);
      return await new Promise<boolean>((resolve) => {
        ch.on('error', () => undefined);
        ch.resume();
        ch.stderr.resume();
        ch.once('close', (...args: unknown[]) => resolve(exitFromClose(args).code === 0));
        ch.end();
      });
    } catch {
      return false;
    }
  }

  async exec(spec: SpawnSpec, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<ExecResult> {
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    const proc = await this.spawnAs(spec, 'short');
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

  /**
   * Run `sh -c SCRIPT sh ARGS...` on a short exec channel (through `sudo -n` for 'sudo' file
   * access) and collect stdout as bytes: file data never goes through a text decoder.
   */
  private async runRaw(live: Live, script: string, args: readonly string[], o: { what: string; maxBytes: number; timeoutMs: number; stdin?: Buffer }): Promise<RawResult> {
    // /bin/sh by path: the remote PATH may be minimal. Only quoted words reach the login shell.
    const argv = [...(this.options.files === 'sudo' ? ['sudo', '-n', '--'] : []), '/bin/sh', '-c', script, 'sh', ...args];
    const ch = await this.openChannel(live, `exec ${shellCommand(argv)}`, 'short', o.what);
    return new Promise<RawResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let bytes = 0;
      let errBytes = 0;
      let failure: ApiError | undefined;
      const stop = (e: ApiError): void => {
        failure ??= e;
        ch.close();
      };
      const timer = setTimeout(() => stop(new ApiError('timeout', `${o.what} on ${this.label} did not finish within ${Math.round(o.timeoutMs / 1000)} s`)), o.timeoutMs);
      const lost = (): void => {
        clearTimeout(timer);
        reject(new ApiError('connection-lost', `ssh: the connection to ${this.label} was lost while ${o.what}`, 'Reconnect and try again; results already shown are kept.'));
      };
      live.onLost.add(lost);
      ch.on('data', (b: Buffer) => {
        bytes += b.length;
        if (bytes > o.maxBytes) return stop(new ApiError('refused', `${o.what} on ${this.label} sent more than ${o.maxBytes} bytes`));
        out.push(b);
      });
      ch.stderr.on('data', (b: Buffer) => {
        errBytes += b.length;
        if (errBytes < 64 * 1024) err.push(b);
      });
      ch.on('error', () => undefined);
      ch.once('close', (...args: unknown[]) => {
        live.onLost.delete(lost);
        clearTimeout(timer);
        // The connection dropped under the command: say so, not "exit code null".
        if (live.lost) return lost();
        if (failure) return reject(failure);
        const { code, signal } = exitFromClose(args);
        resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
      });
      if (o.stdin) ch.end(o.stdin);
      else ch.end();
    });
  }

  /** Which connection an SFTP session belongs to, so its errors after a drop say so. */
  private readonly sftpLive = new WeakMap<SFTPWrapper, Live>();

  /**
   * The connection's SFTP session, opened on first use through the slots. null when files go
   * over exec: configured so, or sshd refused the subsystem (asked once per transport: its
   * channel is closed at once and the answer remembered).
   */
  private async sftp(live: Live): Promise<SFTPWrapper | null> {
    if (this.options.files === 'shell' || this.options.files === 'sudo' || this.sftpRefused) return null;
    if (!live.sftp) {
      const opening: Promise<SFTPWrapper> = this.withSlot(live, 'sftp', 'sftp', () => openSftp(live.conn.client)).then(({ value: sftp, slot }) => {
        this.sftpLive.set(sftp, live);
        this.sftpSeen = true;
        sftp.once('close', () => {
          if (live.sftp === opening) live.sftp = undefined;
          void serverCaughtUp(live.conn.client).then(() => slot.release());
        });
        live.onLost.add(() => slot.release());
        return sftp;
      });
      live.sftp = opening;
      opening.catch(() => {
        if (live.sftp === opening) live.sftp = undefined;
      });
    }
    try {
      return await live.sftp;
    } catch (err) {
      if (err instanceof SessionRefusedError && err.stage === 'request') {
        this.sftpRefused = true;
        this.notes.push(`${this.label} has no sftp subsystem (${err.message}): files are read with POSIX commands over exec channels`);
        return null;
      }
      throw err;
    }
  }

  /** Close the SFTP channel when no operation uses it, so a waiting request gets its slot. */
  private releaseIdleSftp(live: Live): boolean {
    const opening = live.sftp;
    if (!opening || live.sftpBusy > 0) return false;
    live.sftp = undefined;
    void opening.then((sftp) => sftp.end(), () => undefined);
    return true;
  }

  /** Run one file operation over SFTP, or over exec commands when the host has no SFTP. */
  private async files<T>(viaSftp: (sftp: SFTPWrapper) => Promise<T>, viaExec: (files: ExecFiles) => Promise<T>): Promise<T> {
    const live = await this.ensure();
    live.sftpBusy++;
    try {
      const sftp = await this.sftp(live);
      if (sftp) return await viaSftp(sftp);
    } finally {
      live.sftpBusy--;
      if (live.sftpBusy === 0 && live.slots.waiting > 0) this.releaseIdleSftp(live);
    }
    return viaExec(live.files);
  }

  async stat(p: string): Promise<FileStat | null> {
    return this.files((sftp) => new Promise((resolve, reject) => {
      sftp.stat(p, (err, st) => {
        if (err) return sftpMissing(err) ? resolve(null) : reject(this.fileError(err, p, sftp));
        resolve({ size: st.size, mtimeMs: st.mtime * 1000, isFile: st.isFile(), isDirectory: st.isDirectory() });
      });
    }), (files) => files.stat(p));
  }

  async readRange(p: string, offset: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) throw new ApiError('bad-request', 'readRange: offset and length must be non-negative integers');
    if (length === 0) return Buffer.alloc(0);
    return this.files((sftp) => this.sftpRead(sftp, p, offset, length), (files) => files.readRange(p, offset, length));
  }

  /** A small file whole (a dmesg text, a config): at most `maxBytes`, else a clear refusal. */
  async readFile(p: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const data = await this.readRange(p, 0, maxBytes + 1);
    if (data.length > maxBytes) throw new ApiError('refused', `${p} on ${this.label} is larger than ${maxBytes} bytes`, 'Read it in ranges instead.');
    return data;
  }

  /** A new private temp file (mode 0600, under $TMPDIR or /tmp) on the host holding `data`; returns its path. */
  async writeTempFile(data: Buffer): Promise<string> {
    const live = await this.ensure();
    return live.files.writeTempFile(data);
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
    return this.files((sftp) => new Promise((resolve) => {
      sftp.readdir(p, (err, list) => {
        if (err) return resolve(null);
        resolve(list.map((e) => e.filename).filter((n) => n !== '.' && n !== '..'));
      });
    }), (files) => files.listDir(p));
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

