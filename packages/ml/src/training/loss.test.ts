import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import { squaredHingePerSample, weightedLoss } from './loss.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

describe('squared hinge loss', () => {
  it('binary, one margin column (class 1): max(0, 1 - t m)^2 with t = +1 for class 1, -1 for class 0', () => {
    const values = tf.tidy(() =>
      squaredHingePerSample(
        tf,
        tf.tensor2d([[2], [0.5], [-0.5], [0.25]]),
        tf.tensor1d([1, 1, 1, 0], 'int32'),
        2,
      ).dataSync(),
    );
    expect(Array.from(values)).toEqual([0, 0.25, 2.25, 1.5625]);
  });

  it('multi-class, one-vs-rest: the sum over classes, the true one at +1 and every other at -1', () => {
    const values = tf.tidy(() =>
      squaredHingePerSample(
        tf,
        tf.tensor2d([
          [1, -1, -1],
          [0, 0.5, -2],
        ]),
        tf.tensor1d([0, 2], 'int32'),
        3,
      ).dataSync(),
    );
    // Sample 2: class 0 at -1 -> (1 + 0)^2, class 1 at -1 -> 1.5^2, class 2 at +1 -> 3^2.
    expect(Array.from(values)).toEqual([0, 1 + 2.25 + 9]);
  });

  it('weightedLoss averages it with the class weights, as it does cross-entropy', () => {
    const [hinge, crossEntropy] = tf.tidy(() => {
      const labels = tf.tensor1d([1, 0], 'int32');
      const weights = tf.tensor1d([2, 1]);
      return [
        weightedLoss(tf, tf.tensor2d([[0.5], [0.25]]), labels, 2, weights, {
          kind: 'squared-hinge',
          marginLayer: 'margins',
        }).dataSync()[0],
        weightedLoss(tf, tf.tensor2d([[0.5], [0.25]]), labels, 2, weights).dataSync()[0],
      ];
    });
    expect(hinge).toBeCloseTo((2 * 0.25 + 1.5625) / 2, 6);
    expect(crossEntropy).toBeCloseTo((2 * -Math.log(0.5) - Math.log(0.75)) / 2, 6);
  });
});
