import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { LocalDirectoryCheckpointStore } from './checkpoint.js';
import { flatWeights, maxWeightDifference, tinyModel, tinyTrainArgs } from './test-support/tiny-run.js';
import { train } from './trainer.js';

const CHILD = fileURLToPath(new URL('./test-support/kill-resume-child.ts', import.meta.url));

let tf: Tf;
let scratch: string;
beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-kill-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Starts the child, waits until it reports being mid-epoch, SIGKILLs it; resolves with its exit signal. */
function trainThenKillMidEpoch(directory: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@medsweep/source', '--import', 'tsx', CHILD, directory],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('mid-epoch')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal ? resolve(signal) : reject(new Error(`child exited ${code} without being killed:\n${stderr}`)),
    );
  });
}

describe('a training process killed mid-epoch', () => {
  it('resumes from its last checkpoint to the same weights and metrics as an uninterrupted run', async () => {
    const directory = join(scratch, 'checkpoints');
    expect(await trainThenKillMidEpoch(directory)).toBe('SIGKILL');
    // Killed in epoch 2 (index 1): only epoch 1's checkpoint exists.
    expect(await readdir(directory)).toEqual(['epoch-0001.ckpt']);

    const resumedModel = tinyModel(tf, 123);
    const uninterruptedModel = tinyModel(tf, 5);
    try {
      const resumed = await train({
        ...tinyTrainArgs(tf, resumedModel),
        checkpoints: new LocalDirectoryCheckpointStore(directory),
      });
      const uninterrupted = await train(tinyTrainArgs(tf, uninterruptedModel));

      expect(resumed.resumedAfterEpochs).toBe(1);
      expect(maxWeightDifference(flatWeights(resumedModel), flatWeights(uninterruptedModel))).toBeLessThan(
        1e-5,
      );
      expect(resumed.history).toHaveLength(3);
      resumed.history.forEach((epoch, i) => {
        const reference = uninterrupted.history[i]!;
        expect(epoch.loss).toBeCloseTo(reference.loss, 5);
        expect(epoch.validationLoss).toBeCloseTo(reference.validationLoss!, 5);
        expect(epoch.validationMetric).toBeCloseTo(reference.validationMetric!, 5);
      });
      expect(resumed.best).toEqual(uninterrupted.best);
    } finally {
      resumedModel.dispose();
      uninterruptedModel.dispose();
    }
  });
});
