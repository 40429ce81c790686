import * as tf from '@tensorflow/tfjs';
import type { Node } from '../functional.js';
import { apply } from '../functional.js';
import type { ClassicalModelArgs } from './classical-args.js';
import { outputColumns, resolveClassicalArgs } from './classical-args.js';

/**
 * L2-regularised logistic regression on the pixels (the input flattened): binary, one sigmoid unit
 * giving class 1's probability, for two classes; multinomial, a softmax over numClasses, for more;
 * for multi-label (classifierActivation 'sigmoid'), one independent sigmoid per label.
 * Trained with cross-entropy, so its outputs are probabilities like a CNN's. The weights start at
 * zero (the loss is convex: the optimum does not depend on the start). Layers `flatten`, `predictions`;
 * (inputSize^2 * channels + 1) * columns parameters.
 */
export function logisticRegression(args: ClassicalModelArgs): tf.LayersModel {
  const a = resolveClassicalArgs(args, { name: 'logistic-regression', minimumSize: 1 });
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_layer' });
  const pixels: Node = apply(tf.layers.flatten({ name: 'flatten' }), input);
  const columns = outputColumns(a);
  const probabilities = apply(
    tf.layers.dense({
      units: columns,
      activation: columns === 1 ? 'sigmoid' : a.classifierActivation,
      kernelInitializer: 'zeros',
      kernelRegularizer: tf.regularizers.l2({ l2: a.l2 }),
      name: 'predictions',
    }),
    pixels,
  );
  return tf.model({ inputs: input, outputs: probabilities, name: a.name });
}
