/**
 * A `.crashcase` opened as a read-only session. It is a SessionRecord (so session.run, console,
 * info, list, close and analyze.triage work unchanged) whose crash is replaced by the bundle:
 * commands the bundle holds are answered from it — parsed again when this build's parser is
 * newer than the one that wrote the bundle — and any other command is refused with a clear
 * message telling the user to attach the dump.
 */
import { ApiError, type CommandResponse, type SessionInfo } from '../api/contract.ts';
import type { EventBus } from '../api/handlers.ts';
import { SessionRecord } from '../crash/session-record.ts';
import { CrashlessSession } from '../crash/crashless-session.ts';
import { parseCommandOutput } from '../parse/index.ts';
import type { Transport } from '../transport/types.ts';
import type { CaseBundle, CaseResult } from './case-types.ts';
import { caseCompleteness } from './case-facts.ts';

/** Command lines compare with collapsed whitespace ("kmem  -s" is "kmem -s"). */
export function normalizeCommand(command: string): string {
  return command.trim().replace(/\s+/g, ' ');
}

/** The session record of an opened case. */
export class CaseSessionRecord extends SessionRecord {
  private readonly byCommand = new Map<string, CaseResult>();

  constructor(
    readonly bundle: CaseBundle,
    readonly casePath: string,
    id: string,
    transport: Transport,
    bus: EventBus,
  ) {
    super(
      {
        id,
        fingerprint: bundle.dump.fingerprint,
        vmcore: casePath,
        vmlinux: null,
        host: bundle.dump.host,
        crashPath: '',
        crashVersion: bundle.dump.crashVersion,
        release: bundle.dump.release,
        openDiagnoses: bundle.dump.diagnoses,
        ...(caseCompleteness(bundle) ? { completeness: caseCompleteness(bundle) } : {}),
      },
      new CrashlessSession(transport, casePath, {
        state: 'ready',
        message: 'read-only case',
        closedMessage: 'case closed',
        refuse: (command) => new ApiError('refused', `"${command}" cannot run: this session is a read-only case without crash`),
      }),
      transport,
      bus,
    );
    for (const r of bundle.results) this.byCommand.set(normalizeCommand(r.command), r);
  }

  /** The command lines the case can answer. */
  commands(): string[] {
    return [...this.byCommand.keys()];
  }

  /** The trace files the bundle carries: their bundle names and sizes. */
  traceFileList(): Array<{ name: string; bytes: number }> {
    return Object.entries(this.bundle.traceFiles ?? {}).map(([name, b]) => ({ name, bytes: b.byteLength }));
  }

  /** A bundled trace file's bytes by its exact bundle name, or null (own keys only: "__proto__" is no file). */
  traceFile(name: string): Uint8Array | null {
    const files = this.bundle.traceFiles;
    return files && Object.hasOwn(files, name) ? files[name]! : null;
  }

  override startInBackground(): void {
    // Nothing to start: the bundle is already in memory.
  }

  override info(): SessionInfo {
    const base = super.info();
    const d = this.bundle.dump;
    const closed = this.session.state === 'closed';
    return {
      ...base,
      state: closed ? 'closed' : 'ready',
      message: closed
        ? 'case closed'
        : `Written ${this.bundle.manifest.createdAt} by crashdeck ${this.bundle.manifest.appVersion}: ${this.byCommand.size} command results, no crash running. Attach the dump to run other commands.`,
      degraded: d.degraded,
      startupWarnings: d.startupWarnings,
      source: 'case',
      readOnly: true,
    };
  }

  override run(command: string): Promise<CommandResponse> {
    const key = normalizeCommand(command);
    const r = this.byCommand.get(key);
    if (!r) {
      return Promise.reject(
        new ApiError(
          'refused',
          `"${key}" is not in this case: it was exported without that command's output, and a case opens without crash or the vmcore`,
          'Attach the dump (its vmcore and vmlinux) to continue the analysis with crash; the case holds: ' + this.commands().slice(0, 30).join(', '),
        ),
      );
    }
    // drgn's answer has no raw text to parse again: its model is the answer.
    const fresh = r.engine === 'drgn' ? null : parseCommandOutput(r.command, r.raw);
    const parsed = r.parsed && (!fresh || r.parsed.parserVersion >= fresh.parserVersion) ? r.parsed : fresh;
    const response: CommandResponse = {
      sessionId: this.facts.id,
      command: r.command,
      raw: r.raw,
      durationMs: r.durationMs,
      warnings: r.warnings,
      parsed,
      crashVersion: r.crashVersion,
      at: r.at,
      diagnoses: r.diagnoses,
      completeness: this.completeness(),
      ...(r.engine ? { engine: r.engine } : {}),
      ...(r.engineVersion ? { engineVersion: r.engineVersion } : {}),
    };
    if (r.error !== null) response.error = r.error;
    return Promise.resolve(response);
  }
}
