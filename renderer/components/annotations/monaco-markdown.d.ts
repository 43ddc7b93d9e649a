// monaco-editor ships its Monarch grammars without declarations; this is the shape the note editor uses.
declare module 'monaco-editor/languages/definitions/markdown/markdown.js' {
  import type * as Monaco from 'monaco-editor/editor/editor.api';
  export const conf: Monaco.languages.LanguageConfiguration;
  export const language: Monaco.languages.IMonarchLanguage;
}
