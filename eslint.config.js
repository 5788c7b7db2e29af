// Lint rules, including the import boundaries of DESIGN.md:
// shared imports nothing outside itself (zod only); the core never imports electron; the renderer
// reaches the core only through the shared contract; SQL (better-sqlite3) lives in store/ only;
// nothing under features/, model/ or trading/ reads the wall clock or starts timers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'net',
  'http',
  'crypto',
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'coverage/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'src/shared is pure TypeScript: no Node built-ins.' },
            {
              group: ['electron', 'react', 'react-dom', 'better-sqlite3', 'ws', '@tensorflow/*'],
              message: 'src/shared depends on zod only.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared imports nothing outside itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron'],
              message: 'The core never imports electron: it runs the same under plain Node.',
            },
            {
              group: ['**/renderer/**', '**/preload/**'],
              message: 'The core does not know about the window.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    ignores: ['src/main/core/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron'],
              message: 'The core never imports electron: it runs the same under plain Node.',
            },
            {
              group: ['**/renderer/**', '**/preload/**'],
              message: 'The core does not know about the window.',
            },
            {
              group: ['better-sqlite3'],
              message: 'SQL lives in src/main/core/store only: add a repository method there.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/features/**/*.ts', 'src/main/core/model/**/*.ts', 'src/main/core/trading/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time is injected: take a clock argument.' },
        { object: 'performance', property: 'now', message: 'Time is injected: take a clock argument.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Time is injected: no timers here.' },
        { name: 'setInterval', message: 'Time is injected: no timers here.' },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in a browser: no Node built-ins.' },
            {
              group: ['electron', 'better-sqlite3', 'ws', '@tensorflow/*'],
              message: 'The renderer talks to the core through the contract only.',
            },
            { group: ['**/main/**', '**/preload/index*'], message: 'The renderer imports src/shared only.' },
          ],
        },
      ],
    },
  },
);
