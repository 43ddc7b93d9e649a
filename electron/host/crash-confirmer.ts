/**
 * `--confirm`: the crash-based triage of a dump, where the host holding it has crash and the
 * matching debug vmlinux. Uses the same Api path as `crashdeck triage <vmcore>` (session.open +
 * triageSession), so the confirmed verdict is the one a single run would print.
 */
import { createApi } from './create-api.ts';
import { toApiError } from '../api/handlers.ts';
import type { SessionInfo } from '../api/contract.ts';
import { triageSession } from '../analyze/gather.ts';
import type { Transport } from '../transport/types.ts';
import type { ConfirmFn } from '../fleet/run.ts';

/** A confirmer and the Api it owns (dispose when the run ends). */
export interface CrashConfirmer {
  confirm: ConfirmFn;
  dispose(): Promise<void>;
}

/** Build the crash-based confirmation for a run; `transportFor` must hand out the run's own transports. */
export function crashConfirmer(o: { crashPath?: string; debuginfoDirs?: string[]; transportFor(host: string): Transport }): CrashConfirmer {
  const api = createApi({ transportFor: o.transportFor, ...(o.crashPath ? { crashPath: o.crashPath } : {}), ...(o.debuginfoDirs ? { debuginfoDirs: o.debuginfoDirs } : {}) });
  const confirm: ConfirmFn = async (_t, hostSpec, vmcore, _release, signal) => {
    if (signal.aborted) return { unavailable: 'stopped' };
    let sessionId: string | undefined;
    try {
      const info = await api.call('session.open', { vmcore, ...(hostSpec ? { host: hostSpec } : {}) });
      sessionId = info.id;
      const id = info.id;
      // Without symbols or crash the session opens 'failed' with the reason: nothing to confirm with.
      if (info.state === 'failed' || info.state === 'closed') {
        const why = info.diagnoses.filter((d) => d.severity !== 'info').map((d) => d.message);
        return { unavailable: why.length ? why.join('; ') : info.message || 'crash could not start on this dump' };
      }
      const limitsOf = async (): Promise<NonNullable<SessionInfo['limits']>> => (await api.call('session.info', { sessionId: id })).limits ?? [];
      const { report } = await triageSession((command) => api.call('session.run', { sessionId: id, command, engine: 'crash' }), { limitsOf });
      const after = await api.call('session.info', { sessionId: id });
      if (after.state === 'failed' || after.state === 'closed') return { unavailable: after.message || 'crash stopped while triaging' };
      return { report };
    } catch (err) {
      const e = toApiError(err);
      return { unavailable: `${e.message}${e.hint ? ` — ${e.hint}` : ''} [${e.code}]` };
    } finally {
      if (sessionId) await api.call('session.close', { sessionId }).catch(() => undefined);
    }
  };
  return { confirm, dispose: () => api.dispose() };
}
