/**
 * A CrashSession that cannot start because crash or the debug vmlinux is missing: it stays
 * 'failed' with a message saying what is missing, every command rejects with that cause, and it
 * never spawns anything. The session still opens, so everything that needs only the dump's own
 * kernel log (dump.identify) works while the user installs what is missing.
 */
import type { ApiError } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import { CrashlessSession } from './crashless-session.ts';

/** The stand-in for crash when it cannot run on this dump. */
export class UnavailableCrash extends CrashlessSession {
  constructor(transport: Transport, vmcore: string, cause: ApiError, message: string) {
    super(transport, vmcore, { state: 'failed', message, closedMessage: 'closed', refuse: () => cause });
    // The cause is reported once, as the open diagnosis the record carries (symbols-missing /
    // crash-missing); a failure here would repeat it.
    this.failure = null;
  }
}
