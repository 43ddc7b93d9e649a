/**
 * One open session as the Api sees it: the CrashSession plus what the UI shows about it
 * (fingerprint, release, shell switch) and the translation of its events into contract events.
 */
import { ApiError, type CommandResponse, type Diagnosis, type DumpCompleteness, type SessionInfo } from '../api/contract.ts';
import type { EventBus } from '../api/handlers.ts';
import type { CrashSession, CommandResult } from './session.ts';
import type { Transport } from '../transport/types.ts';
import { parseCommandOutput } from '../parse/index.ts';

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

  /** Begin starting crash in the background; state events report the outcome. */
  startInBackground(): void {
    this.startTicking();
    this.session.start().catch(() => {
      // The failure is the session state ('failed' + message); session.run rejects with it.
    });
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
    const diagnoses = [...f.openDiagnoses, ...s.diagnoses];
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
    };
  }

  /** Whether the dump holds every task: the bundle's record for a case, else the session's own check. */
  completeness(): DumpCompleteness {
    return this.facts.completeness ?? this.session.completeness;
  }

  /** Run a command line (already allowlisted) and shape the contract's response. */
  async run(command: string): Promise<CommandResponse> {
    const result: CommandResult = await this.session.run(command);
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
    };
    if (result.error !== undefined) response.error = result.error;
    return response;
  }

  /** Stop everything this session holds. */
  async close(): Promise<void> {
    this.stopTicking();
    await this.session.close();
  }
}

/** The record for an id, or 'not-found'. */
export function getRecord(sessions: Map<string, SessionRecord>, id: string): SessionRecord {
  const r = sessions.get(id);
  if (!r) throw new ApiError('not-found', `no open session ${id}`, 'Open the dump again.');
  return r;
}
