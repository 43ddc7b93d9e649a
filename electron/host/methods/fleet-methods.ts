/**
 * The fleet Api methods behind the Dumps view: fleet.sshHosts (the picker), fleet.start (a run
 * in the background, its lines and progress as 'fleet.line' / 'fleet.state' events) and
 * fleet.cancel. Runs share the app's SSH transports and one index, opened on first use.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type Params, type Result } from '../../api/contract.ts';
import type { EventBus } from '../../api/handlers.ts';
import type { Transport } from '../../transport/types.ts';
import { bucketLines, signatureOf } from '../../fleet/buckets.ts';
import { defaultLogTriage } from '../../fleet/default-triage.ts';
import { FleetIndex } from '../../fleet/index-store.ts';
import type { FleetLine } from '../../api/fleet-lines.ts';
import type { LogTriageFn } from '../../fleet/log-triage-port.ts';
import { runFleet, type FleetSummary } from '../../fleet/run.ts';
import { sshConfigHosts } from '../../fleet/ssh-config-hosts.ts';
import { parseTarget, type FleetTarget } from '../../fleet/targets.ts';

/** What the fleet methods need from the Api. */
export interface FleetMethodDeps {
  bus: EventBus;
  local: Transport;
  transportFor?: (host: string) => Transport | Promise<Transport>;
  /** Index directory (default: the user's cache dir). */
  indexDir?: string;
  triageDump?: LogTriageFn;
}

/** The three methods and a dispose that stops running runs and closes the index. */
export function createFleetMethods(deps: FleetMethodDeps): {
  impls: {
    'fleet.sshHosts': (p: Params<'fleet.sshHosts'>) => Promise<Result<'fleet.sshHosts'>>;
    'fleet.start': (p: Params<'fleet.start'>) => Promise<Result<'fleet.start'>>;
    'fleet.cancel': (p: Params<'fleet.cancel'>) => Promise<Result<'fleet.cancel'>>;
  };
  dispose(): Promise<void>;
} {
  const runs = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let index: Promise<FleetIndex | null> | undefined;
  const openIndex = (): Promise<FleetIndex | null> => (index ??= FleetIndex.open(deps.indexDir).catch(() => null));

  const start = async (p: Params<'fleet.start'>): Promise<Result<'fleet.start'>> => {
    const targets: FleetTarget[] = [];
    for (const spec of p.targets) {
      try {
        targets.push(parseTarget(spec, '/'));
      } catch (err) {
        throw new ApiError('bad-request', `${spec}: ${(err as Error).message}`, 'A target is a directory, ssh://[user@]host[:port][/dir] or [user@]host:[dir].');
      }
    }
    if (targets.some((t) => t.host) && !deps.transportFor) throw new ApiError('bad-request', 'remote hosts are not supported by this build');
    const runId = randomUUID();
    const controller = new AbortController();
    const lines: FleetLine[] = [];
    const counts = { found: 0, answered: 0, triaged: 0, fromIndex: 0, problems: 0 };
    const state = (phase: 'running' | 'done' | 'cancelled', s?: FleetSummary): void => {
      if (s) Object.assign(counts, { found: s.found, answered: s.answered, triaged: s.triaged, fromIndex: s.fromIndex, problems: s.problems });
      deps.bus.emit('fleet.state', { runId, phase, ...counts, buckets: bucketLines(lines) });
    };
    // Progress at most every 250 ms: buckets are recomputed over every line so far.
    let timer: NodeJS.Timeout | undefined;
    const soon = (): void => {
      timer ??= setTimeout(() => {
        timer = undefined;
        if (!controller.signal.aborted) state('running');
      }, 250);
    };
    const transportFor = deps.transportFor;
    const done = (async () => {
      const idx = await openIndex();
      const summary = await runFleet({
        targets, jobs: p.jobs ?? 8, perHost: p.perHost ?? 4, local: deps.local,
        transportFor: transportFor ?? (() => deps.local),
        triageDump: deps.triageDump ?? defaultLogTriage,
        index: idx,
        signal: controller.signal,
        onFound: (n) => {
          counts.found = n;
          soon();
        },
        onLine: (line) => {
          lines.push(line);
          if (line.schema === 'crashdeck.fleet-problem/1') counts.problems++;
          else {
            counts.answered++;
            if (line.fleet.fromIndex) counts.fromIndex++;
          }
          deps.bus.emit('fleet.line', { runId, line, bucket: line.schema === 'crashdeck.triage/1' ? signatureOf(line) : null });
          soon();
        },
      });
      if (timer) clearTimeout(timer);
      state(summary.interrupted ? 'cancelled' : 'done', summary);
    })().catch((err: unknown) => {
      if (timer) clearTimeout(timer);
      lines.push({ schema: 'crashdeck.fleet-problem/1', scope: 'host', source: { host: 'local', path: '' }, error: { code: 'internal', message: `fleet run failed: ${(err as Error).message}` } });
      state(controller.signal.aborted ? 'cancelled' : 'done');
    }).finally(() => runs.delete(runId));
    runs.set(runId, { controller, done });
    return { runId };
  };

  return {
    impls: {
      'fleet.sshHosts': async () => ({ hosts: await sshConfigHosts().catch(() => []) }),
      'fleet.start': start,
      'fleet.cancel': async (p) => {
        const r = runs.get(p.runId);
        if (!r) return { cancelled: false };
        r.controller.abort();
        return { cancelled: true };
      },
    },
    dispose: async () => {
      for (const r of runs.values()) r.controller.abort();
      await Promise.allSettled([...runs.values()].map((r) => r.done));
      const idx = await index;
      await idx?.close();
    },
  };
}
