/**
 * LocalTransport: runs programs on this machine with child_process (argv, never a shell) and
 * reads files with fs/promises, so the main process never blocks on I/O. Each program runs with
 * an orphan guard, so it dies with crashdeck instead of lingering (see orphan-guard.ts).
 */
import { spawn as spawnChild, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { open, readdir, stat } from 'node:fs/promises';
import { startOrphanGuard } from './orphan-guard.ts';
import type { ExecResult, ExitInfo, FileStat, RunningProcess, SpawnSpec, Transport } from './types.ts';

/** Raised when a program cannot be started at all (ENOENT, EACCES); `code` is the errno name. */
export class SpawnError extends Error {
  constructor(
    readonly code: string,
    readonly command: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpawnError';
  }
}

function argvOf(spec: SpawnSpec): { command: string; args: string[] } {
  return spec.sudo ? { command: 'sudo', args: ['-n', '--', spec.command, ...spec.args] } : { command: spec.command, args: [...spec.args] };
}

/**
 * Guard a started child until it closes. sudo children are left unguarded: they run as root and
 * a guard running as this user could not kill them.
 */
function guardChild(child: ChildProcess, spec: SpawnSpec, dieWithParent: boolean): void {
  if (!dieWithParent || spec.sudo || child.pid === undefined) return;
  const guard = startOrphanGuard(child.pid);
  if (guard) child.once('close', () => guard.kill('SIGKILL'));
}

function startChild(spec: SpawnSpec, dieWithParent: boolean): Promise<ChildProcessWithoutNullStreams> {
  const { command, args } = argvOf(spec);
  return new Promise((resolve, reject) => {
    const child = spawnChild(command, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new SpawnError(err.code ?? 'EUNKNOWN', command, `cannot start ${command}: ${err.message}`));
    };
    child.once('error', onError);
    child.once('spawn', () => {
      child.off('error', onError);
      // Later errors (e.g. kill on an exited child) surface through 'close'.
      child.on('error', () => undefined);
      guardChild(child, spec, dieWithParent);
      if (spec.background) lowerPriority(child.pid);
      resolve(child);
    });
  });
}

/** nice value of background children (SpawnSpec.background): yields to the UI, never starves. */
export const backgroundNice = 10;

function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // Never above crashdeck's own priority (a user who niced crashdeck keeps it so).
    setPriority(pid, Math.max(getPriority(), backgroundNice));
  } catch {
    // Only the priority is lost (e.g. a sandbox forbids it); crash runs as before.
  }
}

/** A child process seen through the RunningProcess interface. */
class LocalProcess implements RunningProcess {
  private exitInfo: ExitInfo | undefined;
  private readonly exitListeners: ((info: ExitInfo) => void)[] = [];

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // A write after crash died raises EPIPE on stdin; the exit is reported through 'close'.
    child.stdin.on('error', () => undefined);
    // 'close' fires after stdout/stderr are drained, so no output arrives after onExit.
    child.once('close', (code, signal) => {
      this.exitInfo = { code, signal };
      for (const l of this.exitListeners.splice(0)) l({ code, signal });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onStdout(listener: (chunk: string) => void): void {
    this.child.stdout.on('data', listener);
  }

  onStderr(listener: (chunk: string) => void): void {
    this.child.stderr.on('data', listener);
  }

  onExit(listener: (info: ExitInfo) => void): void {
    if (this.exitInfo) queueMicrotask(() => listener(this.exitInfo as ExitInfo));
    else this.exitListeners.push(listener);
  }

  write(data: string): void {
    if (!this.child.stdin.destroyed && this.child.stdin.writable) this.child.stdin.write(data);
  }

  closeStdin(): void {
    this.child.stdin.end();
  }

  kill(signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): void {
    if (this.exitInfo === undefined) this.child.kill(signal);
  }
}

/** Options of a LocalTransport. */
export interface LocalTransportOptions {
  /** Give each program an orphan guard that kills it when this process dies (default true). */
  dieWithParent?: boolean;
}

/** Transport for this machine. */
export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly label = 'local';
  private readonly dieWithParent: boolean;

  constructor(options: LocalTransportOptions = {}) {
    this.dieWithParent = options.dieWithParent ?? true;
  }

  async spawn(spec: SpawnSpec): Promise<RunningProcess> {
    return new LocalProcess(await startChild(spec, this.dieWithParent));
  }

  async exec(spec: SpawnSpec, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<ExecResult> {
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    const child = await startChild(spec, this.dieWithParent);
    child.stdin.on('error', () => undefined);
    child.stdin.end();
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: string) => {
      if (stdout.length < maxBytes) stdout += c.slice(0, maxBytes - stdout.length);
    });
    child.stderr.on('data', (c: string) => {
      if (stderr.length < maxBytes) stderr += c.slice(0, maxBytes - stderr.length);
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    return new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = await stat(path);
      return { size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isDirectory: s.isDirectory() };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  }

  async readRange(path: string, offset: number, length: number): Promise<Buffer> {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    } finally {
      await fh.close();
    }
  }

  async listDir(path: string): Promise<string[] | null> {
    try {
      return await readdir(path);
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    // Nothing is pooled locally; each process is owned by its caller.
  }
}
