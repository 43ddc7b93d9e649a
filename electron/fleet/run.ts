/**
 * The fleet run: scan every target, triage each dump from its own kernel log on the host that
 * holds it, and report one line per dump as it finishes. Work is bounded overall and per host;
 * a dump already in the index (same fingerprint, same engine) is answered from it, and copies of
 * one dump (same fingerprint) are triaged once. A host that fails becomes one problem line and the
 * others go on; an abort stops scheduling, lets running work end, and returns what is done.
 */
import { setMaxListeners } from 'node:events';
import { ApiError } from '../api/contract.ts';
import { toApiError } from '../api/handlers.ts';
import type { TriageReport } from '../api/triage-report.ts';
import type { DumpEntry } from '../api/contract.ts';
import { readDumpFacts } from '../crash/dump-format.ts';
import { dumpFingerprint } from '../crash/fingerprint.ts';
import type { Transport } from '../transport/types.ts';
import { LOG_PARSER_VERSION } from '../parse/log.ts';
import { SIGNATURE_GRAMMAR_VERSION } from '../analyze/signature.ts';
import { version } from '../version.ts';
import type { FleetIndex, IndexedDump } from './index-store.ts';
import { Limiter } from './limiter.ts';
import type { FleetDumpLine, FleetLine, FleetProblemLine } from '../api/fleet-lines.ts';
import type { LogTriageFn } from './log-triage-port.ts';
import { scanCrashDir } from './scan.ts';
import type { FleetTarget } from './targets.ts';

/**
 * The verdict engine stamp kept with each indexed result: a new crashdeck, log parser, signature
 * grammar or report shape re-triages (entries of an older engine are bucketed again, not reused).
 */
export const fleetEngine = `crashdeck-${version}/log-parser-${LOG_PARSER_VERSION}/signature-${SIGNATURE_GRAMMAR_VERSION}/completeness-1`;

/** Crash-based confirmation of one dump; resolves to the report, or why it is not available. */
export type ConfirmFn = (t: Transport, hostSpec: string | undefined, vmcore: string, release: string | null, signal: AbortSignal) => Promise<{ report: TriageReport } | { unavailable: string }>;

/** How to run. */
export interface FleetRunOptions {
  targets: readonly FleetTarget[];
  /** Dumps triaged at once, over all hosts. */
  jobs: number;
  /** Dumps triaged at once on one host (each holds one SSH channel at a time); lowered when sshd refuses a channel. */
  perHost: number;
  /** This machine's transport. */
  local: Transport;
  /** The transport for a remote host spec (one per host, shared by its dumps). */
  transportFor(host: string): Transport | Promise<Transport>;
  triageDump: LogTriageFn;
  index: FleetIndex | null;
  /** Triage copies of one dump (same fingerprint: hard links, copies on other hosts) once (default true). */
  shareCopies?: boolean;
  /** Also run the crash-based triage where crash and the vmlinux are available. */
  confirm?: ConfirmFn;
  signal?: AbortSignal;
  /** Each line as it is ready. */
  onLine(line: FleetLine): void;
  /** Dumps found so far (after each target's scan). */
  onFound?(found: number): void;
  /** How often a dump whose size changes is looked at again before it is skipped (default 2), and how long apart (default 1500 ms). */
  busyRetries?: number;
  busyRetryMs?: number;
}

/** What a run did. */
export interface FleetSummary {
  found: number;
  /** Lines with a verdict (triaged now or from the index). */
  answered: number;
  /** Dumps actually triaged in this run (distinct fingerprints). */
  triaged: number;
  fromIndex: number;
  problems: number;
  /** Dumps not reached because the run was stopped. */
  notReached: number;
  interrupted: boolean;
}

