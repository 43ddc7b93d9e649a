/**
 * One fleet run as the Dumps view sees it: the lines streaming in ('fleet.line'), grouped by the
 * bucket (signature) the host named, and the host's progress and bucket table ('fleet.state').
 * The renderer only arranges what the host decided; it never triages.
 */
import type { ApiErrorShape, EventPayload } from '../../../electron/api/contract.ts';
import type { Bucket } from '../../../electron/fleet/buckets.ts';
import type { FleetDumpLine, FleetProblemLine } from '../../../electron/fleet/lines.ts';
import { toErrorShape, type RendererApi } from '../../lib/api.ts';

/** How buckets and their dumps are ordered. */
export type FleetSort = 'count' | 'newest' | 'oldest';

/** A bucket with its dumps, as shown. */
export interface ShownBucket {
  signature: string;
  stats: Bucket | undefined;
  dumps: FleetDumpLine[];
}

const crashTime = (l: FleetDumpLine): string => l.fleet.crashTime ?? l.dump.crashTime ?? '';

/** Reactive state of the current run. */
export class FleetRun {
  runId = $state<string | null>(null);
  phase = $state<'idle' | 'starting' | 'running' | 'done' | 'cancelled'>('idle');
  dumps = $state<{ line: FleetDumpLine; bucket: string }[]>([]);
  problems = $state<FleetProblemLine[]>([]);
  state = $state<EventPayload<'fleet.state'> | null>(null);
  error = $state<ApiErrorShape | null>(null);
  #off: (() => void)[] = [];

  constructor(private readonly api: RendererApi) {
    this.#off.push(
      api.on('fleet.line', (e) => {
        if (e.runId !== this.runId) return;
        if (e.line.schema === 'crashdeck.fleet-problem/1') this.problems = [...this.problems, e.line];
        else this.dumps = [...this.dumps, { line: e.line, bucket: e.bucket ?? e.line.panic.signature }];
      }),
      api.on('fleet.state', (e) => {
        if (e.runId !== this.runId) return;
        this.state = e;
        this.phase = e.phase;
      }),
    );
  }

  /** Start a run over the targets; the previous run's results are cleared. */
  async start(targets: string[]): Promise<void> {
    this.dumps = [];
    this.problems = [];
    this.state = null;
    this.error = null;
    this.phase = 'starting';
    try {
      const { runId } = await this.api.call('fleet.start', { targets });
      this.runId = runId;
      if (this.phase === 'starting') this.phase = 'running';
    } catch (err) {
      this.error = toErrorShape(err);
      this.phase = 'idle';
    }
  }

  /** Stop the run (running triages finish). */
  async stop(): Promise<void> {
    if (this.runId) await this.api.call('fleet.cancel', { runId: this.runId });
  }

  /** Buckets with their dumps in the chosen order. */
  grouped(sort: FleetSort): ShownBucket[] {
    const by = new Map<string, FleetDumpLine[]>();
    for (const d of this.dumps) {
      const list = by.get(d.bucket);
      if (list) list.push(d.line);
      else by.set(d.bucket, [d.line]);
    }
    const stats = new Map((this.state?.buckets.buckets ?? []).map((b) => [b.signature, b]));
    const dir = sort === 'oldest' ? 1 : -1;
    const out = [...by].map(([signature, dumps]) => ({ signature, stats: stats.get(signature), dumps: [...dumps].sort((a, b) => dir * crashTime(a).localeCompare(crashTime(b))) }));
    const newest = (b: ShownBucket): string => b.dumps.map(crashTime).sort().at(-1) ?? '';
    const oldest = (b: ShownBucket): string => b.dumps.map(crashTime).sort()[0] ?? '';
    out.sort((a, b) => sort === 'count' ? b.dumps.length - a.dumps.length || newest(b).localeCompare(newest(a)) : sort === 'newest' ? newest(b).localeCompare(newest(a)) : oldest(a).localeCompare(oldest(b)));
    return out;
  }

  /** Stop listening. */
  dispose(): void {
    for (const off of this.#off) off();
  }
}
