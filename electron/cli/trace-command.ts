/**
 * `crashdeck trace import FILE [--dump VMCORE --vmlinux P] [--json]`: import a trace (trace-cmd
 * report / tracefs / function_graph / perf script / perf stat text, trace.dat, perf.data), print
 * its event count, skipped lines, time span and top aggregates, and with --dump link it to the
 * dump of the same boot (tasks, slab caches, panic time) through a crash session.
 * Exit codes: 0 imported, 2 usage, 3 the trace could not be read, 4 imported but the dump could not be read.
 */
import { createApi } from '../host/create-api.ts';
import { toApiError } from '../api/handlers.ts';
import { gatherDumpFacts, type DumpFacts } from '../trace/dump-facts.ts';
import { traceOomEvidence } from '../trace/evidence.ts';
import { toAnalyzerEvidence } from '../analyze/trace-link.ts';
import type { TraceEvidence } from '../api/trace-links.ts';
import type { TraceImportOptions } from '../trace/importer.ts';
import { linkTraceToDump } from '../trace/links.ts';
import { traceFormats, type TraceFormat, type TraceSummary } from '../api/trace-model.ts';
import { renderTraceText } from '../trace/render-text.ts';
import { importTraceInWorker } from '../trace/worker-client.ts';
import { apiErrorLine, openOptions, parseCommandArgs, printUsage, usageError, type CliCommand } from './command-args.ts';

const usage = `Usage: crashdeck trace import FILE [--dump VMCORE [--vmlinux P] [--crash BIN]] [--kallsyms K] [--format F] [--top N] [--json]

Import a trace and print its event count, skipped lines, time span and top aggregates
(kmalloc / kmem_cache_alloc by call site, page allocations, direct reclaim, compaction, oom).

FILE is \`trace-cmd report\` or tracefs \`trace\` text, function_graph text, \`perf script\` or
\`perf stat\` output, a trace.dat (read through trace-cmd) or a perf.data (read through perf).

  --dump VMCORE  link the trace to this dump of the same boot: tasks, slab caches, panic time
  --vmlinux P    debug vmlinux (for --dump; also names kernel frames of a perf.data)
  --crash BIN    crash binary for --dump (default: $CRASHDECK_CRASH, else crash on PATH)
  --kallsyms K   /proc/kallsyms copy or a trace.dat of the same boot: names kernel and module addresses
  --format F     read the text as F (${traceFormats.join(', ')}) instead of detecting it
  --top N        rows per aggregate (default 10)
  --json         print machine-readable JSON
`;

const command: CliCommand = { name: 'trace import', usage };

/** Entry point of `crashdeck trace`; returns the exit code. */
export async function traceCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    printUsage(command);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'import') {
    process.stderr.write(`crashdeck trace: unknown subcommand '${sub}'\n\n${usage}`);
    return 2;
  }
  const parsed = parseCommandArgs(command, {
    args: rest,
    strict: true,
    allowPositionals: true,
    options: {
      dump: { type: 'string' }, vmlinux: { type: 'string' }, crash: { type: 'string' }, kallsyms: { type: 'string' },
      format: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const fail = (msg: string): number => usageError(command, msg);
  if (positionals.length !== 1) return fail(positionals.length ? 'one FILE only' : 'missing FILE');
  if (values.format !== undefined && !(traceFormats as readonly string[]).includes(values.format)) return fail(`unknown --format ${values.format}`);
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) return fail('--top takes a positive integer');
  if (values.crash && !values.dump) return fail('--crash needs --dump');

  const file = positionals[0]!;
  const options: TraceImportOptions = {};
  if (values.vmlinux) options.vmlinux = values.vmlinux;
  if (values.kallsyms) options.kallsyms = values.kallsyms;
  if (values.format) options.format = values.format as TraceFormat;

  const tty = process.stderr.isTTY === true && !values.json;
  let summary: TraceSummary;
  try {
    summary = await importTraceInWorker(file, options, {
      onProgress: tty ? (p) => process.stderr.write(`\rcrashdeck trace: ${p.phase} ${(p.bytesRead / 1e6).toFixed(1)} MB${p.totalBytes ? ` of ${(p.totalBytes / 1e6).toFixed(1)} MB` : ''}, ${p.events} events\x1b[K`) : undefined,
    });
    if (tty) process.stderr.write('\r\x1b[K');
  } catch (err) {
    if (tty) process.stderr.write('\r\x1b[K');
    const e = toApiError(err);
    process.stderr.write(`crashdeck trace import: ${e.message}${e.hint ? `\n  ${e.hint}` : ''} [${e.code}]\n`);
    return 3;
  }

  let facts: DumpFacts | null = null;
  let dumpError: string | null = null;
  if (values.dump) {
    const api = createApi();
    try {
      const info = await api.call('session.open', {
        vmcore: values.dump,
        ...openOptions({ vmlinux: values.vmlinux, crash: values.crash }),
      });
      facts = await gatherDumpFacts((command) => api.call('session.run', { sessionId: info.id, command, engine: 'crash' }), tty ? (c) => process.stderr.write(`crashdeck trace: reading ${c} from the dump\n`) : undefined);
    } catch (err) {
      const e = toApiError(err);
      dumpError = apiErrorLine(e);
    } finally {
      await api.dispose();
    }
  }

  const links = facts ? linkTraceToDump(summary, { tasks: facts.tasks, caches: facts.caches, panic: facts.panic }) : null;
  const evidence: TraceEvidence[] | null = links
    ? traceOomEvidence(summary, { panicTs: links.timeline?.panicTs ?? null, culprit: facts!.culprit, cacheLinks: links.caches, taskLinks: links.tasks, timeline: links.timeline })
    : null;

  if (values.json) {
    const doc = {
      schema: 'crashdeck.trace/1',
      summary,
      dump: values.dump ? { vmcore: values.dump, error: dumpError, problems: facts?.problems ?? [], culprit: facts?.culprit ?? null } : null,
      links,
      evidence,
      analyzer: links && evidence ? toAnalyzerEvidence(summary, links.caches, evidence) : null,
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } else {
    process.stdout.write(renderTraceText(summary, links, evidence, top));
    if (facts?.problems.length) process.stdout.write(`dump commands with problems: ${facts.problems.join('; ')}\n`);
  }
  if (dumpError) {
    process.stderr.write(`crashdeck trace import: the trace was imported, but the dump could not be read: ${dumpError}\n`);
    return 4;
  }
  return 0;
}
