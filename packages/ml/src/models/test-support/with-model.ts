import type * as tfjs from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Tf } from '../../backend.js';

/**
 * Builds a model, runs `use` on it and disposes it, then asserts that no tensor outlived it: the
 * tensor count is back where it was before the build.
 */
export async function withModel<T>(
  tf: Tf,
  build: () => tfjs.LayersModel,
  use: (model: tfjs.LayersModel) => T | Promise<T>,
): Promise<T> {
  const baseline = tf.memory().numTensors;
  const model = build();
  try {
    return await use(model);
  } finally {
    model.dispose();
    expect(tf.memory().numTensors, 'tensors left after dispose').toBe(baseline);
  }
}
