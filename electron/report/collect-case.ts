/**
 * Building a case from a live crash session: run the triage commands and the ones the guided
 * views open first (recording every response), then the verdict. Used by `crashdeck report`
 * on a vmcore, by report.export on a crash session and by the demo case build.
 */
import path from 'node:path';
import type { CachedResult, CommandResponse, GuidedCommand, SessionInfo } from '../api/contract.ts';
import { triageSession, type RunGuided } from '../analyze/gather.ts';
import { version } from '../version.ts';
import { caseSchema, type CaseAnnotation, type CaseBundle, type CaseResult } from './case-types.ts';
import { mergeCaseResults } from './case-merge.ts';
import { normalizeCommand } from './case-session.ts';

/** View commands recorded besides the triage ones (Overview, Processes, Slab, Zones, Page flags, Memory map). */
export const viewCommands: GuidedCommand[] = [{ id: 'kmem -g' }, { id: 'vm' }, { id: 'bt -a' }];

/** A command response as a case result. */
export function caseResultOf(r: CommandResponse): CaseResult {
  return {
    command: normalizeCommand(r.command),
    raw: r.raw,
    parsed: r.parsed,
    crashVersion: r.crashVersion,
    at: r.at,
    durationMs: r.durationMs,
    warnings: r.warnings,
    error: r.error ?? null,
    diagnoses: r.diagnoses ?? [],
    ...(r.engine === 'drgn' ? { engine: r.engine, ...(r.engineVersion ? { engineVersion: r.engineVersion } : {}) } : {}),
  };
}

/** The dump part of a case from a session, without directories (they may name people or hosts). */
export function caseDumpOf(info: SessionInfo): CaseBundle['dump'] {
  return {
    fingerprint: info.fingerprint,
    vmcoreName: path.basename(info.vmcore),
    vmlinuxName: info.vmlinux ? path.basename(info.vmlinux) : null,
    host: info.host,
    release: info.release,
    crashVersion: info.crashVersion,
    degraded: info.degraded,
    startupWarnings: info.startupWarnings,
    diagnoses: info.diagnoses,
    ...(info.completeness ? { completeness: info.completeness } : {}),
  };
}

/**
 * Run the commands through a session and assemble the case. `cached`: the caller's cached results
 * of this dump (report.export's `results`), merged in for every command the run did not produce.
 */
export async function collectCase(
  run: RunGuided,
  info: () => Promise<SessionInfo>,
  options: { annotations?: CaseAnnotation[]; traces?: unknown[]; cached?: CachedResult[]; onProgress?: (c: string) => void; now?: Date } = {},
): Promise<CaseBundle> {
  const results = new Map<string, CaseResult>();
  const recording: RunGuided = async (cmd) => {
    const r = await run(cmd);
    results.set(normalizeCommand(r.command), caseResultOf(r));
    return r;
  };
  const limitsOf = async (): Promise<NonNullable<SessionInfo['limits']>> => (await info()).limits ?? [];
  const { report } = await triageSession(recording, { limitsOf, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const extra = [...viewCommands];
  const o = report.oom;
  if (o?.culprit.kind === 'slab' && o.culprit.name) extra.push({ id: 'kmem -S', arg: o.culprit.name.split(/\s/)[0] as string });
  const pid = o?.victim?.pid ?? report.panic.task.pid;
  if (pid !== null && pid !== undefined) extra.push({ id: 'bt', arg: String(pid) }, { id: 'vm', arg: String(pid) });
  // The Panic view's wait chains link each blocked task and lock owner to its stack.
  const chainPids = new Set((report.hung?.tasks ?? []).flatMap((h) => [h.pid, h.owner?.pid]).filter((p): p is number => typeof p === 'number' && p !== pid));
  for (const p of [...chainPids].slice(0, 16)) extra.push({ id: 'bt', arg: String(p) });
  for (const cmd of extra) {
    options.onProgress?.(cmd.arg ? `${cmd.id} ${cmd.arg}` : cmd.id);
    try {
      await recording(cmd);
    } catch {
      // A view command that fails is simply not in the case; the view says so when opened.
    }
  }
  const s = await info();
  return {
    manifest: { schema: caseSchema, appVersion: version, createdAt: (options.now ?? new Date()).toISOString() },
    dump: caseDumpOf(s),
    results: mergeCaseResults([...results.values()], options.cached),
    annotations: options.annotations ?? [],
    triage: report,
    traces: options.traces ?? [],
  };
}
