import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the workflow entry file for the worker's bundler: the compiled file when built, else the source. */
export function workflowsPath(): string {
  const built = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
}

/**
 * Package export conditions for bundling the workflows: with the TypeScript sources (tests, tsx), workspace
 * packages must resolve to their sources too; '...' keeps webpack's defaults.
 */
export function workflowsResolveConditions(): string[] {
  return workflowsPath().endsWith('.ts') ? ['@medsweep/source', '...'] : ['...'];
}
