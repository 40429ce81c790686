import type * as tfjs from '@tensorflow/tfjs';
import type { SplitScores, TaskType } from '@medsweep/core';
import type { Tf } from '../backend.js';
import { batchesOf, sequentialOrder } from '../data/batch-plan.js';
import type { ImageSplit } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { buildImageBatch, buildLabelBatch } from '../data/preprocess.js';
import { crossEntropyPerSample } from './loss.js';

/** A model's outputs for every sample of a split, in split order (core's SplitScores), and its loss. */
export interface SplitPredictions extends SplitScores {
  /** Mean unweighted cross-entropy (binary cross-entropy, averaged over labels, for multi-label). */
  loss: number;
}

/**
 * Runs the model in inference mode (dropout off, batch-norm moving statistics) over a whole split.
 * `task` says how its labels are read (default: one class index per sample, a single-label task).
 */
export async function predictSplit(
  tf: Tf,
  model: tfjs.LayersModel,
  split: ImageSplit,
  input: ModelInputSpec,
  numClasses: number,
  batchSize: number,
  task?: TaskType,
): Promise<SplitPredictions> {
  const multiLabel = task === 'multi-label, binary-class';
  const outputShape = model.outputs[0]?.shape ?? [];
  const numColumns = outputShape[outputShape.length - 1] ?? 1;
  const values = new Float32Array(split.count * numColumns);
  let lossSum = 0;
  let done = 0;
  for (const indices of batchesOf(sequentialOrder(split.count), batchSize)) {
    const [probabilities, batchLoss] = tf.tidy(() => {
      const x = buildImageBatch(tf, split, indices, input);
      const y = buildLabelBatch(tf, split, indices, { multiLabel });
      const p = model.apply(x, { training: false }) as tfjs.Tensor;
      return [p, tf.sum(crossEntropyPerSample(tf, p, y, numClasses))];
    });
    try {
      values.set(await probabilities.data(), done * numColumns);
      lossSum += (await batchLoss.data())[0] ?? NaN;
    } finally {
      tf.dispose([probabilities, batchLoss]);
    }
    done += indices.length;
  }
  return { labels: split.labels, scores: { values, numColumns }, loss: lossSum / split.count };
}
