// ESLint flat config. The engine rule block keeps src/engine/ pure: it must run unchanged in
// Node, Deno and the browser, and give byte-identical results for the same scenario and seed.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'coverage/',
      'dist/',
      'out/',
      'rewardmix-demo/',
      'test-output/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'src/engine is pure: no node: imports.' },
            {
              group: [
                'fs',
                'path',
                'os',
                'child_process',
                'worker_threads',
                'http',
                'https',
                'net',
                'fs/*',
              ],
              message: 'src/engine is pure: no I/O modules.',
            },
            {
              group: ['**/node/**', '**/cli/**', '**/web/**', '**/charts/**', '**/report/**'],
              message: 'src/engine imports none of the outer layers.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use a named seeded stream from rng.ts.' },
        { object: 'Date', property: 'now', message: 'The engine has no clock.' },
        { object: 'performance', property: 'now', message: 'The engine has no clock.' },
        { object: 'process', message: 'The engine has no process.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'The engine has no clock.' },
        { name: 'process', message: 'The engine has no process.' },
        { name: 'console', message: 'Return warnings in results; do not print.' },
        { name: 'fetch', message: 'The engine does no I/O.' },
        { name: 'require', message: 'The engine does no I/O.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'The engine has no clock.' },
      ],
    },
  },
);
