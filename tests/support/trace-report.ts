/**
 * Reading a trace-cmd report's event lines ("comm-pid [cpu] ts: event: args") in tests,
 * independently of the importer, so counts and events expected from a fixture come from the
 * file itself.
 */
import { readFileSync } from 'node:fs';

const eventLine = /^\s*(\S.*)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+(\w+):\s*(.*)$/;

/** One event line, split into its fields (ts as printed). */
export interface ReportEvent { comm: string; pid: number; cpu: number; ts: string; event: string; args: string }

/** The event lines of a report's text. */
export function reportEventLines(text: string): string[] {
  return text.split('\n').filter((l) => eventLine.test(l));
}

/** The events of a report file, in file order. */
export function reportEvents(file: string): ReportEvent[] {
  const out: ReportEvent[] = [];
  for (const l of readFileSync(file, 'utf8').split('\n')) {
    const m = eventLine.exec(l);
    if (m) out.push({ comm: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), ts: m[4]!, event: m[5]!, args: m[6]! });
  }
  return out;
}

/** The events' timestamps in seconds. */
export function reportTimestamps(file: string): number[] {
  return reportEvents(file).map((e) => Number(e.ts));
}
