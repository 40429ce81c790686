import * as tf from '@tensorflow/tfjs';
import type { ArchitectureArgs } from './architecture-args.js';
import { resolveArchitectureArgs, scaleWidth } from './architecture-args.js';
import type { Node } from './functional.js';
import { apply, batchNorm, predictions, topDropout } from './functional.js';

/** Conv blocks in each dense block of DenseNet121 (stages conv2..conv5), as in Keras' densenet.py. */
export const DENSENET121_BLOCKS: readonly number[] = [6, 12, 24, 16];

/** Channels each conv block adds. */
const GROWTH_RATE = 32;
/** Share of channels a transition block keeps. */
const COMPRESSION = 0.5;
/** Keras' DenseNet BatchNormalization epsilon. */
const BN_EPSILON = 1.001e-5;

/** Defaults of a DenseNet variant. */
interface DenseNetVariant {
  name: string;
  blocks: readonly number[];
}

/**
 * DenseNet-BC (Huang et al. 2017) as Keras builds it: a 7x7/2 convolution stem and 3x3/2 max pooling,
 * dense blocks (stages conv2..conv5) joined by transition blocks (pool2..pool4), a final
 * BatchNormalization and ReLU; the head is global average pooling (`avg_pool`) and the softmax
 * classifier, with `dropout` (default 0) between them. The width multiplier scales the stem and the
 * growth rate.
 */
export function densenet(args: ArchitectureArgs, variant: DenseNetVariant): tf.LayersModel {
  const a = resolveArchitectureArgs(args, { name: variant.name, dropout: 0 });
  const growthRate = scaleWidth(GROWTH_RATE, a.widthMultiplier);
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_layer' });

  // The two paddings are unnamed in Keras; these are the names a fresh Keras session gives them.
  let x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [3, 3],
        [3, 3],
      ],
      name: 'zero_padding2d',
    }),
    input,
  );
  const stem = tf.layers.conv2d({
    filters: scaleWidth(64, a.widthMultiplier),
    kernelSize: 7,
    strides: 2,
    useBias: false,
    name: 'conv1_conv',
  });
  x = batchNorm(apply(stem, x), 'conv1_bn', BN_EPSILON);
  x = apply(tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }), x);
  x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: 'zero_padding2d_1',
    }),
    x,
  );
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }), x);

  variant.blocks.forEach((blocks, i) => {
    x = denseBlock(x, blocks, growthRate, `conv${i + 2}`);
    if (i < variant.blocks.length - 1) x = transitionBlock(x, COMPRESSION, `pool${i + 2}`);
  });
  x = batchNorm(x, 'bn', BN_EPSILON);
  x = apply(tf.layers.activation({ activation: 'relu', name: 'relu' }), x);

  if (a.includeTop) {
    x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
    x = predictions(topDropout(x, a.dropout), a.numClasses, a.classifierActivation);
  }
  return tf.model({ inputs: input, outputs: x, name: a.name });
}

/** `blocks` conv blocks `<name>_block1` ..., each concatenating `growthRate` new channels to its input. */
export function denseBlock(x: Node, blocks: number, growthRate: number, name: string): Node {
  for (let i = 1; i <= blocks; i++) x = convBlock(x, growthRate, `${name}_block${i}`);
  return x;
}

/** Keras' `transition_block`: BN, ReLU, a 1x1 convolution keeping `reduction` of the channels, 2x2 average pooling. */
export function transitionBlock(x: Node, reduction: number, name: string): Node {
  const channels = x.shape[x.shape.length - 1] as number;
  x = batchNorm(x, `${name}_bn`, BN_EPSILON);
  x = apply(tf.layers.activation({ activation: 'relu', name: `${name}_relu` }), x);
  const conv = tf.layers.conv2d({
    filters: Math.floor(channels * reduction),
    kernelSize: 1,
    useBias: false,
    name: `${name}_conv`,
  });
  x = apply(conv, x);
  return apply(tf.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }), x);
}

/** Keras' `conv_block`: BN, ReLU, 1x1 convolution (4x growth rate), BN, ReLU, 3x3 convolution, concatenated to the input. */
export function convBlock(x: Node, growthRate: number, name: string): Node {
  let y = batchNorm(x, `${name}_0_bn`, BN_EPSILON);
  y = apply(tf.layers.activation({ activation: 'relu', name: `${name}_0_relu` }), y);
  y = apply(
    tf.layers.conv2d({ filters: 4 * growthRate, kernelSize: 1, useBias: false, name: `${name}_1_conv` }),
    y,
  );
  y = batchNorm(y, `${name}_1_bn`, BN_EPSILON);
  y = apply(tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }), y);
  const conv = tf.layers.conv2d({
    filters: growthRate,
    kernelSize: 3,
    padding: 'same',
    useBias: false,
    name: `${name}_2_conv`,
  });
  y = apply(conv, y);
  return apply(tf.layers.concatenate({ axis: -1, name: `${name}_concat` }), [x, y]);
}

/** DenseNet121: base 7,037,504 parameters at width 1. */
export function densenet121(args: ArchitectureArgs): tf.LayersModel {
  return densenet(args, { name: 'densenet121', blocks: DENSENET121_BLOCKS });
}
