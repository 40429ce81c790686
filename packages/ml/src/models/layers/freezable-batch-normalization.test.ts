import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../backend.js';
import type { Tf } from '../../backend.js';
import { withModel } from '../test-support/with-model.js';
import { FreezableBatchNormalization } from './freezable-batch-normalization.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

function smallNet(): tfjs.LayersModel {
  const input = tf.input({ shape: [4, 4, 2] });
  const normalized = new FreezableBatchNormalization({ name: 'bn' }).apply(input) as tfjs.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(normalized) as tfjs.SymbolicTensor;
  const output = tf.layers.dense({ units: 1, name: 'out' }).apply(pooled) as tfjs.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** One training step on a batch far from the layer's initial statistics (mean 0, variance 1). */
async function trainOneStep(model: tfjs.LayersModel): Promise<number[]> {
  const optimizer = tf.train.sgd(0.1);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const x = tf.randomNormal([8, 4, 4, 2], 5, 3, 'float32', 3);
  const y = tf.ones([8, 1]);
  try {
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
  }
  return Array.from(model.getLayer('bn').getWeights()[2]!.dataSync());
}

describe('FreezableBatchNormalization', () => {
  it('keeps its statistics and normalises with them while frozen, as Keras does', async () => {
    await withModel(tf, smallNet, async (model) => {
      const bn = model.getLayer('bn');
      bn.trainable = false;
      expect(await trainOneStep(model)).toEqual([0, 0]);
      const [training, inference] = tf.tidy(() => {
        const x = tf.randomNormal([2, 4, 4, 2], 5, 3, 'float32', 4);
        return [bn.apply(x, { training: true }), bn.apply(x, { training: false })].map((t) =>
          Array.from((t as tfjs.Tensor).dataSync()),
        );
      });
      expect(training).toEqual(inference);
    });
  });

  it('learns its statistics while trainable', async () => {
    await withModel(tf, smallNet, async (model) => {
      const movingMean = await trainOneStep(model);
      // momentum 0.99: one batch of mean ~5 moves the moving mean to ~0.05.
      for (const m of movingMean) expect(m).toBeGreaterThan(0.03);
    });
  });
});
