import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { MultiLabelBatchError, PreprocessingConfigError } from '../errors.js';
import type { AugmentationArgs, SampleAugmentation } from './augmentation.js';
import {
  NO_AUGMENTATION,
  isIdentity,
  sampleAugmentation,
  transformRow,
  validateAugmentation,
} from './augmentation.js';
import type { ImageSplit } from '@medsweep/core/records';
import { ensureNativeTransformKernel } from './native-transform-kernel.js';

/**
 * How pixel values (0-255) are scaled for a model, named after Keras's preprocess_input modes:
 * - 'unit': x / 255, in [0, 1] (training from scratch, the paper's default);
 * - 'minus-one-one': x / 127.5 - 1 (Keras 'tf' mode; MedMNIST's mean 0.5 / std 0.5);
 * - 'torch': x / 255, then per channel minus the ImageNet mean, over its std (RGB only);
 * - 'caffe': RGB to BGR, minus the ImageNet BGR means, not scaled (RGB only; VGG16, ResNet50, SqueezeNet);
 * - 'raw': pixel values as they are, 0-255 (EfficientNet, which normalises inside the model).
 * The architecture registry names the mode its ImageNet weights expect.
 */
export type Preprocessing = 'unit' | 'minus-one-one' | 'torch' | 'caffe' | 'raw';

export const PREPROCESSINGS: readonly Preprocessing[] = ['unit', 'minus-one-one', 'torch', 'caffe', 'raw'];

const TORCH_MEAN = [0.485, 0.456, 0.406];
const TORCH_STD = [0.229, 0.224, 0.225];
const CAFFE_BGR_MEAN = [103.939, 116.779, 123.68];

/** What a model takes as input: size, channels and the pixel scaling its weights expect. */
export interface ModelInputSpec {
  height: number;
  width: number;
  channels: 1 | 3;
  preprocessing: Preprocessing;
  /** How images are resampled to height x width: 'bilinear' (default) or 'nearest' (MedMNIST's 224 px runs). */
  interpolation?: 'bilinear' | 'nearest';
}

/** Augmentation of a training batch: the settings plus the position that seeds each sample's draw. */
export interface BatchAugmentation {
  args: AugmentationArgs;
  seed: number;
  epoch: number;
}

/** Throws PreprocessingConfigError when `input` cannot be produced from `split` with `augmentation`. */
export function validateInputSpec(input: ModelInputSpec, augmentation?: AugmentationArgs): void {
  for (const key of ['height', 'width'] as const) {
    if (!Number.isInteger(input[key]) || input[key] < 1) {
      throw new PreprocessingConfigError(`input.${key}`, input[key], 'a positive whole number of pixels');
    }
  }
  if (input.channels !== 1 && input.channels !== 3) {
    throw new PreprocessingConfigError('input.channels', input.channels, '1 or 3');
  }
  if (!PREPROCESSINGS.includes(input.preprocessing)) {
    throw new PreprocessingConfigError('input.preprocessing', input.preprocessing, PREPROCESSINGS.join(', '));
  }
  if ((input.preprocessing === 'caffe' || input.preprocessing === 'torch') && input.channels !== 3) {
    throw new PreprocessingConfigError(
      'input.preprocessing',
      input.preprocessing,
      `'unit' or 'minus-one-one' for a ${input.channels}-channel model ('caffe' and 'torch' are ImageNet RGB normalisations)`,
    );
  }
  if (augmentation) validateAugmentation(augmentation);
}

/**
 * Builds the float input batch for dataset samples `indices` of `split`, straight from its uint8
 * bytes: augment (training only) and resize in one native transform, grey<->RGB as the model needs,
 * then normalise. The caller owns (and disposes) the returned tensor; nothing else is kept.
 */
