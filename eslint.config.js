// ESLint: the import boundaries the architecture rests on, plus a few rules that catch real bugs. Kept small on
// purpose; style is Prettier's job (npm run format).
import tseslint from 'typescript-eslint';

/** The engine runs in Node, the worker and the page: no React, no DOM, nothing of the app or the worker. */
const engineImports = {
  patterns: [
    {
      group: ['react', 'react-dom', 'react-dom/*', 'recharts', 'zustand', 'zustand/*', 'idb'],
      message: 'the engine is pure TypeScript: no React, DOM or browser-storage libraries',
    },
    {
      group: ['**/app/**', '**/worker/**', '**/cli/**', '**/bench/**'],
      message: 'the engine imports nothing of its hosts (app, worker, CLI, bench)',
    },
  ],
};
const domGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'HTMLElement', 'indexedDB'].map((name) => ({
  name,
  message: 'the engine runs outside the page too: no DOM globals',
}));

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'bench-results/',
      'public/',
      '.gl/',
      '.whl/',
    ],
  },
  {
    files: ['**/*.{ts,tsx,js}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // Correctness only: each of these is a bug wherever it appears.
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-self-assign': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      'no-compare-neg-zero': 'error',
      'no-dupe-else-if': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', engineImports], 'no-restricted-globals': ['error', ...domGlobals] },
  },
  {
    files: ['src/app/**/*.{ts,tsx}', 'src/main.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'the app never runs TF.js: the worker does (send it a command)' },
          ],
        },
      ],
    },
  },
);
