// Lint rules that hold the architecture in place: only electron/main.ts and electron/preload.ts
// import `electron`; the renderer takes nothing but types from electron/; no default exports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const noDefaultExport = {
  selector: 'ExportDefaultDeclaration',
  message: 'Use named exports.',
};

export const config = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vite/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'no-restricted-syntax': ['error', noDefaultExport],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only electron/main.ts and electron/preload.ts may import electron.' }] },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/shell/**/*.ts', 'tests/unit/electron/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte', 'renderer/**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer never imports electron.' }],
          patterns: [{ group: ['**/electron/**', '../electron/*'], allowTypeImports: true, message: 'The renderer imports only types from electron/.' }],
        },
      ],
    },
  },
  {
    // Config files whose tools require a default export.
    files: ['eslint.config.js', 'vitest.config.ts', 'renderer/vite.config.ts', 'tests/e2e/playwright.config.ts', 'forge.config.ts', 'renderer/svelte.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

export default config;
