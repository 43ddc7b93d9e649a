/**
 * HTML and Markdown exports: self-contained, the verdict the fixture's ground truth names, the
 * user's notes rendered safely, and hostile dump text (SYNTHETIC process names holding markup,
 * swapped into a real `ps` transcript) shown as text, never as markup.
 */
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../electron/report/html-report.ts';
import { renderMarkdownReport } from '../../../electron/report/markdown-report.ts';
import { parseNote } from '../../../renderer/components/annotations/note-markdown.ts';
import { noteHtml } from '../../../electron/report/note-html.ts';
import { fixtureMeta } from '../../support/fixtures.ts';
import { caseFromTranscripts, hostileNames, note } from './case-from-transcripts.ts';

const slabTruth = fixtureMeta('oom-slab-leak').truth as unknown as { panic_message: string; oom: { unreclaimable_slab_top: Array<{ cache: string }> } };

describe('HTML report', () => {
  const c = caseFromTranscripts('oom-slab-leak', {
    hostile: true,
    annotations: [note({ view: 'slab', rowKey: 'bufpool_entry', text: 'owner: <b>bufpool</b> [x](javascript:alert(1)) **leak**', tag: 'root-cause' })],
  });
  const html = renderHtmlReport(c);

  it('holds the verdict, the panic message and the leaking cache', () => {
    expect(html).toContain(slabTruth.panic_message);
    expect(html).toMatch(new RegExp(`Verdict.</strong> OOM: slab — ${slabTruth.oom.unreclaimable_slab_top[0]!.cache}`));
  });

  it('loads nothing from outside and carries no script', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|@import|url\(/i);
    expect(html).not.toMatch(/<[^>]+\s(?:src|href)=/i);
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html).toContain('<svg');
  });

  it('shows hostile process names as escaped text, in tables and raw output', () => {
    for (const name of hostileNames) {
      expect(html).not.toContain(name);
      const escaped = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(2);
    }
    expect(html).not.toMatch(/<img/i);
  });

  it('renders notes: markup as text, links as text with their URL, emphasis kept', () => {
    expect(html).toContain('&lt;b&gt;bufpool&lt;/b&gt;');
    expect(html).toContain('<strong>leak</strong>');
    expect(html).not.toMatch(/<a\b/);
    expect(html).toContain('Root cause');
  });
});

describe('Markdown report', () => {
  it('escapes hostile dump text and keeps raw outputs in fences they cannot close', () => {
    const c = caseFromTranscripts('oom-slab-leak', { hostile: true, annotations: [note({ view: 'x', rowKey: 'y', text: 'see <img src=x onerror=1>' })] });
    c.results.push({ ...c.results[0]!, command: 'help', raw: 'a\n```\n<script>x</script>\n````' });
    const md = renderMarkdownReport(c);
    expect(md).toContain(`OOM: slab — ${slabTruth.oom.unreclaimable_slab_top[0]!.cache}`.replace(/[_-]/g, (ch) => `\\${ch}`));
    // Outside fences no raw < survives.
    const outside = md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '');
    expect(outside).not.toMatch(/(?<!\\)<(?:img|script|\/script)/);
    expect(outside).toContain("\\<img src=x onerror=window.\\_\\_pwned=1\\>");
    expect(md).toContain('`````text\na\n```\n<script>x</script>\n````\n`````');
  });
});

describe('note Markdown', () => {
  it('reads blocks and inline spans without producing markup', () => {
    const blocks = parseNote('# Title\n\n- one `x<y`\n- **two**\n\n```\n<b>raw</b>\n```\n> quoted');
    expect(blocks.map((b) => b.kind)).toEqual(['h', 'ul', 'pre', 'quote']);
    expect(noteHtml('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(noteHtml('[click](javascript:alert`1`)')).toBe('<p><span class="link">click <span class="url">(javascript:alert&#96;1&#96;)</span></span></p>');
    expect(noteHtml('a \\*not em\\*')).toBe('<p>a *not em*</p>');
  });
});
