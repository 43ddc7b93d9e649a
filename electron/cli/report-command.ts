/**
 * `crashdeck report <vmcore|case.crashcase> --format html|md|pdf|case -o FILE [--vmlinux P]
 * [--crash BIN]`: the annotated report or a portable case, from a dump (crash runs the triage
 * and view commands) or from a case someone sent (no crash needed). Exit codes: 0 written,
 * 2 usage, 3 the dump or case could not be read, 4 the output could not be written.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import { CaseAnnotationSchema, type CaseAnnotationShape } from '../api/contract.ts';
import { createApi } from '../host/create-api.ts';
import { toApiError } from '../api/handlers.ts';
import { readCaseBundle } from '../report/bundle-read.ts';
import { collectCase } from '../report/collect-case.ts';
import type { CaseBundle } from '../report/case-types.ts';
import { exportCase, type ReportFormat } from '../report/export.ts';
import { apiFailure, openOptions, parseCommandArgs, usageError, type CliCommand } from './command-args.ts';

const usage = `Usage: crashdeck report <vmcore|case.crashcase> --format html|md|pdf|case -o FILE [--vmlinux P] [--crash BIN]

Write the analysis of a dump as a self-contained HTML report, Markdown, a PDF (through headless
Chromium) or a .crashcase bundle a teammate opens without the vmcore or crash. Given a
.crashcase, re-exports it (with its notes) in another format without running crash.

  --format F    html, md, pdf or case (default: from the -o file's extension)
  -o FILE       where to write (required; "-" writes html/md to stdout)
  --vmlinux P   debug vmlinux (default: searched from the dump's kernel release)
  --crash BIN   crash binary (default: $CRASHDECK_CRASH, else crash on PATH)
  --host H      the dump is on another machine: ssh://user@host:port or an ssh alias
  --notes FILE  annotations to include: a JSON array of notes (uid, view, rowKey, label, tag,
                text, order, createdAt, updatedAt), e.g. resources/demo/oom-slab-leak.notes.json
  --trace FILE  import a trace (trace-cmd/perf text, trace.dat, perf.data) and carry its summary
                (repeatable); --trace-files also carries the trace files in the .crashcase
  --quiet       no progress lines on stderr
`;

const command: CliCommand = { name: 'report', usage };

const byExt: Record<string, ReportFormat> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.pdf': 'pdf', '.crashcase': 'case', '.zip': 'case' };

/** Entry point of `crashdeck report`; returns the exit code. */
export async function reportCommand(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, {
    args,
    strict: true,
    allowPositionals: true,
    options: {
      format: { type: 'string' }, output: { type: 'string', short: 'o' }, vmlinux: { type: 'string' }, crash: { type: 'string' }, host: { type: 'string' }, notes: { type: 'string' },
      trace: { type: 'string', multiple: true }, 'trace-files': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const fail = (msg: string): number => usageError(command, msg);
  if (positionals.length !== 1) return fail(positionals.length ? 'give one <vmcore> or <case.crashcase>' : 'missing <vmcore> or <case.crashcase>');
  if (!values.output) return fail('missing -o FILE');
  const format = (values.format ?? byExt[path.extname(values.output).toLowerCase()]) as ReportFormat | undefined;
  if (!format || !['html', 'md', 'pdf', 'case'].includes(format)) return fail(`--format must be html, md, pdf or case${values.format ? ` (got ${JSON.stringify(values.format)})` : ''}`);
  if (values.output === '-' && (format === 'pdf' || format === 'case')) return fail(`${format} is binary: give -o FILE`);
  const input = positionals[0] as string;
  const progress = values.quiet ? undefined : (c: string): void => void process.stderr.write(`crashdeck report: ${c}\n`);

  let bundle: CaseBundle;
  let notes: CaseAnnotationShape[] | undefined;
  if (values.notes !== undefined) {
    try {
      notes = v.parse(v.array(CaseAnnotationSchema), JSON.parse(await readFile(values.notes, 'utf8')));
    } catch (err) {
      process.stderr.write(`crashdeck report: --notes ${values.notes}: ${(err as Error).message}\n`);
      return 3;
    }
  }
  try {
    if (input.endsWith('.crashcase')) {
      if (values.vmlinux || values.crash || values.host) return fail('--vmlinux, --crash and --host apply to a vmcore, not to a .crashcase');
      bundle = await readCaseBundle(await readFile(input));
    } else {
      bundle = await caseFromDump(input, values, progress);
    }
    if (notes) bundle.annotations = notes;
    if (values.trace?.length) await addTraces(bundle, values.trace, values['trace-files'] === true, progress);
  } catch (err) {
    // A refused bundle is a bad input file (3), not a usage error.
    return apiFailure(command, err, ['bad-request']);
  }
  let file;
  try {
    file = await exportCase(bundle, format);
  } catch (err) {
    const e = toApiError(err);
    process.stderr.write(`crashdeck report: ${e.message}${e.hint ? ` — ${e.hint}` : ''} [${e.code}]\n`);
    return 4;
  }
  if (values.output === '-') {
    process.stdout.write(file.bytes);
    return 0;
  }
  try {
    await writeFile(values.output, file.bytes);
  } catch (err) {
    process.stderr.write(`crashdeck report: cannot write ${values.output}: ${(err as Error).message}\n`);
    return 4;
  }
  progress?.(`wrote ${values.output} (${file.bytes.length} bytes, ${format})`);
  return 0;
}

async function caseFromDump(vmcore: string, values: { vmlinux?: string; crash?: string; host?: string }, progress?: (c: string) => void): Promise<CaseBundle> {
  // Remote dumps: SSH questions go to this terminal; ssh2 loads only when a host is given.
  const ssh = values.host ? await import('../transport/ssh-terminal.ts').then((m) => m.terminalSshHosts()) : null;
  const api = createApi(ssh ? { transportFor: (h: string) => ssh.transportFor(h) } : {});
  const local = (p: string): string => (values.host ? p : path.resolve(p));
  try {
    const info = await api.call('session.open', {
      vmcore: local(vmcore),
      ...openOptions({ host: values.host, vmlinux: values.vmlinux && local(values.vmlinux), crash: values.crash }),
    });
    return await collectCase(
      (command) => api.call('session.run', { sessionId: info.id, command, engine: 'crash' }),
      () => api.call('session.info', { sessionId: info.id }),
      progress ? { onProgress: progress } : {},
    );
  } finally {
    await api.dispose();
    await ssh?.closeAll();
  }
}

/** Import each trace (in the trace worker) and add its summary, and the file itself when asked. */
async function addTraces(bundle: CaseBundle, files: string[], withFiles: boolean, progress?: (c: string) => void): Promise<void> {
  const api = createApi();
  try {
    for (const file of files) {
      progress?.(`trace ${file}`);
      const r = await api.call('trace.import', { file: path.resolve(file) });
      bundle.traces.push(r.summary);
      if (withFiles) (bundle.traceFiles ??= {})[path.basename(file)] = await readFile(file);
    }
  } finally {
    await api.dispose();
  }
}
