/**
 * Starts `crashdeck serve` for a test and waits for its one ready line (the way VS Code's
 * playwrightBrowser waits for "ready"), then stops it. stderr is kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { repoRoot } from '../support/fixtures.ts';

/** A running serve host. */
export interface ServeHandle {
  /** The URL with its token, as printed. */
  url: string;
  port: number;
  /** Everything the host wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone (its crash with it). */
  stop(): Promise<void>;
}

/** Options mirror the CLI flags. */
export interface ServeOptions {
  port?: number;
  open?: string;
  vmlinux?: string;
  crash?: string;
  /** Without `open`: show the bundled demo case (default: start empty, --no-demo). */
  demo?: boolean;
  /** Extra environment for the host (e.g. CRASHDECK_CRASH for dumps opened from the page; CRASHDECK_DRGN: 'on' for drgn beside crash, off by default here; gdb-indexed vmlinux copies are off too). */
  env?: Record<string, string>;
}

const readyLine = /^crashdeck ready at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=[0-9a-f]+)$/m;

/** Start `node electron/bin/crashdeck.mjs serve` and resolve once it prints its ready line. */
export async function startServe(opts: ServeOptions = {}, timeoutMs = 60_000): Promise<ServeHandle> {
  const args = [path.join(repoRoot, 'electron/bin/crashdeck.mjs'), 'serve', '--port', String(opts.port ?? 0)];
  if (opts.open) args.push('--open', opts.open);
  if (opts.vmlinux) args.push('--vmlinux', opts.vmlinux);
  if (opts.crash) args.push('--crash', opts.crash);
  // Without --open the host shows the demo case; tests of the empty start screen opt out.
  if (!opts.open && !opts.demo) args.push('--no-demo');
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CRASHDECK_DRGN: 'off', CRASHDECK_GDB_INDEX: '0', ...opts.env } });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`crashdeck serve printed no ready line in ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = readyLine.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, port: Number(m[2]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`crashdeck serve exited (${code}) before its ready line\nstdout: ${out}\nstderr: ${err}`));
    });
  });

  return {
    ...ready,
    stderr: () => err,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A free TCP port on 127.0.0.1 (for tests that restart the host on the same origin). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
