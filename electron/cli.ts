/**
 * The `crashdeck` command line: one dispatcher over subcommands that each live in electron/cli/.
 */
import { version } from './version.ts';

interface Subcommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

const subcommands: Record<string, Subcommand> = {
  serve: {
    summary: 'serve the UI to a browser on 127.0.0.1 (--port N, --bind ADDR, --open VMCORE|ssh://...|CASE, --vmlinux P, --crash BIN, --no-demo)',
    run: async (args) => (await import('./cli/serve-command.ts')).serveCommand(args),
  },
  run: {
    summary: 'run crash commands on a dump: run <vmcore|ssh://user@host:port/path> [--host H] [--vmlinux P] [--crash BIN] [--json] [--timeout S] -- CMD...',
    run: async (args) => (await import('./cli/run-command.ts')).runCommand(args),
  },
  triage: {
    summary: 'panic triage and OOM root cause: triage <vmcore> [--vmlinux P] [--crash BIN] [--host H] [--json|--md], or triage --dmesg FILE',
    run: async (args) => (await import('./cli/triage-command.ts')).triageCommand(args),
  },
  report: {
    summary: 'annotated report or portable case: report <vmcore|case.crashcase> --format html|md|pdf|case -o FILE [--vmlinux P] [--crash BIN]',
    run: async (args) => (await import('./cli/report-command.ts')).reportCommand(args),
  },
  doctor: {
    summary: 'what works and what to fix: doctor [--host H] [--dump VMCORE [--vmlinux P]] [--crash BIN] [--json] (exit 1 when something a dump needs is missing)',
    run: async (args) => (await import('./cli/doctor-command.ts')).doctorCommand(args),
  },
  trace: {
    summary: 'import a trace: trace import FILE [--dump VMCORE --vmlinux P] [--kallsyms K] [--json] (trace-cmd/tracefs/function_graph/perf text, trace.dat, perf.data)',
    run: async (args) => (await import('./cli/trace-command.ts')).traceCommand(args),
  },
};

/** Usage text listing every subcommand. */
export function usage(): string {
  const width = Math.max(...Object.keys(subcommands).map((k) => k.length));
  const lines = Object.entries(subcommands).map(([name, s]) => `  ${name.padEnd(width)}  ${s.summary}`);
  return [`crashdeck ${version} — postmortem Linux kernel crash-dump analysis`, '', 'Usage: crashdeck <command> [options]', '', 'Commands:', ...lines, '', 'Run `crashdeck <command> --help` for its options.'].join('\n');
}

/** Entry point; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const sub = subcommands[name];
  if (!sub) {
    process.stderr.write(`crashdeck: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return sub.run(rest);
}
