/**
 * Usage errors read the same in every subcommand (the real bin through tsx): an unknown option
 * exits 2 with "crashdeck NAME: ..." on stderr followed by that subcommand's usage, and nothing
 * on stdout; --help prints the same usage on stdout and exits 0.
 */
import { describe, expect, it } from 'vitest';
import { runCrashdeck } from '../../support/cli.ts';

const subcommands: [string, string[]][] = [
  ['serve', ['serve']],
  ['run', ['run']],
  ['triage', ['triage']],
  ['report', ['report']],
  ['trace import', ['trace', 'import']],
  ['doctor', ['doctor']],
];

describe('crashdeck subcommand usage errors', () => {
  it.each(subcommands)('%s: an unknown option exits 2 naming the subcommand, then its usage', async (name, argv) => {
    const r = await runCrashdeck([...argv, '--no-such-option', 'x']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, blank, usage] = r.stderr.split('\n');
    expect(first).toMatch(new RegExp(`^crashdeck ${name}: .*no-such-option`, 'i'));
    expect(blank).toBe('');
    expect(usage).toMatch(new RegExp(`^Usage: crashdeck ${name}\\b`));
  });

  it.each(subcommands)('%s --help: the same usage on stdout, exit 0', async (name, argv) => {
    const r = await runCrashdeck([...argv, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: crashdeck ${name}\\b`));
    const err = await runCrashdeck([...argv, '--no-such-option']);
    expect(err.stderr).toContain(r.stdout);
  });
});
