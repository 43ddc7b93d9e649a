/**
 * The JSON lines `crashdeck triage --all --jsonl` prints, the Dumps view receives and
 * `crashdeck buckets` merges: one `crashdeck.triage/1` object per dump plus where it lives
 * (`source`) and fleet facts (`fleet`), and one `crashdeck.fleet-problem/1` line for each host,
 * directory or dump that could not be triaged.
 */
import type { FleetDumpLine, FleetProblemLine } from '../api/fleet-lines.ts';

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
