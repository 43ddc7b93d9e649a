/**
 * Console logic: shell-style history (Up/Down with the draft kept), and the crash-output
 * tokenizer on real crash output (a small Monarch-like matcher: first rule that matches at the
 * position wins, else one character of the default token).
 */
import { describe, expect, it } from 'vitest';
import { transcript } from '../../support/fixtures.ts';
import { CommandHistory } from '../../../renderer/views/Console/command-history.ts';
import { crashMonarch } from '../../../renderer/views/Console/crash-language.ts';

describe('Console: command history', () => {
  it('walks back and forth and returns to the draft', () => {
    const h = new CommandHistory(['sys', 'ps']);
    expect(h.up('kmem -')).toBe('ps');
    expect(h.up('ps')).toBe('sys');
    expect(h.up('sys')).toBeNull();
    expect(h.down()).toBe('ps');
    expect(h.down()).toBe('kmem -');
    expect(h.down()).toBeNull();
  });

  it('stores trimmed lines once in a row, drops blanks, keeps the newest within the limit', () => {
    const h = new CommandHistory([], 3);
    for (const l of ['  sys ', 'sys', '', 'ps', 'log', 'bt']) h.push(l);
    expect(h.lines).toEqual(['ps', 'log', 'bt']);
    expect(h.up('')).toBe('bt');
    h.push('kmem -i');
    // Sending resets browsing: Up starts from the newest again.
    expect(h.up('')).toBe('kmem -i');
  });

  it('has nothing to offer when empty', () => {
    const h = new CommandHistory();
    expect(h.up('x')).toBeNull();
    expect(h.down()).toBeNull();
  });
});

function tokenize(line: string): Array<{ text: string; token: string }> {
  const rules = crashMonarch.tokenizer.root!.map(([re, token]) => ({ re: new RegExp(re.source, 'y'), token }));
  const out: Array<{ text: string; token: string }> = [];
  let pos = 0;
  while (pos < line.length) {
    let hit = false;
    for (const r of rules) {
      r.re.lastIndex = pos;
      // Monarch matches each rule against the rest of the line; `^` means start of the line.
      const m = r.re.source.startsWith('^') && pos > 0 ? null : r.re.exec(line);
      if (m && m[0].length > 0) {
        out.push({ text: m[0], token: r.token });
        pos += m[0].length;
        hit = true;
        break;
      }
    }
    if (!hit) pos++;
  }
  return out;
}

describe('Console: crash-output tokenizer', () => {
  it('compiles every rule', () => {
    for (const [re] of crashMonarch.tokenizer.root!) expect(() => new RegExp(re.source)).not.toThrow();
  });

  it('marks a crash error line whole', () => {
    const err = transcript('oom-user-hog', 'vm 179', '8.0.2').split('\n').find((l) => l.startsWith('vm: '))!;
    expect(tokenize(err)).toEqual([{ text: err, token: 'invalid' }]);
  });

  it('colours the kmem -s header, kernel addresses and KEY: fields', () => {
    const [header, row] = transcript('oom-slab-leak', 'kmem -s').split('\n');
    expect(tokenize(header!)[0]!.token).toBe('keyword.header');
    const rowTokens = tokenize(row!);
    expect(rowTokens[0]).toEqual({ text: row!.split(/\s+/)[0], token: 'number.hex' });
    const sys = transcript('oom-slab-leak', 'sys').split('\n').find((l) => l.includes('RELEASE:'))!;
    const t = tokenize(sys);
    expect(t[0]).toEqual({ text: 'RELEASE:', token: 'type.field' });
    // "6.1.0-56-cloud-amd64" is one version token, not numbers inside a word.
    expect(t.filter((x) => x.token === 'number')).toHaveLength(1);
  });

  it('marks backtrace frame numbers and symbol+offset', () => {
    const frame = transcript('panic-sysrq', 'bt').split('\n').find((l) => /^\s*#\d+ /.test(l) && /\+0x|\bat\b/.test(l))!;
    const t = tokenize(frame);
    expect(t[0]!.token).toBe('tag.frame');
    expect(t.some((x) => x.token === 'number.hex')).toBe(true);
  });
});
