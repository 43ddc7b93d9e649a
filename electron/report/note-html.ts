/**
 * Annotation notes as HTML for the exported report: the safe note reader's tree, every string
 * escaped. Links become text plus their URL (a report must not send the reader anywhere).
 */
import { parseNote, type NoteInline } from '../../renderer/components/annotations/note-markdown.ts';
import { escapeHtml } from './escape.ts';

function inline(spans: NoteInline[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text': return escapeHtml(s.text);
        case 'code': return `<code>${escapeHtml(s.text)}</code>`;
        case 'strong': return `<strong>${inline(s.children)}</strong>`;
        case 'em': return `<em>${inline(s.children)}</em>`;
        case 'link': return `<span class="link">${escapeHtml(s.text)} <span class="url">(${escapeHtml(s.url)})</span></span>`;
      }
      return '';
    })
    .join('');
}

/** A note's Markdown as escaped HTML. */
export function noteHtml(markdown: string): string {
  return parseNote(markdown)
    .map((b) => {
      switch (b.kind) {
        case 'p': return `<p>${inline(b.children)}</p>`;
        case 'h': return `<h${b.level + 3}>${inline(b.children)}</h${b.level + 3}>`;
        case 'ul':
        case 'ol': return `<${b.kind}>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${b.kind}>`;
        case 'quote': return `<blockquote>${inline(b.children)}</blockquote>`;
        case 'pre': return `<pre>${escapeHtml(b.text)}</pre>`;
      }
      return '';
    })
    .join('\n');
}
