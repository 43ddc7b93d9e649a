/**
 * The drgn engine as one session holds it beside crash: found (which python3 imports drgn on the
 * dump's host), started in the background, and its state in words for SessionInfo. It answers
 * the guided commands drgn covers (guided-answers.ts) while crash starts and when crash cannot
 * start at all; the session record decides when to ask it.
 */
import type { DrgnEngineInfo } from '../api/contract.ts';
import type { Transport } from '../transport/types.ts';
import { answerWithDrgn, drgnAnswers, type DrgnCommandAnswer } from './guided-answers.ts';
import { findDrgnPython } from './probe.ts';
import { DrgnSession, type DrgnError } from './session.ts';

/** Is drgn turned off for this run: CRASHDECK_DRGN=off|0|false, or settings' `drgn: false`. */
export function drgnTurnedOff(env: NodeJS.ProcessEnv, settings: { drgn?: boolean }): boolean {
  const flag = env.CRASHDECK_DRGN?.trim().toLowerCase();
  if (flag && ['off', '0', 'false', 'no'].includes(flag)) return true;
  return settings.drgn === false;
}

/** What the engine needs to start for one dump. */
export interface DrgnBesideOptions {
  transport: Transport;
  /** The python3 the user named (CRASHDECK_DRGN_PYTHON / settings); null: probe python3, then /usr/bin/python3. */
  python: string | null;
  vmcore: string;
  vmlinux: string;
  /** Where module debug info (`<name>.ko`) may lie: the dump's directory. */
  moduleDir?: string;
  sudo?: boolean;
}

/** The crash commands drgn answers, in words. */
export const drgnCovers = 'sys, ps, bt [pid], kmem -s/-z/-f/-i, mod, log and the triage follow-ups (sys -t, mod -t, mod -s, bt -a, bt -F, foreach UN bt, sym, struct mutex/rw_semaphore.owner)';

/** One dump's drgn engine beside its crash session. */
export class DrgnBeside {
  private session: DrgnSession | null = null;
  private started: Promise<void> | null = null;
  private closed = false;
  private current: DrgnEngineInfo = { state: 'starting', version: null, message: 'drgn is loading the dump' };

  constructor(
    private readonly options: DrgnBesideOptions,
    /** Called whenever the state changes (the record publishes a session.state event). */
    private readonly onChange: () => void,
  ) {}

  /** The engine's state for SessionInfo. */
  get info(): DrgnEngineInfo {
    return this.current;
  }

  /** True while it may still answer (loading or loaded). */
  get usable(): boolean {
    return this.current.state === 'starting' || this.current.state === 'ready';
  }

  /** Find python3 with drgn and load the dump; never rejects (the state says what happened). */
  start(): Promise<void> {
    this.started ??= this.load();
    return this.started;
  }

  private async load(): Promise<void> {
    const { transport, python, vmcore, vmlinux } = this.options;
    const probe = await findDrgnPython(transport, python);
    if (this.closed) return;
    if (!probe.found) {
      this.set({
        state: 'missing',
        version: null,
        message: probe.reason === 'no-drgn' ? `${probe.python} on ${transport.label} cannot import drgn` : `${probe.python} does not run on ${transport.label}`,
        hint: 'Install drgn (Debian/Ubuntu: sudo apt-get install python3-drgn; a newer one: bash native-tools/install-drgn.sh) or name its python3 with CRASHDECK_DRGN_PYTHON.',
      });
      return;
    }
    const { moduleDir, sudo } = this.options;
    this.session = new DrgnSession({ transport, python: probe.python, vmcore, vmlinux, ...(moduleDir ? { moduleDir } : {}), ...(sudo ? { sudo: true } : {}) });
    try {
      const ready = await this.session.start();
      if (this.closed) return;
      this.set({ state: 'ready', version: ready.drgn, message: `drgn ${ready.drgn} answers ${drgnCovers}` });
    } catch (err) {
      if (this.closed) return;
      const e = err as DrgnError;
      this.set({ state: 'failed', version: probe.drgn, message: `drgn ${probe.drgn}: ${e.message}`, ...(e.hint ? { hint: e.hint } : {}) });
    }
  }

  private set(info: DrgnEngineInfo): void {
    this.current = info;
    this.onChange();
  }

  /**
   * drgn's answer to a crash command line; null when drgn does not answer that command or is not
   * there; `failed` with drgn's reason when it tried (the caller then asks crash, whose answer or
   * error stands, and says why drgn did not answer).
   */
  async answer(command: string): Promise<{ answer: DrgnCommandAnswer } | { failed: string } | null> {
    if (!drgnAnswers(command) || !this.usable) return null;
    await this.start();
    if (!this.session || this.current.state !== 'ready') return null;
    try {
      const answer = await answerWithDrgn(this.session, command);
      return answer ? { answer } : null;
    } catch (err) {
      // Any failure (a question drgn could not answer, a conversion that threw) falls back to crash.
      return { failed: (err as Error).message };
    }
  }

  /** Cancel the question drgn is answering (the engine restarts for the next); false when none. */
  cancel(): boolean {
    return this.session?.cancel() ?? false;
  }

  /** Stop the engine. */
  async close(): Promise<void> {
    this.closed = true;
    await this.session?.close();
  }
}
