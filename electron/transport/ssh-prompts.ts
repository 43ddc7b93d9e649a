/**
 * SSH questions asked through the UI: a prompt callback for SshTransport that publishes each
 * question (passphrase, password, keyboard-interactive) with an id and waits for the answer the
 * UI sends back. Unanswered questions are declined after a timeout so a login never hangs, and
 * answers live only in the pending promise: nothing is stored.
 */
import { randomUUID } from 'node:crypto';
import type { AuthPrompt, PromptFn } from './ssh/auth.ts';

/** A question on its way to the UI. */
export interface PendingPrompt extends AuthPrompt {
  id: string;
}

/** Connects SshTransport prompts to a UI round trip (event out, answer in). */
export class SshPromptBroker {
  private readonly pending = new Map<string, { resolve: (answer: string | null) => void; timer: NodeJS.Timeout }>();

  constructor(
    /** Publish the question (e.g. as an Api event). */
    private readonly publish: (prompt: PendingPrompt) => void,
    private readonly timeoutMs = 5 * 60_000,
  ) {}

  /** The callback to give SshTransport / SshHosts as `prompt`. */
  readonly prompt: PromptFn = (p) => new Promise((resolve) => {
    const id = randomUUID();
    const timer = setTimeout(() => this.settle(id, null), this.timeoutMs);
    this.pending.set(id, { resolve, timer });
    this.publish({ ...p, id });
  });

  /** The UI's answer (null = cancelled). False when the question is unknown or already settled. */
  answer(id: string, answer: string | null): boolean {
    return this.settle(id, answer);
  }

  /** Questions still waiting, e.g. to re-show after a window reload. */
  get waiting(): string[] {
    return [...this.pending.keys()];
  }

  /** Decline everything still open (window closed, app quitting). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, null);
  }

  private settle(id: string, answer: string | null): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(answer);
    return true;
  }
}
