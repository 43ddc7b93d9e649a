/**
 * `crashdeck buckets FILE.jsonl... [--json]`: merge the JSON lines of `triage --all --jsonl` runs
 * (from one machine or many) into one table per panic signature. `-` reads stdin.
 * Exit codes: 0 printed, 2 usage, 3 a file could not be read or held no fleet lines.
 */
import { readFile } from 'node:fs/promises';
import { bucketLines, renderBuckets } from '../fleet/buckets.ts';
import { parseCommandArgs, usageError, type CliCommand } from './command-args.ts';

const usage = `Usage: crashdeck buckets FILE.jsonl... [--json]

Group the output of \`crashdeck triage --all --jsonl\` (one or many runs, one or many machines) by
panic signature: count, hosts, kernels, first and last crash time, one example dump. A dump seen
in several files counts once (the later line wins). FILE "-" is stdin.

  --json   print crashdeck.buckets/1 JSON
`;

const command: CliCommand = { name: 'buckets', usage };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Entry point of `crashdeck buckets`; returns the exit code. */
export async function bucketsCommand(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, { args, strict: true, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (!positionals.length) return usageError(command, 'give at least one FILE.jsonl (or - for stdin)');
  const lines: unknown[] = [];
  for (const file of positionals) {
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (err) {
      process.stderr.write(`crashdeck buckets: cannot read ${file}: ${(err as Error).message}\n`);
      return 3;
    }
    let ok = 0;
    let bad = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      try {
        lines.push(JSON.parse(raw));
        ok++;
      } catch {
        bad++;
      }
    }
    if (bad) process.stderr.write(`crashdeck buckets: ${file}: skipped ${bad} line(s) that are not JSON (a run cut short?)\n`);
    if (!ok) {
      process.stderr.write(`crashdeck buckets: ${file} holds no JSON lines — write it with \`crashdeck triage --all TARGET --jsonl > FILE\`\n`);
      return 3;
    }
  }
  const table = bucketLines(lines);
  if (table.dumps === 0 && table.problems === 0) {
    process.stderr.write('crashdeck buckets: no crashdeck.triage/1 lines with a source in the input — is it `triage --all --jsonl` output?\n');
    return 3;
  }
  process.stdout.write(values.json ? JSON.stringify(table, null, 2) + '\n' : renderBuckets(table));
  return 0;
}
