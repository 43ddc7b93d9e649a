/**
 * One fleet run as the Dumps view sees it: the lines streaming in ('fleet.line'), grouped by the
 * bucket (signature) the host named, and the host's progress and bucket table ('fleet.state').
 * The renderer only arranges what the host decided; it never triages.
 */
import type { ApiErrorShape, EventPayload } from '../../../electron/api/contract.ts';
import type { FleetDumpLine, FleetProblemLine } from '../../../electron/api/fleet-lines.ts';
import { toErrorShape, type RendererApi } from '../../lib/api.ts';

import { groupBuckets, type FleetSort, type ShownBucket } from './group-buckets.ts';

export type { FleetSort, ShownBucket } from './group-buckets.ts';

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
    return groupBuckets(this.dumps, this.state?.buckets.buckets ?? [], sort);
  }

  /** Stop listening. */
  dispose(): void {
    for (const off of this.#off) off();
  }
}
