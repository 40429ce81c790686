import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { ARCHITECTURE_NAMES } from '@medsweep/core/sweep';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../backend.js';
import { selectBackend } from '../../backend.js';
import type { ImageSplit } from '@medsweep/core/records';
import type { ModelInputSpec } from '../../data/preprocess.js';
import { InvalidArchitectureArgsError, TrainConfigError } from '../../errors.js';
import { buildTrialClassifier, loadTrainedModel } from '../../evaluation/trained-model.js';
import { initializeWeights } from '../../training/initialize-weights.js';
import { predictSplit } from '../../training/predict.js';
import { breastMnist } from '../../training/test-support/tiny-run.js';
import { train } from '../../training/trainer.js';
import { saveKerasWeights } from '../../weights/save-keras-weights.js';
import { CLASSICAL_MODELS, MODEL_TYPE_NAMES, getModelType } from '../registry.js';
import { withModel } from '../test-support/with-model.js';
import { hogFeatures } from './hog.js';

let tf: Tf;
let scratch: string;
beforeAll(async () => {
  ({ tf } = await selectBackend());
  scratch = await mkdtemp(join(tmpdir(), 'medsweep-classical-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const shapes = (model: tfjs.LayersModel) =>
  model.layers.filter((l) => l.weights.length > 0).map((l) => [l.name, l.weights.map((w) => w.shape)]);

/** The samples `indices` of a split, copied into a split of their own. */
function subset(split: ImageSplit, indices: number[]): ImageSplit {
  const pixels = split.height * split.width * split.channels;
  const images = new Uint8Array(indices.length * pixels);
  indices.forEach((i, k) => images.set(split.images.subarray(i * pixels, (i + 1) * pixels), k * pixels));
  return {
    ...split,
    count: indices.length,
    images,
    labels: Uint8Array.from(indices, (i) => split.labels[i] as number),
  };
}

describe('classical models in the model registry', () => {
  it("are the spec's architectures beside the CNNs, each with the input and loss it trains with", () => {
    expect([...MODEL_TYPE_NAMES].sort()).toEqual([...ARCHITECTURE_NAMES].sort());
    expect(getModelType('logistic-regression')).toMatchObject({
      kind: 'classical',
      preprocessing: 'unit',
      loss: { kind: 'cross-entropy' },
    });
    expect(getModelType('hog-linear-svm')).toMatchObject({
      kind: 'classical',
      preprocessing: 'unit',
      loss: { kind: 'squared-hinge', marginLayer: 'margins' },
    });
    expect(getModelType('vgg16').kind).toBe('cnn');
  });

  it('logistic regression: one weight per pixel and class, a sigmoid for two classes, a softmax for more', async () => {
    const build = CLASSICAL_MODELS['logistic-regression'].build;
    await withModel(
      tf,
      () => build({ inputSize: 28, channels: 1, numClasses: 2, includeTop: true }),
      (model) => {
        expect(model.countParams()).toBe(28 * 28 + 1);
        expect(shapes(model)).toEqual([['predictions', [[784, 1], [1]]]]);
        expect(model.outputs[0]?.shape).toEqual([null, 1]);
      },
    );
    await withModel(
      tf,
      () => build({ inputSize: 32, channels: 3, numClasses: 5, includeTop: true }),
      (model) => {
        expect(model.countParams()).toBe((32 * 32 * 3 + 1) * 5);
        initializeWeights(tf, model, 1);
        tf.tidy(() => {
          model
            .getLayer('predictions')
            .setWeights([tf.randomNormal([3072, 5], 0, 0.1, 'float32', 1), tf.zeros([5])]);
          const p = model.predict(tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 2)) as tfjs.Tensor;
          expect(p.shape).toEqual([4, 5]);
          const sums = Array.from(tf.sum(p, 1).dataSync());
          sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
        });
      },
    );
  });

  it('HOG linear SVM: the HOG descriptor (no weights) into one margin per class, scored by a sigmoid', async () => {
    const build = CLASSICAL_MODELS['hog-linear-svm'].build;
    await withModel(
      tf,
      () => build({ inputSize: 28, channels: 1, numClasses: 2, includeTop: true }),
      (model) => {
        expect(model.layers.map((l) => l.name)).toEqual(['input_layer', 'hog', 'margins', 'predictions']);
        expect(model.getLayer('hog').outputShape).toEqual([null, 6 * 6 * 4 * 9]);
        expect(model.countParams()).toBe(1296 + 1);
        expect(model.outputs[0]?.shape).toEqual([null, 1]);
        // The layer computes exactly hogFeatures, and the score is the sigmoid of the margin.
        tf.tidy(() => {
          const images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 3) as tfjs.Tensor4D;
          const margins = tf.model({ inputs: model.inputs, outputs: model.getLayer('hog').output });
          expect(Array.from((margins.predict(images) as tfjs.Tensor).dataSync())).toEqual(
            Array.from(hogFeatures(images, { orientations: 9, cellSize: 4, blockSize: 2 }).dataSync()),
          );
          model.getLayer('margins').setWeights([tf.fill([1296, 1], 0.01), tf.scalar(-0.5).reshape([1])]);
          const scores = (model.predict(images) as tfjs.Tensor).dataSync();
          const features = hogFeatures(images, { orientations: 9, cellSize: 4, blockSize: 2 });
          const expected = tf.sigmoid(tf.sub(tf.mul(tf.sum(features, 1), 0.01), 0.5)).dataSync();
          Array.from(scores).forEach((s, i) => expect(s).toBeCloseTo(expected[i] as number, 5));
        });
      },
    );
    await withModel(
      tf,
      () => build({ inputSize: 64, channels: 3, numClasses: 3, includeTop: true }),
      (model) => {
        expect(model.countParams()).toBe((15 * 15 * 4 * 9 + 1) * 3);
        expect(model.outputs[0]?.shape).toEqual([null, 3]);
      },
    );
  });

  it("refuses what only a CNN has, and images too small for the model's HOG, listing every field", () => {
    const attempt = () =>
      CLASSICAL_MODELS['hog-linear-svm'].build({
        inputSize: 7,
        channels: 1,
        numClasses: 2,
        includeTop: false,
        widthMultiplier: 0.5,
        dropout: 0.2,
        imagenetWeights: true,
      });
    expect(attempt).toThrow(InvalidArchitectureArgsError);
    expect(attempt).toThrow(
      [
        'invalid arguments for hog-linear-svm:',
        '  inputSize = 7: expected a whole number >= 8',
        '  includeTop = false: expected true (a classical model has no base without its classifier)',
        '  widthMultiplier = 0.5: expected 1 or unset (a classical model has no width to scale)',
        '  dropout = 0.2: expected 0 or unset (a classical model has no dropout)',
        '  imagenetWeights = true: expected false or unset (ImageNet weights exist only for CNN architectures)',
      ].join('\n'),
    );
    expect(() =>
      CLASSICAL_MODELS['hog-linear-svm'].build({
        inputSize: 28,
        channels: 1,
        numClasses: 2,
        includeTop: true,
        hog: { cellSize: 0 },
      } as Parameters<(typeof CLASSICAL_MODELS)['hog-linear-svm']['build']>[0]),
    ).toThrow(/hog\.cellSize = 0: expected a whole number >= 1/);
  });

  it("are built, saved and reloaded the way a trial's classifier is (what verify re-evaluates)", async () => {
    const input: ModelInputSpec = { height: 28, width: 28, channels: 1, preprocessing: 'unit' };
    const splits = breastMnist();
    for (const architecture of ['logistic-regression', 'hog-linear-svm']) {
      const shape = {
        architecture,
        inputSize: 28,
        widthMultiplier: 1,
        numClasses: 2,
        imagenetWeights: false,
      };
      const trained = buildTrialClassifier({ ...shape, input });
      const path = join(scratch, `${architecture}.h5`);
      try {
        const [layer] = trained.layers.filter((l) => l.weights.length > 0) as [tfjs.layers.Layer];
        tf.tidy(() =>
          layer.setWeights(
            layer.weights.map((w, i) => tf.randomNormal(w.shape as number[], 0, 0.1, 'float32', i)),
          ),
        );
        await saveKerasWeights(trained, path, { input });
        const expected = await predictSplit(tf, trained, splits.val, input, 2, 64);
        const loaded = await loadTrainedModel({ ...shape, weightsPath: path });
        try {
          expect(loaded.input).toEqual(input);
          const found = await predictSplit(tf, loaded.model, splits.val, loaded.input, 2, 64);
          expect(Array.from(found.scores.values)).toEqual(Array.from(expected.scores.values));
        } finally {
          loaded.model.dispose();
        }
      } finally {
        trained.dispose();
      }
    }
    expect(() =>
      buildTrialClassifier({
        architecture: 'logistic-regression',
        inputSize: 28,
        widthMultiplier: 0.5,
        numClasses: 2,
        input,
        imagenetWeights: false,
      }),
    ).toThrow(/widthMultiplier = 0.5: expected 1 or unset/);
  });
});

describe('training a classical model', () => {
  it('logistic regression fits a small separable BreastMNIST subset', async () => {
    const { train: split } = breastMnist();
    const byClass = (c: number) =>
      Array.from(split.labels.entries())
        .filter(([, label]) => label === c)
        .slice(0, 12)
        .map(([i]) => i);
    const tiny = subset(split, [...byClass(0), ...byClass(1)]);
    const input: ModelInputSpec = { height: 28, width: 28, channels: 1, preprocessing: 'unit' };
    await withModel(
      tf,
      () =>
        CLASSICAL_MODELS['logistic-regression'].build({
          inputSize: 28,
          channels: 1,
          numClasses: 2,
          includeTop: true,
          l2: 0,
        }),
      async (model) => {
        initializeWeights(tf, model, 1);
        const result = await train({
          tf,
          model,
          train: tiny,
          numClasses: 2,
          input,
          epochs: 40,
          batchSize: 24,
          optimizer: { kind: 'adam', learningRate: 0.05 },
          loss: CLASSICAL_MODELS['logistic-regression'].loss,
          seed: 1,
        });
        expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss / 4);
        const fitted = await predictSplit(tf, model, tiny, input, 2, 24);
        const correct = fitted.labels.filter(
          (y, i) => ((fitted.scores.values[i] as number) > 0.5 ? 1 : 0) === y,
        );
        expect(correct.length / tiny.count).toBe(1);
      },
    );
  });

  it('squared-hinge training refuses a margin layer that does not give one margin per output column', async () => {
    const input: ModelInputSpec = { height: 28, width: 28, channels: 1, preprocessing: 'unit' };
    const { train: split } = breastMnist();
    await withModel(
      tf,
      () =>
        CLASSICAL_MODELS['hog-linear-svm'].build({
          inputSize: 28,
          channels: 1,
          numClasses: 2,
          includeTop: true,
        }),
      async (model) => {
        const args = { tf, model, train: split, numClasses: 2, input, epochs: 1, batchSize: 64, seed: 1 };
        const optimizer = { kind: 'adam', learningRate: 0.01 } as const;
        await expect(
          train({ ...args, optimizer, loss: { kind: 'squared-hinge', marginLayer: 'hog' } }),
        ).rejects.toThrow(TrainConfigError);
        await expect(
          train({ ...args, optimizer, loss: { kind: 'squared-hinge', marginLayer: 'no_such_layer' } }),
        ).rejects.toThrow(/loss\.marginLayer = "no_such_layer"/);
      },
    );
  });
});
