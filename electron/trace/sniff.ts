/**
 * Format detection from the first bytes of a file: which importer reads it, which tool converts
 * it, or why it is not a trace at all. Pure over a Buffer so it is tested without files.
 */
import type { TraceFormat } from '../api/trace-model.ts';
import { isFtraceLine } from './ftrace-line.ts';
import { perfHeaderRe } from './perf-script.ts';

/** What the head of a file says it is. */
export type SniffResult =
  | { kind: 'text'; format: TraceFormat }
  | { kind: 'trace.dat' }
  | { kind: 'perf.data' }
  | { kind: 'not-a-trace'; reason: string };

/** How much of the head the caller should pass. */
export const sniffBytes = 64 * 1024;

const traceDatMagic = Buffer.from([0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]);
const perfDataMagic = Buffer.from('PERFILE2');

/** Classify a file from its head (up to `sniffBytes`). */
export function sniffTrace(head: Buffer): SniffResult {
  if (head.length === 0) return { kind: 'not-a-trace', reason: 'the file is empty' };
  if (head.subarray(0, traceDatMagic.length).equals(traceDatMagic)) return { kind: 'trace.dat' };
  if (head.subarray(0, perfDataMagic.length).equals(perfDataMagic)) return { kind: 'perf.data' };
  let control = 0;
  for (const b of head) {
    if (b === 0) return { kind: 'not-a-trace', reason: 'the file is binary (it contains NUL bytes) and is neither a trace.dat nor a perf.data' };
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b) control++;
  }
  if (control > head.length / 100) {
    return { kind: 'not-a-trace', reason: 'the file is binary (many control bytes) and is neither a trace.dat nor a perf.data' };
  }
  // Drop a possibly cut last line so it cannot mislead the vote.
  const text = head.toString('utf8');
  const lines = text.split('\n', 400).map((l) => l.replace(/\r$/, ''));
  if (head.length >= sniffBytes && lines.length > 1) lines.pop();

  let ftrace = 0;
  let perf = 0;
  let graph = 0;
  let sawTracer: string | null = null;
  let cpusHeader = false;
  for (const line of lines) {
    if (line.startsWith('# tracer: ')) sawTracer = line.slice(10).trim();
    if (/^cpus=\d+\s*$/.test(line) || /^version = \d+/.test(line)) cpusHeader = true;
    // perf stat: the plain header, the -I header, or -x, CSV rows (value,unit,event,runtime,pct,...).
    if (/Performance counter stats for/.test(line) || /^#\s+time\s+counts\s+unit\s+events/.test(line)) return { kind: 'text', format: 'perf-stat' };
    if (/^(\d[\d.]*|<not counted>|<not supported>),[^,]*,[^,\s]+,\d*,[\d.]*(,|$)/.test(line)) return { kind: 'text', format: 'perf-stat' };
    if (/funcgraph_(entry|exit):/.test(line) || /^\s*(\d+\.\d+\s+\|\s+)?\d+\)\s.*\|\s/.test(line)) graph++;
    if (isFtraceLine(line)) ftrace++;
    else if (perfHeaderRe.test(line)) perf++;
  }
  if (sawTracer === 'function_graph' || graph > 0 && graph >= ftrace / 2) return { kind: 'text', format: 'function-graph' };
  if (ftrace > 0 && ftrace >= perf) return { kind: 'text', format: sawTracer !== null && !cpusHeader ? 'tracefs' : 'trace-cmd-report' };
  if (perf > 0) return { kind: 'text', format: 'perf-script' };
  if (sawTracer !== null) return { kind: 'text', format: 'tracefs' };
  if (cpusHeader) return { kind: 'text', format: 'trace-cmd-report' };
  return {
    kind: 'not-a-trace',
    reason: 'no line looks like a trace event (expected `trace-cmd report`, tracefs `trace`, function_graph, `perf script` or `perf stat` text, or a trace.dat / perf.data file)',
  };
}
