import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@medsweep/config';

/**
 * Saves a finished workflow's history as a replay fixture, only when MEDSWEEP_RECORD_HISTORIES names a
 * folder (then packages/workflows/histories, to add it to the replay test). `env` points the recording
 * script at the stack the workflow ran on.
 */
export async function recordHistory(
  workflowId: string,
  file: string,
  env: Readonly<Record<string, string>> = {},
): Promise<void> {
  const dir = process.env.MEDSWEEP_RECORD_HISTORIES;
  if (!dir) return;
  await promisify(execFile)(
    process.execPath,
    [
      '--conditions=@medsweep/source',
      '--import',
      'tsx',
      'packages/workflows/scripts/record-history.ts',
    ].concat(workflowId, join(dir, file)),
    { cwd: repoRoot(), env: { ...process.env, ...env } },
  );
}
