/**
 * A CrashSession that never spawns crash: a case bundle read without the dump, or a dump whose
 * crash or debug vmlinux is missing. It keeps the state it is given, refuses every command with
 * the reason the caller names, and has nothing to cancel — so a SessionRecord works unchanged.
 */
import type { ApiError } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import { CrashSession } from './session.ts';
import { unknownCompleteness } from './incomplete-dump.ts';

/** How a crashless session presents itself and refuses commands. */
export interface CrashlessOptions {
  state: 'ready' | 'failed';
  message: string;
  /** The message once closed. */
  closedMessage: string;
  /** The error a command rejects with. */
  refuse: (command: string) => ApiError;
}

/** The stand-in for crash where crash does not run. */
export class CrashlessSession extends CrashSession {
  private readonly refuse: (command: string) => ApiError;
  private readonly closedMessage: string;

  constructor(transport: Transport, vmcore: string, options: CrashlessOptions) {
    super({ transport, crashPath: '', vmcore, vmlinux: null, fallback: false });
    this.state = options.state;
    this.message = options.message;
    this.refuse = options.refuse;
    this.closedMessage = options.closedMessage;
    // Nothing will count the tasks here: say so instead of "wait for crash".
    this.completeness = unknownCompleteness('crash does not run for this session, so the dump\'s tasks were not counted', 'Open the dump with crash and its debug vmlinux to count its tasks.');
  }

  override start(): Promise<void> {
    return Promise.resolve();
  }

  override run(command: string): Promise<never> {
    return Promise.reject(this.refuse(command));
  }

  override cancel(): boolean {
    return false;
  }

  override close(): Promise<void> {
    this.state = 'closed';
    this.message = this.closedMessage;
    return Promise.resolve();
  }
}
