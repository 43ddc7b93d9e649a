/**
 * What fleet triage needs from a dump's log-based triage (electron/dumpinfo/log-triage.ts,
 * `triageFromDumpLog`): the dump's own identity and the crashdeck.triage/1 verdict, or the reason
 * there is none. A structural subset, so the fleet engine can be driven by the real function and
 * tests can count its calls without a second implementation.
 */
import type { TriageReport } from '../api/triage-report.ts';
import type { Transport } from '../transport/types.ts';

/** The dump facts fleet lines and buckets use. */
export interface FleetDumpIdentity {
  release: string | null;
  buildId: string | null;
  crashTimeMs: number | null;
  size: number;
}

/** A log-based triage: the verdict (basis "log") or why there is none. */
export interface FleetLogTriage {
  identity: FleetDumpIdentity;
  report: TriageReport | null;
  reason: string | null;
}

/** Triage one dump on the host that holds it, from its own kernel log. */
export type LogTriageFn = (t: Transport, vmcore: string, opts?: { signal?: AbortSignal }) => Promise<FleetLogTriage>;
