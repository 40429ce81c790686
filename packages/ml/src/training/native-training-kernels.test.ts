import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { initializeWeights } from './initialize-weights.js';
import { leafLayers, seedDropoutLayers } from './model-randomness.js';
import { registerNativeReluGradient, withNativeTrainingKernels } from './native-training-kernels.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

/** Batch norm, ReLU and swish (as an Activation layer and fused into a convolution). */
function convBnRelu(): tfjs.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 6, kernelSize: 3 }),
      tf.layers.batchNormalization({ momentum: 0.9 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'swish' }),
      tf.layers.activation({ activation: 'swish' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  initializeWeights(tf, model, 8);
  return model;
}

/** Loss, every weight's gradient and the batch-norm moving statistics after one training pass. */
function trainingPass(model: tfjs.LayersModel, x: tfjs.Tensor): number[][] {
  const variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const { value, grads } = tf.variableGrads(
    () =>
      tf.sum(
        tf.mul(model.apply(x, { training: true }) as tfjs.Tensor, tf.tensor1d([0.3, -1.7])),
      ) as tfjs.Scalar,
    variables,
  );
  const out = [
    Array.from(value.dataSync()),
    ...variables.map((v) => Array.from((grads[v.name] as tfjs.Tensor).dataSync())),
    ...model.getWeights().map((w) => Array.from(w.dataSync())),
  ];
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

const maxDifference = (a: number[][], b: number[][]) =>
  Math.max(
    ...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - (b[i]?.[j] ?? NaN)) / Math.max(1, Math.abs(v)))),
  );

describe('withNativeTrainingKernels', () => {
  it("matches tfjs's own batch norm and swish: outputs, gradients and moving statistics", async () => {
    const x = tf.randomNormal([5, 12, 12, 3], 1, 2, 'float32', 3);
    const [reference, fused] = [convBnRelu(), convBnRelu()];
    try {
      const expected = trainingPass(reference, x);
      const before = tf.memory().numTensors;
      const actual = await withNativeTrainingKernels(tf, fused, async () => trainingPass(fused, x));
      expect(tf.memory().numTensors).toBe(before);
      expect(maxDifference(actual, expected)).toBeLessThan(1e-4);
      // The moving statistics moved: the comparison covered a real update.
      expect(actual.at(-1)).not.toEqual([1, 1, 1, 1, 1, 1]);
    } finally {
      tf.dispose([x]);
      reference.dispose();
      fused.dispose();
    }
  });

  it('draws dropout masks from the step seeds: repeatable, about `rate` dropped, kept units scaled by 1/keep', async () => {
    const model = tf.sequential({ layers: [tf.layers.dropout({ inputShape: [4000], rate: 0.25 })] });
    const layers = leafLayers(model);
    const x = tf.ones([1, 4000]);
    try {
      const masks = await withNativeTrainingKernels(tf, model, async (kernels) =>
        [7, 7, 8].map((seed) => {
          seedDropoutLayers(layers, seed, 0, 0);
          expect(kernels.stepSeeds()).toHaveLength(1);
          return tf.tidy(() => Array.from((model.apply(x, { training: true }) as tfjs.Tensor).dataSync()));
        }),
      );
      const [first, again, other] = masks as [number[], number[], number[]];
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
      expect(new Set(first.map((v) => v.toFixed(5)))).toEqual(new Set(['0.00000', (1 / 0.75).toFixed(5)]));
      const dropped = first.filter((v) => v === 0).length / first.length;
      expect(dropped).toBeGreaterThan(0.22);
      expect(dropped).toBeLessThan(0.28);
      // Inference passes are untouched.
      expect(
        tf.tidy(() => Array.from((model.apply(x) as tfjs.Tensor).dataSync())).every((v) => v === 1),
      ).toBe(true);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it("restores the layers' own call() afterwards, also when the run throws", async () => {
    const model = convBnRelu();
    const layer = model.layers[1] as tfjs.layers.Layer;
    try {
      const swish = model.layers[4] as unknown as { activation: unknown };
      const activation = swish.activation;
      await expect(
        withNativeTrainingKernels(tf, model, async () => {
          expect(Object.hasOwn(layer, 'call')).toBe(true);
          expect(swish.activation).not.toBe(activation);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(Object.hasOwn(layer, 'call')).toBe(false);
      expect(swish.activation).toBe(activation);
    } finally {
      model.dispose();
    }
  });
});

describe('registerNativeReluGradient', () => {
  it('gives dy where x > 0 and 0 elsewhere', () => {
    registerNativeReluGradient(tf);
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 3]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5]);
    const dx = tf.grad((t: tfjs.Tensor) => tf.relu(t))(x, dy);
    expect(Array.from(dx.dataSync())).toEqual([0, 0, 0, 4, 5]);
    tf.dispose([x, dy, dx]);
  });
});
