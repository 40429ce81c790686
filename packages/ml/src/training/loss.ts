import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { TrainConfigError } from '../errors.js';

// Keras's backend epsilon: probabilities are clipped to [EPSILON, 1 - EPSILON] before the log.
const EPSILON = 1e-7;

/**
 * Per-sample cross-entropy of predicted probabilities against class indices, as Keras computes it
 * with from_logits=false: a softmax output [n, k] is renormalised, clipped and scored against the
 * one-hot label (categorical); a sigmoid output [n, 1] is the binary case (its score is class 1).
 */
export function crossEntropyPerSample(
  tf: Tf,
  probabilities: tfjs.Tensor,
  labels: tfjs.Tensor1D,
  numClasses: number,
): tfjs.Tensor1D {
  return tf.tidy(() => {
    const columns = probabilities.shape[1];
    if (columns === 1 && numClasses === 2) {
      const p = tf.clipByValue(tf.reshape(probabilities, [-1]), EPSILON, 1 - EPSILON);
      const y = tf.cast(labels, 'float32');
      return tf.neg(
        tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))),
      ) as tfjs.Tensor1D;
    }
    if (columns !== numClasses) {
      throw new TrainConfigError('model output', probabilities.shape, `[batch, ${numClasses}] probabilities`);
    }
    const normalised = tf.div(probabilities, tf.sum(probabilities, -1, true));
    const clipped = tf.clipByValue(normalised, EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(tf.oneHot(labels, numClasses), tf.log(clipped)), -1)) as tfjs.Tensor1D;
  });
}

/**
 * The batch loss: per-sample cross-entropy times the sample's class weight (1 without weights),
 * averaged over the batch (Keras's sum-over-batch-size reduction).
 */
export function weightedLoss(
  tf: Tf,
  probabilities: tfjs.Tensor,
  labels: tfjs.Tensor1D,
  numClasses: number,
  sampleWeights?: tfjs.Tensor1D,
): tfjs.Scalar {
  return tf.tidy(() => {
    const perSample = crossEntropyPerSample(tf, probabilities, labels, numClasses);
    return tf.mean(sampleWeights ? tf.mul(perSample, sampleWeights) : perSample) as tfjs.Scalar;
  });
}

/**
 * Class weights 'balanced' as scikit-learn defines them: n / (k * n_c), so every class contributes
 * equally to the loss whatever its frequency. Each class needs at least one sample.
 */
export function balancedClassWeights(labels: Uint8Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) {
    throw new TrainConfigError(
      'classWeights',
      'balanced',
      `training samples of every class; class ${missing} has none`,
    );
  }
  return counts.map((c) => labels.length / (numClasses * c));
}
