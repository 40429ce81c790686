import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { TrainConfigError } from '../errors.js';

// Keras's backend epsilon: probabilities are clipped to [EPSILON, 1 - EPSILON] before the log.
const EPSILON = 1e-7;

/**
 * The labels of a batch, as the losses take them: one int32 class index per sample [n] for single-label
 * tasks, or [n, L] float32 0/1 indicators for a multi-label task (buildLabelBatch builds either).
 */
export type LabelBatch = tfjs.Tensor1D | tfjs.Tensor2D;

/**
 * Loss weights of a batch: one per sample [n] (the class weight of its label), or one per sample and
 * label [n, L] for multi-label (the weight of that label's positive or negative class).
 */
export type WeightBatch = tfjs.Tensor1D | tfjs.Tensor2D;

/** Binary cross-entropy of clipped probabilities against 0/1 targets of the same shape, element-wise. */
function binaryCrossEntropy(tf: Tf, probabilities: tfjs.Tensor, targets: tfjs.Tensor): tfjs.Tensor {
  const p = tf.clipByValue(probabilities, EPSILON, 1 - EPSILON);
  const y = tf.cast(targets, 'float32');
  return tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
}

/**
 * Per-sample cross-entropy of predicted probabilities against the labels, as Keras computes it with
 * from_logits=false: a softmax output [n, k] is renormalised, clipped and scored against the one-hot
 * label (categorical); a sigmoid output [n, 1] is the binary case (its score is class 1). Multi-label
 * labels [n, L] score each sigmoid output against its 0/1 label (binary cross-entropy), averaged over
 * the labels as Keras' binary_crossentropy does; `weights` [n, L], when given, weight each label's
 * term before that mean.
 */
export function crossEntropyPerSample(
  tf: Tf,
  probabilities: tfjs.Tensor,
  labels: LabelBatch,
  numClasses: number,
  weights?: tfjs.Tensor2D,
): tfjs.Tensor1D {
  return tf.tidy(() => {
    const columns = probabilities.shape[1];
    if (labels.rank === 2) {
      if (columns !== numClasses || labels.shape[1] !== numClasses) {
        throw new TrainConfigError(
          'model output',
          probabilities.shape,
          `[batch, ${numClasses}] sigmoid probabilities, one per label of labels ${JSON.stringify(labels.shape)}`,
        );
      }
      const perLabel = binaryCrossEntropy(tf, probabilities, labels);
      return tf.mean(weights ? tf.mul(perLabel, weights) : perLabel, -1) as tfjs.Tensor1D;
    }
    if (columns === 1 && numClasses === 2) {
      return binaryCrossEntropy(tf, tf.reshape(probabilities, [-1]), labels) as tfjs.Tensor1D;
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
 * Per-sample squared hinge loss of margins [n, k] against the labels, one-vs-rest: the sum over
 * columns of max(0, 1 - t m)^2 with t = +1 for the sample's class and -1 for the others. A single
 * column with numClasses 2 is the binary case, t = +1 for class 1 and -1 for class 0. Multi-label
 * labels [n, L] give t = +1 where a label is present and -1 where it is not; `weights` [n, L], when
 * given, weight each column's term before the sum.
 */
export function squaredHingePerSample(
  tf: Tf,
  margins: tfjs.Tensor,
  labels: LabelBatch,
  numClasses: number,
  weights?: tfjs.Tensor2D,
): tfjs.Tensor1D {
  return tf.tidy(() => {
    const columns = margins.shape[1];
    const binary = columns === 1 && numClasses === 2 && labels.rank === 1;
    if (!binary && columns !== numClasses) {
      throw new TrainConfigError(
        'model margins',
        margins.shape,
        `[batch, ${numClasses}] or, binary, [batch, 1]`,
      );
    }
    const positive =
      labels.rank === 2
        ? tf.cast(labels, 'float32')
        : binary
          ? tf.reshape(tf.cast(labels, 'float32'), [-1, 1])
          : tf.oneHot(labels, numClasses);
    const targets = tf.sub(tf.mul(positive, 2), 1);
    const shortfall = tf.square(tf.relu(tf.sub(1, tf.mul(targets, margins))));
    return tf.sum(weights ? tf.mul(shortfall, weights) : shortfall, -1) as tfjs.Tensor1D;
  });
}

/**
 * The batch loss: the per-sample `loss` (default cross-entropy) of the model's `outputs` (probabilities,
 * or margins for squared-hinge) times the sample's class weight (1 without weights), averaged over the
 * batch (Keras's sum-over-batch-size reduction). Multi-label weights [n, L] weight each label's term.
 */
export function weightedLoss(
  tf: Tf,
  outputs: tfjs.Tensor,
  labels: LabelBatch,
  numClasses: number,
  weights?: WeightBatch,
  loss: TrainingLoss = { kind: 'cross-entropy' },
): tfjs.Scalar {
  return tf.tidy(() => {
    const perLabel = weights?.rank === 2 ? (weights as tfjs.Tensor2D) : undefined;
    const perSample = perSampleLoss(tf, loss, outputs, labels, numClasses, perLabel);
    return tf.mean(weights?.rank === 1 ? tf.mul(perSample, weights) : perSample) as tfjs.Scalar;
  });
}

function perSampleLoss(
  tf: Tf,
  loss: TrainingLoss,
  outputs: tfjs.Tensor,
  labels: LabelBatch,
  numClasses: number,
  weights: tfjs.Tensor2D | undefined,
): tfjs.Tensor1D {
  switch (loss.kind) {
    case 'cross-entropy':
      return crossEntropyPerSample(tf, outputs, labels, numClasses, weights);
    case 'squared-hinge':
      return squaredHingePerSample(tf, outputs, labels, numClasses, weights);
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

/** Per-label loss weights of a multi-label task: the weight of each label's negatives and positives. */
export interface LabelWeights {
  negative: number[];
  positive: number[];
}

/**
 * Class weights 'balanced' for multi-label data, per label: scikit-learn's balanced weights of that
 * label's two classes, n / (2 n_neg) for its negatives and n / (2 n_pos) for its positives, so each
 * label trains as a balanced binary task would (their ratio is the usual positive weight n_neg / n_pos).
 * `labels` are numLabels 0/1 values per sample, row-major; every label needs positives and negatives.
 */
export function balancedLabelWeights(labels: Uint8Array, numLabels: number): LabelWeights {
  const samples = labels.length / numLabels;
  const positives = new Array<number>(numLabels).fill(0);
  for (let i = 0; i < labels.length; i++)
    positives[i % numLabels] = (positives[i % numLabels] ?? 0) + labels[i]!;
  const lacking = positives.findIndex((p) => p === 0 || p === samples);
  if (lacking >= 0) {
    throw new TrainConfigError(
      'classWeights',
      'balanced',
      `positive and negative training samples of every label; label ${lacking} has ${positives[lacking] === 0 ? 'no positives' : 'no negatives'}`,
    );
  }
  return {
    negative: positives.map((p) => samples / (2 * (samples - p))),
    positive: positives.map((p) => samples / (2 * p)),
  };
}
