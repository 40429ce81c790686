import * as tf from '@tensorflow/tfjs';
import type { ArchitectureArgs } from './architecture-args.js';
import { resolveArchitectureArgs, scaleWidth } from './architecture-args.js';
import type { Node } from './functional.js';
import { apply, predictions, topDropout } from './functional.js';

/** VGG16's convolution blocks, bottom to top, as in Keras' vgg16.py. */
export const VGG16_BLOCKS: readonly { filters: number; convs: number }[] = [
  { filters: 64, convs: 2 },
  { filters: 128, convs: 2 },
  { filters: 256, convs: 3 },
  { filters: 512, convs: 3 },
  { filters: 512, convs: 3 },
];

/** Units of each of the two fully connected layers of VGG16's head. */
const FC_UNITS = 4096;

/**
 * VGG16 (Simonyan & Zisserman 2014) as Keras builds it: five blocks of 3x3 ReLU convolutions, each
 * closed by 2x2 max pooling; the head is Keras' flatten, fc1, fc2 (4096 ReLU units each, scaled by the
 * width multiplier) and the softmax classifier. `dropout` (default 0) goes before the classifier.
 * Base: 14,714,688 parameters at width 1.
 */
export function vgg16(args: ArchitectureArgs): tf.LayersModel {
  const a = resolveArchitectureArgs(args, { name: 'vgg16', dropout: 0 });
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_layer' });
  let x = VGG16_BLOCKS.reduce(
    (x: Node, block, i) =>
      vggBlock(x, scaleWidth(block.filters, a.widthMultiplier), block.convs, `block${i + 1}`),
    input,
  );
  if (a.includeTop) {
    const units = scaleWidth(FC_UNITS, a.widthMultiplier);
    x = apply(tf.layers.flatten({ name: 'flatten' }), x);
    x = apply(tf.layers.dense({ units, activation: 'relu', name: 'fc1' }), x);
    x = apply(tf.layers.dense({ units, activation: 'relu', name: 'fc2' }), x);
    x = predictions(topDropout(x, a.dropout), a.numClasses, a.classifierActivation);
  }
  return tf.model({ inputs: input, outputs: x, name: a.name });
}

/** `convs` same-padded 3x3 ReLU convolutions (`<name>_conv1`, ...) and a 2x2 max pooling (`<name>_pool`). */
export function vggBlock(x: Node, filters: number, convs: number, name: string): Node {
  for (let i = 1; i <= convs; i++) {
    const conv = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name: `${name}_conv${i}`,
    });
    x = apply(conv, x);
  }
  return apply(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }), x);
}
