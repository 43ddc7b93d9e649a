/**
 * `crashdeck triage --all TARGET... [--jsonl] [--jobs N] [--per-host N] [--confirm]`: every dump
 * under local directories and remote hosts' crash directories, triaged from its own kernel log,
 * one line per dump as it finishes, then the buckets. Ctrl-C stops cleanly: what is done is
 * printed (and kept in the index), a second Ctrl-C exits at once.
 * Exit codes: 0 ran (problems are lines of their own), 2 usage, 3 no target could be read,
 * 130 interrupted.
 */
import { taskShare } from '../analyze/completeness-text.ts';
import { LocalTransport } from '../transport/local.ts';
import { terminalSshHosts } from '../transport/ssh-terminal.ts';
import { bucketLines, printable, renderBuckets } from '../fleet/buckets.ts';
import type { CrashConfirmer } from '../host/crash-confirmer.ts';
import { defaultLogTriage } from '../fleet/default-triage.ts';
import { FleetIndex } from '../fleet/index-store.ts';
import type { FleetLine } from '../api/fleet-lines.ts';
import { runFleet } from '../fleet/run.ts';
import { parseTarget, type FleetTarget } from '../fleet/targets.ts';
import { parseCommandArgs, usageError, type CliCommand } from './command-args.ts';

const usage = `Usage: crashdeck triage --all TARGET... [--jsonl] [--jobs N] [--per-host N] [--confirm [--crash BIN] [--debuginfo-dir D]...] [--no-index]

Every dump under each TARGET, triaged from its own kernel log (no crash, no debug vmlinux),
one line per dump as it finishes, then a table of buckets (one per panic signature).
A TARGET is a local directory, ssh://[user@]host[:port][/dir] or [user@]host:[dir] (host may be
an ~/.ssh/config alias); a remote target without a directory means /var/crash.

  --jsonl            one JSON line per dump (crashdeck.triage/1 + source) or problem
                     (crashdeck.fleet-problem/1) on stdout; the buckets go to stderr
  --jobs N           dumps triaged at once over all hosts (default 8)
  --per-host N       dumps triaged at once on one host, one SSH channel each (default 4;
                     lowered by itself when sshd refuses a channel)
  --confirm          also run the crash-based triage where crash and the vmlinux are found
  --crash BIN        crash binary for --confirm (local dumps)
  --debuginfo-dir D  where --confirm also looks for vmlinux-RELEASE (repeatable)
  --no-index         triage every dump file on its own (copies too), reading and writing no index
                     (the index: $XDG_CACHE_HOME/crashdeck/fleet-index, default ~/.cache/crashdeck)
`;

const command: CliCommand = { name: 'triage --all', usage };

