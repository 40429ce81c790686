import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { ModelInputSpec } from '../data/preprocess.js';
import { buildImageBatch } from '../data/preprocess.js';
import { initializeWeights } from '../training/initialize-weights.js';
import { breastMnist } from '../training/test-support/tiny-run.js';
import { squeezenet11 } from './squeezenet.js';
import { withModel } from './test-support/with-model.js';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectBackend());
});

describe('squeezenet11 from scratch', () => {
  // With Keras' glorot_uniform default the fire9 activations were ~1e-4 of the stem's and every score
  // was 0.5 to within 1e-6: training from scratch never left chance on BreastMNIST.
  it('carries the signal of real images through its seeded initial weights to the classifier', async () => {
    const input: ModelInputSpec = { height: 64, width: 64, channels: 1, preprocessing: 'minus-one-one' };
    const images = breastMnist().val;
    const build = () => squeezenet11({ inputSize: 64, channels: 1, numClasses: 2, includeTop: true });
    const [stem, top, farthestFromChance] = await withModel(tf, build, (model) => {
      initializeWeights(tf, model, 0);
      const probe = tf.model({
        inputs: model.inputs,
        outputs: [
          model.getLayer('relu_conv1').output,
          model.getLayer('fire9/concat').output,
          ...model.outputs,
        ] as tfjs.SymbolicTensor[],
      });
      return tf.tidy(() => {
        const x = buildImageBatch(
          tf,
          images,
          Int32Array.from({ length: 32 }, (_, i) => i),
          input,
        );
        const [relu1, fire9, scores] = probe.predict(x) as tfjs.Tensor[];
        return [
          tf.mean(relu1 as tfjs.Tensor).dataSync()[0],
          tf.mean(fire9 as tfjs.Tensor).dataSync()[0],
          tf.max(tf.abs(tf.sub(scores as tfjs.Tensor, 0.5))).dataSync()[0],
        ] as number[];
      });
    });
    expect((top as number) / (stem as number)).toBeGreaterThan(0.1);
    expect(farthestFromChance).toBeGreaterThan(1e-3);
  });
});
