/**
 * The annotations of one dump: Markdown notes with a tag on any view row, evidence item, wizard
 * step or trace span, kept in the Dexie `annotations` table keyed by the dump fingerprint (so
 * they survive reloads, app restarts and crash dying), in an order the user arranges in the
 * Report view. An opened case brings its notes along: they are merged in by uid, once.
 */
import type { CaseAnnotationShape } from '../../../electron/api/contract.ts';
import type { AnnotationRecord, CrashdeckDb } from '../../lib/db.ts';

/** Tags in the report's vocabulary. */
export const annotationTags = [
  { id: 'root-cause', label: 'Root cause' },
  { id: 'suspect', label: 'Suspect' },
  { id: 'ruled-out', label: 'Ruled out' },
  { id: 'question', label: 'Question' },
] as const;
export type AnnotationTag = (typeof annotationTags)[number]['id'];

/** What a note is attached to. */
export interface NoteTarget {
  view: string;
  rowKey: string;
  label: string;
}

/** An annotation as stored: the db's record plus the report's fields (not indexed, so no schema change). */
export type StoredAnnotation = AnnotationRecord & { uid: string; label: string; tag: AnnotationTag | null; order: number };

function newUid(): string {
  return globalThis.crypto?.randomUUID?.() ?? `n-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** A stored record as the contract's CaseAnnotation (for export). */
export function toCaseAnnotation(a: StoredAnnotation): CaseAnnotationShape {
  return { uid: a.uid, view: a.view, rowKey: a.rowKey, label: a.label, tag: a.tag, text: a.text, order: a.order, createdAt: a.createdAt, updatedAt: a.updatedAt };
}

/** Notes of one dump, reactive. Works without IndexedDB too (then only for this page). */
export class AnnotationStore {
  items = $state<StoredAnnotation[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Order writes still on their way to IndexedDB (the Report view says "Saving…" meanwhile). */
  saving = $state(0);
  /** Notes an opened case added to this browser's store (0 when they were all known). */
  caseImported = $state<number | null>(null);

  // Order writes are chained so a fast series of moves is stored in the order it was made.
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly fingerprint: string,
    private readonly db: CrashdeckDb | null,
  ) {}

  /** Notes in the user's order. */
  get ordered(): StoredAnnotation[] {
    return [...this.items].sort((a, b) => a.order - b.order || a.createdAt - b.createdAt);
  }

  /** Notes on one target. */
  on(view: string, rowKey: string): StoredAnnotation[] {
    return this.ordered.filter((a) => a.view === view && a.rowKey === rowKey);
  }

  async load(): Promise<void> {
    if (!this.db) {
      this.loaded = true;
      return;
    }
    try {
      const rows = (await this.db.annotations.where('fingerprint').equals(this.fingerprint).toArray()) as Array<Partial<StoredAnnotation> & AnnotationRecord>;
      // Records written before the report fields existed get them here.
      this.items = rows.map((r, i) => ({ ...r, uid: r.uid ?? newUid(), label: r.label ?? r.rowKey, tag: r.tag ?? null, order: r.order ?? i }));
      this.error = null;
    } catch (err) {
      this.error = `Notes could not be read from this browser's storage: ${(err as Error).message}`;
    } finally {
      this.loaded = true;
    }
  }

  async #put(a: StoredAnnotation): Promise<StoredAnnotation> {
    if (!this.db) return a;
    const id = await this.db.annotations.put($state.snapshot(a) as StoredAnnotation);
    return { ...a, id };
  }

  /** Add a note at the end of the report order. */
  async add(target: NoteTarget, text: string, tag: AnnotationTag | null, now = Date.now()): Promise<StoredAnnotation> {
    const order = this.items.reduce((m, a) => Math.max(m, a.order + 1), 0);
    const rec = await this.#put({ fingerprint: this.fingerprint, view: target.view, rowKey: target.rowKey, label: target.label, uid: newUid(), text, tag, order, createdAt: now, updatedAt: now });
    this.items = [...this.items, rec];
    return rec;
  }

  async update(uid: string, change: { text?: string; tag?: AnnotationTag | null }, now = Date.now()): Promise<void> {
    const old = this.items.find((a) => a.uid === uid);
    if (!old) return;
    const rec = await this.#put({ ...old, ...change, updatedAt: now });
    this.items = this.items.map((a) => (a.uid === uid ? rec : a));
  }

  async remove(uid: string): Promise<void> {
    const old = this.items.find((a) => a.uid === uid);
    if (!old) return;
    if (this.db && old.id !== undefined) await this.db.annotations.delete(old.id);
    this.items = this.items.filter((a) => a.uid !== uid);
  }

  /** Move a note one place up (-1) or down (+1) in the report order. */
  async move(uid: string, delta: -1 | 1): Promise<void> {
    const list = this.ordered;
    const i = list.findIndex((a) => a.uid === uid);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j] as StoredAnnotation, list[i] as StoredAnnotation];
    const renumbered = list.map((a, k) => ({ ...a, order: k }));
    // The screen follows at once (a second click acts on the new order); storage follows after.
    this.items = renumbered;
    if (this.db) {
      const db = this.db;
      const rows = renumbered.map((a) => $state.snapshot(a) as StoredAnnotation);
      this.saving++;
      this.#writes = this.#writes.then(() => db.transaction('rw', db.annotations, async () => {
        for (const a of rows) await db.annotations.put(a);
      })).catch((err: unknown) => {
        this.error = `The new order could not be saved: ${(err as Error).message}`;
      }).finally(() => {
        this.saving--;
      });
      await this.#writes;
    }
  }

  /** Merge notes from a case bundle: new uids are added, known ones left as the user has them. */
  async importCase(notes: readonly CaseAnnotationShape[]): Promise<number> {
    // A local lookup, not reactive state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const known = new Set(this.items.map((a) => a.uid));
    let added = 0;
    for (const n of notes) {
      if (known.has(n.uid)) continue;
      const rec = await this.#put({ ...n, fingerprint: this.fingerprint });
      this.items = [...this.items, rec];
      added++;
    }
    return added;
  }
}

const stores = new WeakMap<object, AnnotationStore>();

/** What the store needs from a dump context (DumpContext fits). */
export interface AnnotatedContext {
  fingerprint: string;
  cache: CrashdeckDb | null;
  session?: { id: string; source?: 'crash' | 'case' } | null;
  apiClient?: { call(method: 'case.contents', params: { sessionId: string }): Promise<{ annotations: CaseAnnotationShape[] }> };
}

/**
 * The store for a dump context (one per context, loaded once). When the context shows an opened
 * case, the case's notes are merged in as soon as any view asks, so they show on their rows.
 */
export function annotationsFor(ctx: AnnotatedContext): AnnotationStore {
  let s = stores.get(ctx);
  if (!s) {
    const store = new AnnotationStore(ctx.fingerprint, ctx.cache);
    stores.set(ctx, store);
    s = store;
    const session = ctx.session;
    const api = ctx.apiClient;
    void store.load().then(async () => {
      if (session?.source !== 'case' || !api) return;
      try {
        const c = await api.call('case.contents', { sessionId: session.id });
        store.caseImported = await store.importCase(c.annotations);
      } catch (err) {
        store.error = `The case's notes could not be read: ${(err as Error).message}`;
      }
    });
  }
  return s;
}
