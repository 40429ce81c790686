import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { ModelInputSpec } from '../data/preprocess.js';
import { TrainedWeightsInputMissingError } from '../errors.js';
import { initializeWeights } from '../training/initialize-weights.js';
import { saveKerasWeights } from '../weights/save-keras-weights.js';
import { buildTrialClassifier, loadTrainedModel } from './trained-model.js';

const shape = { architecture: 'vgg16', inputSize: 32, widthMultiplier: 0.125, numClasses: 2 };
const input: ModelInputSpec = { height: 32, width: 32, channels: 1, preprocessing: 'minus-one-one' };
let backend: BackendInfo;
let dir: string;

beforeAll(async () => {
  backend = await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'medsweep-trained-model-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('loadTrainedModel', () => {
  it("rebuilds a trial's classifier from its saved weights: same input, same outputs", async () => {
    const { tf } = backend;
    const trained = buildTrialClassifier({ ...shape, input, imagenetWeights: false });
    const path = join(dir, 'weights.h5');
    const images = tf.randomUniform([4, 32, 32, 1], -1, 1, 'float32', 7);
    try {
      initializeWeights(tf, trained, 3);
      await saveKerasWeights(trained, path, { input });
      const tensors = tf.memory().numTensors;
      const loaded = await loadTrainedModel({ ...shape, imagenetWeights: false, weightsPath: path });
      try {
        expect(loaded.input).toEqual(input);
        const [expected, found] = tf.tidy(() => [
          (trained.predict(images) as typeof images).dataSync(),
          (loaded.model.predict(images) as typeof images).dataSync(),
        ]);
        expect(Array.from(found as Float32Array)).toEqual(Array.from(expected as Float32Array));
      } finally {
        loaded.model.dispose();
      }
      expect(tf.memory().numTensors, 'tensors left behind').toBe(tensors);
    } finally {
      trained.dispose();
      images.dispose();
    }
  });

  it('refuses weights that do not record the input they were trained on', async () => {
    const model = buildTrialClassifier({ ...shape, input, imagenetWeights: false });
    const path = join(dir, 'no-input.h5');
    try {
      await saveKerasWeights(model, path);
    } finally {
      model.dispose();
    }
    await expect(loadTrainedModel({ ...shape, imagenetWeights: false, weightsPath: path })).rejects.toThrow(
      TrainedWeightsInputMissingError,
    );
  });
});
