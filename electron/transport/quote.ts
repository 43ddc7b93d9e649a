/**
 * The one shell-quoting function for everything crashdeck sends to a remote shell.
 *
 * An SSH exec request is a single string that the remote user's login shell parses, so every
 * path and argument (dump file names are hostile: spaces, quotes, `$()`, backticks, `;`,
 * newlines, leading dashes) must reach the program as exactly one literal word.
 */

/**
 * Quote one argument as a single literal word for a POSIX shell (sh, dash, bash, ksh, zsh).
 * Single quotes disable every expansion; an embedded `'` is closed, escaped and reopened.
 * Leading dashes are a matter for the program (pass `--`), not for the shell.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  // Plain words stay readable in logs; everything else gets quoted. No `=` in plain words: as
  // the first word `A=b` would be an assignment, not a command.
  if (arg !== '' && /^[A-Za-z0-9_@%+:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Join argv into one shell command line, quoting every word. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
