/**
 * The fleet's result shapes: one line per dump (`crashdeck triage --all`, fleet.line events:
 * the triage report plus where it came from) or per problem, and the bucket table over them.
 */
import type { TriageReport } from './triage-report.ts';

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

/** One dump of a bucket, with whether it holds every task (crash-checked) — the flag per member. */
export interface BucketMember {
  host: string;
  path: string;
  hostSpec?: string;
  basis: 'log' | 'crash';
  /** 'unknown' for a verdict from the log alone (needs crash to check), or one written before it was recorded. */
  completeness: 'complete' | 'incomplete' | 'unknown';
  tasksRead: number | null;
  tasksInKernel: number | null;
}

/** One signature's bucket. */
export interface Bucket {
  signature: string;
  kind: string;
  count: number;
  hosts: string[];
  kernels: string[];
  /** ISO 8601 crash times (null when no dump in it had one). */
  firstCrash: string | null;
  lastCrash: string | null;
  /** A dump to open: the most recent crash. */
  example: { host: string; path: string; hostSpec?: string };
  /** One panic message of the bucket, for the reader. */
  message: string | null;
  /** Every dump in it, each flagged with its completeness. */
  members: BucketMember[];
  /** How many members are incomplete dumps (their task lists and memory figures are partial). */
  incomplete: number;
}

/** The buckets of a set of lines plus what did not bucket. */
export interface BucketTable {
  schema: 'crashdeck.buckets/1';
  buckets: Bucket[];
  dumps: number;
  problems: number;
}
