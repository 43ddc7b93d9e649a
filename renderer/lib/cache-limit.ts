/** The cache's size budget, a user setting kept in localStorage. */
import { defaultMaxBytes } from './db.ts';

const key = 'crashdeck.cacheLimitBytes';

/** Read and write the budget (bytes). */
export const cacheLimit = {
  get(): number {
    try {
      const v = Number(localStorage.getItem(key));
      return Number.isFinite(v) && v > 0 ? v : defaultMaxBytes;
    } catch {
      return defaultMaxBytes;
    }
  },
  set(bytes: number): void {
    try {
      localStorage.setItem(key, String(Math.round(bytes)));
    } catch {
      // Storage blocked: the default applies.
    }
  },
};
