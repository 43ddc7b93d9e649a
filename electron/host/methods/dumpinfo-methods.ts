/**
 * dump.identify and analyze.compare: the dump's own facts, log and log-based verdict for the
 * Api (by open session or by path + host), and the comparison of that verdict with crash's.
 * Wired into electron/host/create-api.ts.
 */
import { ApiError, type Params, type Result } from '../../api/contract.ts';
import type { ApiContext } from './context.ts';
import { getRecord, type SessionRecord } from '../../crash/session-record.ts';
import type { Transport } from '../../transport/types.ts';
import { readCheckedDumpFacts, transportFor } from './session-open.ts';
import { CaseSessionRecord } from '../../report/case-session.ts';
import { compareVerdicts } from '../../analyze/verdict-diff.ts';
import type { TriageReport } from '../../api/triage-report.ts';
import { parseCommandOutput } from '../../parse/index.ts';
import { triageWithIdentity } from '../../dumpinfo/log-triage.ts';
import { identityFromFacts } from '../../dumpinfo/vmcoreinfo.ts';

type Identify = Result<'dump.identify'>;

// One answer per open session: the page asks for it the moment it shows the dump (and
// `serve --open` asks before any page is there), so the verdict does not wait for a second read.
const bySession = new WeakMap<SessionRecord, Promise<Identify>>();

/** dump.identify: identity + kernel log + log-based verdict, without crash. */
export async function dumpIdentify(ctx: ApiContext, params: Params<'dump.identify'>): Promise<Identify> {
  if ('sessionId' in params) {
    const record = getRecord(ctx.sessions, params.sessionId);
    if (record instanceof CaseSessionRecord) {
      throw new ApiError('refused', 'this session is a case bundle, not a dump', 'Attach the dump itself (case.attach) to read its kernel log.');
    }
    return identifyOnce(ctx, record);
  }
  return identify(ctx, await transportFor(ctx, params.host), params.vmcore);
}

function identifyOnce(ctx: ApiContext, record: SessionRecord): Promise<Identify> {
  let p = bySession.get(record);
  if (!p) {
    p = identify(ctx, record.transport, record.facts.vmcore);
    bySession.set(record, p);
    // A failed read (connection dropped) is tried again on the next call.
    p.catch(() => bySession.delete(record));
  }
  return p;
}

async function identify(ctx: ApiContext, t: Transport, vmcore: string): Promise<Identify> {
  const facts = await readCheckedDumpFacts(t, vmcore);
  const identity = await identityFromFacts(t, vmcore, facts);
  const r = await triageWithIdentity(t, vmcore, identity, ctx.options.commandPrefix ? { commandPrefix: ctx.options.commandPrefix } : {});
  const parsed = r.log.text === null ? null : parseCommandOutput('log', r.log.text);
  return { identity: r.identity, log: r.log, parsed, report: r.report, reason: r.reason };
}

/** analyze.compare */
export function analyzeCompare(params: Params<'analyze.compare'>): Result<'analyze.compare'> {
  return compareVerdicts(params.log as TriageReport, params.crash as TriageReport);
}
