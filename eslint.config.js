// One lint config for every workspace; packages only extend it through this root file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Environment is read in exactly one place: packages/config.
const NO_PROCESS_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Read settings through @medsweep/config, not process.env.',
};

// Persistence belongs to packages/db: callers use its repository functions, never Prisma itself. A model
// call is `<anything>.<model>.<method>(...)` with a model delegate's name in the middle, so `map.delete(k)`
// or `this.cache.delete(k)` are not caught; raw SQL and transactions are caught by name.
const PRISMA_MODELS = [
  'project',
  'user',
  'session',
  'membership',
  'apiToken',
  'dataset',
  'weightsSource',
  'sweep',
  'trial',
  'worker',
  'trialAttempt',
  'epochMetric',
  'finalMetric',
  'artifact',
  'lineage',
  'auditEvent',
];
const PRISMA_METHODS = [
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
  'count',
  'aggregate',
  'groupBy',
];
const PERSISTENCE_MESSAGE =
  'Persistence belongs to packages/db: call (or add) a repository function in packages/db/src/repositories instead of Prisma here.';
const NO_PRISMA_OUTSIDE_DB = [
  {
    selector: `CallExpression > MemberExpression.callee[property.name=/^(${PRISMA_METHODS.join('|')})$/] > MemberExpression.object[property.name=/^(${PRISMA_MODELS.join('|')})$/]`,
    message: PERSISTENCE_MESSAGE,
  },
  {
    selector:
      'MemberExpression[property.name=/^\\$(queryRaw|queryRawUnsafe|executeRaw|executeRawUnsafe|transaction)$/]',
    message: PERSISTENCE_MESSAGE,
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '**/.stack/**', '**/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', NO_PROCESS_ENV, ...NO_PRISMA_OUTSIDE_DB],
    },
  },
  // Flat config replaces a rule's whole entry per file, so each exception below restates what still holds.
  {
    // packages/db is where Prisma is used; test fixtures set up rows directly.
    files: ['packages/db/src/**', '**/test-support/**'],
    rules: { 'no-restricted-syntax': ['error', NO_PROCESS_ENV] },
  },
  {
    // Where the environment is read.
    files: ['packages/config/src/**', 'infra/stack/src/child-env.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_PRISMA_OUTSIDE_DB] },
  },
  {
    files: ['**/*.test.ts', 'test/**'],
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
