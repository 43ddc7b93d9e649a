/**
 * A CrashSession that cannot start because crash or the debug vmlinux is missing: it stays
 * 'failed' with a message saying what is missing, every command rejects with that cause, and it
 * never spawns anything. The session still opens, so everything that needs only the dump's own
 * kernel log (dump.identify) works while the user installs what is missing.
 */
import type { ApiError } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import { CrashSession } from './session.ts';

/** The stand-in for crash when it cannot run on this dump. */
export class UnavailableCrash extends CrashSession {
  constructor(
    transport: Transport,
    vmcore: string,
    private readonly cause: ApiError,
    message: string,
  ) {
    super({ transport, crashPath: '', vmcore, vmlinux: null, fallback: false });
    this.state = 'failed';
    this.message = message;
    // The cause is reported once, as the open diagnosis the record carries (symbols-missing /
    // crash-missing); a failure here would repeat it.
    this.failure = null;
  }

  override start(): Promise<void> {
    return Promise.resolve();
  }

  override run(): Promise<never> {
    return Promise.reject(this.cause);
  }

  override cancel(): boolean {
    return false;
  }

  override close(): Promise<void> {
    this.state = 'closed';
    this.message = 'closed';
    return Promise.resolve();
  }
}
