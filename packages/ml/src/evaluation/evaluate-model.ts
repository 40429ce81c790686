// Evaluating a trained model: its predictions on the val and test splits, in split order and in the
// batches it was trained with, and the evaluation computed from them. The train worker, the experiments
// runner and `medsweep verify` all evaluate through here, so a re-evaluation predicts exactly as the
// original evaluation did.
import type * as tfjs from '@tensorflow/tfjs';
import type { SweepSpec } from '@medsweep/core/sweep';
import type { Tf } from '../backend.js';
import type { Dataset } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import type { SplitPredictions } from '../training/predict.js';
import { predictSplit } from '../training/predict.js';
import type { EvaluatedSplit, EvaluationReport } from './evaluate-predictions.js';
import { evaluatePredictions, evaluationRules } from './evaluate-predictions.js';

export interface PredictEvaluatedSplitsArgs {
  /** The namespace of the selected backend (selectBackend().tf). */
  tf: Tf;
  model: tfjs.LayersModel;
  /** The dataset the model was trained on (or one with the same classes). */
  dataset: Dataset;
  /** How the model takes images (what it was trained with). */
  input: ModelInputSpec;
  /** The trial's batch size: inference runs in the same batches. */
  batchSize: number;
}

/** The model's predictions on the val split, then the test split. */
export async function predictEvaluatedSplits(
  args: PredictEvaluatedSplitsArgs,
): Promise<Record<EvaluatedSplit, SplitPredictions>> {
  const { tf, model, dataset, input, batchSize } = args;
  const { numClasses, task } = dataset.manifest;
  return {
    val: await predictSplit(tf, model, dataset.splits.val, input, numClasses, batchSize, task),
    test: await predictSplit(tf, model, dataset.splits.test, input, numClasses, batchSize, task),
  };
}

/**
 * The model's val and test predictions and their evaluation, at the operating point and for the positive
 * class `evaluation` asks for.
 */
export async function evaluateModel(
  args: PredictEvaluatedSplitsArgs & { evaluation: SweepSpec['evaluation'] },
): Promise<{ predictions: Record<EvaluatedSplit, SplitPredictions>; report: EvaluationReport }> {
  const predictions = await predictEvaluatedSplits(args);
  const { manifest } = args.dataset;
  const report = evaluatePredictions(predictions, manifest.task, evaluationRules(args.evaluation, manifest));
  return { predictions, report };
}
