/**
 * A counting semaphore with a limit that can shrink while in use: fleet triage bounds work
 * overall (--jobs) and per host (SSH channels), and lowers a host's limit when its sshd refuses a
 * channel (MaxSessions smaller than we assumed).
 */

/** FIFO semaphore; waiters are released in order. */
export class Limiter {
  private active = 0;
  private readonly waiters: { go: () => void; fail: (err: Error) => void }[] = [];

  constructor(private max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`limit must be a positive integer, got ${max}`);
  }

  /** The current limit. */
  get limit(): number {
    return this.max;
  }

  /** Slots in use. */
  get inUse(): number {
    return this.active;
  }

  /** Lower (or raise) the limit; running holders finish, new ones wait until under it. */
  setLimit(n: number): void {
    this.max = Math.max(1, Math.floor(n));
    this.pump();
  }

  /** Wait for a slot; rejects with the signal's reason when aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    if (this.active < this.max && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const w = {
        go: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** Give a slot back. */
  release(): void {
    this.active--;
    this.pump();
  }

  private pump(): void {
    while (this.active < this.max && this.waiters.length) {
      this.active++;
      this.waiters.shift()?.go();
    }
  }
}
