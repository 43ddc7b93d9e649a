/**
 * createApi: the services behind the contract (crash sessions, dump discovery, parsing, triage,
 * trace import) wrapped in the validating ApiHost every front door uses. Session, dump and parse
 * method bodies live in ./methods/; triage and traces in their own areas.
 */
import { decodeCodeLine } from '../dumpinfo/decode-code.ts';
import { EventBus, createApiHost, type ApiHost, type MethodImpls } from '../api/handlers.ts';
import { LocalTransport } from '../transport/local.ts';
import type { ApiContext, CreateApiOptions } from './methods/context.ts';
import { appInfo, dumpsList, reparse } from './methods/app-and-dumps.ts';
import { openSession } from './methods/session-open.ts';
import { cancelCommand, closeSession, listSessions, runConsole, runGuided, sessionInfo, setShell } from './methods/session-commands.ts';
import { analyzeTriage } from './methods/analyze-methods.ts';
import { analyzeFollowUpsRaw, analyzeTriageRawIn } from '../analyze/follow-ups-raw.ts';
import { createTraceMethods } from './methods/trace-methods.ts';
import { caseAttach, caseContents, caseOpen } from './methods/case-methods.ts';
import { createCaseTraceMethods } from './methods/case-traces.ts';
import { reportExport } from './methods/report-methods.ts';
import { createSymbolsMethods } from './methods/symbols-methods.ts';
import { analyzeCompare, dumpIdentify } from './methods/dumpinfo-methods.ts';
import { hostListDir, hostProbe, sshAcceptHostKey, sshAnswer } from './methods/ssh-methods.ts';
import { doctorRun } from './methods/doctor-method.ts';
import { createFleetMethods } from './methods/fleet-methods.ts';

export type { CreateApiOptions } from './methods/context.ts';

/** Build the Api: every method of contract.ts over real crash processes. */
export function createApi(options: CreateApiOptions = {}): ApiHost {
  const ctx: ApiContext = { options, bus: new EventBus(), local: new LocalTransport(), sessions: new Map(), remotes: new Set() };
  const trace = createTraceMethods(ctx.bus);
  const caseTraces = createCaseTraceMethods(ctx, trace.impls);
  const fleet = createFleetMethods({ bus: ctx.bus, local: ctx.local, ...(options.transportFor ? { transportFor: options.transportFor } : {}) });
  const symbols = createSymbolsMethods(ctx);
  const impls: MethodImpls = {
    'app.info': async () => appInfo(ctx),
    'dumps.list': (p) => dumpsList(ctx, p),
    'session.open': (p) => openSession(ctx, p),
    'session.info': async (p) => sessionInfo(ctx, p),
    'session.list': async () => listSessions(ctx),
    'session.run': (p) => runGuided(ctx, p),
    'session.console': (p) => runConsole(ctx, p),
    'session.setShell': async (p) => setShell(ctx, p),
    'session.cancel': async (p) => cancelCommand(ctx, p),
    'session.close': (p) => closeSession(ctx, p),
    'parse.reparse': async (p) => reparse(p),
    'analyze.triage': (p) => analyzeTriage(ctx, p),
    'analyze.triageRaw': async (p) => analyzeTriageRawIn(p),
    'analyze.followUps': async (p) => analyzeFollowUpsRaw(p),
    'dump.identify': (p) => dumpIdentify(ctx, p),
    'dump.decodeCode': (p) => decodeCodeLine(p.line),
    'analyze.compare': async (p) => analyzeCompare(p),
    'case.open': (p) => caseOpen(ctx, p),
    'case.contents': async (p) => caseContents(ctx, p),
    'case.attach': (p) => caseAttach(ctx, p),
    'report.export': (p) => reportExport(ctx, p),
    'symbols.fetch': (p) => symbols.fetch(p),
    'symbols.cancel': async (p) => symbols.cancel(p),
    'ssh.acceptHostKey': (p) => sshAcceptHostKey(ctx, p),
    'ssh.answer': async (p) => sshAnswer(ctx, p),
    'host.probe': (p) => hostProbe(ctx, p),
    'host.listDir': (p) => hostListDir(ctx, p),
    'doctor.run': (p) => doctorRun(ctx, p),
    ...trace.impls,
    ...caseTraces.impls,
    ...fleet.impls,
  };
  const dispose = async (): Promise<void> => {
    symbols.dispose();
    const records = [...ctx.sessions.values()];
    ctx.sessions.clear();
    await Promise.allSettled(records.map((r) => r.close()));
    await Promise.allSettled([...ctx.remotes].map((t) => t.close()));
    await trace.dispose();
    await caseTraces.dispose();
    await fleet.dispose();
  };
  return createApiHost(impls, ctx.bus, dispose);
}
