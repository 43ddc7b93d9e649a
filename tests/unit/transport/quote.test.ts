import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../../electron/transport/quote.ts';
import { remoteCommandLine } from '../../../electron/transport/ssh.ts';

/** Shells a remote login shell may be; each must see exactly the words we meant. */
const shells = ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/zsh'].filter((s) => existsSync(s));

/** What a real shell passes to printf when it parses our command line. */
function wordsSeenBy(shell: string, words: readonly string[]): string[] {
  // A leading sentinel word: printf with no arguments would still print the format once.
  const out = execFileSync(shell, ['-c', shellCommand(['printf', '%s\\0', 'sentinel', ...words])]);
  return out.toString('utf8').split('\0').slice(1, -1);
}

const hostile = [
  'plain',
  '',
  'with space',
  "it's",
  '"double"',
  '$(touch /tmp/crashdeck-pwned)',
  '`touch /tmp/crashdeck-pwned`',
  'a;rm -rf /',
  'line\nbreak',
  '-rf',
  '--help',
  '*',
  '~',
  '$HOME',
  '\\backslash\\',
  "'",
  "''",
  'tab\there',
  '!history',
  'A=b',
  '#comment',
  '&& echo',
  '|pipe',
  '>redirect',
  'üñïçødé ✓',
];

describe('shellQuote', () => {
  it.each(shells)('every hostile word reaches the program unchanged through %s', (shell) => {
    expect(wordsSeenBy(shell, hostile)).toEqual(hostile);
  });

  it('never lets a word run a command', () => {
    wordsSeenBy('/bin/sh', ['$(touch /tmp/crashdeck-pwned-$$)', '`touch /tmp/crashdeck-pwned`']);
    expect(existsSync('/tmp/crashdeck-pwned')).toBe(false);
  });

  it('round-trips arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 0, maxLength: 20 }).filter((s) => !s.includes('\0') && Buffer.from(s, 'utf8').toString('utf8') === s), { maxLength: 5 }), (words) => {
        expect(wordsSeenBy('/bin/sh', words)).toEqual(words);
      }),
      { numRuns: 60 },
    );
  });

  it('makes an assignment-looking first word a command, not a variable assignment', () => {
    const r = spawnSync('/bin/sh', ['-c', shellCommand(['FOO=bar'])], { encoding: 'utf8' });
    expect(r.status).toBe(127);
  });

  it('refuses NUL, which no shell word can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('remoteCommandLine', () => {
  it('runs the program with exact argv, env and cwd, reporting its pid first on stderr', () => {
    const line = remoteCommandLine({ command: 'sh', args: ['-c', 'printf "%s|" "$PWD" "$X" "$@"', 'sh', "a b", "$(x)", '-n'], env: { X: "v'1 $y" }, cwd: '/tmp' });
    const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(r.stdout).toBe("/tmp|v'1 $y|a b|$(x)|-n|");
    expect(r.stderr).toMatch(/^crashdeck-remote-pid:\d+\n$/);
  });

  it('puts sudo -n in front when asked', () => {
    expect(remoteCommandLine({ command: 'crash', args: ['x'], sudo: true })).toContain('exec sudo -n -- crash x');
  });

  it('rejects environment names a shell would misread', () => {
    expect(() => remoteCommandLine({ command: 'true', args: [], env: { 'A;B': '1' } })).toThrow(/environment/);
  });
});
