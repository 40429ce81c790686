// A small, fast training setup on real BreastMNIST images, shared by the trainer tests and the child
// process of the kill-and-resume test (which must build exactly the same run).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { loadConfig } from '@medsweep/config';
import type { Tf } from '../../backend.js';
import type { ImageSplit, SplitName } from '@medsweep/core/records';
import { MEDMNIST_DATASETS, readMedmnistNpz } from '../../data/medmnist.js';
import type { ModelInputSpec } from '../../data/preprocess.js';
import { initializeWeights } from '../initialize-weights.js';
import type { TrainArgs } from '../trainer.js';
import { train } from '../trainer.js';

export const BREAST_NPZ = join(loadConfig().dataDir, 'medmnist', 'breastmnist.npz');

/** The official BreastMNIST splits (28x28 grey, 2 classes). */
export function breastMnist(): Record<SplitName, ImageSplit> {
  return readMedmnistNpz(
    new Uint8Array(readFileSync(BREAST_NPZ)),
    BREAST_NPZ,
    MEDMNIST_DATASETS.breastmnist.classNames.length,
  );
}

/** The first `count` samples of a split (views, no copy). */
export function firstSamples(split: ImageSplit, count: number): ImageSplit {
  const pixels = split.height * split.width * split.channels;
  return {
    ...split,
    count,
    images: split.images.subarray(0, count * pixels),
    labels: split.labels.subarray(0, count),
  };
}

/** Grey 28 px upsampled to 32 px RGB, so runs exercise resizing and grey-to-RGB as real models need. */
export const TINY_INPUT: ModelInputSpec = {
  height: 32,
  width: 32,
  channels: 3,
  preprocessing: 'minus-one-one',
};

/** conv -> batch-norm -> relu -> pool -> dropout -> softmax: every kind of state a trainer must carry. */
export function tinyModel(tf: Tf, seed: number, input: ModelInputSpec = TINY_INPUT): tfjs.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [input.height, input.width, input.channels],
        filters: 8,
        kernelSize: 3,
        strides: 2,
      }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  initializeWeights(tf, model, seed);
  return model;
}

/** A 3-epoch run on 96 training and 48 validation images with augmentation and a step schedule. */
export function tinyTrainArgs(tf: Tf, model: tfjs.LayersModel): TrainArgs {
  const data = breastMnist();
  return {
    tf,
    model,
    train: firstSamples(data.train, 96),
    validation: firstSamples(data.val, 48),
    numClasses: 2,
    input: TINY_INPUT,
    augmentation: { rotationDegrees: 15, horizontalFlip: true, zoomRange: [0.9, 1.1] },
    epochs: 3,
    batchSize: 16,
    optimizer: { kind: 'adam', learningRate: 3e-3 },
    schedule: { kind: 'step', milestones: [2], gamma: 0.1 },
    classWeights: 'balanced',
    seed: 11,
  };
}

/** Trains a fresh tiny model (tinyTrainArgs plus `overrides`) and returns its result and final weights, freeing the model. */
export async function trainTiny(tf: Tf, overrides: Partial<TrainArgs> = {}, modelSeed = 5) {
  const model = tinyModel(tf, modelSeed);
  try {
    const result = await train({ ...tinyTrainArgs(tf, model), ...overrides });
    return { result, weights: flatWeights(model) };
  } finally {
    model.dispose();
  }
}

/** Every weight value of a model, flattened in model.weights order. */
export function flatWeights(model: tfjs.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync() as Float32Array);
}

/** Largest absolute difference between two models' weights. */
export function maxWeightDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((values, i) => {
    const other = b[i] as Float32Array;
    for (let j = 0; j < values.length; j++)
      max = Math.max(max, Math.abs((values[j] as number) - (other[j] as number)));
  });
  return max;
}
