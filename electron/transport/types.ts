/**
 * How crashdeck starts processes on the analysis host. crash/ talks only to a Transport, so a
 * session runs the same whether crash is local (child_process) or remote (ssh2 exec channel).
 */

/** A program to start: argv without any shell; the transport quotes for remote shells itself. */
export interface SpawnSpec {
  command: string;
  args: readonly string[];
  /** Extra environment variables for the child. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Run through `sudo -n` on the host (remote analysis of root-only dumps). */
  sudo?: boolean;
  /**
   * Long CPU-heavy work (crash): a local child runs at a lower scheduling priority, so the page
   * and the host answering it are not kept waiting by crash's start-up. No effect over SSH: the
   * remote CPU does not compete with the UI.
   */
  background?: boolean;
}

/** Why and how a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Transport-level cause when the process did not exit by itself (e.g. "connection lost"). */
  reason?: string;
}

/** A started process with streaming stdout/stderr. */
export interface RunningProcess {
  /** Local pid, when there is one (tests kill crash by it). */
  readonly pid: number | undefined;
  onStdout(listener: (chunk: string) => void): void;
  onStderr(listener: (chunk: string) => void): void;
  /** Called exactly once. */
  onExit(listener: (info: ExitInfo) => void): void;
  write(data: string): void;
  closeStdin(): void;
  /** Deliver a signal (over SSH: channel signal, falling back to closing the channel). */
  kill(signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): void;
}

/** Result of a short one-shot command. */
export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** File facts a transport can report without reading the whole file. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** Where commands run: this machine or a remote host. */
export interface Transport {
  readonly kind: 'local' | 'ssh';
  /** For messages: "local" or "user@host:port". */
  readonly label: string;
  spawn(spec: SpawnSpec): Promise<RunningProcess>;
  /** Run to completion, capturing output (bounded by maxBytes, default 16 MiB). */
  exec(spec: SpawnSpec, options?: { timeoutMs?: number; maxBytes?: number }): Promise<ExecResult>;
  stat(path: string): Promise<FileStat | null>;
  /** The first `length` bytes at `offset` (for fingerprints and format sniffing). */
  readRange(path: string, offset: number, length: number): Promise<Buffer>;
  /** Names in a directory; null when it does not exist or cannot be read. */
  listDir(path: string): Promise<string[] | null>;
  close(): Promise<void>;
}
