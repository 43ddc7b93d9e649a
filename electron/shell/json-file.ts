/**
 * Small JSON state files in the user-data directory (window state, recent dumps, secrets),
 * written atomically (temp file + rename) so closing the app mid-write never leaves half a file.
 * Async only: the main process must not block on disk.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Parse `file`, or return `fallback` when it is missing or unreadable. */
export async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Write `value` to `file` atomically, owner-only permissions. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * Runs read-modify-write operations on one file one after another, so two quick updates (two
 * dumps opened back to back) cannot both read the old list and lose one write.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.then(op, op);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
