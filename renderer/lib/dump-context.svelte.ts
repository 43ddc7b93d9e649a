/**
 * One dump on screen: its live crash session (if any) and every command result the views asked
 * for, cache first. A result comes from IndexedDB at once when known (with its age), is re-parsed
 * through the Api when its parser version is stale, and is run on crash only when missing or when
 * the user refreshes. Views read `result(cmd)`; they never talk to the Api or the cache directly.
 */
import type { ApiErrorShape, GuidedCommand, SessionInfo } from '../../electron/api/contract.ts';
import { toErrorShape, type RendererApi } from './api.ts';
import { cacheResponse } from './result-cache.ts';
import { getResult, markVisited, type CrashdeckDb, type DumpRecord, type ResultRecord } from './db.ts';
import { EarlyVerdict, type DumpIdentifyResult } from './early-verdict.svelte.ts';

/** The command line a guided command runs as ("vm 251"); also the cache key. */
export function commandKey(cmd: GuidedCommand): string {
  return cmd.arg ? `${cmd.id} ${cmd.arg}` : cmd.id;
}

/** Where a result stands; views render each state (never a blank panel). */
export type ResultStatus = 'loading' | 'ready' | 'error';

/** A reactive command result for views. */
export class ResultEntry {
  status = $state<ResultStatus>('loading');
  // Raw: a record is replaced whole, never mutated, and a deep proxy over 100,000 parsed tasks
  // would make every sort and filter several times slower.
  record = $state.raw<ResultRecord | null>(null);
  error = $state<ApiErrorShape | null>(null);
  /** True when `record` came from IndexedDB rather than this session's crash. */
  fromCache = $state(false);
  /** A run on crash is in flight (first load or refresh). */
  running = $state(false);
  runStartedAt = $state(0);
  /** Set when the cached parse was replaced by a newer parser's output. */
  reparsed = $state(false);
  /** drgn's earlier answer, kept when crash answered the same command later (the frame compares them). */
  drgnRecord = $state.raw<ResultRecord | null>(null);

  constructor(readonly command: GuidedCommand) {}

  get key(): string {
    return commandKey(this.command);
  }
}

const liveStates = new Set(['starting', 'ready', 'busy', 'restarting']);
const crashReadyStates = new Set(['ready', 'busy']);
const drgnLiveStates = new Set(['starting', 'ready']);

/** A dump being looked at, with or without a running crash. */
export class DumpContext {
  dump = $state<DumpRecord>() as DumpRecord;
  session = $state<SessionInfo | null>(null);
  // Plain collections on purpose: views create entries while deriving, and each entry is itself
  // reactive, so the index must not be a reactive source.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #entries = new Map<string, ResultEntry>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #reparsedKeys = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #rerunForCrash = new Set<string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #refetchedDrgn = new Set<string>();
  /** The dump's own kernel log and its verdict, before (or without) crash. */
  readonly early: EarlyVerdict;

  constructor(
    private readonly api: RendererApi,
    private readonly db: CrashdeckDb | null,
    dump: DumpRecord,
    session: SessionInfo | null,
    /** dump.identify already asked for this session (the shell asks before IndexedDB answers). */
    identify: Promise<DumpIdentifyResult> | null = null,
    /** The dump's stored record, when `dump` stands in for it until IndexedDB has answered. */
    stored: Promise<DumpRecord> | null = null,
  ) {
    this.dump = dump;
    this.session = session;
    this.early = new EarlyVerdict(api, db);
    void this.early.load(dump, session, identify, stored);
    if (stored) void stored.then((rec) => this.#adopt(rec));
  }

  /** The stored record is in: keep it (with views visited meanwhile) and its cached verdict if none came. */
  #adopt(rec: DumpRecord): void {
    const visited = [...rec.visitedViews, ...this.dump.visitedViews.filter((v) => !rec.visitedViews.includes(v))];
    this.dump = { ...rec, visitedViews: visited };
    this.early.adoptCached(rec);
  }

  get fingerprint(): string {
    return this.dump.fingerprint;
  }

  /** The Api link, for views that call more than session.run (the Report view's export and case attach). */
  get apiClient(): RendererApi {
    return this.api;
  }

  /** The IndexedDB cache, when there is one (annotations live there beside the results). */
  get cache(): CrashdeckDb | null {
    return this.db;
  }

  /**
   * A session for this dump can compute missing results: crash is running or starting, or drgn
   * answers beside a crash that cannot start (then the commands drgn does not cover say why not).
   */
  get live(): boolean {
    return this.session !== null && (liveStates.has(this.session.state) || this.drgnAnswers);
  }

  /** crash itself is running or starting (typed console lines wait for it). */
  get crashLive(): boolean {
    return this.session !== null && liveStates.has(this.session.state);
  }

  /** crash itself is ready for commands (the console needs it). */
  get crashReady(): boolean {
    return this.session !== null && crashReadyStates.has(this.session.state);
  }

  /** drgn is loading or has loaded the dump beside crash. */
  get drgnAnswers(): boolean {
    const d = this.session?.drgn;
    return !!d && this.session?.state !== 'closed' && drgnLiveStates.has(d.state);
  }

  /** The engine a command the views ask now goes to first: crash when ready, else drgn when it answers. */
  get answeringEngine(): 'crash' | 'drgn' {
    return !this.crashReady && this.drgnAnswers ? 'drgn' : 'crash';
  }

