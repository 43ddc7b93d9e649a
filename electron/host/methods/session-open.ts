/**
 * session.open: checks synchronously what is quick to check — the dump exists and is readable,
 * `crash --osrelease` recognises the dump, a given vmlinux matches — and throws an ApiError for
 * those, so a typo never waits for crash. Then it returns the session in state 'starting' at
 * once; crash starts in the background and 'session.state' events report progress, 'ready' or
 * 'failed' (message + diagnoses). session.run queues until ready and rejects with the startup
 * error if crash never got there.
 *
 * A missing crash or a debug vmlinux found nowhere is no reason to refuse the dump: the session
 * opens 'failed' with a 'crash-missing' / 'symbols-missing' diagnosis whose hint names what to
 * install (from the dump's own release and build-id), and dump.identify still gives the kernel
 * log and its verdict.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ApiError, type Diagnosis, type Params, type SessionInfo } from '../../api/contract.ts';
import { UnavailableCrash } from '../../crash/unavailable-session.ts';
import { identityFromFacts } from '../../dumpinfo/vmcoreinfo.ts';
import { fullAnalysisHints } from '../../dumpinfo/symbol-hints.ts';
import type { Transport } from '../../transport/types.ts';
import { CrashSession } from '../../crash/session.ts';
import { recallStartOptions, rememberStartOptions } from '../../crash/start-options-store.ts';
import { probeCrashVersion, probeOsRelease, resolveCrashPath } from '../../crash/crash-binary.ts';
import { loadSettings } from '../../settings.ts';
import { readDumpFacts, type DumpFacts } from '../../crash/dump-format.ts';
import { findVmlinux } from '../../crash/discovery.ts';
import { dumpFingerprint } from '../../crash/fingerprint.ts';
import type { ApiContext } from './context.ts';
import { logOnlyTail, SessionRecord } from '../../crash/session-record.ts';
import { DrgnBeside, drgnTurnedOff } from '../../drgn/beside-crash.ts';
import { resolveDrgnPython } from '../../drgn/engine-script.ts';
import { chooseVmlinux, gdbIndexEnabled, indexAfterStart, indexedNote } from '../../crash/gdb-index.ts';

/** The Transport for a host given to session.open / dump.identify (local when omitted). */
export async function transportFor(ctx: ApiContext, host: string | undefined): Promise<Transport> {
  if (!host || host === 'local') return ctx.local;
  if (!ctx.options.transportFor) throw new ApiError('bad-request', `remote host ${host} is not supported by this build`, 'Open the dump locally or use a build with the SSH transport.');
  const t = await ctx.options.transportFor(host);
  ctx.remotes.add(t);
  return t;
}

/** Header facts of a dump, with a missing, unreadable or directory path named as an ApiError. */
export async function readCheckedDumpFacts(t: Transport, vmcore: string): Promise<DumpFacts> {
  const st = await t.stat(vmcore).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EACCES') throw new ApiError('dump-unreadable', `cannot read ${vmcore}: permission denied`, 'Give your user read access to the dump (or its directory).');
    throw err;
  });
  if (!st) throw new ApiError('not-found', `no such file: ${vmcore}`, 'Check the path; kdump writes dumps under /var/crash.');
  if (st.isDirectory) throw new ApiError('not-a-dump', `${vmcore} is a directory`, 'Pick the vmcore (RHEL) or dump.<stamp> (kdump-tools) file inside it.');
  try {
    return await readDumpFacts(t, vmcore);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new ApiError('dump-unreadable', `cannot read ${vmcore}: permission denied`, 'Give your user read access to the dump, or open it over SSH with sudo.');
    throw err;
  }
}

/** Throws for a file crash cannot read at all: makedumpfile's flattened format, or no dump. */
function refuseNonDump(vmcore: string, facts: DumpFacts, said: string): void {
  if (facts.format === 'flattened') {
    throw new ApiError('not-a-dump', `${vmcore} is in makedumpfile's flattened format, which crash cannot read`, `Convert it first: makedumpfile -R ${vmcore}.converted < ${vmcore}`);
  }
  if (facts.format === 'unknown') {
    throw new ApiError('not-a-dump', `${vmcore} is not a crash dump (${said || 'no kdump or ELF core header'})`, 'Pick the vmcore / dump.<stamp> file kdump wrote under /var/crash, not the dmesg text beside it.');
  }
}

/** The release crash reads from the dump; throws when crash says the file is no dump or unreadable. */
async function dumpRelease(ctx: ApiContext, t: Transport, crashPath: string, vmcore: string, facts: DumpFacts): Promise<string | null> {
  const probe = await probeOsRelease(t, crashPath, vmcore, ctx.options.commandPrefix);
  if (probe.release) return probe.release;
  const said = probe.output.split('\n').filter((l) => l.trim() && l.trim() !== 'unknown').slice(-2).join('; ');
  if (/Permission denied/i.test(probe.output)) {
    throw new ApiError('dump-unreadable', `crash cannot read ${vmcore}: ${said}`, 'Give the user running crash read access to the dump (e.g. add it to the group owning the file), or open it over SSH with sudo.');
  }
  refuseNonDump(vmcore, facts, `crash --osrelease: ${said || 'unknown'}`);
  return facts.release;
}

