/**
 * report.export: a session's analysis as HTML, Markdown, PDF or a `.crashcase`. A case session
 * exports its bundle (with the caller's current notes); a crash session runs the triage and
 * view commands first. Either way the caller's cached results fill in the other commands.
 * Wired into create-api.ts.
 */
import type { Params, Result } from '../../api/contract.ts';
import { collectCase } from '../../report/collect-case.ts';
import { checkCachedResults, mergeCaseResults } from '../../report/case-merge.ts';
import { CaseSessionRecord } from '../../report/case-session.ts';
import type { CaseBundle } from '../../report/case-types.ts';
import { exportCase } from '../../report/export.ts';
import type { ApiContext } from './context.ts';
import { runGuided } from './session-commands.ts';
import { getRecord } from '../../crash/session-record.ts';

/**
 * The case a session stands for, with the caller's notes, traces and cached results (merged in
 * for the commands the session's or the bundle's own results do not cover).
 */
export async function caseOfSession(ctx: ApiContext, params: Pick<Params<'report.export'>, 'sessionId' | 'annotations' | 'traces' | 'results'>): Promise<CaseBundle> {
  const record = getRecord(ctx.sessions, params.sessionId);
  // Refuse oversized input before a crash session spends minutes on the triage commands.
  if (params.results) checkCachedResults(params.results);
  if (record instanceof CaseSessionRecord) {
    return {
      ...record.bundle,
      manifest: { ...record.bundle.manifest },
      results: mergeCaseResults(record.bundle.results, params.results),
      annotations: params.annotations ?? record.bundle.annotations,
      traces: params.traces ?? record.bundle.traces,
    };
  }
  return collectCase((command) => runGuided(ctx, { sessionId: params.sessionId, command }), async () => record.info(), {
    ...(params.annotations ? { annotations: params.annotations } : {}),
    ...(params.traces ? { traces: params.traces } : {}),
    ...(params.results ? { cached: params.results } : {}),
  });
}

/** report.export */
export async function reportExport(ctx: ApiContext, params: Params<'report.export'>): Promise<Result<'report.export'>> {
  const c = await caseOfSession(ctx, params);
  const file = await exportCase(c, params.format, ctx.options.pdfRenderer ? { pdfRenderer: ctx.options.pdfRenderer } : {});
  return {
    fileName: file.fileName,
    mime: file.mime,
    encoding: file.text ? 'utf8' : 'base64',
    content: file.text ? file.bytes.toString('utf8') : file.bytes.toString('base64'),
    bytes: file.bytes.length,
  };
}
