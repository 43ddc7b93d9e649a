/**
 * The JSON lines `crashdeck triage --all --jsonl` prints, the Dumps view receives and
 * `crashdeck buckets` merges: one `crashdeck.triage/1` object per dump plus where it lives
 * (`source`) and fleet facts (`fleet`), and one `crashdeck.fleet-problem/1` line for each host,
 * directory or dump that could not be triaged.
 */
import type { TriageReport } from '../analyze/report-types.ts';

/** Where a dump lives. `mtime` is ISO 8601; `host` is "local" or "user@host:port". */
export interface FleetSource {
  host: string;
  path: string;
  size: number;
  mtime: string;
}

/** Facts the fleet adds to each verdict. */
export interface FleetFacts {
  /** crash/fingerprint.ts id (the index key; the app's cache key too). */
  fingerprint: string;
  /** The host spec to open it with (absent for local dumps). */
  hostSpec?: string;
  buildId: string | null;
  /** Crash time from the dump's own header/VMCOREINFO, ISO 8601. */
  crashTime: string | null;
  /** True when the verdict came from the index (triaged by an earlier run). */
  fromIndex: boolean;
  /** Things to know about this dump (truncated, crash confirmation not available...). */
  notes: string[];
}

/** One triaged dump. */
export type FleetDumpLine = TriageReport & { source: FleetSource; fleet: FleetFacts };

/** What could not be triaged: a whole host, a directory, or one dump. */
export interface FleetProblemLine {
  schema: 'crashdeck.fleet-problem/1';
  scope: 'host' | 'dir' | 'dump';
  source: { host: string; path: string; size?: number; mtime?: string; hostSpec?: string };
  /** ApiError codes, plus 'still-being-written'. */
  error: { code: string; message: string; hint?: string };
}

/** Any fleet output line. */
export type FleetLine = FleetDumpLine | FleetProblemLine;

/** Narrow a parsed line to a triaged dump. */
export function isDumpLine(x: unknown): x is FleetDumpLine {
  const o = x as Partial<FleetDumpLine> | null;
  return typeof o === 'object' && o !== null && o.schema === 'crashdeck.triage/1' && typeof o.source?.host === 'string' && typeof o.source.path === 'string';
}

/** Narrow a parsed line to a problem. */
export function isProblemLine(x: unknown): x is FleetProblemLine {
  const o = x as Partial<FleetProblemLine> | null;
  return typeof o === 'object' && o !== null && o.schema === 'crashdeck.fleet-problem/1' && typeof o.source?.host === 'string';
}
