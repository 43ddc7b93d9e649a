/**
 * Loads Monaco on first use (its own chunk, so views without the console stay light): only the
 * core editor API and the editor worker (bundled by Vite through `?worker`, served from this
 * origin, so the strict CSP holds: no CDN, no eval), the crash-output language and two themes.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { crashLanguageId, crashMonarch, crashThemeColors, crashThemeRules } from './crash-language.ts';

/** The Monaco API as the console uses it. */
export type MonacoApi = typeof Monaco;

let loading: Promise<MonacoApi> | null = null;

/** Theme names registered for the crash-output language. */
export const crashThemes = { light: 'crashdeck-light', dark: 'crashdeck-dark' } as const;

/** Monaco, loaded once; rejects with the reason when it cannot load (the console then shows plain text). */
export function loadMonaco(): Promise<MonacoApi> {
  loading ??= (async () => {
    const [monaco, worker] = await Promise.all([import('monaco-editor/editor/editor.api'), import('monaco-editor/editor/editor.worker?worker')]);
    // Monaco asks for a worker by label; the console uses no language service, so the editor worker serves all.
    (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = { getWorker: () => new worker.default() };
    monaco.languages.register({ id: crashLanguageId });
    monaco.languages.setMonarchTokensProvider(crashLanguageId, crashMonarch as Monaco.languages.IMonarchLanguage);
    monaco.editor.defineTheme(crashThemes.light, { base: 'vs', inherit: true, rules: crashThemeRules(false), colors: crashThemeColors(false) });
    monaco.editor.defineTheme(crashThemes.dark, { base: 'vs-dark', inherit: true, rules: crashThemeRules(true), colors: crashThemeColors(true) });
    return monaco;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
