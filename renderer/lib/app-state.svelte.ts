/**
 * The shell's state: the Api link, the sessions the host has, the dumps the cache knows, and
 * the dump on screen. On load it asks `session.list`; a running session is shown at once,
 * otherwise the Open form and the cached dumps are offered.
 */
import type { ApiErrorShape, EventPayload, SessionInfo } from '../../electron/api/contract.ts';
import type { BootData } from '../../electron/api/wire.ts';
import { toErrorShape, type ConnectionState, type RendererApi } from './api.ts';
import { touchDump, type CrashdeckDb, type DumpRecord } from './db.ts';
import { DumpContext } from './dump-context.svelte.ts';
import type { DumpIdentifyResult } from './early-verdict.svelte.ts';

/** What the Open form sends. */
export interface OpenRequest {
  vmcore: string;
  vmlinux?: string;
  /** ssh://user@host:port (or an ssh alias): the dump and vmlinux paths are on that host. */
  host?: string;
}

/** App-wide reactive state; one instance, created in main.ts. */
export class AppState {
  connection = $state<ConnectionState>('connecting');
  sessions = $state<SessionInfo[]>([]);
  recentDumps = $state<DumpRecord[]>([]);
  context = $state<DumpContext | null>(null);
  /** The first `session.list` answered (or failed): before that the shell shows a loading line. */
  loaded = $state(false);
  loadError = $state<ApiErrorShape | null>(null);
  openError = $state<ApiErrorShape | null>(null);
  opening = $state(false);
  /** SSH questions (passphrase, password, keyboard-interactive) waiting for the user, oldest first. */
  sshPrompts = $state<EventPayload<'ssh.prompt'>[]>([]);

  /** The serve host's snapshot from index.html (sessions, identify answers), used once on load. */
  #boot: BootData | null;

