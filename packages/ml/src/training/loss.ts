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
 * What train() minimises per sample:
 * - 'cross-entropy' of the model's output probabilities (every CNN, logistic regression);
 * - 'squared-hinge' of the margins that layer `marginLayer` outputs (a linear SVM, as scikit-learn's
 *   LinearSVC): one-vs-rest, each output column a class's margin (one column for a binary task, whose
 *   margin is class 1's). The model's own output is then a monotone score of those margins.
 */
export type TrainingLoss = { kind: 'cross-entropy' } | { kind: 'squared-hinge'; marginLayer: string };

/**
 * Per-sample squared hinge loss of margins [n, k] against class indices, one-vs-rest: the sum over
 * columns of max(0, 1 - t m)^2 with t = +1 for the sample's class and -1 for the others. A single
 * column with numClasses 2 is the binary case, t = +1 for class 1 and -1 for class 0.
 */
export function squaredHingePerSample(
  tf: Tf,
  margins: tfjs.Tensor,
  labels: tfjs.Tensor1D,
  numClasses: number,
): tfjs.Tensor1D {
  return tf.tidy(() => {
    const columns = margins.shape[1];
    const binary = columns === 1 && numClasses === 2;
    if (!binary && columns !== numClasses) {
      throw new TrainConfigError(
        'model margins',
        margins.shape,
        `[batch, ${numClasses}] or, binary, [batch, 1]`,
      );
    }
    const positive = binary ? tf.reshape(tf.cast(labels, 'float32'), [-1, 1]) : tf.oneHot(labels, numClasses);
    const targets = tf.sub(tf.mul(positive, 2), 1);
    const shortfall = tf.relu(tf.sub(1, tf.mul(targets, margins)));
    return tf.sum(tf.square(shortfall), -1) as tfjs.Tensor1D;
  });
}

/**
 * The batch loss: the per-sample `loss` (default cross-entropy) of the model's `outputs` (probabilities,
 * or margins for squared-hinge) times the sample's class weight (1 without weights), averaged over the
 * batch (Keras's sum-over-batch-size reduction).
 */
export function weightedLoss(
  tf: Tf,
  outputs: tfjs.Tensor,
  labels: tfjs.Tensor1D,
  numClasses: number,
  sampleWeights?: tfjs.Tensor1D,
  loss: TrainingLoss = { kind: 'cross-entropy' },
): tfjs.Scalar {
  return tf.tidy(() => {
    const perSample = perSampleLoss(tf, loss, outputs, labels, numClasses);
    return tf.mean(sampleWeights ? tf.mul(perSample, sampleWeights) : perSample) as tfjs.Scalar;
  });
}

function perSampleLoss(
  tf: Tf,
  loss: TrainingLoss,
  outputs: tfjs.Tensor,
  labels: tfjs.Tensor1D,
  numClasses: number,
): tfjs.Tensor1D {
  switch (loss.kind) {
    case 'cross-entropy':
      return crossEntropyPerSample(tf, outputs, labels, numClasses);
    case 'squared-hinge':
      return squaredHingePerSample(tf, outputs, labels, numClasses);
    default: {
      const unknown: never = loss;
      throw new TrainConfigError(
        'loss',
        unknown,
        "{ kind: 'cross-entropy' } or { kind: 'squared-hinge', marginLayer }",
      );
    }
  }
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
