/**
 * case.open, case.contents, case.attach: a `.crashcase` as a read-only session, and continuing
 * it with the real dump. Wired into create-api.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, type Params, type Result, type SessionInfo } from '../../api/contract.ts';
import { analyzeTriageRaw } from './analyze-methods.ts';
import { readCaseBundle, defaultCaseLimits } from '../../report/bundle-read.ts';
import { CaseSessionRecord } from '../../report/case-session.ts';
import type { ApiContext } from './context.ts';
import { openSession } from './session-open.ts';
import { getRecord } from '../../crash/session-record.ts';

/** The case session behind an id, or a clear error when the id is a crash session. */
export function getCaseRecord(ctx: ApiContext, sessionId: string): CaseSessionRecord {
  const r = getRecord(ctx.sessions, sessionId);
  if (!(r instanceof CaseSessionRecord)) throw new ApiError('bad-request', `session ${sessionId} is a crash session, not an opened case`);
  return r;
}

/** case.open: read and check the bundle, then serve it as a read-only session. */
export async function caseOpen(ctx: ApiContext, params: Params<'case.open'>): Promise<SessionInfo> {
  const file = path.resolve(params.path);
  for (const r of ctx.sessions.values()) {
    if (r instanceof CaseSessionRecord && r.casePath === file && r.session.state !== 'closed') return r.info();
  }
  const st = await stat(file).catch(() => null);
  if (!st) throw new ApiError('not-found', `no such file: ${file}`, 'Check the path of the .crashcase file.');
  if (!st.isFile()) throw new ApiError('bad-case', `${file} is not a file`);
  if (st.size > defaultCaseLimits.maxFileBytes) throw new ApiError('bad-case', `${file} is ${st.size} bytes, more than the ${defaultCaseLimits.maxFileBytes} bytes crashdeck opens`);
  const bundle = await readCaseBundle(await readFile(file));
  if (!bundle.triage) {
    try {
      bundle.triage = analyzeTriageRaw({ results: bundle.results.slice(0, 64).map((r) => ({ command: r.command, raw: r.raw })) });
    } catch {
      bundle.triage = null;
    }
  }
  const record = new CaseSessionRecord(bundle, file, randomUUID(), ctx.local, ctx.bus);
  ctx.sessions.set(record.facts.id, record);
  record.publish();
  return record.info();
}

/** case.contents: the notes, verdict and command list of an opened case. */
export function caseContents(ctx: ApiContext, params: Params<'case.contents'>): Result<'case.contents'> {
  const r = getCaseRecord(ctx, params.sessionId);
  return { annotations: r.bundle.annotations, triage: r.bundle.triage, commands: r.commands(), manifest: r.bundle.manifest, traces: r.bundle.traces };
}

/**
 * case.attach: open the real dump with crash. It must be the dump the case was made from (same
 * fingerprint), so the cached results and notes stay true; then the case session closes and the
 * crash session (same fingerprint) takes over in the UI.
 */
export async function caseAttach(ctx: ApiContext, params: Params<'case.attach'>): Promise<SessionInfo> {
  const record = getCaseRecord(ctx, params.sessionId);
  const info = await openSession(ctx, {
    vmcore: params.vmcore,
    ...(params.vmlinux ? { vmlinux: params.vmlinux } : {}),
    ...(params.crash ? { crash: params.crash } : {}),
  });
  // Attaching is for crash: without it (or its vmlinux) the case's own results are worth more
  // than a crash-less session, so the case stays open and the missing piece is named.
  const unavailable = info.diagnoses.find((d) => d.code === 'symbols-missing' || d.code === 'crash-missing');
  if (unavailable) {
    const opened = ctx.sessions.get(info.id);
    ctx.sessions.delete(info.id);
    await opened?.close();
    throw new ApiError(unavailable.code === 'crash-missing' ? 'crash-missing' : 'vmlinux-not-found', unavailable.message, unavailable.hint);
  }
  if (info.fingerprint !== record.bundle.dump.fingerprint) {
    const opened = ctx.sessions.get(info.id);
    ctx.sessions.delete(info.id);
    await opened?.close();
    throw new ApiError(
      'refused',
      `${params.vmcore} is not the dump this case was made from (its fingerprint ${info.fingerprint} differs from the case's ${record.bundle.dump.fingerprint})`,
      `Attach the case's own dump (${record.bundle.dump.vmcoreName}, kernel ${record.bundle.dump.release ?? '?'}), or open the other dump on its own.`,
    );
  }
  ctx.sessions.delete(record.facts.id);
  await record.close();
  record.publish();
  return info;
}
