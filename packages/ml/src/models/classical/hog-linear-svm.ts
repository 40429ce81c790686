import * as tf from '@tensorflow/tfjs';
import { apply } from '../functional.js';
import type { ClassicalModelArgs } from './classical-args.js';
import { outputColumns, resolveClassicalArgs } from './classical-args.js';
import type { HogArgs } from './hog.js';
import { defaultHogArgs, hogArgProblems, hogMinimumSize } from './hog.js';
import { HogFeatures } from './hog-features-layer.js';

/** The layer whose output is the SVM's margins: what the squared hinge loss scores. */
export const SVM_MARGIN_LAYER = 'margins';

export interface HogLinearSvmArgs extends ClassicalModelArgs {
  /**
   * HOG settings; default defaultHogArgs(inputSize): 9 orientations, 4 px cells (a 16 x 16 grid of
   * cells above 64 px), 2 x 2 blocks.
   */
  hog?: Partial<HogArgs>;
}

/**
 * A linear SVM on HOG features (Dalal & Triggs' pedestrian detector; scikit-learn's LinearSVC with its
 * defaults: squared hinge, one-vs-rest, L2 penalty on the weights). Layers: `hog` (HogFeatures of the
 * [0, 1] image, no weights), `margins` (linear: one margin per class, a single one, class 1's, for a
 * binary task) and `predictions`, the sigmoid of each margin. That sigmoid is the score the evaluator
 * reads: monotone in the margin, so AUC and the ranking are the SVM's own, and above 0.5 exactly where
 * the margin is positive, so ACC at 0.5 is the SVM's decision; it is not a calibrated probability (no
 * Platt scaling). Train it with the loss { kind: 'squared-hinge', marginLayer: SVM_MARGIN_LAYER }.
 */
export function hogLinearSvm(args: HogLinearSvmArgs): tf.LayersModel {
  const hog = { ...defaultHogArgs(args.inputSize), ...args.hog };
  const a = resolveClassicalArgs(args, {
    name: 'hog-linear-svm',
    minimumSize: hogMinimumSize(hog),
    problems: hogArgProblems(hog),
  });
  const input = tf.input({ shape: [a.inputSize, a.inputSize, a.channels], name: 'input_layer' });
  const features = apply(new HogFeatures({ ...hog, name: 'hog' }), input);
  const margins = apply(
    tf.layers.dense({
      units: outputColumns(a),
      kernelInitializer: 'zeros',
      kernelRegularizer: tf.regularizers.l2({ l2: a.l2 }),
      name: SVM_MARGIN_LAYER,
    }),
    features,
  );
  const scores = apply(tf.layers.activation({ activation: 'sigmoid', name: 'predictions' }), margins);
  return tf.model({ inputs: input, outputs: scores, name: a.name });
}
