/**
 * One open session as the Api sees it: the CrashSession plus what the UI shows about it
 * (fingerprint, release, shell switch) and the translation of its events into contract events.
 */
import { ApiError, type CommandResponse, type Diagnosis, type DumpCompleteness, type SessionInfo } from '../api/contract.ts';
import type { EventBus } from '../api/handlers.ts';
import type { CrashSession, CommandResult } from './session.ts';
import type { Transport } from '../transport/types.ts';
import { parseCommandOutput } from '../parse/index.ts';
import { drgnCovers, type DrgnBeside } from '../drgn/beside-crash.ts';
import type { DrgnCommandAnswer } from '../drgn/guided-answers.ts';

/** Facts fixed when the session was opened. */
export interface SessionFacts {
  id: string;
  fingerprint: string;
  vmcore: string;
  vmlinux: string | null;
  host: string;
  crashPath: string;
  crashVersion: string | null;
  release: string | null;
  /** Findings made before crash started (e.g. the dump is truncated). */
  openDiagnoses: Diagnosis[];
  /** Completeness known without crash (a case bundle's); a crash session counts its own tasks. */
  completeness?: DumpCompleteness;
}

/** The tail of a crash-missing finding when nothing but the log answers (drgn replaces it when it answers). */
export const logOnlyTail = 'only the kernel log\'s verdict is available';

/** crash states in which drgn answers what it covers: crash is not there yet, or never will be. */
const drgnFirstStates = new Set(['starting', 'failed']);

/** How often the 'starting' message is refreshed with the elapsed time. */
const startingTickMs = 2000;

/** An open session: CrashSession + facts + shell switch. */
export class SessionRecord {
  shellEnabled = false;
  readonly startedAt = Date.now();
  private phaseStartedAt = Date.now();
  private tick: NodeJS.Timeout | null = null;

  constructor(
    readonly facts: SessionFacts,
    readonly session: CrashSession,
    readonly transport: Transport,
    private readonly bus: EventBus,
    /** The drgn engine beside crash, when one was tried. */
    readonly drgn: DrgnBeside | null = null,
  ) {
    session.onEvent((e) => {
      if (e.type === 'progress') {
        bus.emit('command.progress', { sessionId: facts.id, command: e.command, elapsedMs: e.elapsedMs });
        return;
      }
      if (e.state === 'starting' || e.state === 'restarting') this.startTicking();
      else this.stopTicking();
      this.publish();
    });
  }

  /** Begin starting crash (and drgn) in the background; state events report the outcome. */
  startInBackground(): void {
    this.startDrgn();
    this.startTicking();
    this.session.start().catch(() => {
      // The failure is the session state ('failed' + message); session.run rejects with it.
    });
  }

  /** Load the dump in drgn in the background (also when crash cannot start). */
  startDrgn(): void {
    void this.drgn?.start();
  }

  private startTicking(): void {
    if (this.tick) return;
    this.phaseStartedAt = Date.now();
    this.tick = setInterval(() => this.publish(), startingTickMs);
    this.tick.unref?.();
  }

  private stopTicking(): void {
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
  }

  /** Emit the current info as a 'session.state' event. */
  publish(): void {
    this.bus.emit('session.state', this.info());
  }

  /** The SessionInfo the contract describes. */
  info(): SessionInfo {
    const s = this.session;
    const f = this.facts;
    let message = s.message;
    if (s.state === 'starting' || s.state === 'restarting') {
      message = `${s.message} (${Math.round((Date.now() - this.phaseStartedAt) / 1000)} s; crash reads the vmlinux and the dump's task table first)`;
    }
    const drgn = this.drgn?.info;
    const drgnAnswers = drgn?.state === 'ready' && s.state === 'failed';
    if (drgnAnswers) message = `${message}; ${drgn.message} (the console and the other views need crash)`;
    const open = drgnAnswers
      ? f.openDiagnoses.map((d) => (d.code === 'crash-missing' ? { ...d, message: d.message.replace(logOnlyTail, `${drgn.message}; the console and the other views need crash`) } : d))
      : f.openDiagnoses;
    const diagnoses = [...open, ...s.diagnoses];
    if (s.failure) diagnoses.push({ code: s.failure.code, severity: 'error', message: s.failure.message, ...(s.failure.hint ? { hint: s.failure.hint } : {}) });
    return {
      id: f.id,
      fingerprint: f.fingerprint,
      vmcore: f.vmcore,
      vmlinux: f.vmlinux,
      host: f.host,
      state: s.state,
      message,
      crashPath: f.crashPath,
      crashVersion: f.crashVersion,
      release: f.release,
      degraded: s.degraded,
      ...(s.startOptions.length ? { startOptions: [...s.startOptions], limits: s.limits } : {}),
      startupWarnings: s.startupWarnings,
      diagnoses,
      completeness: this.completeness(),
      shellEnabled: this.shellEnabled,
      startedAt: this.startedAt,
      ...(drgn ? { drgn } : {}),
    };
  }

