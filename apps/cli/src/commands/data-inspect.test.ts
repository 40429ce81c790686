// `medsweep data inspect` as a user runs it, in a child process with the stack's addresses pointing at
// closed ports: it must answer from the file alone, with its JSON as the last line of stdout.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@medsweep/config';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const BREAST = join(loadConfig().dataDir, 'medmnist', 'breastmnist.npz');

async function medsweep(...args: string[]) {
  return run(
    process.execPath,
    ['--conditions=@medsweep/source', '--import', 'tsx', 'apps/cli/src/main.ts', ...args],
    {
      cwd: ROOT,
      timeout: 120_000,
      env: {
        ...process.env,
        // Nothing listens here: a command that tried to reach the stack would fail.
        DATABASE_URL: 'postgresql://nobody:none@127.0.0.1:9/none',
        TEMPORAL_ADDRESS: '127.0.0.1:9',
        S3_ENDPOINT: 'http://127.0.0.1:9',
      },
    },
  );
}

describe('medsweep data inspect', () => {
  it('reports BreastMNIST as JSON on the last line without any service', async () => {
    const { stdout } = await medsweep('data', 'inspect', BREAST, '--json');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    expect(report).toMatchObject({
      task: 'binary-class',
      numClasses: 2,
      classNames: ['malignant', 'normal, benign'],
      image: { height: 28, width: 28, channels: 1 },
      splits: {
        train: { count: 546, perClass: [147, 399] },
        val: { count: 78, perClass: [21, 57] },
        test: { count: 156, perClass: [42, 114] },
      },
      duplicates: {
        exact: { crossSplit: expect.any(Number), withinSplit: expect.any(Number) },
        near: { crossSplit: expect.any(Number), withinSplit: expect.any(Number) },
      },
      leakage: { patientsInSeveralSplits: 0, samplesWithPatientId: 0 },
      splitAssignment: { method: 'official', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('prints a table, and names a bad flag', async () => {
    const { stdout } = await medsweep('data', 'inspect', BREAST, '--list', '2');
    expect(stdout).toMatch(/^breastmnist \(medmnist-npz\): binary-class, 2 classes, 28x28 px, grey/);
    expect(stdout).toMatch(/\ntrain\s+546\s+147\s+399\s+-\n/);
    expect(stdout).toMatch(/patients: the source names none/);
    const error = (await medsweep('data', 'inspect', BREAST, '--task', 'segmentation').catch(
      (e: unknown) => e,
    )) as {
      code: number;
      stderr: string;
    };
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/unknown task "segmentation"; accepted: 'binary-class'/);
  });
});
