// One lint config for every workspace; packages only extend it through this root file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '**/.stack/**', '**/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Environment is read in exactly one place: packages/config.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through @medsweep/config, not process.env.',
        },
      ],
    },
  },
  {
    files: ['packages/config/src/**', 'infra/stack/src/child-env.ts', '**/*.test.ts', 'test/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no native modules.
    files: ['packages/workflows/src/workflows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'child_process', 'os'],
              message: 'No Node built-ins in workflow code.',
            },
            {
              group: [
                '@medsweep/db',
                '@medsweep/storage',
                '@medsweep/ml',
                '@tensorflow/*',
                '@prisma/*',
                '@aws-sdk/*',
              ],
              message: 'Workflow code may import only types of activities.',
            },
          ],
        },
      ],
    },
  },
);
