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

describe('createOptimizer adam', () => {
  it("updates rank-1 variables together, bit for bit as tfjs's own Adam updates them one by one", async () => {
    const initial = [
      tf.tensor1d([0.5, -0.25, 2]),
      tf.tensor2d([
        [1, -2],
        [0.125, 3],
      ]),
      tf.tensor1d([-1, 0, 4, 0.75]),
      tf.tensor1d([0.01]),
    ];
    const run = async (optimizer: tfjs.Optimizer) => {
      const weights = initial.map((t) => tf.variable(t.clone()));
      const loss = () =>
        tf.addN(weights.map((w, i) => tf.sum(tf.mul(tf.square(tf.sub(w, i)), i + 1)))) as tfjs.Scalar;
      try {
        for (let step = 0; step < 25; step++) optimizer.minimize(loss, false, weights);
        const slots = await optimizer.getWeights();
        // Slot names carry the (auto-numbered) variable's name: compare what follows it.
        const state = slots.map((s) => [s.name.replace(/^\d+/, ''), Array.from(s.tensor.dataSync())]);
        slots[0]?.tensor.dispose();
        return { values: weights.map((w) => Array.from(w.dataSync())), state };
      } finally {
        tf.dispose(weights);
        disposeOptimizer(optimizer);
      }
    };
    const grouped = await run(createOptimizer(tf, { kind: 'adam', learningRate: 0.05 }));
    const reference = await run(tf.train.adam(0.05, 0.9, 0.999, 1e-7));
    expect(grouped.values).toEqual(reference.values);
    expect(grouped.state).toEqual(reference.state);
    expect(grouped.values[0]).not.toEqual(Array.from(initial[0]!.dataSync()));
    tf.dispose(initial);
  });
});

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
