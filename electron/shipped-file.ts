/**
 * A text file shipped with crashdeck (a shell probe, the drgn engine's program), read once from
 * the first place it is found: an override, beside the sources or the CLI bundle, or a packaged
 * app's resources directory (Electron sets process.resourcesPath). A failed read is not kept, so
 * a later call looks again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const cache = new Map<string, Promise<string>>();

/** The resources directory of a packaged app, joined with `rel`; null outside one. */
export function resourcesPath(...rel: string[]): string | null {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  return resources ? path.join(resources, ...rel) : null;
}

/** The text of the first readable candidate, memoised under `key`; `missing` builds the error naming what was tried. */
export function readShippedFile(key: string, candidates: () => ReadonlyArray<string | null>, missing: (tried: string[]) => Error): Promise<string> {
  let text = cache.get(key);
  if (!text) {
    text = (async () => {
      const tried = candidates().filter((p): p is string => !!p);
      for (const p of tried) {
        try {
          return await readFile(p, 'utf8');
        } catch {
          // next candidate
        }
      }
      cache.delete(key);
      throw missing(tried);
    })();
    cache.set(key, text);
  }
  return text;
}
