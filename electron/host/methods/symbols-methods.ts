/**
 * symbols.fetch / symbols.cancel: the UI's "fetch debug symbols" for a session opened without a
 * vmlinux (its 'symbols-missing' diagnosis). The vmlinux is fetched by the dump's build-id on
 * the dump's host, progress goes out as 'symbols.progress', and on success the session is
 * replaced under the same id by one that starts crash with the fetched file, so the UI's
 * 'session.state' events carry on from 'starting' to 'ready'.
 */
import { ApiError, type Params, type SessionInfo } from '../../api/contract.ts';
import type { ApiContext } from './context.ts';
import { getRecord, SessionRecord } from '../../crash/session-record.ts';
import { CrashSession } from '../../crash/session.ts';
import { chooseVmlinux, gdbIndexEnabled, indexAfterStart, indexedNote } from '../../crash/gdb-index.ts';
import { readDumpIdentity } from '../../dumpinfo/vmcoreinfo.ts';
import { loadSettings } from '../../settings.ts';
import { fetchVmlinux } from '../../symbols/fetch-vmlinux.ts';

/** The two methods plus dispose (cancels running downloads). */
export function createSymbolsMethods(ctx: ApiContext): {
  fetch(p: Params<'symbols.fetch'>): Promise<SessionInfo>;
  cancel(p: Params<'symbols.cancel'>): { cancelled: boolean };
  dispose(): void;
} {
  const running = new Map<string, AbortController>();

  async function fetch(p: Params<'symbols.fetch'>): Promise<SessionInfo> {
    const record = getRecord(ctx.sessions, p.sessionId);
    const f = record.facts;
    if (!f.openDiagnoses.some((d) => d.code === 'symbols-missing')) {
      throw new ApiError('refused', `session ${p.sessionId} is not missing its debug symbols${f.vmlinux ? ` (it uses ${f.vmlinux})` : ''}`, 'Only a dump opened without a vmlinux needs them fetched.');
    }
    if (running.has(p.sessionId)) throw new ApiError('refused', 'the debug symbols of this dump are already being fetched', 'Wait for it, or cancel it with symbols.cancel.');
    const ctl = new AbortController();
    running.set(p.sessionId, ctl);
    try {
      const identity = await readDumpIdentity(record.transport, f.vmcore);
      const env = ctx.options.env ?? process.env;
      const settings = await loadSettings(ctx.options.env);
      const got = await fetchVmlinux({
        transport: record.transport,
        buildId: identity.buildId,
        release: f.release ?? identity.release,
        env,
        settings,
        signal: ctl.signal,
        onProgress: (pr) => ctx.bus.emit('symbols.progress', { sessionId: p.sessionId, ...pr }),
      });
      if (ctx.sessions.get(p.sessionId) !== record) throw new ApiError('cancelled', 'the session was closed while its debug symbols were fetched', 'They are in the debuginfod cache: open the dump again.');
      const openDiagnoses = f.openDiagnoses.filter((d) => d.code !== 'symbols-missing');
      openDiagnoses.push({ code: 'symbols-fetched', severity: 'info', message: got.server ? `debug vmlinux fetched from ${got.server} by build-id ${identity.buildId} (verified): ${got.path}` : `debug vmlinux found in the debuginfod cache: ${got.path}` });
      if (f.crashVersion === null) return record.info(); // crash-missing: the symbols wait in the cache for it
      // As session.open: a gdb-indexed copy when one matches, else one is built after this start.
      const indexChoice = gdbIndexEnabled(env, settings) ? await chooseVmlinux(record.transport, got.path, env) : null;
      const note = indexChoice && indexedNote(indexChoice);
      if (note) openDiagnoses.push(note);
      const session = new CrashSession({
        transport: record.transport,
        crashPath: f.crashPath,
        vmcore: f.vmcore,
        vmlinux: indexChoice?.vmlinux ?? got.path,
        crashVersion: f.crashVersion,
        release: f.release,
        dumpFacts: { truncated: f.openDiagnoses.some((d) => d.code === 'dump-truncated'), notADump: false },
        ...(ctx.options.commandPrefix ? { commandPrefix: ctx.options.commandPrefix } : {}),
        ...(ctx.options.commandTimeoutMs ? { commandTimeoutMs: ctx.options.commandTimeoutMs } : {}),
        ...(ctx.options.startupTimeoutMs ? { startupTimeoutMs: ctx.options.startupTimeoutMs } : {}),
      });
      const next = new SessionRecord({ ...f, vmlinux: got.path, openDiagnoses }, session, record.transport, ctx.bus);
      ctx.sessions.set(p.sessionId, next);
      await record.close();
      next.startInBackground();
      if (indexChoice) indexAfterStart(session.start(), record.transport, indexChoice);
      return next.info();
    } finally {
      running.delete(p.sessionId);
    }
  }

  function cancel(p: Params<'symbols.cancel'>): { cancelled: boolean } {
    const ctl = running.get(p.sessionId);
    if (!ctl) return { cancelled: false };
    ctl.abort();
    return { cancelled: true };
  }

  return {
    fetch,
    cancel,
    dispose: () => {
      for (const c of running.values()) c.abort();
    },
  };
}
