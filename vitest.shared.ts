// Shared vitest settings: resolve workspace packages to their TypeScript sources, so tests need no build.
import { defineConfig } from 'vitest/config';

const conditions = ['@medsweep/source', 'node'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
  },
});