/** Entry point of `crashdeck triage --all`; returns the exit code. */
export async function triageAllCommand(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, {
    args: args.filter((a) => a !== '--all'),
    strict: true,
    allowPositionals: true,
    options: {
      jsonl: { type: 'boolean' }, jobs: { type: 'string' }, 'per-host': { type: 'string' }, confirm: { type: 'boolean' },
      crash: { type: 'string' }, 'debuginfo-dir': { type: 'string', multiple: true }, 'no-index': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const fail = (msg: string): number => usageError(command, msg);
  if (!positionals.length) return fail('give at least one TARGET (a directory, ssh://host/dir or host:dir)');
  const count = (name: string, v: string | undefined, dflt: number): number | string => {
    if (v === undefined) return dflt;
    const n = Number(v);
    return Number.isInteger(n) && n >= 1 && n <= 256 ? n : `--${name} wants a whole number from 1 to 256, got ${JSON.stringify(v)}`;
  };
  const jobs = count('jobs', values.jobs, 8);
  const perHost = count('per-host', values['per-host'], 4);
  if (typeof jobs === 'string') return fail(jobs);
  if (typeof perHost === 'string') return fail(perHost);
  if (!values.confirm && (values.crash || values['debuginfo-dir'])) return fail('--crash and --debuginfo-dir go with --confirm');
  const targets: FleetTarget[] = [];
  for (const p of positionals) {
    try {
      targets.push(parseTarget(p));
    } catch (err) {
      return fail(`${p}: ${(err as Error).message}`);
    }
  }

  const ssh = terminalSshHosts();
  const local = new LocalTransport();
  const controller = new AbortController();
  let sigints = 0;
  const onSigint = (): void => {
    sigints++;
    if (sigints > 1) process.exit(130);
    process.stderr.write('\ncrashdeck triage --all: stopping (running triages finish; Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let index: FleetIndex | null = null;
  let confirmer: CrashConfirmer | undefined;
  const lines: FleetLine[] = [];
  try {
    if (!values['no-index']) {
      try {
        index = await FleetIndex.open();
        for (const n of index.notes) process.stderr.write(`crashdeck triage --all: index: ${n}\n`);
      } catch (err) {
        process.stderr.write(`crashdeck triage --all: cannot use the index (${(err as Error).message}); triaging everything\n`);
      }
    }
    if (values.confirm) {
      // Loaded only when asked: the crash session stack is most of the CLI's start-up time.
      const { crashConfirmer } = await import('../host/crash-confirmer.ts');
      confirmer = crashConfirmer({ transportFor: ssh.transportFor, ...(values.crash ? { crashPath: values.crash } : {}), ...(values['debuginfo-dir'] ? { debuginfoDirs: values['debuginfo-dir'] } : {}) });
    }
    const started = Date.now();
    const summary = await runFleet({
      targets, jobs, perHost, local, transportFor: ssh.transportFor, triageDump: defaultLogTriage, index, shareCopies: !values['no-index'],
      ...(confirmer ? { confirm: confirmer.confirm } : {}),
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        process.stdout.write(values.jsonl ? JSON.stringify(line) + '\n' : textLine(line));
      },
    });
    const table = renderBuckets(bucketLines(lines));
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const tail = `${summary.found} dump(s) found, ${summary.answered} with a verdict (${summary.triaged} triaged now, ${summary.fromIndex} from the index), ${summary.problems} problem(s), ${secs} s`;
    if (values.jsonl) process.stderr.write(`\n${table}${tail}\n`);
    else process.stdout.write(`\n${table}${tail}\n`);
    if (summary.interrupted) {
      process.stderr.write(`crashdeck triage --all: interrupted; ${summary.notReached} dump(s) not reached — run again to continue (what is done is in the index)\n`);
      return 130;
    }
    const hostFailures = lines.filter((l) => l.schema === 'crashdeck.fleet-problem/1' && (l.scope === 'host' || (l.scope === 'dir' && targets.some((t) => t.dir === l.source.path)))).length;
    return hostFailures >= targets.length && summary.answered === 0 ? 3 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await confirmer?.dispose();
    await index?.close();
    await ssh.closeAll();
    // Everything is printed and closed; do not wait seconds for sshd to finish its side of each
    // connection's polite shutdown (stdout/stderr to pipes and files are synchronous on Linux).
    setTimeout(() => process.exit(), 300).unref();
  }
}

function textLine(line: FleetLine): string {
  if (line.schema === 'crashdeck.fleet-problem/1') {
    return `! ${printable(`${line.source.host}:${line.source.path}`)}: ${printable(line.error.message)}${line.error.hint ? ` — ${printable(line.error.hint)}` : ''} [${line.error.code}]\n`;
  }
  const notes = line.fleet.notes.length ? `  (${printable(line.fleet.notes.join('; '))})` : '';
  // First on the line: an incomplete dump (its task lists are partial); a log-only verdict says it is unchecked.
  const c = line.completeness;
  const share = c ? taskShare(c) : null;
  const flag = c?.state === 'incomplete' ? `INCOMPLETE DUMP${share ? ` (${share})` : ''}  ` : '';
  const unchecked = c?.state === 'unknown' ? '  [completeness unknown: needs crash]' : '';
  return `${flag}${printable(`${line.source.host}:${line.source.path}`)}  ${printable(line.panic.signature)}  ${line.dump.release ?? '?'}  ${line.fleet.crashTime ?? '-'}${line.fleet.fromIndex ? '  [index]' : ''}${unchecked}${notes}\n`;
}
