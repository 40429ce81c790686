import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// Cross-package tests against the real local stack (`npm run stack:up` runs before them).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['integration/**/*.test.ts'],
      // The suites share one Temporal server, MinIO and Postgres; run files one after another.
      fileParallelism: false,
    },
  }),
);
