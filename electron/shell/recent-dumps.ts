/**
 * The Recent Dumps list (local and remote), newest first, one entry per (host, vmcore).
 */
import type { RecentDump } from '../api/preload-api.ts';
import { readJson, SerialQueue, writeJson } from './json-file.ts';

/** Most entries kept. */
export const maxRecent = 10;

/** `list` with `dump` moved to the front, duplicates (same host and vmcore) dropped, capped. */
export function withRecent(list: readonly RecentDump[], dump: RecentDump): RecentDump[] {
  return [dump, ...list.filter((d) => !(d.host === dump.host && d.vmcore === dump.vmcore))].slice(0, maxRecent);
}

/** The list persisted in a JSON file. */
export class RecentDumps {
  private readonly queue = new SerialQueue();

  constructor(private readonly file: string) {}

  /** The list, after any pending update. */
  list(): Promise<RecentDump[]> {
    return this.queue.run(() => this.read());
  }

  private async read(): Promise<RecentDump[]> {
    const data = await readJson<unknown>(this.file, []);
    return Array.isArray(data) ? (data as RecentDump[]).filter((d) => typeof d?.vmcore === 'string' && typeof d.host === 'string') : [];
  }

  add(dump: RecentDump): Promise<RecentDump[]> {
    return this.queue.run(async () => {
      const next = withRecent(await this.read(), dump);
      await writeJson(this.file, next);
      return next;
    });
  }

  clear(): Promise<void> {
    return this.queue.run(() => writeJson(this.file, []));
  }
}
