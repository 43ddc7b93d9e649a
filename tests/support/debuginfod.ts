/**
 * A real elfutils `debuginfod` for tests: on 127.0.0.1 at a free port, indexing a temp directory
 * that holds symlinks to the given .deb files (-U scans .deb through bsdtar, -L follows the links),
 * its sqlite index in the same temp directory. `start` returns once every .deb is indexed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running debuginfod. */
export interface Debuginfod {
  url: string;
  port: number;
  /** Seconds from start until the index held every .deb. */
  indexSeconds: number;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on right now (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function scannedDebs(url: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /^scanned_files_total\{source="\.deb archive"\} (\d+)/m.exec(text);
    const busy = /^thread_busy\{role="scan"\} (\d+)/m.exec(text);
    return m && busy?.[1] === '0' ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Start debuginfod on `debs` and wait (up to `timeoutMs`) until it has indexed all of them. */
export async function startDebuginfod(debs: readonly string[], timeoutMs = 170_000): Promise<Debuginfod> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crashdeck-debuginfod-'));
  const root = path.join(dir, 'debs');
  mkdirSync(root);
  for (const d of debs) symlinkSync(d, path.join(root, path.basename(d)));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child: ChildProcess = spawn('debuginfod', ['-p', String(port), '-d', path.join(dir, 'index.sqlite'), '-U', '-L', '-t', '0', '-g', '0', '-c', '1', '--disable-source-scan', root], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: dir },
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  while ((await scannedDebs(url)) < debs.length) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`debuginfod exited (${child.exitCode}): ${log}`);
    }
    if (performance.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`debuginfod did not index ${debs.join(', ')} within ${timeoutMs / 1000} s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, port, indexSeconds: (performance.now() - t0) / 1000, stop };
}
