/**
 * Buckets: fleet lines grouped by panic signature, the way crash reporting services group
 * reports — how often each bug hit, on which hosts and kernels, since when, with one example to
 * open. Lines from many runs merge: the same dump (host + path) seen twice counts once, the
 * later line winning.
 */
import type { Bucket, BucketMember, BucketTable, FleetDumpLine, FleetLine } from '../api/fleet-lines.ts';
import { isDumpLine, isProblemLine } from './lines.ts';

/** Bucket key of a verdict: its panic signature. */
export function signatureOf(line: FleetDumpLine): string {
  return line.panic?.signature || `${line.panic?.kind ?? 'other'}:(no signature)`;
}

function crashTimeOf(line: FleetDumpLine): string | null {
  return line.fleet?.crashTime ?? line.dump?.crashTime ?? null;
}

/** Group lines into buckets, most dumps first (ties: most recent crash first). */
export function bucketLines(lines: Iterable<FleetLine | unknown>): BucketTable {
  const dumps = new Map<string, FleetDumpLine>();
  const problems = new Map<string, true>();
  for (const l of lines) {
    if (isDumpLine(l)) {
      const key = `${l.source.host}\0${l.source.path}`;
      // The later line wins, except that a log-only verdict never replaces crash's for the same dump.
      const had = dumps.get(key);
      if (!(had?.basis === 'crash' && l.basis !== 'crash')) dumps.set(key, l);
      problems.delete(key);
    } else if (isProblemLine(l)) {
      const key = `${l.source.host}\0${l.source.path}`;
      if (!dumps.has(key)) problems.set(key, true);
    }
  }
  const by = new Map<string, { b: Bucket; hosts: Set<string>; kernels: Set<string>; exampleTime: string }>();
  for (const l of dumps.values()) {
    const sig = signatureOf(l);
    const t = crashTimeOf(l);
    let g = by.get(sig);
    if (!g) {
      g = {
        b: { signature: sig, kind: l.panic?.kind ?? 'other', count: 0, hosts: [], kernels: [], firstCrash: null, lastCrash: null, example: exampleOf(l), message: l.dump?.headline ?? l.dump?.panicMessage ?? null, members: [], incomplete: 0 },
        hosts: new Set(),
        kernels: new Set(),
        exampleTime: t ?? '',
      };
      by.set(sig, g);
    }
    g.b.count++;
    const m = memberOf(l);
    g.b.members.push(m);
    if (m.completeness === 'incomplete') g.b.incomplete++;
    g.hosts.add(l.source.host);
    if (l.dump?.release) g.kernels.add(l.dump.release);
    if (t) {
      if (!g.b.firstCrash || t < g.b.firstCrash) g.b.firstCrash = t;
      if (!g.b.lastCrash || t > g.b.lastCrash) g.b.lastCrash = t;
      if (t > g.exampleTime) {
        g.exampleTime = t;
        g.b.example = exampleOf(l);
      }
    }
  }
  const buckets = [...by.values()].map((g) => ({ ...g.b, hosts: [...g.hosts].sort(), kernels: [...g.kernels].sort() }));
  buckets.sort((a, b) => b.count - a.count || (b.lastCrash ?? '').localeCompare(a.lastCrash ?? '') || a.signature.localeCompare(b.signature));
  return { schema: 'crashdeck.buckets/1', buckets, dumps: dumps.size, problems: problems.size };
}

function memberOf(l: FleetDumpLine): BucketMember {
  const c = l.completeness;
  return {
    ...exampleOf(l),
    basis: l.basis === 'log' ? 'log' : 'crash',
    completeness: c?.state === 'complete' || c?.state === 'incomplete' ? c.state : 'unknown',
    tasksRead: c?.tasksRead ?? null,
    tasksInKernel: c?.tasksInKernel ?? null,
  };
}

function exampleOf(l: FleetDumpLine): Bucket['example'] {
  return { host: l.source.host, path: l.source.path, ...(l.fleet?.hostSpec ? { hostSpec: l.fleet.hostSpec } : {}) };
}

/** Control characters from dump paths and log text shown as \xNN, so a terminal never obeys them. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The bucket table as text for a terminal. */
export function renderBuckets(t: BucketTable): string {
  if (!t.buckets.length) return `No triaged dumps${t.problems ? ` (${t.problems} could not be triaged)` : ''}.\n`;
  const day = (s: string | null): string => (s ? s.replace('T', ' ').slice(0, 16) : '-');
  const rows = t.buckets.map((b) => [printable(b.signature), b.incomplete ? `${b.count} (${b.incomplete} incomplete)` : String(b.count), String(b.hosts.length), printable(b.kernels.join(',')) || '-', day(b.firstCrash), day(b.lastCrash), printable(`${b.example.host}:${b.example.path}`)]);
  const head = ['SIGNATURE', 'COUNT', 'HOSTS', 'KERNELS', 'FIRST CRASH', 'LAST CRASH', 'EXAMPLE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  // Before the table: incomplete dumps, whose task lists and memory figures are partial.
  const incomplete = t.buckets.flatMap((b) => b.members.filter((m) => m.completeness === 'incomplete').map((m) => ({ b, m })));
  const out: string[] = [];
  if (incomplete.length) {
    out.push(`INCOMPLETE DUMPS: ${incomplete.length} dump(s) hold fewer tasks than the kernel had (their task lists and memory figures are partial):`);
    for (const { b, m } of incomplete) {
      const share = m.tasksRead !== null && m.tasksInKernel !== null ? `${m.tasksRead} of ${m.tasksInKernel} tasks` : 'tasks missing';
      out.push(`  ! ${printable(`${m.host}:${m.path}`)}  ${share}  (${printable(b.signature)})`);
    }
    out.push('');
  }
  out.push(fmt(head), ...rows.map(fmt));
  const unchecked = t.buckets.reduce((n, b) => n + b.members.filter((m) => m.completeness === 'unknown').length, 0);
  out.push('', `${t.dumps} dump(s) in ${t.buckets.length} bucket(s)${t.problems ? `; ${t.problems} could not be triaged` : ''}.`);
  if (unchecked) out.push(`${unchecked} dump(s) not checked for completeness (verdict from the kernel log alone: needs crash, e.g. triage --all --confirm).`);
  return out.join('\n') + '\n';
}
