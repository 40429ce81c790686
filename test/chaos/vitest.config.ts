import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// npm run test:chaos (test/chaos/run.sh): faults injected into a production-shaped private stack and
// into the links of workers in network namespaces of their own. Needs root; one case at a time.
export default mergeConfig(
  shared,
  defineConfig({
    root: dirname(fileURLToPath(import.meta.url)),
    test: {
      include: ['cases/**/*.test.ts'],
      globalSetup: ['global-setup.ts'],
      fileParallelism: false,
      testTimeout: 900_000,
      hookTimeout: 300_000,
    },
  }),
);
