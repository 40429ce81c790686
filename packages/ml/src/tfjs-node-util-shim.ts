// @tensorflow/tfjs-node 4.22 (the newest release; tfjs-node-gpu ships the same dist/) reads two helpers
// from node:util at call time: `isNullOrUndefined` and `isArray`, when it builds the type attribute of
// every op (dist/nodejs_kernel_backend.js) and in its TopK kernel (dist/kernels/TopK.js). Node 23
// removed util.isNullOrUndefined (DEP0051), so on Node 24 the first op throws
// "(0 , util_1.isNullOrUndefined) is not a function"; util.isArray still exists but prints a
// DeprecationWarning (DEP0044) on first use since Node 22. Putting both back on the util module object
// (the one `require("util")` returns to tfjs-node) fixes that without patching node_modules, for every
// way tfjs-node is installed (setup, the container image). Each helper has the exact semantics Node's
// own had, so other callers in the process see no change.
import { createRequire } from 'node:module';

/** The helpers tfjs-node calls, as Node defined them before removing or deprecating them. */
const TFJS_NODE_UTIL_HELPERS = {
  isNullOrUndefined: (value: unknown): boolean => value === null || value === undefined,
  isArray: Array.isArray,
};

/**
 * Installs the node:util helpers tfjs-node 4.22 calls (see the top of this file) on `util`, the
 * process's node:util module object unless a test passes another. Idempotent; harmless on Node 20,
 * where the same functions exist. Must run before tfjs-node runs its first op.
 */
export function installTfjsNodeUtilHelpers(
  util: Record<string, unknown> = createRequire(import.meta.url)('node:util') as Record<string, unknown>,
): void {
  for (const [name, helper] of Object.entries(TFJS_NODE_UTIL_HELPERS)) util[name] = helper;
}
