import * as tf from '@tensorflow/tfjs';
import type { ClassifierActivation } from './architecture-args.js';
import { FreezableBatchNormalization } from './layers/freezable-batch-normalization.js';

/** A tensor of the functional graph being built. */
export type Node = tf.SymbolicTensor;

/** A weight initialiser; tfjs exports the factories but not their type. */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Calls `layer` on graph tensors; tfjs types apply() for eager tensors too, this keeps the symbolic type. */
export function apply(layer: tf.layers.Layer, inputs: Node | Node[]): Node {
  return layer.apply(inputs) as Node;
}

/** Keras' default BatchNormalization epsilon. */
export const KERAS_BN_EPSILON = 1e-3;

/** BatchNormalization on the channel axis that stays in inference mode while frozen (see FreezableBatchNormalization). */
export function batchNorm(x: Node, name: string, epsilon = KERAS_BN_EPSILON): Node {
  return apply(new FreezableBatchNormalization({ axis: -1, epsilon, name }), x);
}

/** The classifier every Keras application ends with: softmax, or sigmoid per label for multi-label. */
export function predictions(
  x: Node,
  numClasses: number,
  activation: ClassifierActivation,
  kernelInitializer?: Initializer,
): Node {
  return apply(tf.layers.dense({ units: numClasses, activation, kernelInitializer, name: 'predictions' }), x);
}

/** Keras' `top_dropout` before the classifier, when the rate is above zero. */
export function topDropout(x: Node, rate: number): Node {
  return rate > 0 ? apply(tf.layers.dropout({ rate, name: 'top_dropout' }), x) : x;
}
