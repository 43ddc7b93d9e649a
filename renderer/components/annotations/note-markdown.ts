/**
 * A small, safe Markdown reader for annotation notes. It never produces HTML: the output is a
 * tree of plain blocks and inline spans, so the renderer builds DOM nodes from it through Svelte's
 * escaped text, and the HTML export escapes every string. Only what notes need is understood —
 * paragraphs, headings, lists, quotes, fenced code, `code`, **bold**, *italic* and links
 * (shown as text plus their URL, never as a live link). Anything else stays literal text.
 *
 * Pure TypeScript without DOM or Node APIs, so the Node report export uses the same reader.
 */

/** Inline span. */
export type NoteInline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: NoteInline[] }
  | { kind: 'em'; children: NoteInline[] }
  | { kind: 'link'; text: string; url: string };

/** Block. */
export type NoteBlock =
  | { kind: 'p'; children: NoteInline[] }
  | { kind: 'h'; level: 1 | 2 | 3; children: NoteInline[] }
  | { kind: 'ul' | 'ol'; items: NoteInline[][] }
  | { kind: 'quote'; children: NoteInline[] }
  | { kind: 'pre'; text: string };

/** Notes longer than this are cut (a note is prose, not a dump). */
export const maxNoteChars = 100_000;

/** Read a note into blocks. */
export function parseNote(src: string): NoteBlock[] {
  const lines = src.slice(0, maxNoteChars).replace(/\r\n?/g, '\n').split('\n');
  const out: NoteBlock[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) out.push({ kind: 'p', children: parseInline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !(lines[i] as string).trimStart().startsWith(fence[1] as string); i++) body.push(lines[i] as string);
      out.push({ kind: 'pre', text: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const h = /^(#{1,3})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      out.push({ kind: 'h', level: (h[1] as string).length as 1 | 2 | 3, children: parseInline(h[2] as string) });
      continue;
    }
    const list = /^\s*([-*+]|\d{1,9}[.)])\s+/.exec(line);
    if (list) {
      flush();
      const ordered = /\d/.test(list[1] as string);
      const items: NoteInline[][] = [];
      for (; i < lines.length; i++) {
        const m = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(lines[i] as string);
        if (!m || /\d/.test(m[1] as string) !== ordered) break;
        items.push(parseInline(m[2] as string));
      }
      i--;
      out.push({ kind: ordered ? 'ol' : 'ul', items });
      continue;
    }
    if (/^\s*>/.test(line)) {
      flush();
      const body: string[] = [];
      for (; i < lines.length && /^\s*>/.test(lines[i] as string); i++) body.push((lines[i] as string).replace(/^\s*>\s?/, ''));
      i--;
      out.push({ kind: 'quote', children: parseInline(body.join(' ')) });
      continue;
    }
    para.push(line.trim());
  }
  flush();
  return out;
}

/** Read inline spans of one block's text. */
export function parseInline(s: string): NoteInline[] {
  const out: NoteInline[] = [];
  let text = '';
  const push = (n: NoteInline): void => {
    if (text) out.push({ kind: 'text', text });
    text = '';
    out.push(n);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length && /[\\`*_[\]()#>+\-.!|~]/.test(s[i + 1] as string)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i) {
        push({ kind: 'code', text: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((c === '*' || c === '_') && s[i + 1] === c) {
      const end = s.indexOf(c + c, i + 2);
      if (end > i + 2) {
        push({ kind: 'strong', children: parseInline(s.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (c === '*' || c === '_') {
      const end = s.indexOf(c, i + 1);
      if (end > i + 1 && s[i + 1] !== ' ') {
        push({ kind: 'em', children: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[') {
      const m = /^\[([^\]]{1,500})\]\(([^)\s]{1,2000})\)/.exec(s.slice(i));
      if (m) {
        push({ kind: 'link', text: m[1] as string, url: m[2] as string });
        i += m[0].length;
        continue;
      }
    }
    text += c;
    i++;
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

/** Plain text of inline spans (for search, titles and Markdown export). */
export function inlineText(spans: NoteInline[]): string {
  return spans.map((s) => (s.kind === 'text' || s.kind === 'code' ? s.text : s.kind === 'link' ? `${s.text} (${s.url})` : inlineText(s.children))).join('');
}
