// A trial's final evaluation from its predictions, as the MedMNIST evaluator defines the benchmark
// metrics (AUC from the class-1 score or one-vs-rest, ACC at 0.5 or argmax) plus the clinical ones, which
// for a binary task are those of its positive class (the spec's evaluation.positiveClass; MedMNIST's
// label 1 by default). The operating point is chosen on validation and then applied to test, never
// chosen on test.
import type { FinalMetricValue, OperatingPointRule, RocCurve, TaskType } from '@medsweep/core';
import {
  accuracy,
  auc,
  chooseOperatingPoint,
  confusionMatrix,
  expectedCalibrationError,
  f1,
  precision,
  ratesAtThreshold,
  recall,
  resolvePositiveClass,
  rocCurves,
  specificity,
} from '@medsweep/core';
import type { SweepSpec } from '@medsweep/core/sweep';
import type { SplitPredictions } from '../training/predict.js';

/** The splits a trial is evaluated on. */
export type EvaluatedSplit = FinalMetricValue['split'];

/** Everything computed from the val and test predictions of the selected model. */
export interface EvaluationReport {
  /**
   * Per split: auc, acc, loss, ece; precision/recall/specificity/f1 with `_macro` variants (binary tasks
   * also the positive class's, unsuffixed); binary tasks add op_threshold (on the positive class's
   * probability), op_sensitivity and op_specificity at the operating point chosen on val. Sorted by
   * (split, name); finite values only.
   */
  finalMetrics: FinalMetricValue[];
  /** ROC curves per split (sklearn's drop_intermediate; thresholds[0] is +Infinity). */
  roc: Record<EvaluatedSplit, RocCurve[]>;
  /**
   * Confusion matrix [true][predicted] per split at the benchmark decision rule (0.5 or argmax); null
   * for multi-label, whose samples have no single true or predicted class (its per-label picture is
   * the AUC of each label, from the ROC curves).
   */
  confusion: Record<EvaluatedSplit, number[][]> | null;
}

/** How a trial's predictions are turned into its clinical metrics. */
export interface EvaluationRules {
  operatingPoint: OperatingPointRule;
  /** Binary-class: the label counted as positive (0 or 1); absent for other tasks. */
  positiveClass?: number;
}

/** What the rules are resolved against: the dataset's task and class names, and its name for messages. */
export interface EvaluatedDataset {
  name: string;
  task: TaskType;
  classNames: readonly string[];
}

/**
 * The spec's evaluation settings as @medsweep/core's rules for `dataset`. Throws PositiveClassError when
 * evaluation.positiveClass does not fit the dataset (a permanent error: the spec itself is wrong).
 */
export function evaluationRules(
  evaluation: SweepSpec['evaluation'],
  dataset: EvaluatedDataset,
): EvaluationRules {
  const positive = resolvePositiveClass(evaluation.positiveClass, {
    task: dataset.task,
    classNames: dataset.classNames,
    source: `dataset ${dataset.name}`,
  });
  return {
    operatingPoint:
      evaluation.operatingPoint === 'youden'
        ? { rule: 'youden' }
        : { rule: 'target-sensitivity', sensitivity: evaluation.operatingPoint.targetSensitivity },
    ...(positive === null ? {} : { positiveClass: positive.index }),
  };
}

/**
 * The final metrics, ROC curves and confusion matrices of a trial from its val and test predictions: what
 * the train activity records and what `medsweep verify` recomputes to check the stored metrics.
 */
export function evaluatePredictions(
  predictions: Record<EvaluatedSplit, SplitPredictions>,
  task: TaskType,
  rules: EvaluationRules,
): EvaluationReport {
  const { positiveClass } = rules;
  const metrics: FinalMetricValue[] = [];
  const add = (split: EvaluatedSplit, name: string, value: number) => metrics.push({ split, name, value });
  const splits = ['val', 'test'] as const;

  for (const split of splits) {
    const { labels, scores, loss } = predictions[split];
    add(split, 'auc', auc(labels, scores, task));
    add(split, 'acc', accuracy(labels, scores, task));
    add(split, 'loss', loss);
    add(split, 'ece', expectedCalibrationError(labels, scores, task));
    const averages = task === 'binary-class' ? (['binary', 'macro'] as const) : (['macro'] as const);
    for (const average of averages) {
      const suffix = average === 'macro' ? '_macro' : '';
      const options = average === 'binary' ? { average, positiveClass } : { average };
      add(split, `precision${suffix}`, precision(labels, scores, task, options));
      add(split, `recall${suffix}`, recall(labels, scores, task, options));
      add(split, `specificity${suffix}`, specificity(labels, scores, task, options));
      add(split, `f1${suffix}`, f1(labels, scores, task, options));
    }
  }

  if (task === 'binary-class') {
    const val = predictions.val;
    const positive = { positiveClass };
    const chosen = chooseOperatingPoint(val.labels, val.scores, task, rules.operatingPoint, positive);
    const test = ratesAtThreshold(
      predictions.test.labels,
      predictions.test.scores,
      task,
      chosen.threshold,
      positive,
    );
    for (const [split, point] of [
      ['val', chosen],
      ['test', test],
    ] as const) {
      add(split, 'op_threshold', point.threshold);
      add(split, 'op_sensitivity', point.sensitivity);
      add(split, 'op_specificity', point.specificity);
    }
  }

  return {
    finalMetrics: metrics
      // A threshold of +Infinity (nothing positive) has no JSON or metric-table form.
      .filter((m) => Number.isFinite(m.value))
      .sort((a, b) => (a.split === b.split ? compare(a.name, b.name) : compare(a.split, b.split))),
    roc: {
      val: rocCurves(predictions.val.labels, predictions.val.scores, task, { dropIntermediate: true }),
      test: rocCurves(predictions.test.labels, predictions.test.scores, task, { dropIntermediate: true }),
    },
    confusion:
      task === 'multi-label, binary-class'
        ? null
        : {
            val: confusionMatrix(predictions.val.labels, predictions.val.scores, task),
            test: confusionMatrix(predictions.test.labels, predictions.test.scores, task),
          },
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
