/**
 * The console's state for one dump: the transcript of lines run (kept in localStorage per dump),
 * each result cached in IndexedDB like the guided ones (same key: the command line, so a console
 * `sys` and the Overview's `sys` share one cached result), the command history, and the
 * session's shell toggle. One instance per dump for the page's lifetime, so leaving the view and
 * coming back keeps everything.
 */
import type { ApiErrorShape, SessionInfo } from '../../../electron/api/contract.ts';
import { toErrorShape, type RendererApi } from '../../lib/api.ts';
import { cacheResponse } from '../../lib/result-cache.ts';
import { getResult, type CrashdeckDb, type ResultRecord } from '../../lib/db.ts';
import type { DumpContext } from '../../lib/dump-context.svelte.ts';
import { CommandHistory } from './command-history.ts';

/** Where one console line stands. */
export type ConsoleStatus = 'running' | 'done' | 'refused' | 'error';

/** One line of the transcript. */
export class ConsoleEntry {
  status = $state<ConsoleStatus>('running');
  record = $state<ResultRecord | null>(null);
  error = $state<ApiErrorShape | null>(null);
  fromCache = $state(false);

  constructor(
    readonly id: number,
    readonly line: string,
    readonly at: number,
  ) {}
}

/** What is kept per line in localStorage (the output itself lives in IndexedDB). */
interface StoredLine {
  line: string;
  at: number;
  error?: ApiErrorShape;
}

const maxTranscript = 100;
const storageKey = (fp: string): string => `crashdeck.console.${fp}`;

/** Console state for one dump. */
export class ConsoleState {
  entries = $state<ConsoleEntry[]>([]);
  selectedId = $state<number | null>(null);
  /** A shell-toggle call failed: why. */
  shellError = $state<ApiErrorShape | null>(null);
  readonly history: CommandHistory;
  #nextId = 1;
  // Results of this page's runs when there is no IndexedDB (still shown, just not kept).
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #memory = new Map<string, ResultRecord>();

  constructor(
    private readonly api: RendererApi,
    private readonly db: CrashdeckDb | null,
    readonly fingerprint: string,
  ) {
    const stored = readStored(fingerprint);
    this.history = new CommandHistory(stored.map((s) => s.line));
    for (const s of stored) {
      const e = new ConsoleEntry(this.#nextId++, s.line, s.at);
      if (s.error) {
        e.error = s.error;
        e.status = s.error.code === 'refused' ? 'refused' : 'error';
      } else {
        e.fromCache = true;
        void this.#loadCached(e);
      }
      this.entries.push(e);
    }
    this.selectedId = this.entries[this.entries.length - 1]?.id ?? null;
  }

  get selected(): ConsoleEntry | null {
    return this.entries.find((e) => e.id === this.selectedId) ?? null;
  }

  /** Send one line to crash through the console allowlist (the host refuses what it must). */
  async run(line: string, session: SessionInfo | null): Promise<ConsoleEntry | null> {
    const t = line.trim();
    if (!t) return null;
    this.history.push(t);
    const e = new ConsoleEntry(this.#nextId++, t, Date.now());
    this.entries.push(e);
    if (this.entries.length > maxTranscript) this.entries.splice(0, this.entries.length - maxTranscript);
    this.selectedId = e.id;
    // Entries are class instances with their own $state fields: updating `live` re-renders the view.
    const live = e;
    if (!session) {
      live.error = { code: 'not-found', message: 'No crash session is running for this dump.', hint: 'Start a crash session (the button in the header); cached console results stay readable.' };
      live.status = 'error';
      this.#persist();
      return live;
    }
    try {
      const resp = await this.api.call('session.console', { sessionId: session.id, line: t });
      live.record = await cacheResponse(this.db, this.fingerprint, t, resp);
      this.#memory.set(t, live.record);
      live.status = 'done';
    } catch (err) {
      live.error = toErrorShape(err);
      live.status = live.error.code === 'refused' ? 'refused' : 'error';
    }
    this.#persist();
    return live;
  }

  /**
   * Show one line's output, cache first (a link that opens the Console with `run=1`): the
   * transcript's own entry, else the cached result, else run it on crash.
   */
  async show(line: string, session: SessionInfo | null): Promise<ConsoleEntry | null> {
    const t = line.trim();
    const known = [...this.entries].reverse().find((e) => e.line === t && (e.status === 'done' || e.status === 'running'));
    if (known) {
      this.selectedId = known.id;
      return known;
    }
    let rec: ResultRecord | undefined = this.#memory.get(t);
    if (!rec && this.db) rec = await getResult(this.db, this.fingerprint, t).catch(() => undefined);
    if (!rec) return this.run(t, session);
    const e = new ConsoleEntry(this.#nextId++, t, rec.at);
    e.record = rec;
    e.fromCache = true;
    e.status = 'done';
    this.entries.push(e);
    this.selectedId = e.id;
    this.#persist();
    return e;
  }

  /** Turn shell escapes on or off for the session; returns the session as the host now has it. */
  async setShell(session: SessionInfo, enabled: boolean): Promise<SessionInfo | null> {
    try {
      this.shellError = null;
      return await this.api.call('session.setShell', { sessionId: session.id, enabled });
    } catch (err) {
      this.shellError = toErrorShape(err);
      return null;
    }
  }

  /** Forget the transcript (the cached results stay, shared with the guided views). */
  clear(): void {
    this.entries = [];
    this.selectedId = null;
    this.#persist();
  }

  async #loadCached(e: ConsoleEntry): Promise<void> {
    await Promise.resolve();
    const live = e;
    let rec: ResultRecord | undefined = this.#memory.get(e.line);
    if (!rec && this.db) {
      try {
        rec = await getResult(this.db, this.fingerprint, e.line);
      } catch {
        rec = undefined;
      }
    }
    if (rec) {
      live.record = rec;
      live.status = 'done';
    } else {
      live.error = { code: 'not-found', message: `The output of "${e.line}" is no longer in the cache.`, hint: 'Run it again.' };
      live.status = 'error';
    }
  }

  #persist(): void {
    const lines: StoredLine[] = this.entries
      .filter((e) => e.status !== 'running' || e.record)
      .map((e) => (e.status === 'refused' && e.error ? { line: e.line, at: e.at, error: e.error } : { line: e.line, at: e.at }));
    try {
      localStorage.setItem(storageKey(this.fingerprint), JSON.stringify(lines));
    } catch {
      // Storage full or disabled: the transcript lasts for this page only.
    }
  }
}

function readStored(fp: string): StoredLine[] {
  try {
    const raw = localStorage.getItem(storageKey(fp));
    const v: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? v.filter((x): x is StoredLine => typeof x?.line === 'string' && typeof x?.at === 'number') : [];
  } catch {
    return [];
  }
}

// Not reactive on purpose: a lookup table of long-lived state objects, each reactive itself.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const states = new Map<string, ConsoleState>();

/** The console state of a dump, created on first use and kept while the page lives. */
export function consoleStateFor(ctx: DumpContext): ConsoleState {
  let s = states.get(ctx.fingerprint);
  if (!s) {
    s = new ConsoleState(ctx.apiClient, ctx.cache, ctx.fingerprint);
    states.set(ctx.fingerprint, s);
  }
  return s;
}
