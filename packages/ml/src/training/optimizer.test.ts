import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { createOptimizer, disposeOptimizer, readOptimizerState, restoreOptimizerState } from './optimizer.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

/** Adam's bias-correction accumulators (beta^t), which tfjs keeps as scalar variables. */
const accumulators = (optimizer: unknown) => {
  const adam = optimizer as {
    accBeta1: { dataSync(): Float32Array };
    accBeta2: { dataSync(): Float32Array };
  };
  return [adam.accBeta1.dataSync()[0], adam.accBeta2.dataSync()[0]];
};

describe('restoreOptimizerState', () => {
  it("restores Adam's bias correction bit for bit as the uninterrupted run accumulated it", async () => {
    const weight = tf.variable(tf.tensor1d([0.5, -0.25, 2]));
    const loss = () => tf.sum(tf.square(weight)) as tfjs.Scalar;
    const original = createOptimizer(tf, { kind: 'adam', learningRate: 1e-3 });
    const restored = createOptimizer(tf, { kind: 'adam', learningRate: 1e-3 });
    try {
      // Enough steps for pow(beta, t + 1), what tfjs' setWeights computes, to differ from the product.
      for (let step = 0; step < 200; step++) original.minimize(loss, false, [weight]);
      await restoreOptimizerState(tf, restored, await readOptimizerState(original));
      expect(accumulators(restored)).toEqual(accumulators(original));
    } finally {
      disposeOptimizer(original);
      disposeOptimizer(restored);
      weight.dispose();
    }
  });
});
