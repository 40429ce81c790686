import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsPath, workflowsResolveConditions } from './paths.js';

// The worker evaluates the bundle's modules again for every workflow execution it starts, so whatever the
// bundle pulls in is paid per trial: zod's schema construction and the YAML parser once cost more worker
// CPU than the trial workflow itself.
describe('workflow bundle', () => {
  it('holds the Temporal workflow runtime and our planner, nothing heavier', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      logger: new DefaultLogger('WARN'),
      webpackConfigHook: (webpack) => ({
        ...webpack,
        resolve: { ...webpack.resolve, conditionNames: workflowsResolveConditions() },
      }),
    });
    // Module ids are paths relative to the bundler's working directory.
    const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1] as string);
    const packages = new Set(
      modules
        .filter((m) => m.includes('node_modules/'))
        .map((m) => m.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1')),
    );
    expect([...packages].sort()).toEqual([
      '@temporalio/common',
      '@temporalio/workflow',
      'long',
      'ms',
      'nexus-rpc',
    ]);
    expect(modules.some((m) => /core\/(src|dist)\/sweep\/plan\.[jt]s$/.test(m))).toBe(true);
    expect(modules.some((m) => /sweep\/(spec|parse)\.[jt]s$/.test(m))).toBe(false);
  }, 60_000);
});
