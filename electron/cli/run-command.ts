/**
 * `crashdeck run <vmcore> [--vmlinux P] [--crash BIN] [--json] [--timeout S] [--shell] -- CMD...`:
 * opens the dump through the same Api the UI uses, runs each CMD (one crash command line per
 * argument) in one crash session and prints the raw output, or JSON with raw, parsed and timings.
 * Exit codes: 0 all commands ran cleanly, 1 a command reported a crash error, 2 usage,
 * 3 the dump could not be opened (the message says why and what to do).
 */
import { createApi } from '../host/create-api.ts';
import { splitSshUrl } from '../transport/ssh.ts';
import { terminalSshHosts } from '../transport/ssh-terminal.ts';
import { apiFailure, openOptions, printUsage, usageError, type CliCommand } from './command-args.ts';
import { fetchVmlinuxForCli } from './symbols-fetch.ts';

const usage = `Usage: crashdeck run <vmcore> [--host H] [--vmlinux P] [--crash BIN] [--json] [--timeout S] [--shell] -- CMD...

Run crash commands on a dump in one crash session. Each CMD after -- is one crash
command line, e.g.: crashdeck run /var/crash/202501010000/dump.202501010000 -- sys "kmem -i" ps

  --vmlinux P   debug vmlinux (default: searched from the dump's kernel release, then the
                debuginfod cache by build-id, then fetched from $DEBUGINFOD_URLS)
  --crash BIN   crash binary (default: $CRASHDECK_CRASH, else crash on PATH)
  --json        print JSON: session facts and, per command, raw, parsed and timings
  --timeout S   per-command timeout in seconds (default 120)
  --host H      the dump is on another machine: run crash there over SSH (ssh://user@host:port,
                user@host:port or an ~/.ssh/config alias); <vmcore> and --vmlinux are paths there.
                <vmcore> may also be ssh://user@host:port/path/to/vmcore
  --shell       allow crash's shell escapes, pipes and redirections (!, |, >, <)
`;

const command: CliCommand = { name: 'run', usage };

interface RunArgs {
  vmcore: string;
  vmlinux?: string;
  crash?: string;
  json: boolean;
  timeoutMs?: number;
  shell: boolean;
  host?: string;
  commands: string[];
}

class UsageError extends Error {}

function parseArgs(args: string[]): RunArgs | 'help' {
  const dash = args.indexOf('--');
  const opts = dash < 0 ? args : args.slice(0, dash);
  const commands = dash < 0 ? [] : args.slice(dash + 1);
  if (opts.includes('--help') || opts.includes('-h')) return 'help';
  const out: Partial<RunArgs> & { json: boolean; shell: boolean } = { json: false, shell: false };
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i] as string;
    const value = (): string => {
      const v = opts[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') out.json = true;
    else if (a === '--shell') out.shell = true;
    else if (a === '--vmlinux') out.vmlinux = value();
    else if (a === '--crash') out.crash = value();
    else if (a === '--host') out.host = value();
    else if (a === '--timeout') {
      const s = Number(value());
      if (!Number.isFinite(s) || s <= 0) throw new UsageError('--timeout needs a positive number of seconds');
      out.timeoutMs = Math.round(s * 1000);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (out.vmcore === undefined) out.vmcore = a;
    else throw new UsageError(`unexpected argument ${a} (put crash commands after --)`);
  }
  if (out.vmcore === undefined) throw new UsageError('missing <vmcore>');
  const url = splitSshUrl(out.vmcore);
  if (url) {
    if (out.host !== undefined) throw new UsageError('give the host either in --host or in the ssh:// URL, not both');
    out.host = url.host;
    out.vmcore = url.path;
  }
  if (commands.length === 0) throw new UsageError('no commands: add -- CMD...');
  return { ...out, vmcore: out.vmcore, commands } as RunArgs;
}

/** Entry point of `crashdeck run`; returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  let parsed: RunArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(command, err.message);
  }
  if (parsed === 'help') return printUsage(command);
  const a = parsed;
  const ssh = terminalSshHosts();
  const api = createApi({ ...(a.timeoutMs ? { commandTimeoutMs: a.timeoutMs } : {}), transportFor: ssh.transportFor });
  const t0 = performance.now();
  try {
    const fetched = a.vmlinux ? undefined : await fetchVmlinuxForCli({ name: 'run', vmcore: a.vmcore, host: a.host, transportFor: ssh.transportFor });
    const info = await api.call('session.open', { vmcore: a.vmcore, ...openOptions({ ...a, vmlinux: a.vmlinux ?? fetched }) });
    if (a.shell) await api.call('session.setShell', { sessionId: info.id, enabled: true });
    const results = [];
    let startupMs: number | null = null;
    let failed = false;
    for (const [i, command] of a.commands.entries()) {
      const r = await api.call('session.console', { sessionId: info.id, line: command });
      if (startupMs === null) startupMs = Math.round(performance.now() - t0 - r.durationMs);
      if (r.error !== undefined) failed = true;
      results.push(r);
      if (!a.json) {
        if (a.commands.length > 1) process.stdout.write(`${i ? '\n' : ''}crash> ${r.command}\n`);
        process.stdout.write(r.raw);
      }
    }
    const final = await api.call('session.info', { sessionId: info.id });
    if (a.json) {
      const doc = {
        session: {
          vmcore: final.vmcore,
          vmlinux: final.vmlinux,
          fingerprint: final.fingerprint,
          crashPath: final.crashPath,
          crashVersion: final.crashVersion,
          release: final.release,
          degraded: final.degraded,
          startOptions: final.startOptions ?? [],
          limits: final.limits ?? [],
          startupWarnings: final.startupWarnings,
          diagnoses: final.diagnoses,
        },
        commands: results.map((r) => ({ command: r.command, raw: r.raw, parsed: r.parsed, durationMs: r.durationMs, warnings: r.warnings, error: r.error ?? null, diagnoses: r.diagnoses ?? [] })),
        timings: { startupMs, totalMs: Math.round(performance.now() - t0) },
      };
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else {
      for (const d of final.diagnoses) process.stderr.write(`crashdeck run: ${d.severity}: ${d.message}${d.hint ? ` — ${d.hint}` : ''}\n`);
    }
    return failed ? 1 : 0;
  } catch (err) {
    return apiFailure(command, err);
  } finally {
    await api.dispose();
    await ssh.closeAll();
  }
}
