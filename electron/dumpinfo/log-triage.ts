/**
 * The verdict from a dump's own kernel log, before (or without) crash: identity from the header
 * and VMCOREINFO, the log from a saved dmesg or makedumpfile, then the same parse/ and analyze/
 * code crash's `log` goes through, marked `basis: 'log'`. Milliseconds on the fixtures; no
 * vmlinux needed.
 */
import { triage } from '../analyze/triage.ts';
import type { TriageReport } from '../api/triage-report.ts';
import { parseLog } from '../parse/log.ts';
import type { LogModel } from '../parse/models.ts';
import type { Transport } from '../transport/types.ts';
import { readDumpLog, type DumpLog } from './dump-log.ts';
import { readDumpIdentity, type DumpIdentity } from './vmcoreinfo.ts';

/** Identity, log and the log-based verdict of one dump. */
export interface LogTriage {
  identity: DumpIdentity;
  log: DumpLog;
  /** The verdict from the log (`basis: 'log'`), or null when there is no readable log. */
  report: TriageReport | null;
  /** Why there is no report (null when there is one). */
  reason: string | null;
}

/** Options of triageFromDumpLog. */
export interface LogTriageOptions {
  signal?: AbortSignal;
  /** argv run before makedumpfile (analysing as another user). */
  commandPrefix?: readonly string[];
}

/**
 * makedumpfile 1.7.6+ and kdump's saved dmesg on CONFIG_PRINTK_CALLER kernels put the caller id
 * after the timestamp (`[    5.823972] [    T302] Oops: ...`); crash's `log` does not. parse/log.ts
 * reads both shapes (keeping the id); this gives the text in crash's shape, for comparing logs
 * read by different tools.
 */
export function withoutCallerIds(text: string): string {
  return text.replace(/^(\[\s*\d{1,10}\.\d{1,9}\]) \[\s*[TC]\d{1,10}\]/gm, '$1');
}

/** The log model of a dump's log text, or null when it holds no kernel log lines. */
export function parseDumpLogText(text: string): LogModel | null {
  const log = parseLog(text).model;
  const recognised = log.records.some((r) => r.timestamp !== null) || log.oomReports.length + log.panics.length + log.oopses.length + log.hungTasks.length + log.softLockups.length > 0;
  return recognised ? log : null;
}

/** The log-based report for a dump: triage over the log alone, dump facts from the identity. */
export function reportFromLog(log: LogModel, identity: DumpIdentity): TriageReport {
  const report = triage({ log, logOnly: true });
  report.basis = 'log';
  // triage() words logOnly for --dmesg (no dump at all); here the dump exists, crash has not read it.
  report.missing = report.missing.filter((m) => !m.startsWith('the dump itself'));
  report.missing.push('crash\'s reading of the dump (only the kernel log was read: no vmlinux or crash yet)');
  report.dump.release = identity.release ?? report.dump.release;
  if (identity.crashTimeMs !== null) report.dump.crashTime = new Date(identity.crashTimeMs).toISOString();
  return report;
}

/** Identity, log and log-based verdict of the dump at `vmcore` on the Transport's host. */
export async function triageFromDumpLog(t: Transport, vmcore: string, opts: LogTriageOptions = {}): Promise<LogTriage> {
  return triageWithIdentity(t, vmcore, await readDumpIdentity(t, vmcore), opts);
}

/** triageFromDumpLog for a dump whose identity is already known. */
export async function triageWithIdentity(t: Transport, vmcore: string, identity: DumpIdentity, opts: LogTriageOptions = {}): Promise<LogTriage> {
  opts.signal?.throwIfAborted();
  const log = await readDumpLog(t, vmcore, identity, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.commandPrefix ? { commandPrefix: opts.commandPrefix } : {}) });
  if (log.text === null) return { identity, log, report: null, reason: log.notes.at(-1) ?? 'no kernel log could be read from the dump' };
  const model = parseDumpLogText(log.text);
  if (model === null) return { identity, log, report: null, reason: `the ${log.source === 'saved-dmesg' ? 'saved dmesg' : 'log read from the dump'} holds no kernel log lines` };
  return { identity, log, report: reportFromLog(model, identity), reason: null };
}
