/**
 * Escaping dump text and notes for the exported HTML and Markdown. Dump text is hostile (a
 * process may be named `</script><script>` or `<img src=x onerror=...>`); every string that
 * reaches the output passes through one of these.
 */

/** Remove control characters (C0 except tab/newline, DEL, C1): escape sequences have no place in a report. */
export function stripControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\u00bf');
}

const htmlMap: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escape text for HTML element content and quoted attribute values alike. */
export function escapeHtml(s: string | number | null | undefined): string {
  return stripControls(String(s ?? '')).replace(/[&<>"'`]/g, (c) => htmlMap[c] as string);
}

/** Escape inline Markdown: markup characters, HTML and table pipes; newlines become spaces. */
export function escapeMarkdown(s: string | number | null | undefined): string {
  return stripControls(String(s ?? '')).replace(/\n/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~&"']/g, (c) => `\\${c}`);
}

/**
 * A fenced Markdown code block that the text cannot close: the fence is longer than any run of
 * backticks inside it. Inside a fence Markdown renders nothing, so HTML stays inert text.
 */
export function markdownFence(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...stripControls(text).matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${stripControls(text)}\n${fence}`;
}
