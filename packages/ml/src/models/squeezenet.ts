import * as tf from '@tensorflow/tfjs';
import type { ArchitectureArgs } from './architecture-args.js';
import { resolveArchitectureArgs, scaleWidth } from './architecture-args.js';
import type { Node } from './functional.js';
import { apply } from './functional.js';

/** A fire module: a 1x1 squeeze convolution feeding parallel 1x1 and 3x3 expand convolutions. */
export interface FireModule {
  name: string;
  squeeze: number;
  expand: number;
  /** Max-pool (3x3/2, named `pool<n>`) after this module. */
  poolAfter?: string;
}

/** SqueezeNet v1.1's fire modules, as in the Keras community model its ImageNet weights come from. */
export const SQUEEZENET11_FIRES: readonly FireModule[] = [
  { name: 'fire2', squeeze: 16, expand: 64 },
  { name: 'fire3', squeeze: 16, expand: 64, poolAfter: 'pool3' },
  { name: 'fire4', squeeze: 32, expand: 128 },
  { name: 'fire5', squeeze: 32, expand: 128, poolAfter: 'pool5' },
  { name: 'fire6', squeeze: 48, expand: 192 },
  { name: 'fire7', squeeze: 48, expand: 192 },
  { name: 'fire8', squeeze: 64, expand: 256 },
  { name: 'fire9', squeeze: 64, expand: 256 },
];

/**
 * SqueezeNet v1.1 (Iandola et al. 2016) with the layer names of the Keras community model
 * (rcmalli/keras-squeezenet) whose ImageNet weights ship in shared/data/weights: `conv1`, then
 * `fire2/squeeze1x1`, `fire2/expand1x1`, `fire2/expand3x3`, ... `fire9`. The head is the original
 * one: `drop9` (`dropout`, default 0.5), a 1x1 convolution `conv10` to numClasses with ReLU, global
 * average pooling and softmax. Base: 722,496 parameters at width 1.
 *
 * Initialised as the reference PyTorch model (torchvision) is: He-uniform convolutions and conv10 drawn
 * from N(0, 0.01). Keras' glorot_uniform default, which the community port inherits, shrinks the signal
 * about threefold per fire module: trained from scratch, conv10's outputs start near 1e-6, the softmax is
 * uniform, the gradients fall below Adam's epsilon and the network never leaves chance.
 */
export function squeezenet11(args: ArchitectureArgs): tf.LayersModel {
  const a = resolveArchitectureArgs(args, { name: 'squeezenet1_1', dropout: 0.5 });
  const width = (filters: number): number => scaleWidth(filters, a.widthMultiplier);
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_1' });

  let x = apply(
    tf.layers.conv2d({
      filters: width(64),
      kernelSize: 3,
      strides: 2,
      kernelInitializer: 'heUniform',
      name: 'conv1',
    }),
    input,
  );
  x = apply(tf.layers.activation({ activation: 'relu', name: 'relu_conv1' }), x);
  x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }), x);
  for (const fire of SQUEEZENET11_FIRES) {
    x = fireModule(x, width(fire.squeeze), width(fire.expand), fire.name);
    if (fire.poolAfter)
      x = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: fire.poolAfter }), x);
  }

  if (a.includeTop) {
    if (a.dropout > 0) x = apply(tf.layers.dropout({ rate: a.dropout, name: 'drop9' }), x);
    x = apply(
      tf.layers.conv2d({
        filters: a.numClasses,
        kernelSize: 1,
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01 }),
        name: 'conv10',
      }),
      x,
    );
    x = apply(tf.layers.activation({ activation: 'relu', name: 'relu_conv10' }), x);
    x = apply(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
    x = apply(tf.layers.activation({ activation: a.classifierActivation, name: 'loss' }), x);
  }
  return tf.model({ inputs: input, outputs: x, name: a.name });
}

/** A fire module `<name>/...`: squeeze to `squeeze` channels, expand to 2 x `expand` (1x1 and 3x3, concatenated). */
export function fireModule(x: Node, squeeze: number, expand: number, name: string): Node {
  const relu = (y: Node, conv: string): Node =>
    apply(tf.layers.activation({ activation: 'relu', name: `${name}/relu_${conv}` }), y);
  x = relu(
    apply(
      tf.layers.conv2d({
        filters: squeeze,
        kernelSize: 1,
        kernelInitializer: 'heUniform',
        name: `${name}/squeeze1x1`,
      }),
      x,
    ),
    'squeeze1x1',
  );
  const left = apply(
    tf.layers.conv2d({
      filters: expand,
      kernelSize: 1,
      kernelInitializer: 'heUniform',
      name: `${name}/expand1x1`,
    }),
    x,
  );
  const right = apply(
    tf.layers.conv2d({
      filters: expand,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: 'heUniform',
      name: `${name}/expand3x3`,
    }),
    x,
  );
  return apply(tf.layers.concatenate({ axis: -1, name: `${name}/concat` }), [
    relu(left, 'expand1x1'),
    relu(right, 'expand3x3'),
  ]);
}