/** Open a dump: validate, then start crash in the background. */
export async function openSession(ctx: ApiContext, params: Params<'session.open'>): Promise<SessionInfo> {
  const t = await transportFor(ctx, params.host);
  // settings.json names a crash on this machine (install-crash.sh writes it): never a path on a remote host.
  const settings = t.kind === 'local' ? await loadSettings(ctx.options.env) : {};
  const crashPath = params.crash ?? resolveCrashPath(ctx.options.crashPath, ctx.options.env, settings);
  const facts = await readCheckedDumpFacts(t, params.vmcore);
  const identity = await identityFromFacts(t, params.vmcore, facts);
  const openDiagnoses: Diagnosis[] = [];
  const missing: ApiError[] = [];
  let crashVersion: string | null = null;
  try {
    crashVersion = await probeCrashVersion(t, crashPath, ctx.options.commandPrefix);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'crash-missing')) throw err;
    missing.push(err);
    openDiagnoses.push({ code: 'crash-missing', severity: 'error', message: `${err.message}: ${logOnlyTail}`, ...(err.hint ? { hint: err.hint } : {}) });
  }
  let release: string | null;
  if (crashVersion !== null) {
    release = await dumpRelease(ctx, t, crashPath, params.vmcore, facts);
  } else {
    refuseNonDump(params.vmcore, facts, '');
    release = identity.release;
  }
  let vmlinux: string | null = null;
  try {
    // The build-id finds a vmlinux fetched earlier into the debuginfod client cache (gdb's, drgn's or ours).
    vmlinux = await findVmlinux(t, release, { given: params.vmlinux, debuginfoDirs: ctx.options.debuginfoDirs ?? [], buildId: params.vmlinux ? null : identity.buildId, ...(ctx.options.env ? { env: ctx.options.env } : {}) });
  } catch (err) {
    // A vmlinux the user named that is wrong is a mistake to report now; one found nowhere is
    // the usual 3 a.m. case (a 300-900 MB package nobody pre-installs) and no reason to refuse.
    if (!(err instanceof ApiError && err.code === 'vmlinux-not-found' && !params.vmlinux)) throw err;
    missing.push(err);
    openDiagnoses.push({
      code: 'symbols-missing',
      severity: 'error',
      message: `debug symbols missing: ${err.message}; only the kernel log's verdict is available`,
      hint: fullAnalysisHints({ release, buildId: identity.buildId }, { vmlinux: true, crash: false }).join(' '),
    });
  }
  if (facts.truncated) {
    openDiagnoses.push({
      code: 'dump-truncated',
      severity: 'warning',
      message: `the dump is ${facts.size} bytes but its header needs ${facts.expectedSize}: it was cut short`,
      hint: 'Results may be incomplete; copy the dump again if you can.',
    });
  }
  const id = randomUUID();
  const fingerprint = dumpFingerprint(facts, release);
  // drgn beside crash once the vmlinux is known: it answers while crash starts, and instead of a
  // crash that is missing or cannot start. The python3 named on this machine; on a remote host its own.
  // Not under a commandPrefix (analysing as another user): the drgn session has no such prefix.
  const env = ctx.options.env ?? process.env;
  let record: SessionRecord | null = null;
  const drgn = vmlinux && !ctx.options.commandPrefix?.length && !drgnTurnedOff(env, settings)
    ? new DrgnBeside({
      transport: t,
      python: t.kind === 'local' ? resolveDrgnPython(null, env, settings) : null,
      vmcore: params.vmcore,
      vmlinux,
      // Module debug info kept beside the dump (<module>.ko), as `mod -s` would be given it.
      moduleDir: path.posix.dirname(params.vmcore),
    }, () => record?.publish())
    : null;
  if (missing.length) {
    const what = missing.map((e) => (e.code === 'crash-missing' ? 'crash is not installed' : 'the debug vmlinux is missing')).join(' and ');
    const session = new UnavailableCrash(t, params.vmcore, missing[0] as ApiError, `${what}: showing the verdict from the dump's own kernel log`);
    record = new SessionRecord({ id, fingerprint, vmcore: params.vmcore, vmlinux, host: t.label, crashPath, crashVersion, release, openDiagnoses }, session, t, ctx.bus, drgn);
    ctx.sessions.set(id, record);
    record.startDrgn();
    return record.info();
  }
  const learned = await recallStartOptions(crashVersion, release, env);
  // A gdb-indexed copy built after an earlier open starts crash faster; the user's file stays the
  // session's vmlinux. The switch is this machine's settings.json, for remote hosts too.
  const indexChoice = gdbIndexEnabled(env, await loadSettings(env)) ? await chooseVmlinux(t, vmlinux as string, env) : null;
  const note = indexChoice && indexedNote(indexChoice);
  if (note) openDiagnoses.push(note);
  const session = new CrashSession({
    transport: t,
    crashPath,
    vmcore: params.vmcore,
    vmlinux: indexChoice?.vmlinux ?? (vmlinux as string),
    crashVersion: crashVersion as string,
    release,
    ...(learned ? { startOptions: learned.options, startReasons: learned.reasons } : {}),
    onOptionsLearned: (options, reasons) => {
      // Best effort: a read-only cache directory costs the next open one failed start, nothing more.
      void rememberStartOptions(crashVersion, release, options, reasons, env).catch(() => {});
    },
    dumpFacts: { truncated: facts.truncated, notADump: facts.format === 'unknown' },
    ...(ctx.options.commandPrefix ? { commandPrefix: ctx.options.commandPrefix } : {}),
    ...(ctx.options.commandTimeoutMs ? { commandTimeoutMs: ctx.options.commandTimeoutMs } : {}),
    ...(ctx.options.startupTimeoutMs ? { startupTimeoutMs: ctx.options.startupTimeoutMs } : {}),
  });
  record = new SessionRecord(
    { id, fingerprint, vmcore: params.vmcore, vmlinux, host: t.label, crashPath, crashVersion, release, openDiagnoses },
    session,
    t,
    ctx.bus,
    drgn,
  );
  ctx.sessions.set(id, record);
  record.startInBackground();
  if (indexChoice) indexAfterStart(session.start(), t, indexChoice);
  return record.info();
}
