import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { CheckpointMismatchError, TrainConfigError, UnseedableModelError } from '../errors.js';
import { LocalDirectoryCheckpointStore } from './checkpoint.js';
import {
  flatWeights,
  maxWeightDifference,
  tinyModel,
  tinyTrainArgs,
  trainTiny,
} from './test-support/tiny-run.js';
import type { TrainArgs, TrainProgress } from './trainer.js';
import { train } from './trainer.js';

let tf: Tf;
let scratch: string;

beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-trainer-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const run = (overrides: Partial<TrainArgs> = {}, modelSeed = 5) => trainTiny(tf, overrides, modelSeed);

describe('train', () => {
  it('repeats exactly: same seeds, same final weights and history', async () => {
    const first = await run();
    const second = await run();
    expect(maxWeightDifference(first.weights, second.weights)).toBe(0);
    expect(second.result).toEqual(first.result);
    expect(first.result.history).toHaveLength(3);

    const otherSeed = await run({ seed: 12 });
    expect(maxWeightDifference(first.weights, otherSeed.weights)).toBeGreaterThan(1e-3);
  });

  it.each([
    ['adam + step decay', { optimizer: { kind: 'adam', learningRate: 3e-3 } }],
    [
      'sgd momentum + SGDR',
      {
        optimizer: { kind: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
        schedule: { kind: 'sgdr', firstPeriodEpochs: 1, periodMultiplier: 2, minLearningRate: 1e-4 },
      },
    ],
  ] as [string, Partial<TrainArgs>][])(
    'resumes after an interruption to the same result (%s)',
    async (_name, overrides) => {
      const uninterrupted = await run(overrides);

      const checkpoints = new LocalDirectoryCheckpointStore(await mkdtemp(join(scratch, 'resume-')));
      const stop = new AbortController();
      const stopAfterFirstEpoch = (p: TrainProgress) => {
        if (p.phase === 'epoch' && p.epoch === 0) stop.abort(new Error('interrupted'));
        else if (p.phase === 'batch' && stop.signal.aborted) throw new Error('ran on after the abort');
      };
      await expect(
        run({ ...overrides, checkpoints, signal: stop.signal, onProgress: stopAfterFirstEpoch }),
      ).rejects.toThrow('interrupted');
      expect((await checkpoints.loadLatest())?.epochsCompleted).toBe(1);

      // A brand-new model with different initial weights: everything must come from the checkpoint.
      const resumed = await run({ ...overrides, checkpoints }, 99);
      expect(resumed.result.resumedAfterEpochs).toBe(1);
      expect(maxWeightDifference(resumed.weights, uninterrupted.weights)).toBeLessThan(1e-5);
      expect(resumed.result.history).toEqual(uninterrupted.result.history);
      expect(resumed.result.best).toEqual(uninterrupted.result.best);
    },
  );

  it('stops early after `patience` epochs without improvement and restores the best epoch', async () => {
    const scores = [0.8, 0.9, 0.85, 0.7, 0.95];
    let calls = 0;
    const model = tinyModel(tf, 5);
    let weightsAfterBest: Float32Array[] = [];
    try {
      const result = await train({
        ...tinyTrainArgs(tf, model),
        epochs: 5,
        validationMetric: { name: 'scripted', compute: () => scores[calls++] as number },
        earlyStopping: { patience: 2 },
        onProgress: (p) => {
          if (p.phase === 'epoch' && p.epoch === 1) weightsAfterBest = flatWeights(model);
        },
      });
      expect(result.stoppedEarly).toBe(true);
      expect(result.epochsCompleted).toBe(4);
      expect(result.best).toEqual({ epoch: 1, value: 0.9 });
      expect(result.history.map((h) => h.validationMetric)).toEqual([0.8, 0.9, 0.85, 0.7]);
      expect(maxWeightDifference(flatWeights(model), weightsAfterBest)).toBe(0);
    } finally {
      model.dispose();
    }
  });

  it('weights the loss by class: a heavy class-1 weight raises class-1 predictions', async () => {
    const probabilityOfClass1 = async (classWeights: number[]) => {
      const model = tinyModel(tf, 5);
      try {
        const args = tinyTrainArgs(tf, model);
        await train({ ...args, classWeights, augmentation: undefined, validation: undefined });
        const x = tf.randomUniform([64, 32, 32, 3], -1, 1, 'float32', 1);
        const p = model.predict(x) as ReturnType<Tf['tensor2d']>;
        const mean = tf.tidy(() => p.slice([0, 1], [-1, 1]).mean().dataSync()[0] as number);
        tf.dispose([x, p]);
        return mean;
      } finally {
        model.dispose();
      }
    };
    const even = await probabilityOfClass1([1, 1]);
    const favoured = await probabilityOfClass1([1, 20]);
    const disfavoured = await probabilityOfClass1([20, 1]);
    expect(favoured).toBeGreaterThan(even);
    expect(disfavoured).toBeLessThan(even);
  });

  it('reports progress per batch and per epoch, with the scheduled learning rate', async () => {
    const events: TrainProgress[] = [];
    const { result } = await run({ onProgress: (p) => void events.push(p) });
    const epochs = events.filter((e) => e.phase === 'epoch');
    expect(events.filter((e) => e.phase === 'batch')).toHaveLength(3 * 6);
    expect(epochs.map((e) => e.lr)).toEqual([3e-3, 3e-3, 3e-3 * 0.1]);
    expect(epochs[2]?.metrics).toEqual({
      loss: result.history[2]?.loss,
      val_loss: result.history[2]?.validationLoss,
      val_auc: result.history[2]?.validationMetric,
    });
    expect(events[0]).toMatchObject({ phase: 'batch', epoch: 0, batch: 1, batches: 6 });
  });

  it('leaves no tensors behind', async () => {
    const model = tinyModel(tf, 5);
    try {
      const before = tf.memory().numTensors;
      const checkpoints = new LocalDirectoryCheckpointStore(await mkdtemp(join(scratch, 'memory-')));
      await train({ ...tinyTrainArgs(tf, model), epochs: 2, checkpoints });
      await train({
        ...tinyTrainArgs(tf, model),
        epochs: 1,
        optimizer: { kind: 'sgd', learningRate: 0.01, momentum: 0.9 },
      });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });

  it('refuses to resume a checkpoint of a different run', async () => {
    const checkpoints = new LocalDirectoryCheckpointStore(await mkdtemp(join(scratch, 'mismatch-')));
    await run({ epochs: 1, checkpoints });
    const error = await run({ epochs: 1, batchSize: 8, checkpoints }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect((error as CheckpointMismatchError).differences).toEqual([
      { setting: 'batchSize', checkpoint: 16, current: 8 },
    ]);
  });

  it('rejects settings that do not fit the model or data', async () => {
    await expect(
      run({ input: { height: 28, width: 28, channels: 3, preprocessing: 'unit' } }),
    ).rejects.toThrow(TrainConfigError);
    await expect(run({ numClasses: 3 })).rejects.toThrow(
      /numClasses = 3 is invalid: expected the model's 2 output/,
    );
    await expect(run({ batchSize: 0 })).rejects.toThrow(TrainConfigError);
    await expect(run({ classWeights: [1] })).rejects.toThrow(/classWeights/);
  });

  it('refuses models whose noise cannot be seeded', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [32, 32, 3] }),
        tf.layers.gaussianNoise({ stddev: 0.1 }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    try {
      await expect(train({ ...tinyTrainArgs(tf, model) })).rejects.toThrow(UnseedableModelError);
    } finally {
      model.dispose();
    }
  });
});