  /** The result of a command, loading it (cache first) on first use. */
  result(cmd: GuidedCommand): ResultEntry {
    const key = commandKey(cmd);
    let e = this.#entries.get(key);
    if (!e) {
      e = new ResultEntry(cmd);
      this.#entries.set(key, e);
      void this.#load(e);
    }
    return e;
  }

  /** Run the command on crash again, replacing the cached result when it succeeds. */
  async refresh(cmd: GuidedCommand): Promise<void> {
    const e = this.result(cmd);
    await this.#run(e);
  }

  /** Ask crash to stop the command in flight. */
  async cancel(): Promise<void> {
    if (!this.session) return;
    try {
      await this.api.call('session.cancel', { sessionId: this.session.id });
    } catch {
      // The run itself reports the outcome.
    }
  }

  /** Note a visited view (so an offline reopen can list what is cached). */
  async visit(view: string): Promise<void> {
    if (!this.db || this.dump.visitedViews.includes(view)) return;
    this.dump.visitedViews = [...this.dump.visitedViews, view];
    try {
      await markVisited(this.db, this.fingerprint, view);
    } catch {
      // Cache unavailable: the view still works live.
    }
  }

  /**
   * A session for this dump came (back): retry results that failed for want of one, and re-run
   * cached results another crash version produced (a too-old crash's output is not worth keeping
   * on screen once a better crash runs).
   */
  attach(session: SessionInfo): void {
    const wasLive = this.live;
    this.session = session;
    if (!wasLive && this.live) {
      for (const e of this.#entries.values()) if (e.status === 'error') void this.#load(e);
      if (this.early.status === 'error') void this.early.load(this.dump, session);
    }
    for (const e of this.#entries.values()) if (this.#otherCrash(e) || this.#crashAfterDrgn(e)) void this.#run(e);
  }

  /** crash is ready and this result is drgn's: ask crash too (once), so the two can be compared. */
  #crashAfterDrgn(e: ResultEntry): boolean {
    if (!this.crashReady || e.running || e.record?.engine !== 'drgn') return false;
    if (this.#rerunForCrash.has(e.key)) return false;
    this.#rerunForCrash.add(e.key);
    return true;
  }

  #otherCrash(e: ResultEntry): boolean {
    const now = this.session?.crashVersion;
    if (!(this.live && !e.running && e.fromCache && !!now && !!e.record?.crashVersion && e.record.crashVersion !== now)) return false;
    // Once per result: a failing re-run must not repeat on every session.state event.
    if (this.#rerunForCrash.has(e.key)) return false;
    this.#rerunForCrash.add(e.key);
    return true;
  }

  async #load(e: ResultEntry): Promise<void> {
    // Never write state in the same tick as the view's $derived that created the entry.
    await Promise.resolve();
    let cached: ResultRecord | undefined;
    if (this.db) {
      try {
        cached = await getResult(this.db, this.fingerprint, e.key);
      } catch {
        cached = undefined;
      }
    }
    if (cached) {
      e.record = cached;
      e.fromCache = true;
      e.error = null;
      e.status = 'ready';
      if (this.#otherCrash(e) || this.#crashAfterDrgn(e)) void this.#run(e);
      else if (cached.engine === 'drgn') this.#refetchDrgn(e);
      else void this.#reparseIfStale(e, cached);
      return;
    }
    await this.#run(e);
  }

  async #run(e: ResultEntry): Promise<void> {
    if (!this.live || !this.session) {
      if (!e.record) {
        e.error = {
          code: 'not-found',
          message: `No cached "${e.key}" for this dump, and no crash session is running to produce it.`,
          hint: 'Start a crash session for this dump (the button in the header), then this view fills in.',
        };
        e.status = 'error';
      }
      return;
    }
    e.running = true;
    e.runStartedAt = Date.now();
    if (!e.record) e.status = 'loading';
    const before = e.record;
    try {
      const resp = await this.api.call('session.run', { sessionId: this.session.id, command: e.command });
      e.record = await cacheResponse(this.db, this.fingerprint, e.key, resp);
      if (before?.engine === 'drgn' && e.record.engine !== 'drgn') e.drgnRecord = before;
      e.fromCache = false;
      e.error = null;
      e.status = 'ready';
    } catch (err) {
      // Keep an older result on screen (with its age) when a refresh fails; say why beside it.
      e.error = toErrorShape(err);
      if (!e.record) e.status = 'error';
    } finally {
      e.running = false;
    }
  }

  /** A cached drgn answer has no raw text to re-parse: ask the session again instead (once). */
  #refetchDrgn(e: ResultEntry): void {
    if (!this.live || this.#refetchedDrgn.has(e.key)) return;
    this.#refetchedDrgn.add(e.key);
    void this.#run(e);
  }

  /** Re-parse cached raw text when the Api's parser is newer than the one that produced it. */
  async #reparseIfStale(e: ResultEntry, cached: ResultRecord): Promise<void> {
    if (cached.engine === 'drgn' || this.#reparsedKeys.has(e.key) || this.api.connection !== 'open') return;
    this.#reparsedKeys.add(e.key);
    try {
      const parsed = await this.api.call('parse.reparse', { command: e.key, raw: cached.raw });
      if (!parsed) return;
      if (cached.parsed && parsed.parserVersion <= cached.parsed.parserVersion) return;
      const rec = { ...cached, parsed, parserVersion: parsed.parserVersion };
      e.record = rec;
      e.reparsed = true;
      if (this.db) await this.db.results.put(rec);
    } catch {
      // Offline or no parser: the cached parse stays.
    }
  }
}
