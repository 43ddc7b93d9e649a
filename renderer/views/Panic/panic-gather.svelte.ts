/**
 * crash's panic verdict for one dump, gathered the way the Panic view and the Overview's first
 * screen both need it: the panic commands (cache first, on crash when missing), then the
 * follow-ups Node asks for round by round (a blocked task's stack words → the lock → its owner →
 * the owner's stack), then analyze.triageRaw over all of it. Create it in a component's script
 * (it runs an effect there); the results are shared with every view through the dump context.
 */
import type { GuidedCommand } from '../../../electron/api/contract.ts';
import type { TriageReport } from '../../../electron/api/triage-report.ts';
import type { BtModel, LogModel } from '../../../electron/parse/models.ts';
import type { DumpContext, ResultEntry } from '../../lib/dump-context.svelte.ts';
import { heldResult } from '../../lib/result-cache.ts';
import { dumpDir, followUpRaw, maxFollowUpRounds, newFollowUps, panicCommands } from './panic-model.ts';

export class PanicGather {
  /** The follow-up commands Node asked for so far. */
  followUps = $state<GuidedCommand[]>([]);
  report = $state.raw<TriageReport | null>(null);
  failure = $state<string | null>(null);
  computing = $state(false);
  #round = 0;

  readonly base: ResultEntry[] = $derived(panicCommands.map((id) => this.ctx().result({ id })));
  readonly extra: ResultEntry[] = $derived(this.followUps.map((c) => this.ctx().result(c)));
  readonly entries: ResultEntry[] = $derived([...this.base, ...this.extra]);
  readonly pending: number = $derived(this.entries.filter((e) => e.status === 'loading').length);
  readonly failed: ResultEntry[] = $derived(this.base.filter((e) => e.status === 'error' && e.error));

  constructor(private readonly ctx: () => DumpContext, enabled: () => boolean = () => true) {
    $effect(() => {
      if (!enabled() || this.pending > 0 || this.computing || this.report || this.failure) return;
      void this.#step();
    });
  }

  #gathered(): Array<{ command: string; raw: string }> {
    return [
      ...this.base.filter((e) => e.record).map((e) => heldResult(e.key, e.record!)),
      // drgn's follow-up answers are models (no text): handed over as such, like the commands above.
      ...this.extra.filter((e) => e.record).map((e) => ({ ...heldResult(e.key, e.record!), raw: followUpRaw(e.record!) })),
      // A follow-up that could not run says why, so the verdict can name what is missing.
      ...this.extra.filter((e) => !e.record && e.status === 'error').map((e) => ({ command: e.key, raw: `error: ${e.error?.message ?? 'no result'}` })),
    ];
  }

  /** Ask Node which follow-ups the verdict still needs and run them, or, when none, for the verdict. */
  async #step(): Promise<void> {
    const results = this.#gathered();
    const moduleDir = dumpDir(this.ctx().dump.vmcore);
    // What the session cannot read (e.g. crash started with --no_modules): the verdict says so instead of guessing.
    const limits = this.ctx().session?.limits ?? [];
    const params = { results, ...(moduleDir ? { moduleDir } : {}), ...(limits.length ? { limits } : {}) };
    const api = this.ctx().apiClient;
    this.computing = true;
    try {
      if (this.#round < maxFollowUpRounds) {
        this.#round++;
        const more = newFollowUps(this.followUps, await api.call('analyze.followUps', params));
        if (more.length) {
          this.followUps = [...this.followUps, ...more];
          return;
        }
      }
      this.report = await api.call('analyze.triageRaw', params);
      this.failure = null;
    } catch (err) {
      this.failure = err instanceof Error ? err.message : String(err);
    } finally {
      this.computing = false;
    }
  }

  /** A gathered command's parsed model (fields only ever added: read as optional). */
  modelOf<T>(key: string): Partial<T> | null {
    const e = this.entries.find((x) => x.key === key);
    return (e?.record?.parsed?.model ?? null) as Partial<T> | null;
  }

  get log(): Partial<LogModel> | null {
    return this.modelOf<LogModel>('log');
  }

  get bt(): Partial<BtModel> | null {
    return this.modelOf<BtModel>('bt');
  }
}
