import * as tf from '@tensorflow/tfjs';
import type { ArchitectureArgs } from './architecture-args.js';
import { resolveArchitectureArgs, scaleWidth } from './architecture-args.js';
import type { Node } from './functional.js';
import { apply, batchNorm, predictions, topDropout } from './functional.js';

/** A stage of bottleneck residual blocks: `<name>_block1` ... `<name>_block<blocks>`. */
export interface ResNetStage {
  name: string;
  /** Bottleneck filters; the stage outputs 4x as many channels. */
  filters: number;
  blocks: number;
  /** Stride of the stage's first block. */
  stride: number;
}

/** ResNet50's stages, as in Keras' resnet.py (`stack_residual_blocks_v1` calls of ResNet50). */
export const RESNET50_STAGES: readonly ResNetStage[] = [
  { name: 'conv2', filters: 64, blocks: 3, stride: 1 },
  { name: 'conv3', filters: 128, blocks: 4, stride: 2 },
  { name: 'conv4', filters: 256, blocks: 6, stride: 2 },
  { name: 'conv5', filters: 512, blocks: 3, stride: 2 },
];

/** Keras' ResNet BatchNormalization epsilon. */
const BN_EPSILON = 1.001e-5;

/** Defaults of a ResNet variant. */
interface ResNetVariant {
  name: string;
  stages: readonly ResNetStage[];
}

/**
 * ResNet v1 (He et al. 2015) as Keras builds it: a 7x7/2 convolution stem and 3x3/2 max pooling, then
 * stages of bottleneck residual blocks; the head is global average pooling (`avg_pool`) and the
 * softmax classifier, with `dropout` (default 0) between them.
 */
export function resnet(args: ArchitectureArgs, variant: ResNetVariant): tf.LayersModel {
  const a = resolveArchitectureArgs(args, { name: variant.name, dropout: 0 });
  const width = (filters: number): number => scaleWidth(filters, a.widthMultiplier);
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_layer' });

  let x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [3, 3],
        [3, 3],
      ],
      name: 'conv1_pad',
    }),
    input,
  );
  x = apply(tf.layers.conv2d({ filters: width(64), kernelSize: 7, strides: 2, name: 'conv1_conv' }), x);
  x = batchNorm(x, 'conv1_bn', BN_EPSILON);
  x = apply(tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }), x);
  x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: 'pool1_pad',
    }),
    x,
  );
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);

  for (const stage of variant.stages)
    x = residualStage(x, width(stage.filters), stage.blocks, stage.stride, stage.name);

  if (a.includeTop) {
    x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
    x = predictions(topDropout(x, a.dropout), a.numClasses, a.classifierActivation);
  }
  return tf.model({ inputs: input, outputs: x, name: a.name });
}

/** A stage: a first block with a projection shortcut and `stride`, then identity-shortcut blocks. */
export function residualStage(x: Node, filters: number, blocks: number, stride: number, name: string): Node {
  x = residualBlock(x, filters, stride, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) x = residualBlock(x, filters, 1, false, `${name}_block${i}`);
  return x;
}

/**
 * Keras' `residual_block_v1`: 1x1 (with the stride), 3x3 and 1x1 (4x filters) convolutions with
 * BatchNormalization, added to the shortcut (a strided 1x1 convolution, or the input itself).
 */
export function residualBlock(
  x: Node,
  filters: number,
  stride: number,
  convShortcut: boolean,
  name: string,
): Node {
  let shortcut = x;
  if (convShortcut) {
    const conv = tf.layers.conv2d({
      filters: 4 * filters,
      kernelSize: 1,
      strides: stride,
      name: `${name}_0_conv`,
    });
    shortcut = batchNorm(apply(conv, x), `${name}_0_bn`, BN_EPSILON);
  }
  x = apply(tf.layers.conv2d({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }), x);
  x = batchNorm(x, `${name}_1_bn`, BN_EPSILON);
  x = apply(tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }), x);
  x = apply(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_2_conv` }), x);
  x = batchNorm(x, `${name}_2_bn`, BN_EPSILON);
  x = apply(tf.layers.activation({ activation: 'relu', name: `${name}_2_relu` }), x);
  x = apply(tf.layers.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }), x);
  x = batchNorm(x, `${name}_3_bn`, BN_EPSILON);
  x = apply(tf.layers.add({ name: `${name}_add` }), [shortcut, x]);
  return apply(tf.layers.activation({ activation: 'relu', name: `${name}_out` }), x);
}

/** ResNet50: base 23,587,712 parameters at width 1. */
export function resnet50(args: ArchitectureArgs): tf.LayersModel {
  return resnet(args, { name: 'resnet50', stages: RESNET50_STAGES });
}
