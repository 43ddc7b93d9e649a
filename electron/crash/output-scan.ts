/**
 * Finds crash's own error, WARNING and NOTE lines inside a command's stdout. crash writes them
 * in order into stdout (and duplicates errors on stderr), prefixed with the command's name
 * (`vm: invalid task or pid value: 999999`) or `crash:` (`crash: command not found: foo`).
 */

/** What a command's output says about itself. */
export interface OutputScan {
  warnings: string[];
  /** crash's error lines (with their FILE/LINE continuation), empty when the command succeeded. */
  errors: string[];
}

const warningRe = /^(?:[\w.-]+: )?(?:WARNING|NOTE): /;
const continuationRe = /^\s+FILE: \S+\s+LINE: \d+\s+FUNCTION: /;

/** The command's verb as crash names it in error lines ("kmem -s" -> "kmem"). */
export function commandVerb(command: string): string {
  return command.trim().split(/\s+/)[0] ?? '';
}

/** Scan `raw` (the output of `command`) for crash's warnings and errors. */
export function scanOutput(command: string, raw: string): OutputScan {
  const verb = commandVerb(command);
  const warnings: string[] = [];
  const errors: string[] = [];
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (warningRe.test(line)) {
      warnings.push(line);
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const who = line.slice(0, colon);
    if (who !== 'crash' && who !== verb) continue;
    let text = line;
    const next = lines[i + 1];
    if (next !== undefined && continuationRe.test(next)) {
      text += '\n' + next.replace(/\r$/, '');
      i++;
    }
    errors.push(text);
  }
  return { warnings, errors };
}
