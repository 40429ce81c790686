import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// Browser tests: headless Chromium against the built dashboard (`npm run build -w @medsweep/web` first),
// on the real stack with a private database and Temporal namespace. Run apart from the integration
// suites: `npm run test:browser -w @medsweep/test`.
export default mergeConfig(
  shared,
  defineConfig({
    root: dirname(fileURLToPath(import.meta.url)),
    test: {
      include: ['**/*.test.ts'],
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 240_000,
    },
  }),
);
