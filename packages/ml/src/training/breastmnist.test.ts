import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auc } from '@medsweep/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { LocalDirectoryBlobStore } from '../data/blob-store.js';
import { loadDataset } from '@medsweep/core/records';
import { MEDMNIST_DATASETS, importMedmnistNpz } from '../data/medmnist.js';
import type { ModelInputSpec } from '../data/preprocess.js';
import { initializeWeights } from './initialize-weights.js';
import { predictSplit } from './predict.js';
import { BREAST_NPZ } from './test-support/tiny-run.js';
import { train } from './trainer.js';

let tf: Tf;
let scratch: string;
beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-breast-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('training on real BreastMNIST (official splits)', () => {
  it('imports, trains a small CNN for a few epochs and separates the classes on val and test', async () => {
    const store = new LocalDirectoryBlobStore(scratch);
    const { id } = await importMedmnistNpz({ path: BREAST_NPZ, ...MEDMNIST_DATASETS.breastmnist }, store);
    const dataset = await loadDataset(store, id);
    const input: ModelInputSpec = { height: 28, width: 28, channels: 1, preprocessing: 'minus-one-one' };
    // Batch-norm momentum 0.9 rather than 0.99: a 150-step run must warm its moving statistics up.
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same' }),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same' }),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    try {
      initializeWeights(tf, model, 1);
      const result = await train({
        tf,
        model,
        train: dataset.splits.train,
        validation: dataset.splits.val,
        numClasses: dataset.manifest.numClasses,
        input,
        augmentation: { horizontalFlip: true, rotationDegrees: 10 },
        epochs: 8,
        batchSize: 32,
        optimizer: { kind: 'adam', learningRate: 3e-3 },
        schedule: { kind: 'cosine' },
        classWeights: 'balanced',
        seed: 1,
      });
      expect(result.best?.value).toBeGreaterThan(0.75);

      // The model holds the best validation epoch's weights; score the untouched test split.
      const test = await predictSplit(tf, model, dataset.splits.test, input, 2, 64);
      expect(auc(test.labels, test.scores, 'binary-class')).toBeGreaterThan(0.75);
    } finally {
      model.dispose();
    }
  });
});
