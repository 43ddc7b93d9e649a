/**
 * The CLI's "no vmlinux here" step for `crashdeck triage` and `crashdeck run`: when the dump's
 * debug vmlinux is not installed or cached and debuginfod servers are configured, fetch it by the
 * dump's build-id before crash starts, with a progress bar on stderr; the first Ctrl-C cancels
 * the download cleanly (nothing left in the cache) and the command goes on with what it has.
 */
import { toApiError } from '../api/handlers.ts';
import { findVmlinux } from '../crash/discovery.ts';
import { readDumpIdentity } from '../dumpinfo/vmcoreinfo.ts';
import { loadSettings } from '../settings.ts';
import type { FetchProgress } from '../symbols/debuginfod-fetch.ts';
import { debuginfodUrls } from '../symbols/debuginfod-urls.ts';
import { fetchVmlinux } from '../symbols/fetch-vmlinux.ts';
import { LocalTransport } from '../transport/local.ts';
import type { Transport } from '../transport/types.ts';
import { apiErrorLine } from './command-args.ts';

/** What the step needs from its command. */
export interface CliSymbolsOptions {
  /** "triage" or "run", for messages. */
  name: string;
  vmcore: string;
  host?: string | undefined;
  transportFor(host: string): Transport | Promise<Transport>;
  env?: NodeJS.ProcessEnv;
}

const mib = (n: number): string => (n / (1024 * 1024)).toFixed(0);

/** A progress writer: a redrawn bar on a terminal, a line per 10% otherwise (logs, CI). */
export function progressWriter(name: string, out: NodeJS.WriteStream = process.stderr): { update(p: FetchProgress): void; end(): void } {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      const pct = p.total ? Math.min(100, Math.floor((p.bytes * 100) / p.total)) : null;
      const size = p.total ? `${mib(p.bytes)}/${mib(p.total)} MiB` : `${mib(p.bytes)} MiB`;
      if (out.isTTY) {
        const width = 30;
        const fill = pct === null ? 0 : Math.round((pct * width) / 100);
        out.write(`\r${'#'.repeat(fill)}${'.'.repeat(width - fill)} ${pct === null ? '' : `${pct}% `}${size} from ${p.server}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = pct === null ? Math.floor(p.bytes / (64 * 1024 * 1024)) : Math.floor(pct / 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      out.write(`crashdeck ${name}: debug symbols: ${pct === null ? '' : `${pct}% `}${size} from ${p.server}\n`);
    },
    end() {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

/**
 * The vmlinux path to give session.open, or undefined to let it search (and explain) as usual:
 * undefined when one is already installed or cached, when the dump has no build-id or no server
 * is configured, and after a failed or cancelled fetch (whose cause is printed on stderr).
 */
export async function fetchVmlinuxForCli(o: CliSymbolsOptions): Promise<string | undefined> {
  const env = o.env ?? process.env;
  let t: Transport;
  try {
    t = o.host ? await o.transportFor(o.host) : new LocalTransport();
  } catch {
    return undefined; // session.open reports the connection problem with its own words
  }
  const identity = await readDumpIdentity(t, o.vmcore).catch(() => null);
  if (!identity?.buildId) return undefined;
  try {
    await findVmlinux(t, identity.release, { buildId: identity.buildId, env });
    return undefined;
  } catch {
    // not installed, not cached: fetch below
  }
  const settings = await loadSettings(env);
  // A remote host may have servers of its own (its DEBUGINFOD_URLS or /etc/debuginfod/*.urls).
  if (t.kind === 'local' && debuginfodUrls(env, settings).urls.length === 0) return undefined;
  const ctl = new AbortController();
  const onSigint = (): void => {
    process.stderr.write(`\ncrashdeck ${o.name}: cancelling the download (Ctrl-C again to quit)\n`);
    process.off('SIGINT', onSigint);
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = progressWriter(o.name);
  process.stderr.write(`crashdeck ${o.name}: no debug vmlinux for ${identity.release ?? 'the dump'} here; fetching build-id ${identity.buildId} by debuginfod${t.kind === 'ssh' ? ` on ${t.label}` : ''}\n`);
  try {
    const got = await fetchVmlinux({ transport: t, buildId: identity.buildId, release: identity.release, env, settings, signal: ctl.signal, onProgress: (p) => bar.update(p) });
    bar.end();
    process.stderr.write(`crashdeck ${o.name}: debug symbols: ${got.server ? `fetched from ${got.server}, build-id verified` : 'found in the debuginfod cache'}: ${got.path}\n`);
    return got.path;
  } catch (err) {
    bar.end();
    process.stderr.write(`crashdeck ${o.name}: debug symbols: ${apiErrorLine(toApiError(err))}\n`);
    return undefined;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
