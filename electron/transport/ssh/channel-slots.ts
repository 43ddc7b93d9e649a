/**
 * A per-connection semaphore over sshd's session channels (MaxSessions, 10 on a stock server,
 * 1 or 2 on hardened hosts). sshd does not announce the limit: crashdeck presumes the stock 10
 * and learns the real one the first time sshd refuses a channel open, then queues instead of
 * failing.
 *
 * Three kinds of holders share the slots:
 * - `long`: a process the caller keeps (crash). Long holders never take the last slot while the
 *   limit is above one, so a short command or a kill can always get through once the short
 *   ones ahead of it end.
 * - `short`: a run-to-completion command (exec, the file commands of the exec fallback). At most
 *   one at a time: crash plus one short command fit `MaxSessions 2` without ever being refused.
 * - `urgent`: the one-shot `kill` that signals a remote process; ahead of everything, beyond the
 *   one-short rule; refused at once when every slot is held by a long-lived process (the
 *   caller then closes the process's channel instead).
 * Idle holders that can be reopened later (the SFTP channel) register a releaser, asked to let go
 * whenever someone is waiting.
 */

/** What a channel is for; decides which slots it may take. */
export type SlotKind = 'long' | 'short' | 'urgent' | 'sftp';

/** The stock OpenSSH MaxSessions, presumed until sshd shows otherwise. */
export const presumedMaxSessions = 10;

/** A held slot; release() exactly once when the channel has closed. */
export interface Slot {
  readonly kind: SlotKind;
  /** Free the slot (idempotent). */
  release(): void;
}

interface Waiter {
  kind: SlotKind;
  what: string;
  grant: (slot: Slot) => void;
  fail: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** Raised when a wait for a slot times out: names the limit and what holds the slots. */
export class SlotsBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlotsBusyError';
  }
}

/** The channel semaphore of one SSH connection. */
export class ChannelSlots {
  private held = 0;
  private longHeld = 0;
  private shortHeld = 0;
  private learned: number | undefined;
  private readonly holders = new Map<Slot, string>();
  private readonly queue: Waiter[] = [];
  private readonly releasers = new Set<() => boolean>();
  private closedWith: Error | undefined;

  /** The limit in force: learned from a refusal, else the stock default. */
  get limit(): number {
    return this.learned ?? presumedMaxSessions;
  }

  /** The MaxSessions value learned from sshd, if it ever refused a channel. */
  get learnedLimit(): number | undefined {
    return this.learned;
  }

  /** Session channels held right now (every kind). */
  get inUse(): number {
    return this.held;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Wait for a slot. `what` names the holder in messages ("crash", "stat"...); `timeoutMs`
   * bounds the wait (undefined = no bound); `front` puts the request ahead of the queue (an
   * open that bounced off the limit goes back where it was).
   */
  acquire(kind: SlotKind, what: string, timeoutMs?: number, front = false): Promise<Slot> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<Slot>((resolve, reject) => {
      const w: Waiter = { kind, what, grant: resolve, fail: reject, timer: undefined };
      if (front || kind === 'urgent') this.queue.unshift(w);
      else this.queue.push(w);
      if (timeoutMs !== undefined) {
        w.timer = setTimeout(() => {
          const i = this.queue.indexOf(w);
          if (i < 0) return;
          this.queue.splice(i, 1);
          reject(new SlotsBusyError(this.busyMessage(what, timeoutMs)));
        }, timeoutMs);
      }
      this.pump();
    });
  }

  /**
   * sshd refused to open a channel while `heldAtRefusal` of ours were open: that is its
   * MaxSessions (only ever lowered). Returns false when nothing of ours was open, i.e. the
   * refusal is not about the limit.
   */
  learnFromRefusal(heldAtRefusal: number): boolean {
    if (heldAtRefusal < 1) return false;
    this.learned = Math.min(this.learned ?? Infinity, heldAtRefusal);
    return true;
  }

  /** Register an idle holder that can give its slot back; it returns true when it did. */
  addReleaser(release: () => boolean): () => void {
    this.releasers.add(release);
    return () => this.releasers.delete(release);
  }

  /** Fail every waiter (the connection is gone) and refuse new ones. */
  close(err: Error): void {
    this.closedWith = err;
    for (const w of this.queue.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.fail(err);
    }
  }

  private fits(kind: SlotKind): boolean {
    const limit = this.limit;
    if (this.held >= limit) return false;
    switch (kind) {
      case 'urgent':
      case 'sftp':
        return true;
      case 'short':
        return this.shortHeld < 1;
      case 'long':
        return limit === 1 || this.longHeld + 1 < limit;
    }
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length;) {
      const w = this.queue[i] as Waiter;
      if (!this.fits(w.kind)) {
        // Every session held by a long-lived process (the limit was learned too late): no slot
        // will come for a kill, so say so at once and let the caller close the channel instead.
        if (w.kind === 'urgent' && this.longHeld >= this.limit) {
          this.queue.splice(i, 1);
          if (w.timer) clearTimeout(w.timer);
          w.fail(new SlotsBusyError(`every one of sshd's ${this.limit} session channels is held by a long-lived process (${[...this.holders.values()].join(', ')})`));
          continue;
        }
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      if (w.timer) clearTimeout(w.timer);
      w.grant(this.take(w.kind, w.what));
    }
    // Someone still waits: ask idle holders (SFTP) to give their slot back.
    if (this.queue.length && this.held >= this.limit) {
      for (const r of [...this.releasers]) if (r()) break;
    }
  }

  private take(kind: SlotKind, what: string): Slot {
    this.held++;
    if (kind === 'long') this.longHeld++;
    if (kind === 'short') this.shortHeld++;
    let released = false;
    const slot: Slot = {
      kind,
      release: () => {
        if (released) return;
        released = true;
        this.holders.delete(slot);
        this.held--;
        if (kind === 'long') this.longHeld--;
        if (kind === 'short') this.shortHeld--;
        this.pump();
      },
    };
    this.holders.set(slot, what);
    return slot;
  }

  private busyMessage(what: string, timeoutMs: number): string {
    const holders = [...this.holders.values()];
    const limit = this.learned === undefined ? `${this.limit} presumed` : `MaxSessions ${this.learned}`;
    return `${what} waited ${Math.round(timeoutMs / 1000)} s for one of sshd's session channels (${limit}), all held by: ${holders.join(', ') || 'nothing'}`;
  }
}