  /** Whether the dump holds every task: the bundle's record for a case, else the session's own check. */
  completeness(): DumpCompleteness {
    return this.facts.completeness ?? this.session.completeness;
  }

  /**
   * Run a command line (already allowlisted) and shape the contract's response. While crash is
   * starting or cannot start, drgn answers the guided commands it covers; the console (`crashOnly`)
   * is always crash's. When drgn fails, crash's answer (or error) stands, with drgn's reason.
   */
  async run(command: string, options: { crashOnly?: boolean } = {}): Promise<CommandResponse> {
    let drgnFailure: string | null = null;
    if (!options.crashOnly && this.drgn && this.drgnFirst(command)) {
      const d = await this.drgn.answer(command);
      if (d && 'answer' in d) return this.drgnResponse(d.answer);
      if (d) drgnFailure = d.failed;
    }
    const result: CommandResult = await this.session.run(command).catch((err: unknown) => {
      throw this.withDrgnScope(err, command, options.crashOnly === true, drgnFailure);
    });
    if (drgnFailure) result.diagnoses.push({ code: 'drgn-failed', severity: 'warning', message: `drgn could not answer "${command}" (${drgnFailure}); this is crash's answer` });
    let parsed = null;
    try {
      parsed = parseCommandOutput(result.command, result.raw);
    } catch (err) {
      parsed = null;
      result.diagnoses.push({ code: 'parse-failed', severity: 'warning', message: `the ${result.command} parser failed: ${(err as Error).message}` });
    }
    const response: CommandResponse = {
      sessionId: this.facts.id,
      command: result.command,
      raw: result.raw,
      durationMs: result.durationMs,
      warnings: result.warnings,
      parsed,
      crashVersion: this.facts.crashVersion,
      at: Date.now(),
      diagnoses: result.diagnoses,
      completeness: result.completeness ?? this.completeness(),
      engine: 'crash',
      ...(this.facts.crashVersion ? { engineVersion: this.facts.crashVersion } : {}),
    };
    if (result.error !== undefined) response.error = result.error;
    return response;
  }

  /**
   * Ask drgn before crash: crash is starting or cannot start, or crash was started without what
   * the command needs (its start-up options' limits: no slab caches, no module list, or with
   * --no_modules stacks whose module frames stay unnamed).
   */
  private drgnFirst(command: string): boolean {
    if (drgnFirstStates.has(this.session.state)) return true;
    const line = command.trim().replace(/\s+/g, ' ');
    const covers = (c: string): boolean => line === c || line.startsWith(`${c} `);
    const limits = this.session.limits;
    return limits.some((l) => l.commands.some(covers)) || (limits.some((l) => l.option === 'no_modules') && covers('bt'));
  }

  /** crash's refusal of a command, saying what drgn does and does not answer when drgn is there. */
  private withDrgnScope(err: unknown, command: string, crashOnly: boolean, drgnFailure: string | null): unknown {
    const drgn = this.drgn?.info;
    if (!(err instanceof ApiError) || this.session.state !== 'failed' || !drgn || !this.drgn?.usable) return err;
    // While drgn is still loading its version is not known yet.
    const name = drgn.version ? `drgn ${drgn.version}` : 'drgn';
    const why = crashOnly
      ? 'the console is crash\'s; drgn answers the views it covers, not typed commands'
      : drgnFailure
        ? `${name} could not answer it either (${drgnFailure})`
        : `${name} does not answer "${command}" (it answers ${drgnCovers})`;
    return new ApiError(err.code, `"${command}" needs crash: ${err.message}; ${why}`, err.hint);
  }

  /** drgn's answer in the contract's shape: no raw text (the model is the answer), engine named. */
  private drgnResponse(a: DrgnCommandAnswer): CommandResponse {
    return {
      sessionId: this.facts.id,
      command: a.command,
      raw: '',
      durationMs: a.durationMs,
      warnings: [],
      parsed: a.parsed,
      crashVersion: null,
      at: Date.now(),
      diagnoses: [...a.parsed.diagnostics],
      completeness: this.completeness(),
      engine: 'drgn',
      engineVersion: a.drgnVersion,
    };
  }

  /** Cancel what is running: crash's command, else the question drgn is answering. */
  cancel(): boolean {
    return this.session.cancel() || (this.drgn?.cancel() ?? false);
  }

  /** Stop everything this session holds. */
  async close(): Promise<void> {
    this.stopTicking();
    await Promise.all([this.session.close(), this.drgn?.close()]);
  }
}

/** The record for an id, or 'not-found'. */
export function getRecord(sessions: Map<string, SessionRecord>, id: string): SessionRecord {
  const r = sessions.get(id);
  if (!r) throw new ApiError('not-found', `no open session ${id}`, 'Open the dump again.');
  return r;
}
