// Multi-label training (ChestMNIST-style labels: L independent 0/1 labels per sample): label batches,
// binary cross-entropy per label with balanced per-label weights, sigmoid heads, and a tiny model that
// learns three labels each tied to its own image quadrant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auc } from '@medsweep/core';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { buildLabelBatch } from '../data/preprocess.js';
import { MultiLabelBatchError, TrainConfigError } from '../errors.js';
import { buildTrialClassifier } from '../evaluation/trained-model.js';
import { CLASSICAL_MODELS } from '../models/registry.js';
import { withModel } from '../models/test-support/with-model.js';
import { initializeWeights } from './initialize-weights.js';
import { balancedLabelWeights, crossEntropyPerSample, squaredHingePerSample, weightedLoss } from './loss.js';
import { predictSplit } from './predict.js';
import { train } from './trainer.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});
afterAll(() => undefined);

const MULTI_LABEL = 'multi-label, binary-class';

/**
 * `count` grey 32x32 images with three labels: label l is present when quadrant l is bright. Labels are
 * drawn from a fixed pattern so every label has positives and negatives.
 */
function quadrants(count: number, offset = 0): ImageSplit {
  const size = 32;
  const images = new Uint8Array(count * size * size);
  const labels = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const k = i + offset;
    const present = [k % 2, Math.floor(k / 2) % 2, Math.floor(k / 4) % 2];
    for (let l = 0; l < 3; l++) {
      labels[i * 3 + l] = present[l] as number;
      const top = l === 2 ? 16 : 0;
      const left = l === 1 ? 16 : 0;
      for (let y = top; y < top + 16; y++) {
        for (let x = left; x < left + 16; x++) {
          images[i * size * size + y * size + x] = present[l]
            ? 200 + ((k * 7 + x + y) % 50)
            : (k * 3 + x) % 40;
        }
      }
    }
  }
  return { count, height: size, width: size, channels: 1, images, labels };
}

describe('multi-label labels and losses', () => {
  it('builds [n, L] 0/1 label batches, and refuses class indices of multi-label data', () => {
    const split = quadrants(8);
    const batch = buildLabelBatch(tf, split, [1, 2, 7], { multiLabel: true });
    try {
      expect(batch.shape).toEqual([3, 3]);
      expect(Array.from(batch.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 1, 1, 1]);
    } finally {
      batch.dispose();
    }
    expect(() => buildLabelBatch(tf, split, [0, 1])).toThrow(MultiLabelBatchError);
  });

  it('scores each label with binary cross-entropy, averaged over labels, and weights each term', () => {
    const p = tf.tensor2d([
      [0.9, 0.2],
      [0.4, 0.7],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 0],
    ]);
    const w = tf.tensor2d([
      [2, 1],
      [1, 3],
    ]);
    try {
      const bce = (q: number, t: number) => -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
      const perSample = Array.from(crossEntropyPerSample(tf, p, y, 2).dataSync());
      expect(perSample[0]).toBeCloseTo((bce(0.9, 1) + bce(0.2, 0)) / 2, 6);
      expect(perSample[1]).toBeCloseTo((bce(0.4, 0) + bce(0.7, 0)) / 2, 6);
      const weighted = weightedLoss(tf, p, y, 2, w).dataSync()[0] as number;
      const expected = ((2 * bce(0.9, 1) + bce(0.2, 0)) / 2 + (bce(0.4, 0) + 3 * bce(0.7, 0)) / 2) / 2;
      expect(weighted).toBeCloseTo(expected, 6);
      // Squared hinge one-vs-rest: t = +1 where a label is present, -1 where it is not.
      const margins = tf.tensor2d([[0.5, -2]]);
      const hinge = squaredHingePerSample(tf, margins, tf.tensor2d([[1, 1]]), 2).dataSync()[0];
      expect(hinge).toBeCloseTo(0.25 + 9, 6);
      margins.dispose();
    } finally {
      tf.dispose([p, y, w]);
    }
  });

  it("balances each label's classes as scikit-learn's balanced weights of that label alone", () => {
    // 4 samples x 2 labels: label 0 positive once, label 1 positive three times.
    const labels = Uint8Array.from([1, 1, 0, 1, 0, 1, 0, 0]);
    expect(balancedLabelWeights(labels, 2)).toEqual({
      negative: [4 / (2 * 3), 4 / (2 * 1)],
      positive: [4 / (2 * 1), 4 / (2 * 3)],
    });
    expect(() => balancedLabelWeights(Uint8Array.from([1, 0, 0, 0]), 2)).toThrow('label 1 has no positives');
  });
});

