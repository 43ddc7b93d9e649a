/**
 * What every crashdeck subcommand does the same way with its command line: strict option
 * parsing, `--help` on stdout (exit 0), usage errors on stderr as "crashdeck NAME: MESSAGE", a
 * blank line and the usage text (exit 2), and one-line ApiError reports.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ApiError } from '../api/contract.ts';
import { toApiError } from '../api/handlers.ts';

/** Exit code of every subcommand for bad usage. */
export const usageExitCode = 2;

/** A subcommand as its messages name it: `name` ("report", "trace import") and its usage text. */
export interface CliCommand {
  name: string;
  usage: string;
}

/** Print "crashdeck NAME: MESSAGE" and the usage on stderr; returns the usage exit code (2). */
export function usageError(command: CliCommand, message: string): number {
  process.stderr.write(`crashdeck ${command.name}: ${message}\n\n${command.usage}`);
  return usageExitCode;
}

/** Print the usage on stdout for --help; returns exit code 0. */
export function printUsage(command: CliCommand): number {
  process.stdout.write(command.usage);
  return 0;
}

/**
 * node:util parseArgs with the subcommands' shared handling: a parse error is a usage error
 * (exit 2) and `--help` / `-h` (an option named `help`) prints the usage (exit 0). Returns the
 * parsed values and positionals, or the exit code when the command line was already answered.
 */
export function parseCommandArgs<const T extends ParseArgsConfig>(command: CliCommand, config: T): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    return usageError(command, (err as Error).message);
  }
  if ((parsed.values as { help?: unknown }).help === true) return printUsage(command);
  return parsed;
}

/** An ApiError on one line: message (its line breaks as " | "), " — hint", " [code]". */
export function apiErrorLine(e: ApiError): string {
  return `${e.message.replace(/\s*\n\s*/g, ' | ')}${e.hint ? ` — ${e.hint}` : ''} [${e.code}]`;
}

/**
 * Report a failed Api call as "crashdeck NAME: <one line>" on stderr and return the exit code:
 * 2 (usage) for the codes that mean the command line was wrong, else 3 (the dump could not be read).
 */
export function apiFailure(command: CliCommand, err: unknown, usageCodes: readonly string[] = ['bad-request', 'refused']): number {
  const e = toApiError(err);
  process.stderr.write(`crashdeck ${command.name}: ${apiErrorLine(e)}\n`);
  return usageCodes.includes(e.code) ? usageExitCode : 3;
}

/** session.open's optional vmlinux/crash/host, leaving out those not given (or empty). */
export function openOptions(o: { vmlinux?: string | undefined; crash?: string | undefined; host?: string | undefined }): { vmlinux?: string; crash?: string; host?: string } {
  return { ...(o.vmlinux ? { vmlinux: o.vmlinux } : {}), ...(o.crash ? { crash: o.crash } : {}), ...(o.host ? { host: o.host } : {}) };
}
