// Once per chaos run: the bridge and the production-shaped stack every case shares (Temporal cluster on
// Postgres, MinIO, Postgres, all on the bridge's address), torn down afterwards, pass or fail. Both run in
// a child process (test/chaos/stack.ts), where the workspace packages load from their sources.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '@medsweep/config';

const run = promisify(execFile);

declare module 'vitest' {
  export interface ProvidedContext {
    /** The environment that points a process at the chaos stack. */
    chaosEnv: Record<string, string>;
  }
}

async function chaosStack(command: 'up' | 'down'): Promise<string> {
  const args = ['--conditions=@medsweep/source', '--import', 'tsx', 'test/chaos/stack.ts', command];
  const { stdout } = await run(process.execPath, args, {
    cwd: repoRoot(),
    timeout: 600_000,
    maxBuffer: 1 << 24,
  });
  return stdout;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const env = JSON.parse((await chaosStack('up')).trim().split('\n').pop() ?? '{}') as Record<string, string>;
  console.log(`chaos stack up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(env)}`);
  project.provide('chaosEnv', env);
  return async () => void (await chaosStack('down'));
}