  constructor(
    readonly api: RendererApi,
    readonly db: CrashdeckDb | null,
    boot: BootData | null = null,
  ) {
    this.#boot = boot;
    this.connection = api.connection;
    api.onConnection((s) => {
      const reconnected = s === 'open' && this.connection === 'reconnecting' && this.loaded;
      this.connection = s;
      if (reconnected) void this.refreshSessions();
    });
    api.on('session.state', (info) => this.#onSessionState(info));
    api.on('ssh.prompt', (p) => {
      this.sshPrompts = [...this.sshPrompts, p];
    });
  }

  /** Answer (or cancel with null) an SSH question; the answer goes to the login and nowhere else. */
  async answerSshPrompt(id: string, answer: string | null): Promise<void> {
    this.sshPrompts = this.sshPrompts.filter((p) => p.id !== id);
    await this.api.call('ssh.answer', { id, answer });
  }

  /** First load: sessions from the host, recent dumps from the cache. */
  async init(): Promise<void> {
    const recent = this.refreshRecent();
    if (this.#boot) {
      // The host's snapshot shows the dump now; session.list (once the socket is open) brings
      // whatever changed since, as after a reconnect.
      this.sessions = this.#boot.sessions;
      void this.refreshSessions();
    } else {
      await this.refreshSessions();
    }
    // A running session is shown before IndexedDB has answered: its verdict is what the user waits for.
    const s = newestLive(this.sessions);
    if (!this.context && s) {
      this.loaded = true;
      await this.showSession(s);
    }
    await recent;
    this.loaded = true;
  }

  async refreshSessions(): Promise<void> {
    try {
      this.sessions = await this.api.call('session.list', {});
      this.loadError = null;
      const ctx = this.context;
      if (ctx) {
        const mine = this.sessions.find((s) => s.fingerprint === ctx.fingerprint && s.state !== 'closed');
        if (mine) ctx.attach(mine);
        else if (ctx.session) ctx.session = { ...ctx.session, state: 'closed', message: 'The crash session is gone (the host restarted).' };
      }
    } catch (err) {
      this.loadError = toErrorShape(err);
    }
  }

  async refreshRecent(): Promise<void> {
    if (!this.db) return;
    try {
      this.recentDumps = await this.db.dumps.orderBy('lastOpened').reverse().toArray();
    } catch {
      this.recentDumps = [];
    }
  }

  /** Start crash on a dump; the session comes back 'starting' and its progress arrives as events. */
  async open(req: OpenRequest): Promise<void> {
    this.opening = true;
    this.openError = null;
    try {
      const params = { vmcore: req.vmcore, ...(req.vmlinux ? { vmlinux: req.vmlinux } : {}), ...(req.host ? { host: req.host } : {}) };
      // A .crashcase (issue 9) opens read-only from its bundle, without crash.
      const info = !req.host && req.vmcore.trim().endsWith('.crashcase') ? await this.api.call('case.open', { path: req.vmcore.trim() }) : await this.api.call('session.open', params);
      this.#upsert(info);
      await this.showSession(info);
    } catch (err) {
      this.openError = toErrorShape(err);
    } finally {
      this.opening = false;
    }
  }

  /** Put a session's dump on screen (cached results first). */
  async showSession(info: SessionInfo): Promise<void> {
    const remembered = this.#remember(info);
    if (this.context?.fingerprint === info.fingerprint) {
      await remembered;
      this.context.attach(info);
      return;
    }
    // On screen at once: a first open must not wait for IndexedDB (creating the database of a
    // fresh profile costs a few hundred ms); the stored record replaces this one when it is in.
    const ctx = new DumpContext(this.api, this.db, newRecord(info), info, this.#askIdentify(info), remembered);
    this.context = ctx;
    await remembered;
  }

  /** dump.identify for a session's dump, asked at once (null: a case bundle has no dump to read). */
  #askIdentify(info: SessionInfo): Promise<DumpIdentifyResult> | null {
    if (info.source === 'case' || info.state === 'closed') return null;
    const early = this.#boot?.identify[info.id];
    if (early) {
      delete this.#boot?.identify[info.id];
      return Promise.resolve(early);
    }
    const p = this.api.call('dump.identify', { sessionId: info.id });
    p.catch(() => undefined); // EarlyVerdict reports the failure when it takes the answer
    return p;
  }

  /** Put a cached dump on screen without crash; a matching running session is attached if one exists. */
  showCached(dump: DumpRecord): void {
    const live = this.sessions.find((s) => s.fingerprint === dump.fingerprint && s.state !== 'closed' && s.state !== 'failed') ?? null;
    this.context = new DumpContext(this.api, this.db, dump, live);
  }

  /** Start a crash session for the cached dump on screen (same paths as last time). */
  async startSessionForCurrent(): Promise<void> {
    const ctx = this.context;
    if (!ctx) return;
    const params = ctx.dump.vmlinux ? { vmcore: ctx.dump.vmcore, vmlinux: ctx.dump.vmlinux } : { vmcore: ctx.dump.vmcore };
    this.opening = true;
    this.openError = null;
    try {
      // A dump first seen as a .crashcase has no vmcore here: reopen the case instead.
      const info = ctx.dump.vmcore.endsWith('.crashcase') ? await this.api.call('case.open', { path: ctx.dump.vmcore }) : await this.api.call('session.open', params);
      this.#upsert(info);
      if (info.fingerprint === ctx.fingerprint) ctx.attach(info);
      else await this.showSession(info);
    } catch (err) {
      this.openError = toErrorShape(err);
    } finally {
      this.opening = false;
    }
  }

  /** Back to the start screen (the session keeps running on the host). */
  closeDump(): void {
    this.context = null;
    void this.refreshRecent();
  }

  #onSessionState(info: SessionInfo): void {
    this.#upsert(info);
    const ctx = this.context;
    if (ctx && (ctx.session?.id === info.id || (info.fingerprint && ctx.fingerprint === info.fingerprint))) {
      ctx.attach(info);
      if (info.release && !ctx.dump.release) ctx.dump.release = info.release;
    }
  }

  #upsert(info: SessionInfo): void {
    const i = this.sessions.findIndex((s) => s.id === info.id);
    if (i >= 0) this.sessions[i] = info;
    else this.sessions = [...this.sessions, info];
  }

  async #remember(info: SessionInfo): Promise<DumpRecord> {
    if (this.db) {
      try {
        const rec = await touchDump(this.db, dumpFacts(info));
        void this.refreshRecent();
        return rec;
      } catch {
        // No IndexedDB (private window, quota): work live only.
      }
    }
    return newRecord(info);
  }
}

function dumpFacts(info: SessionInfo): Omit<DumpRecord, 'firstOpened' | 'lastOpened' | 'visitedViews'> {
  return { fingerprint: info.fingerprint, vmcore: info.vmcore, vmlinux: info.vmlinux, host: info.host, release: info.release, crashVersion: info.crashVersion };
}

/** The record of a dump opened for the first time (or without IndexedDB). */
function newRecord(info: SessionInfo, now = Date.now()): DumpRecord {
  return { ...dumpFacts(info), firstOpened: now, lastOpened: now, visitedViews: [] };
}

function newestLive(sessions: SessionInfo[]): SessionInfo | undefined {
  return sessions.filter((s) => s.state !== 'closed').sort((a, b) => b.startedAt - a.startedAt)[0];
}
