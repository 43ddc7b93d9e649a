/**
 * Running `trace-cmd report` and `perf script` to turn trace.dat / perf.data into text we stream,
 * and saying plainly which package to install when the tool is missing.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ApiError } from '../api/contract.ts';

/** Which binaries to run; defaults come from CRASHDECK_TRACE_CMD / CRASHDECK_PERF or PATH. */
export interface TraceTools {
  traceCmd?: string;
  perf?: string;
}

/** A running converter: its stdout, and a promise for how it ended. */
export interface ToolRun {
  stdout: Readable;
  /** Resolves with the exit code and the start of stderr; rejects when the tool cannot start. */
  done: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
}

const stderrLimit = 64 * 1024;

function missing(tool: 'trace-cmd' | 'perf', what: string): ApiError {
  const pkg = tool === 'trace-cmd' ? 'trace-cmd' : 'linux-perf';
  return new ApiError(
    'trace-tool-missing',
    `${tool} is not installed, so the ${what} cannot be read (it is a binary recording that ${tool} converts to text)`,
    `Install the ${pkg} package (apt-get install ${pkg}), or import the text instead: ${tool === 'trace-cmd' ? '`trace-cmd report -i trace.dat > trace.txt`' : '`perf script -i perf.data > perf.txt`'} on a machine that has it.`,
  );
}

function run(bin: string, args: string[], tool: 'trace-cmd' | 'perf', what: string, signal?: AbortSignal): ToolRun {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < stderrLimit) stderr += d.slice(0, stderrLimit - stderr.length);
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(missing(tool, what));
      else if (err.name === 'AbortError') reject(err);
      else reject(new ApiError('internal', `${tool} failed to start: ${err.message}`));
    });
    child.once('close', (code) => resolve({ code, stderr }));
  });
  // The stream side must not crash the process if the tool never starts.
  child.stdout.on('error', () => undefined);
  return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}

/** `trace-cmd report -i FILE`: the same text `trace-cmd report` prints on the recording box. */
export function traceCmdReport(file: string, tools: TraceTools = {}, signal?: AbortSignal): ToolRun {
  const bin = tools.traceCmd ?? process.env.CRASHDECK_TRACE_CMD ?? 'trace-cmd';
  return run(bin, ['report', '-i', file], 'trace-cmd', 'trace.dat', signal);
}

/**
 * `perf script -i FILE` with callchains. Kernel frames print as [unknown] on another machine
 * unless a vmlinux (core kernel) or a kallsyms copy (kernel and modules) is given.
 */
export function perfScript(file: string, opts: { vmlinux?: string; kallsyms?: string }, tools: TraceTools = {}, signal?: AbortSignal): ToolRun {
  const bin = tools.perf ?? process.env.CRASHDECK_PERF ?? 'perf';
  const args = ['script', '-i', file];
  if (opts.vmlinux) args.push('--vmlinux', opts.vmlinux);
  if (opts.kallsyms) args.push('--kallsyms', opts.kallsyms);
  return run(bin, args, 'perf', 'perf.data', signal);
}

/** The kallsyms table a trace.dat carries (`trace-cmd dump --kallsyms`), as /proc/kallsyms text. */
export async function kallsymsFromTraceDat(file: string, tools: TraceTools = {}, signal?: AbortSignal): Promise<string> {
  const bin = tools.traceCmd ?? process.env.CRASHDECK_TRACE_CMD ?? 'trace-cmd';
  const r = run(bin, ['dump', '--kallsyms', '-i', file], 'trace-cmd', 'kallsyms of the trace.dat', signal);
  const parts: string[] = [];
  r.stdout.setEncoding('utf8');
  r.stdout.on('data', (d: string) => parts.push(d));
  const { code, stderr } = await r.done;
  if (code !== 0) throw new ApiError('internal', `trace-cmd dump --kallsyms failed (exit ${code}): ${stderr.trim().slice(0, 500)}`);
  return parts.join('').split('\n').filter((l) => /^[0-9a-fA-F]{8,16} /.test(l)).join('\n');
}