describe('multi-label training', () => {
  const input: ModelInputSpec = { height: 32, width: 32, channels: 1, preprocessing: 'unit' };

  it('trains sigmoid outputs per label with balanced weights, and validates on mean per-label AUC', async () => {
    const trainSplit = quadrants(48);
    const validation = quadrants(16, 48);
    await withModel(
      tf,
      () =>
        buildTrialClassifier({
          architecture: 'vgg16',
          inputSize: 32,
          widthMultiplier: 0.0625,
          numClasses: 3,
          task: MULTI_LABEL,
          input,
          imagenetWeights: false,
        }),
      async (model) => {
        initializeWeights(tf, model, 3);
        const result = await train({
          tf,
          model,
          train: trainSplit,
          validation,
          numClasses: 3,
          task: MULTI_LABEL,
          input,
          epochs: 3,
          batchSize: 16,
          optimizer: { kind: 'adam', learningRate: 3e-3 },
          classWeights: 'balanced',
          seed: 1,
        });
        expect(result.history.every((epoch) => Number.isFinite(epoch.validationLoss))).toBe(true);
        const predicted = await predictSplit(tf, model, validation, input, 3, 16, MULTI_LABEL);
        expect(predicted.scores.numColumns).toBe(3);
        expect(predicted.labels).toBe(validation.labels);
        // Independent sigmoids: rows need not sum to 1.
        const rowSums = [0, 1, 2, 3].map((i) =>
          [0, 1, 2].reduce((sum, l) => sum + (predicted.scores.values[i * 3 + l] as number), 0),
        );
        expect(rowSums.some((s) => Math.abs(s - 1) > 0.05)).toBe(true);
        // The restored best epoch's validation AUC is the mean per-label AUC of these predictions.
        expect(result.best?.value).toBeCloseTo(auc(predicted.labels, predicted.scores, MULTI_LABEL), 6);
      },
    );
  });

  it('learns each label with one sigmoid per label (logistic regression), and refuses per-class weights', async () => {
    const split = quadrants(32);
    const validation = quadrants(16, 32);
    await withModel(
      tf,
      () =>
        CLASSICAL_MODELS['logistic-regression'].build({
          inputSize: 32,
          channels: 1,
          numClasses: 2,
          classifierActivation: 'sigmoid',
          includeTop: true,
          l2: 0,
        }),
      async (model) => {
        expect(model.outputs[0]?.shape).toEqual([null, 2]);
        // The first two labels of each sample.
        const twoLabels = (s: ImageSplit): ImageSplit => ({
          ...s,
          labels: Uint8Array.from(
            { length: s.count * 2 },
            (_, i) => s.labels[Math.floor(i / 2) * 3 + (i % 2)]!,
          ),
        });
        await expect(
          train({
            tf,
            model,
            train: twoLabels(split),
            numClasses: 2,
            task: MULTI_LABEL,
            input,
            epochs: 1,
            batchSize: 16,
            optimizer: { kind: 'adam', learningRate: 0.01 },
            classWeights: [1, 2],
            seed: 1,
          }),
        ).rejects.toThrow(TrainConfigError);
        const result = await train({
          tf,
          model,
          train: twoLabels(split),
          validation: twoLabels(validation),
          numClasses: 2,
          task: MULTI_LABEL,
          input,
          epochs: 20,
          batchSize: 16,
          optimizer: { kind: 'adam', learningRate: 0.05 },
          loss: CLASSICAL_MODELS['logistic-regression'].loss,
          seed: 1,
        });
        expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss / 2);
        const predicted = await predictSplit(tf, model, twoLabels(validation), input, 2, 16, MULTI_LABEL);
        expect(auc(predicted.labels, predicted.scores, MULTI_LABEL)).toBeGreaterThan(0.95);
      },
    );
  });
});
