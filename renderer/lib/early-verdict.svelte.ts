/**
 * The verdict that arrives first: the dump's own facts, kernel log and log-based triage
 * (dump.identify, milliseconds, no crash needed), cache first from IndexedDB; then, once crash's
 * results are in, crash's verdict (analyze.triageRaw) and where the two differ (analyze.compare).
 * Node computes all three; this class only holds them for the views.
 */
import type { ApiErrorShape, Result, SessionInfo, TriageReportShape } from '../../electron/api/contract.ts';
import { toErrorShape, type RendererApi } from './api.ts';
import { storeEarly, type CrashdeckDb, type DumpRecord } from './db.ts';

/** dump.identify's answer. */
export type DumpIdentifyResult = Result<'dump.identify'>;

/** Where the verdict on screen stands. */
export type VerdictBasis = 'log' | 'confirmed' | 'corrected';

/** Session diagnoses that mean crash cannot run on this dump (what SymbolsMissingPanel explains). */
export const unavailableCodes = ['symbols-missing', 'crash-missing'] as const;

/** The early (log) verdict of one dump and its later confirmation by crash. */
export class EarlyVerdict {
  status = $state<'loading' | 'ready' | 'error'>('loading');
  data = $state.raw<DumpIdentifyResult | null>(null);
  error = $state<ApiErrorShape | null>(null);
  /** When the identify answer was read (ms since epoch). */
  at = $state(0);
  fromCache = $state(false);
  /** crash's verdict over its own results, once they are all in. */
  crash = $state.raw<TriageReportShape | null>(null);
  /** Differences between the two verdicts (empty: crash confirmed the log's verdict). */
  differences = $state.raw<string[] | null>(null);
  confirming = $state(false);
  confirmError = $state<string | null>(null);
  #confirmedFrom = '';

  constructor(
    private readonly api: RendererApi,
    private readonly db: CrashdeckDb | null,
  ) {}

  /** The log-based report, when the log could be read. */
  get report(): TriageReportShape | null {
    return this.data?.report ?? null;
  }

  /** log: not (yet) checked by crash; confirmed / corrected once crash's verdict is compared. */
  get basis(): VerdictBasis {
    if (this.differences === null) return 'log';
    return this.differences.length === 0 ? 'confirmed' : 'corrected';
  }

  /** Cached answer first, then dump.identify through the session (or the local path), or the answer already asked for. */
  async load(dump: DumpRecord, session: SessionInfo | null, asked: Promise<DumpIdentifyResult> | null = null, stored: Promise<unknown> | null = null): Promise<void> {
    await Promise.resolve();
    this.adoptCached(dump);
    const params = session && session.source !== 'case' && session.state !== 'closed'
      ? { sessionId: session.id }
      : dump.host === 'local' && !dump.vmcore.endsWith('.crashcase') ? { vmcore: dump.vmcore } : null;
    const answer = asked ?? (params ? this.api.call('dump.identify', params) : null);
    if (!answer) {
      if (!dump.early) {
        this.error = { code: 'not-found', message: 'The kernel log of this dump has not been read yet, and no session can read it now.', hint: 'Open the dump itself (not only its cached results).' };
        this.status = 'error';
      }
      return;
    }
    try {
      const result = await answer;
      this.data = result;
      this.at = Date.now();
      this.fromCache = false;
      this.error = null;
      this.status = 'ready';
      // After the dump's record is stored: the answer is kept beside it.
      const db = this.db;
      if (db) await Promise.resolve(stored).then(() => storeEarly(db, dump.fingerprint, result, this.at)).catch(() => undefined);
    } catch (err) {
      // A cached answer stays on screen; the error is shown only when there is nothing else.
      this.error = toErrorShape(err);
      if (!this.data) this.status = 'error';
    }
  }

  /** The dump's cached answer, unless an answer is already on screen (the stored record may come after the first paint). */
  adoptCached(dump: DumpRecord): void {
    if (this.status === 'ready' || !dump.early) return;
    this.data = dump.early.result;
    this.at = dump.early.at;
    this.fromCache = true;
    this.error = null;
    this.status = 'ready';
  }

  /**
   * crash's verdict over its results (the OOM wizard's commands) and its comparison with the log's.
   * Runs once per distinct set of results.
   */
  async confirm(results: Array<{ command: string; raw: string }>): Promise<void> {
    const key = results.map((r) => `${r.command}\u0000${r.raw.length}`).join('\u0001');
    if (this.confirming || key === this.#confirmedFrom) return;
    this.#confirmedFrom = key;
    this.confirming = true;
    try {
      const crash = await this.api.call('analyze.triageRaw', { results });
      this.crash = crash;
      const log = this.report;
      this.differences = log ? (await this.api.call('analyze.compare', { log, crash })).differences : null;
      this.confirmError = null;
    } catch (err) {
      this.confirmError = err instanceof Error ? err.message : String(err);
    } finally {
      this.confirming = false;
    }
  }
}
