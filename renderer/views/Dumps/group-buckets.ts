/**
 * Arranging a fleet run's lines for the Dumps view: by the bucket the host named for each line,
 * with the host's bucket stats, ordered by size or crash time. Presentation only.
 */
import type { Bucket } from '../../../electron/api/fleet-lines.ts';
import type { FleetDumpLine } from '../../../electron/api/fleet-lines.ts';

/** How buckets and their dumps are ordered. */
export type FleetSort = 'count' | 'newest' | 'oldest';

/** A bucket with its dumps, as shown. */
export interface ShownBucket {
  signature: string;
  stats: Bucket | undefined;
  dumps: FleetDumpLine[];
}

const crashTime = (l: FleetDumpLine): string => l.fleet.crashTime ?? l.dump.crashTime ?? '';

/** Group lines by their bucket; dumps in a bucket and the buckets ordered as asked. */
export function groupBuckets(dumps: readonly { line: FleetDumpLine; bucket: string }[], stats: readonly Bucket[], sort: FleetSort): ShownBucket[] {
  const by = new Map<string, FleetDumpLine[]>();
  for (const d of dumps) {
    const list = by.get(d.bucket);
    if (list) list.push(d.line);
    else by.set(d.bucket, [d.line]);
  }
  const statOf = new Map(stats.map((b) => [b.signature, b]));
  const dir = sort === 'oldest' ? 1 : -1;
  const out = [...by].map(([signature, list]) => ({ signature, stats: statOf.get(signature), dumps: [...list].sort((a, b) => dir * crashTime(a).localeCompare(crashTime(b))) }));
  const newest = (b: ShownBucket): string => b.dumps.map(crashTime).sort().at(-1) ?? '';
  const oldest = (b: ShownBucket): string => b.dumps.map(crashTime).sort()[0] ?? '';
  out.sort((a, b) => (sort === 'count' ? b.dumps.length - a.dumps.length || newest(b).localeCompare(newest(a)) : sort === 'newest' ? newest(b).localeCompare(newest(a)) : oldest(a).localeCompare(oldest(b))));
  return out;
}
