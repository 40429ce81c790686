// A trial's stored test and validation predictions, read from the object store (sha256-checked) and
// turned into what the trial page plots: ROC curves, confusion matrices and reliability diagrams, all
// computed by core's metrics from the same bytes the lineage record names.
import {
  aucPerProblem,
  confusionMatrix,
  describePositiveClass,
  expectedCalibrationError,
  parsePredictionsDocument,
  reliabilityBins,
  resolvePositiveClass,
  rocCurves,
  TASK_TYPES,
  UnknownTaskError,
} from '@medsweep/core';
import type {
  PositiveClassDataset,
  ProblemAuc,
  ReadPredictions,
  ReliabilityBin,
  RocCurve,
  RunPredictions,
  TaskType,
} from '@medsweep/core';
import type { ObjectStore } from '@medsweep/storage';
import { z } from 'zod';

export async function loadPredictions(
  store: ObjectStore,
  artifact: { uri: string; sha256: string },
): Promise<ReadPredictions> {
  const bytes = await store.get(store.keyOf(artifact.uri), artifact.sha256);
  return parsePredictionsDocument(bytes, artifact.uri);
}

export function taskOf(task: string): TaskType {
  if (!(TASK_TYPES as readonly string[]).includes(task)) throw new UnknownTaskError(task, TASK_TYPES);
  return task as TaskType;
}

/** The test split as core's paired comparison takes it. */
export function testPredictions(predictions: ReadPredictions): RunPredictions {
  return { yTrue: predictions.test.labels, yScore: predictions.test.scores };
}

export interface SplitEvaluation {
  roc: RocCurve[];
  /**
   * [true class][predicted class], at the benchmark's decision rule (0.5 or argmax); null for
   * multi-label, whose samples have no single class (see aucPerLabel).
   */
  confusion: number[][] | null;
  /** Multi-label: each label's AUC, in label order (their mean is the trial's AUC); else null. */
  aucPerLabel: ProblemAuc[] | null;
  /** 15 equal-width bins. */
  calibration: ReliabilityBin[];
  expectedCalibrationError: number;
}

export function evaluateSplits(
  predictions: ReadPredictions,
  task: TaskType,
): Record<'val' | 'test', SplitEvaluation> {
  const multiLabel = task === 'multi-label, binary-class';
  const evaluate = ({ labels, scores }: ReadPredictions['test']): SplitEvaluation => ({
    roc: rocCurves(labels, scores, task, { dropIntermediate: true }),
    confusion: multiLabel ? null : confusionMatrix(labels, scores, task),
    aucPerLabel: multiLabel ? aucPerProblem(labels, scores, task) : null,
    calibration: reliabilityBins(labels, scores, task),
    expectedCalibrationError: expectedCalibrationError(labels, scores, task),
  });
  return { val: evaluate(predictions.val), test: evaluate(predictions.test) };
}

/** The one setting of a stored trial config the positive class depends on (older configs lack it). */
const positiveClassChoice = z.object({
  evaluation: z.object({ positiveClass: z.union([z.string(), z.number()]).optional() }).optional(),
});

/**
 * Which class a trial's binary metrics are of, for people (`malignant (label 0, clinical finding)`),
 * from its stored config and its dataset's classes; null for tasks without a positive class.
 */
export function positiveClassOfTrial(config: unknown, dataset: PositiveClassDataset): string | null {
  const parsed = positiveClassChoice.safeParse(config);
  const choice = parsed.success ? parsed.data.evaluation?.positiveClass : undefined;
  const resolved = resolvePositiveClass(choice, dataset);
  return resolved === null ? null : describePositiveClass(resolved);
}
