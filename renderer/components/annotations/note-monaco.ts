/**
 * Monaco for notes: the console's lazily loaded Monaco (same chunk, same CSP-safe editor worker)
 * plus monaco-editor's Monarch Markdown grammar. Tokens only: no Markdown language service and no
 * worker of its own.
 */
import { loadMonaco, type MonacoApi } from '../../views/Console/monaco-loader.ts';

/** Monaco's language id for Markdown. */
export const markdownLanguageId = 'markdown';

let markdownReady: Promise<MonacoApi> | null = null;

/** Monaco with Markdown highlighting registered; loaded and registered once, retried after a failure. */
export function ensureMarkdown(): Promise<MonacoApi> {
  markdownReady ??= (async () => {
    const [monaco, markdown] = await Promise.all([loadMonaco(), import('monaco-editor/languages/definitions/markdown/markdown.js')]);
    if (!monaco.languages.getLanguages().some((l) => l.id === markdownLanguageId)) {
      monaco.languages.register({ id: markdownLanguageId, aliases: ['Markdown'] });
    }
    monaco.languages.setMonarchTokensProvider(markdownLanguageId, markdown.language);
    monaco.languages.setLanguageConfiguration(markdownLanguageId, markdown.conf);
    return monaco;
  })();
  markdownReady.catch(() => {
    markdownReady = null;
  });
  return markdownReady;
}
