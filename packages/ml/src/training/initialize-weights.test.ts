import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { ARCHITECTURE_NAMES, getArchitecture } from '../models/registry.js';
import { initializeWeights } from './initialize-weights.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

/** Conv, separable conv, depthwise conv, batch-norm and dense: the weight kinds the architectures use. */
function build() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [16, 16, 3],
        filters: 4,
        kernelSize: 3,
        kernelInitializer: 'glorotUniform',
        biasInitializer: 'ones',
      }),
      tf.layers.batchNormalization(),
      tf.layers.depthwiseConv2d({ kernelSize: 3 }),
      tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthwiseInitializer: 'randomNormal' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: 'heNormal' }),
    ],
  });
}

describe('initializeWeights', () => {
  it('gives two builds of a model identical weights for one seed and different ones for another', () => {
    const [a, b, c] = [build(), build(), build()];
    try {
      const before = tf.memory().numTensors;
      initializeWeights(tf, a, 3);
      initializeWeights(tf, b, 3);
      initializeWeights(tf, c, 4);
      expect(tf.memory().numTensors).toBe(before);
      const values = (m: typeof a) => m.weights.map((w) => Array.from(w.read().dataSync()));
      expect(values(b)).toEqual(values(a));
      expect(values(c)).not.toEqual(values(a));
    } finally {
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it("keeps each weight's own initializer: constants stay constant, scales follow the initializer", () => {
    const model = build();
    try {
      initializeWeights(tf, model, 1);
      const value = (layer: number, weight: number) =>
        Array.from(model.layers[layer]!.weights[weight]!.read().dataSync());
      const [conv, bn] = [0, 1];
      expect(value(conv, 1)).toEqual([1, 1, 1, 1]);
      // Batch-norm: gamma, beta, moving mean, moving variance.
      expect([0, 1, 2, 3].map((w) => value(bn, w))).toEqual([
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [1, 1, 1, 1],
      ]);
      // glorotUniform for a 3x3x3 -> 4 kernel: |w| <= sqrt(6 / (27 + 36)).
      const kernel = value(conv, 0);
      expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 63));
      expect(new Set(kernel).size).toBe(kernel.length);
    } finally {
      model.dispose();
    }
  });

  it.each(ARCHITECTURE_NAMES)('makes two builds of %s identical', (name) => {
    const build = () =>
      getArchitecture(name).build({
        inputSize: 32,
        channels: 3,
        numClasses: 2,
        includeTop: true,
        widthMultiplier: 0.25,
      });
    const [a, b] = [build(), build()];
    try {
      initializeWeights(tf, a, 9);
      initializeWeights(tf, b, 9);
      // Byte comparison: a deep toEqual over millions of floats takes seconds.
      const bytes = (m: typeof a) => m.weights.map((w) => Buffer.from(w.read().dataSync().buffer));
      const [first, second] = [bytes(a), bytes(b)];
      expect(first.filter((w, i) => !w.equals(second[i] as Buffer))).toHaveLength(0);
      expect(first.length).toBeGreaterThan(10);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
