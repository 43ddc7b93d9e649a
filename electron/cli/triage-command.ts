/**
 * `crashdeck triage <vmcore> [--vmlinux P] [--crash BIN] [--host H] [--json|--md]` and
 * `crashdeck triage --dmesg FILE [--json|--md]`: panic triage and the OOM verdict, from a dump
 * through a crash session, or from OOM report text alone (vmcore-dmesg.txt, dmesg, journal).
 * Without a debug vmlinux or without crash, a dump still gets the verdict of its own kernel log
 * (`basis: "log"`), with what to install for the full analysis on stderr.
 * Exit codes: 0 triage printed, 2 usage, 3 the dump or file could not be read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createApi } from '../host/create-api.ts';
import { toApiError } from '../api/handlers.ts';
import { triageSession } from '../analyze/gather.ts';
import { renderMarkdown, renderText } from '../analyze/render.ts';
import type { TriageReport } from '../api/triage-report.ts';
import { traceEvidenceFor } from '../analyze/trace-link.ts';
import { triage, type Gathered } from '../analyze/triage.ts';
import type { TraceSummary } from '../api/trace-model.ts';
import { importTraceInWorker } from '../trace/worker-client.ts';
import { parseLog } from '../parse/log.ts';
import { parseDumpLogText } from '../dumpinfo/log-triage.ts';
import type { Diagnosis, SessionLimit } from '../api/contract.ts';
import { terminalSshHosts } from '../transport/ssh-terminal.ts';
import { apiFailure, openOptions, parseCommandArgs, usageError, type CliCommand } from './command-args.ts';
import { fetchVmlinuxForCli } from './symbols-fetch.ts';

const usage = `Usage: crashdeck triage <vmcore> [--vmlinux P] [--crash BIN] [--host H] [--trace FILE]... [--json|--md]
       crashdeck triage --dmesg FILE [--trace FILE]... [--json|--md]
       crashdeck triage --all TARGET... [--jsonl] [--jobs N] [--confirm]   (see triage --all --help)

Panic triage (kind, task, function, tainting modules, signature) and, after an OOM, the
root cause: what ate the memory, whether it could be reclaimed, who would be killed, with
evidence and confidence. Without the debug vmlinux or crash, the verdict comes from the dump's
own kernel log (basis "log"; the saved dmesg of this crash, else makedumpfile --dump-dmesg),
and stderr says what to install for the full analysis.

  --vmlinux P   debug vmlinux (default: searched from the dump's kernel release, then the
                debuginfod cache by build-id, then fetched from $DEBUGINFOD_URLS)
  --crash BIN   crash binary (default: $CRASHDECK_CRASH, else crash on PATH)
  --host H      analyse a dump on another machine over SSH (ssh://user@host:port or an ssh alias)
  --dmesg FILE  read only kernel log text (vmcore-dmesg.txt, dmesg output); no dump needed
  --trace FILE  a trace recorded before the crash (trace-cmd report text, trace.dat, perf script
                text, perf.data): its call sites and tasks become evidence (repeatable)
  --json        print the crashdeck.triage/1 JSON
  --md          print Markdown
`;

const command: CliCommand = { name: 'triage', usage };

/** Entry point of `crashdeck triage`; returns the exit code. */
export async function triageCommand(args: string[]): Promise<number> {
  if (args.includes('--all')) return (await import('./triage-all-command.ts')).triageAllCommand(args);
  const parsed = parseCommandArgs(command, {
    args,
    strict: true,
    allowPositionals: true,
    options: {
      vmlinux: { type: 'string' }, crash: { type: 'string' }, host: { type: 'string' }, dmesg: { type: 'string' }, trace: { type: 'string', multiple: true },
      json: { type: 'boolean' }, md: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const fail = (msg: string): number => usageError(command, msg);
  if (values.json && values.md) return fail('choose one of --json and --md');
  if (values.dmesg !== undefined && positionals.length) return fail('give either <vmcore> or --dmesg FILE, not both');
  if (values.dmesg === undefined && positionals.length !== 1) return fail(positionals.length ? 'one <vmcore> only' : 'missing <vmcore> (or --dmesg FILE)');

  // Traces first: a bad trace file is a usage problem to report before a 40 s crash session.
  const summaries: TraceSummary[] = [];
  for (const file of values.trace ?? []) {
    try {
      summaries.push(await importTraceInWorker(file));
    } catch (err) {
      const e = toApiError(err);
      process.stderr.write(`crashdeck triage: --trace ${file}: ${e.message}${e.hint ? ` — ${e.hint}` : ''} [${e.code}]\n`);
      return 3;
    }
  }

  let report: TriageReport;
  let gathered: Gathered;
  if (values.dmesg !== undefined) {
    let text: string;
    try {
      text = await readFile(values.dmesg, 'utf8');
    } catch (err) {
      process.stderr.write(`crashdeck triage: cannot read ${values.dmesg}: ${(err as Error).message}\n`);
      return 3;
    }
    const log = parseLog(text).model;
    const recognised = log.records.some((r) => r.timestamp !== null) || log.oomReports.length + log.panics.length + log.oopses.length + log.hungTasks.length + log.softLockups.length > 0;
    if (!recognised) {
      process.stderr.write(`crashdeck triage: ${values.dmesg} holds no kernel log lines ("[ seconds] text")\n`);
      return 3;
    }
    gathered = { log, logOnly: true };
    report = triage(gathered);
  } else {
    const ssh = terminalSshHosts();
    const api = createApi({ transportFor: ssh.transportFor });
    try {
      const vmcore = positionals[0] as string;
      // The dump's own log first: milliseconds, and the answer when crash cannot run.
      const early = await api.call('dump.identify', { vmcore, ...(values.host ? { host: values.host } : {}) });
      // No vmlinux here: fetch it by the dump's build-id when debuginfod servers are configured.
      const fetched = values.vmlinux ? undefined : await fetchVmlinuxForCli({ name: 'triage', vmcore, host: values.host, transportFor: ssh.transportFor });
      const info = await api.call('session.open', { vmcore, ...openOptions({ ...values, vmlinux: values.vmlinux ?? fetched }) });
      const unavailable = info.state === 'failed' ? info.diagnoses.filter((d) => d.code === 'symbols-missing' || d.code === 'crash-missing') : [];
      const progress = values.json || values.md ? undefined : (c: string): void => void process.stderr.write(`crashdeck triage: ${c}\n`);
      // Module debuginfo (an unstripped <module>.ko) is looked for beside the dump, on the host that holds it.
      const dumpDir = path.dirname(positionals[0] as string);
      const moduleDir = values.host ? (path.isAbsolute(dumpDir) ? dumpDir : null) : path.resolve(dumpDir);
      // crash cannot start but drgn can read the dump: its reading, said to be drgn's, beats the log's.
      const byDrgn = unavailable.length ? await triageWithDrgn(api, info.id, moduleDir, progress) : null;
      if (byDrgn) {
        ({ report, gathered } = byDrgn);
        // The session's words now that drgn has answered (no longer "only the kernel log's verdict").
        const said = (await api.call('session.info', { sessionId: info.id })).diagnoses.filter((d) => unavailable.some((u) => u.code === d.code));
        for (const d of said) report.missing.push(d.message);
        process.stderr.write(`crashdeck triage: crash could not start; the verdict is drgn ${byDrgn.version}'s reading of the dump (crash has not confirmed it).\n`);
        writeUnavailable(said);
        return printReport(await withTraces(report, gathered, summaries), values);
      }
      if (unavailable.length) {
        const model = early.log.text === null ? null : parseDumpLogText(early.log.text);
        if (!early.report || !model) {
          process.stderr.write(`crashdeck triage: no verdict for ${vmcore}: ${early.reason ?? 'no kernel log'}\n`);
          writeUnavailable(unavailable);
          return 3;
        }
        report = early.report;
        gathered = { log: model, logOnly: true };
        for (const d of unavailable) report.missing.push(d.message);
        const from = early.log.source === 'saved-dmesg' ? `the saved dmesg ${early.log.sourcePath ?? ''}` : 'the dump (makedumpfile --dump-dmesg)';
        process.stderr.write(`crashdeck triage: verdict from the dump's own kernel log, read from ${from}; crash has not confirmed it.\n`);
        for (const n of early.log.notes) process.stderr.write(`crashdeck triage: ${n}\n`);
        writeUnavailable(unavailable);
        return printReport(await withTraces(report, gathered, summaries), values);
      }
      const limitsOf = async (): Promise<SessionLimit[]> => (await api.call('session.info', { sessionId: info.id })).limits ?? [];
      ({ report, gathered } = await triageSession((command) => api.call('session.run', { sessionId: info.id, command, engine: 'crash' }), { moduleDir, limitsOf, ...(progress ? { onProgress: progress } : {}) }));
      const after = await api.call('session.info', { sessionId: info.id });
      // The session's last word on completeness (the task check runs before any command, so it is in).
      if (after.completeness) report.completeness = after.completeness;
      for (const d of after.diagnoses) {
        // The start-up options' cost is the report's `limits`, said once there.
        if (d.code === 'degraded' && report.limits?.length) continue;
        // An incomplete dump is report.completeness, shown first; the rest stays under "not available".
        if (d.severity !== 'info' && d.code !== 'dump-incomplete') report.missing.push(`session: ${d.message}`);
      }
    } catch (err) {
      return apiFailure(command, err);
    } finally {
      await api.dispose();
      await ssh.closeAll();
    }
  }
  return printReport(await withTraces(report, gathered, summaries), values);
}

/**
 * The verdict from drgn's reading of the dump when crash cannot start: the same gathering and
 * follow-ups as with crash (drgn answers what it covers; the rest is named as missing). Null when
 * drgn is not there or read nothing of the dump.
 */
async function triageWithDrgn(
  api: ReturnType<typeof createApi>, sessionId: string, moduleDir: string | null, progress: ((c: string) => void) | undefined,
): Promise<{ report: TriageReport; gathered: Gathered; version: string } | null> {
  const before = await api.call('session.info', { sessionId });
  if (!before.drgn || !['starting', 'ready'].includes(before.drgn.state)) return null;
  const { report, gathered } = await triageSession((command) => api.call('session.run', { sessionId, command }), { moduleDir, ...(progress ? { onProgress: progress } : {}) });
  const drgn = (await api.call('session.info', { sessionId })).drgn;
  if (drgn?.state !== 'ready' || !drgn.version || (!gathered.bt && !gathered.ps)) return null;
  report.basis = 'drgn';
  return { report, gathered, version: drgn.version };
}

/** Second pass with traces: the first verdict tells the trace linker which cache or task to look for. */
async function withTraces(first: TriageReport, gathered: Gathered, summaries: TraceSummary[]): Promise<TriageReport> {
  if (!summaries.length) return first;
  gathered.traces = traceEvidenceFor(summaries, gathered, first);
  const report = triage(gathered);
  report.missing = first.missing;
  report.basis = first.basis;
  report.dump = { ...report.dump, release: first.dump.release, crashTime: first.dump.crashTime };
  return report;
}

function printReport(report: TriageReport, values: { json?: boolean | undefined; md?: boolean | undefined }): number {
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (values.md) process.stdout.write(renderMarkdown(report));
  else process.stdout.write(renderText(report));
  return 0;
}

/** What is missing for crash's analysis and what to install, on stderr (stdout stays the report). */
function writeUnavailable(diagnoses: Diagnosis[]): void {
  for (const d of diagnoses) {
    process.stderr.write(`crashdeck triage: ${d.message}\n`);
    if (d.hint) process.stderr.write(`crashdeck triage: for the full analysis: ${d.hint}\n`);
  }
}