interface HostState {
  spec: string | undefined;
  t: Transport;
  limiter: Limiter;
  confirmLimiter: Limiter;
}

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
const sec = (ms: number): number => Math.floor(ms / 1000);
const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  const timer = setTimeout(done, ms);
  function done(): void {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

/** A local fs errno as the ApiError a user can act on; anything else unchanged. */
function fileError(err: unknown, p: string, host: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return new ApiError('dump-unreadable', `permission denied reading ${p} on ${host}`, 'Dumps are often root-only: run as a user who can read them (or root).');
  if (code === 'ENOENT') return new ApiError('not-found', `${p} is gone (removed or rotated since the scan)`);
  return err;
}

/** Run fleet triage over the targets (see the module comment). */
export async function runFleet(o: FleetRunOptions): Promise<FleetSummary> {
  const signal = o.signal ?? new AbortController().signal;
  // Every queued dump waits on the signal: hundreds of listeners are expected, not a leak.
  setMaxListeners(0, signal);
  const global = new Limiter(o.jobs);
  const hosts = new Map<string, Promise<HostState>>();
  const inflight = new Map<string, Promise<IndexedDump>>();
  /** Fingerprints triaged by this run: their copies are not "from the index" (earlier runs). */
  const thisRun = new Set<string>();
  const s: FleetSummary = { found: 0, answered: 0, triaged: 0, fromIndex: 0, problems: 0, notReached: 0, interrupted: false };
  const busyRetries = o.busyRetries ?? 2;
  const busyRetryMs = o.busyRetryMs ?? 1500;

  const emit = (line: FleetLine): void => {
    if (line.schema === 'crashdeck.fleet-problem/1') s.problems++;
    else s.answered++;
    o.onLine(line);
  };
  const problem = (scope: FleetProblemLine['scope'], host: HostState, p: string, err: unknown, extra: { size?: number; mtimeMs?: number } = {}): void => {
    const e = err instanceof ApiError || (err as { code?: unknown })?.code === 'still-being-written' ? (err as { code: string; message: string; hint?: string }) : toApiError(err);
    emit({
      schema: 'crashdeck.fleet-problem/1',
      scope,
      source: {
        host: host.t.label,
        path: p,
        ...(extra.size !== undefined ? { size: extra.size } : {}),
        ...(extra.mtimeMs !== undefined ? { mtime: iso(extra.mtimeMs) ?? '' } : {}),
        ...(host.spec ? { hostSpec: host.spec } : {}),
      },
      error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
    });
  };

  const hostFor = (target: FleetTarget): Promise<HostState> => {
    const key = target.host ?? '';
    let h = hosts.get(key);
    if (!h) {
      const spec = target.host;
      h = (async () => ({ spec, t: spec ? await o.transportFor(spec) : o.local, limiter: new Limiter(o.perHost), confirmLimiter: new Limiter(1) }))();
      hosts.set(key, h);
    }
    return h;
  };

  const triageOnce = (h: HostState, path: string, fp: string): Promise<IndexedDump> => {
    let p = o.shareCopies === false ? undefined : inflight.get(fp);
    if (!p) {
      thisRun.add(fp);
      p = (async () => {
        const r = await o.triageDump(h.t, path, { signal });
        s.triaged++;
        const rec: IndexedDump = { fp, engine: fleetEngine, at: Date.now(), release: r.identity.release, buildId: r.identity.buildId, crashTimeMs: r.identity.crashTimeMs, report: r.report, reason: r.reason };
        await o.index?.putDump(rec);
        return rec;
      })();
      inflight.set(fp, p);
      // A failure is not remembered: another copy may succeed.
      p.catch(() => inflight.delete(fp));
    }
    return p;
  };

  const answer = async (h: HostState, e: DumpEntry, rec: IndexedDump, fromIndex: boolean, notes: string[]): Promise<void> => {
    await o.index?.putLocation({ host: h.t.label, path: e.vmcore, size: e.size, mtimeMs: e.mtimeMs, fp: rec.fp });
    let report = rec.confirmed ?? rec.report;
    if (o.confirm && !rec.confirmed && !signal.aborted) {
      await h.confirmLimiter.acquire(signal);
      try {
        const c = await o.confirm(h.t, h.spec, e.vmcore, rec.release, signal);
        if ('report' in c) {
          report = c.report;
          rec.confirmed = c.report;
          await o.index?.putDump(rec);
        } else {
          notes.push(`not confirmed with crash: ${c.unavailable}`);
        }
      } finally {
        h.confirmLimiter.release();
      }
    }
    if (!report) {
      const known = notes.length ? ` (${notes.join('; ')})` : '';
      problem('dump', h, e.vmcore, new ApiError('dump-unreadable', `no verdict for ${e.vmcore}${known}: ${rec.reason ?? 'the kernel log could not be read'}`, 'Open it with crash for a full analysis, or check that the capture finished.'), { size: e.size, mtimeMs: e.mtimeMs });
      return;
    }
    if (fromIndex) s.fromIndex++;
    const line: FleetDumpLine = {
      ...report,
      source: { host: h.t.label, path: e.vmcore, size: e.size, mtime: iso(e.mtimeMs) ?? '' },
      fleet: { fingerprint: rec.fp, ...(h.spec ? { hostSpec: h.spec } : {}), buildId: rec.buildId, crashTime: iso(rec.crashTimeMs), fromIndex, notes },
    };
    emit(line);
  };

  const triageEntry = async (h: HostState, entry: DumpEntry): Promise<void> => {
    let e = entry;
    for (let attempt = 0; ; attempt++) {
      const st = await h.t.stat(e.vmcore);
      if (!st?.isFile) throw new ApiError('not-found', `${e.vmcore} is gone (removed or rotated since the scan)`);
      let changed = st.size !== e.size || sec(st.mtimeMs) !== sec(e.mtimeMs);
      if (!changed && Date.now() - st.mtimeMs < 3000) {
        // Written in the last seconds: look once more before trusting it is complete.
        await sleep(1000, signal);
        const again = await h.t.stat(e.vmcore);
        changed = !again || again.size !== st.size || sec(again.mtimeMs) !== sec(st.mtimeMs);
      }
      if (!changed) break;
      if (attempt >= busyRetries) {
        throw Object.assign(new Error(`${e.vmcore} is still being written (its size changed from ${e.size} to ${st.size} bytes between two looks)`), {
          code: 'still-being-written',
          hint: 'Run again once kdump/makedumpfile has finished writing it.',
        });
      }
      await sleep(busyRetryMs, signal);
      if (signal.aborted) return;
      const now = await h.t.stat(e.vmcore);
      e = { ...e, size: now?.size ?? st.size, mtimeMs: now?.mtimeMs ?? st.mtimeMs };
    }
    if (e.size === 0) throw new ApiError('not-a-dump', `${e.vmcore} is empty (0 bytes): the capture failed or never started`, 'Check the kdump service log of that boot; remove the empty file.');
    const known = o.index?.fingerprintAt(h.t.label, e.vmcore, e.size, e.mtimeMs);
    const knownRec = known ? o.index?.dump(known, fleetEngine) : undefined;
    if (knownRec) return answer(h, e, knownRec, !thisRun.has(knownRec.fp), []);
    const facts = await readDumpFacts(h.t, e.vmcore);
    if (facts.format === 'unknown') throw new ApiError('not-a-dump', `${e.vmcore} is not a kernel dump (no kdump or ELF core header)`, 'Is it a partial copy, or another file named like a dump?');
    const notes: string[] = [];
    if (facts.truncated) notes.push(`truncated: ${facts.size} bytes, its header promises ${facts.expectedSize ?? '?'}`);
    if (facts.format === 'flattened') notes.push('flattened (makedumpfile -F) format: reassemble with makedumpfile -R for crash');
    const fp = dumpFingerprint(facts);
    const indexed = o.index?.dump(fp, fleetEngine);
    if (indexed) return answer(h, e, indexed, !thisRun.has(fp), notes);
    const rec = await triageOnce(h, e.vmcore, fp);
    return answer(h, e, rec, false, notes);
  };

  const runEntry = async (h: HostState, entry: DumpEntry): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await h.limiter.acquire(signal);
      } catch {
        s.notReached++;
        return;
      }
      try {
        await global.acquire(signal);
      } catch {
        h.limiter.release();
        s.notReached++;
        return;
      }
      try {
        if (signal.aborted) {
          s.notReached++;
          return;
        }
        await triageEntry(h, entry);
        return;
      } catch (err) {
        const refusedChannel = err instanceof ApiError && err.code === 'refused' && /channel/.test(err.message);
        if (refusedChannel && attempt < 6 && !signal.aborted) {
          // sshd allows fewer sessions than we use: fewer at once on this host, then again.
          h.limiter.setLimit(h.limiter.limit - 1);
          continue;
        }
        if (signal.aborted) {
          s.notReached++;
          return;
        }
        problem('dump', h, entry.vmcore, fileError(err, entry.vmcore, h.t.label), { size: entry.size, mtimeMs: entry.mtimeMs });
        return;
      } finally {
        global.release();
        h.limiter.release();
      }
    }
  };

  const runTarget = async (target: FleetTarget): Promise<void> => {
    let h: HostState;
    try {
      h = await hostFor(target);
    } catch (err) {
      const e = toApiError(err);
      emit({ schema: 'crashdeck.fleet-problem/1', scope: 'host', source: { host: target.host ?? 'local', path: target.dir, ...(target.host ? { hostSpec: target.host } : {}) }, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
      return;
    }
    let dumps: DumpEntry[];
    try {
      const r = await scanCrashDir(h.t, target.dir, { signal });
      dumps = r.dumps;
      for (const p of r.problems) problem('dir', h, p.path, new ApiError('dump-unreadable', `cannot read ${p.path} on ${h.t.label}: ${p.message}`, 'Run as a user who can read it (dumps are often root-only).'));
    } catch (err) {
      if (signal.aborted) return;
      const e = toApiError(err);
      problem(e.code === 'not-found' || e.code === 'dump-unreadable' ? 'dir' : 'host', h, target.dir, e);
      return;
    }
    s.found += dumps.length;
    o.onFound?.(s.found);
    await Promise.all(dumps.map((d) => runEntry(h, d)));
  };

  await Promise.all(o.targets.map(runTarget));
  s.interrupted = signal.aborted;
  return s;
}
