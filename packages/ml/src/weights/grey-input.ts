import * as tf from '@tensorflow/tfjs';

/**
 * The layers with weights that see the input's channels directly: everything up to and including the
 * first Conv2D (EfficientNet's input Normalization and `stem_conv`; the first convolution elsewhere).
 * Only these change shape between an RGB file and a greyscale model.
 */
export function inputStemLayers(model: tf.LayersModel): Set<string> {
  const stem = new Set<string>();
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    stem.add(layer.name);
    if (layer.getClassName() === 'Conv2D') break;
  }
  return stem;
}

/**
 * Whether an RGB weight of shape `found` can become the greyscale weight of shape `expected`: a
 * convolution kernel [h, w, 3, filters] -> [h, w, 1, filters], or per-channel input statistics
 * [3] -> [1].
 */
export function isGreyAdaptable(expected: readonly number[], found: readonly number[]): boolean {
  if (expected.length !== found.length) return false;
  if (expected.length === 1) return expected[0] === 1 && found[0] === 3;
  if (expected.length !== 4) return false;
  return expected[2] === 1 && found[2] === 3 && [0, 1, 3].every((axis) => expected[axis] === found[axis]);
}

/**
 * Turns an RGB weight into its greyscale counterpart. A kernel is summed over its input channels: a
 * grey image fed as three equal channels gives the same response through the summed kernel, the
 * usual way to start a 1-channel model from ImageNet weights. Per-channel statistics (EfficientNet's
 * Normalization mean and variance) are averaged, which is exact only where the channels agree.
 */
export function greyFromRgb(rgb: tf.Tensor): tf.Tensor {
  return rgb.rank === 4 ? tf.sum(rgb, 2, true) : tf.mean(rgb, 0, true);
}
