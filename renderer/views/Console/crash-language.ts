/**
 * A Monarch tokenizer for crash output (the console's Monaco language "crash-output"): kernel
 * addresses and hex, symbols with offsets, backtrace frame numbers, KEY: fields, column headers,
 * log timestamps, quoted names, and error/warning lines. Data only, so it holds no Monaco import
 * and can be checked in Node.
 */

/** Monaco language id. */
export const crashLanguageId = 'crash-output';

/** A Monarch rule: [regex, token] or [regex, token, next state]. */
type Rule = [RegExp, string] | [RegExp, string, string];

/** The tokenizer (monaco.languages.IMonarchLanguage shape, kept structural). */
export const crashMonarch: { defaultToken: string; ignoreCase: boolean; tokenizer: Record<string, Rule[]> } = {
  defaultToken: '',
  ignoreCase: false,
  tokenizer: {
    root: [
      // Whole-line findings first: crash's errors and warnings, and the console's own notes.
      [/^(crash|vm|kmem|bt|ps|log|sys|gdb|mod|task|dev|foreach|list|struct|rd|dis|sym): .*(invalid|cannot|not found|error|failed).*$/, 'invalid'],
      [/^.*\b(WARNING|ERROR|error|Oops|BUG:|panic|Kernel panic)\b.*$/, 'warn'],
      [/^\s*\[[\s\d.]+\]/, 'comment.timestamp'],
      [/^\s*#\d+\s/, 'tag.frame'],
      // A header row: two or more upper-case words (PID PPID CPU TASK ...), nothing lower-case.
      [/^[\s]*[A-Z][A-Z_%/-]+(\s+[A-Z][A-Z_%/-]*){1,}\s*$/, 'keyword.header'],
      [/\b[A-Z][A-Z_ ]*[A-Z]:(?=\s)/, 'type.field'],
      [/"[^"]*"/, 'string'],
      [/\b0x[0-9a-fA-F]+\b/, 'number.hex'],
      [/\b[0-9a-f]{8,16}\b/, 'number.hex'],
      [/\b[A-Za-z_][\w.]*\+0x[0-9a-f]+(\/0x[0-9a-f]+)?/, 'identifier.symbol'],
      // Versions and words are taken whole, so digits inside them ("amd64", "6.1.0-56") are not numbers.
      [/\d+(\.\d+)+(-[\w.]+)*/, 'number'],
      [/[A-Za-z_][\w.-]*/, ''],
      [/\[[A-Za-z_][\w.-]*\]/, 'comment.bracket'],
      [/\b\d+(\.\d+)?[kKmMgG]?\b/, 'number'],
    ],
  },
};

/** Token colours per theme (Monaco theme rules), chosen for contrast on the app's backgrounds. */
export function crashThemeRules(dark: boolean): Array<{ token: string; foreground: string; fontStyle?: string }> {
  return dark
    ? [
        { token: 'invalid', foreground: 'ffb4a9', fontStyle: 'bold' },
        { token: 'warn', foreground: 'ffd97a' },
        { token: 'comment', foreground: 'a3aab4' },
        { token: 'tag', foreground: 'c6a0f6' },
        { token: 'keyword', foreground: '8ab4f8', fontStyle: 'bold' },
        { token: 'type', foreground: '7bd88f' },
        { token: 'string', foreground: 'f5c48a' },
        { token: 'number.hex', foreground: '9ccfd8' },
        { token: 'number', foreground: 'b5cea8' },
        { token: 'identifier.symbol', foreground: 'dcdcaa' },
      ]
    : [
        { token: 'invalid', foreground: '8a1c12', fontStyle: 'bold' },
        { token: 'warn', foreground: '6b4a00' },
        { token: 'comment', foreground: '565d66' },
        { token: 'tag', foreground: '6f42c1' },
        { token: 'keyword', foreground: '0b57d0', fontStyle: 'bold' },
        { token: 'type', foreground: '1e7a34' },
        { token: 'string', foreground: '8a4b00' },
        { token: 'number.hex', foreground: '00607a' },
        { token: 'number', foreground: '2f6b00' },
        { token: 'identifier.symbol', foreground: '7a3e00' },
      ];
}

/** Editor colours: line numbers (also the dimmed final one) meet WCAG AA contrast on the app's backgrounds. */
export function crashThemeColors(dark: boolean): Record<string, string> {
  return dark
    ? { 'editor.background': '#15171b', 'editorLineNumber.foreground': '#a3aab4', 'editorLineNumber.activeForeground': '#e6e8eb', 'editorLineNumber.dimmedForeground': '#a3aab4' }
    : { 'editor.background': '#ffffff', 'editorLineNumber.foreground': '#565d66', 'editorLineNumber.activeForeground': '#1b1e23', 'editorLineNumber.dimmedForeground': '#565d66' };
}
