/**
 * dump.identify and analyze.compare: the dump's own facts, log and log-based verdict for the
 * Api (by open session or by path + host), and the comparison of that verdict with crash's.
 * Wired into electron/api/create-api.ts.
 */
import { ApiError, type Params, type Result } from '../api/contract.ts';
import type { ApiContext } from '../api/methods/context.ts';
import { getRecord } from '../api/methods/session-record.ts';
import { readCheckedDumpFacts, transportFor } from '../api/methods/session-open.ts';
import { CaseSessionRecord } from '../report/case-session.ts';
import { compareVerdicts } from '../analyze/verdict-diff.ts';
import type { TriageReport } from '../analyze/report-types.ts';
import { parseCommandOutput } from '../parse/index.ts';
import { triageWithIdentity, withoutCallerIds } from './log-triage.ts';
import { identityFromFacts } from './vmcoreinfo.ts';

/** dump.identify: identity + kernel log + log-based verdict, without crash. */
export async function dumpIdentify(ctx: ApiContext, params: Params<'dump.identify'>): Promise<Result<'dump.identify'>> {
  let t;
  let vmcore: string;
  if ('sessionId' in params) {
    const record = getRecord(ctx.sessions, params.sessionId);
    if (record instanceof CaseSessionRecord) {
      throw new ApiError('refused', 'this session is a case bundle, not a dump', 'Attach the dump itself (case.attach) to read its kernel log.');
    }
    t = record.transport;
    vmcore = record.facts.vmcore;
  } else {
    t = await transportFor(ctx, params.host);
    vmcore = params.vmcore;
  }
  const facts = await readCheckedDumpFacts(t, vmcore);
  const identity = await identityFromFacts(t, vmcore, facts);
  const r = await triageWithIdentity(t, vmcore, identity, ctx.options.commandPrefix ? { commandPrefix: ctx.options.commandPrefix } : {});
  const parsed = r.log.text === null ? null : parseCommandOutput('log', withoutCallerIds(r.log.text));
  return { identity: r.identity, log: r.log, parsed, report: r.report, reason: r.reason };
}

/** analyze.compare */
export function analyzeCompare(params: Params<'analyze.compare'>): Result<'analyze.compare'> {
  return compareVerdicts(params.log as TriageReport, params.crash as TriageReport);
}