export function buildImageBatch(
  tf: Tf,
  split: ImageSplit,
  indices: ArrayLike<number>,
  input: ModelInputSpec,
  augmentation?: BatchAugmentation,
): tfjs.Tensor4D {
  const { height, width, channels } = split;
  const pixels = height * width * channels;
  const batch = new Float32Array(indices.length * pixels);
  for (let i = 0; i < indices.length; i++) {
    const start = (indices[i] as number) * pixels;
    batch.set(split.images.subarray(start, start + pixels), i * pixels);
  }
  const draws = Array.from(indices, (index): SampleAugmentation =>
    augmentation
      ? sampleAugmentation(augmentation.args, augmentation.seed, augmentation.epoch, index)
      : NO_AUGMENTATION,
  );
  const resized = height !== input.height || width !== input.width;
  if (resized || !draws.every(isIdentity)) ensureNativeTransformKernel(tf);

  return tf.tidy(() => {
    let x: tfjs.Tensor4D = tf.tensor4d(batch, [indices.length, height, width, channels]);
    if (resized || !draws.every(isIdentity)) {
      const rows = draws.map((a) => transformRow(height, width, input.height, input.width, a));
      x = tf.image.transform(x, tf.tensor2d(rows), input.interpolation ?? 'bilinear', 'reflect', 0, [
        input.height,
        input.width,
      ]);
    }
    if (channels === 1 && input.channels === 3) x = tf.tile(x, [1, 1, 1, 3]);
    if (channels === 3 && input.channels === 1) x = tf.image.rgbToGrayscale(x);
    return normalise(tf, x, input.preprocessing);
  });
}

/** One int32 class index per sample of `indices`. */
export function buildLabelBatch(tf: Tf, split: ImageSplit, indices: ArrayLike<number>): tfjs.Tensor1D;
/** For a multi-label split: [n, L] float32 0/1 indicators of the samples `indices`. */
export function buildLabelBatch(
  tf: Tf,
  split: ImageSplit,
  indices: ArrayLike<number>,
  options: { multiLabel: boolean },
): tfjs.Tensor1D | tfjs.Tensor2D;
/**
 * The labels of the samples `indices`: an int32 class index each, or with `multiLabel` the [n, L]
 * float32 0/1 indicators of a split that stores L label bytes per sample. A class-index batch of a
 * multi-label split throws MultiLabelBatchError.
 */
export function buildLabelBatch(
  tf: Tf,
  split: ImageSplit,
  indices: ArrayLike<number>,
  options: { multiLabel: boolean } = { multiLabel: false },
): tfjs.Tensor1D | tfjs.Tensor2D {
  if (options.multiLabel) {
    const numLabels = split.labels.length / split.count;
    const rows = new Float32Array(indices.length * numLabels);
    for (let i = 0; i < indices.length; i++) {
      const start = (indices[i] as number) * numLabels;
      rows.set(split.labels.subarray(start, start + numLabels), i * numLabels);
    }
    return tf.tensor2d(rows, [indices.length, numLabels]);
  }
  if (split.labels.length !== split.count) throw new MultiLabelBatchError(split.count, split.labels.length);
  return tf.tensor1d(
    Int32Array.from(indices, (i) => split.labels[i] as number),
    'int32',
  );
}

function normalise(tf: Tf, x: tfjs.Tensor4D, preprocessing: Preprocessing): tfjs.Tensor4D {
  switch (preprocessing) {
    case 'unit':
      return tf.div(x, 255);
    case 'minus-one-one':
      return tf.sub(tf.div(x, 127.5), 1);
    case 'torch':
      return tf.div(tf.sub(tf.div(x, 255), TORCH_MEAN), TORCH_STD);
    case 'caffe':
      return tf.sub(tf.reverse(x, -1), CAFFE_BGR_MEAN);
    case 'raw':
      return x;
    default: {
      const unknown: never = preprocessing;
      throw new PreprocessingConfigError('input.preprocessing', unknown, PREPROCESSINGS.join(', '));
    }
  }
}
