// Threshold/argmax metrics. Accuracy is MedMNIST's ACC; precision, recall (sensitivity), specificity and
// F1 follow sklearn's definitions: `binary` reports the positive class of a binary-class task (label 1,
// MedMNIST's convention, unless `positiveClass` says 0: sklearn's pos_label), `macro`
// the unweighted mean over every class (or label) of the task, including classes absent from both yTrue
// and the predictions. A ratio with a zero denominator counts 0, as sklearn's default zero_division.
import { InvalidOptionError, UnsupportedTaskError } from '../errors.js';
import type { ClassCounts, DecisionOptions } from './decisions.js';
import { classCounts, confusionCounts } from './decisions.js';
import type { Labels, Scores } from './input.js';
import { readLabelled } from './input.js';
import type { TaskType } from './task.js';
import { TASK_TYPES, unknownTask } from './task.js';

/** `binary`: the positive class of a binary-class task. `macro`: unweighted mean over classes/labels. */
export type Average = 'binary' | 'macro';

export interface AveragedMetricOptions extends DecisionOptions {
  /** Default `binary` for binary-class, `macro` otherwise (`binary` is accepted only for binary-class). */
  readonly average?: Average;
  /**
   * With `binary`: the label counted as positive, 0 or 1 (default 1). The predictions are the same
   * either way (the benchmark rule on the class-1 score); only which class's hits are counted changes.
   */
  readonly positiveClass?: number;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Fraction of correct predictions (MedMNIST's ACC): binary-class at the threshold (score > 0.5 by
 * default), multi-class and ordinal-regression by argmax, multi-label the mean per-label accuracy.
 */
export function accuracy(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: DecisionOptions = {},
): number {
  const data = readLabelled('accuracy', yTrue, yScore, task);
  const counts = classCounts('accuracy', data, options);
  switch (data.task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      return counts.reduce((sum, c) => sum + c.truePositives, 0) / data.numSamples;
    case 'multi-label, binary-class':
      return (
        counts.reduce((sum, c) => sum + (c.truePositives + c.trueNegatives) / data.numSamples, 0) /
        counts.length
      );
    default:
      return unknownTask(data.task);
  }
}

function averagedMetric(
  operation: string,
  perClass: (counts: ClassCounts) => number,
): (yTrue: Labels, yScore: Scores, task: TaskType, options?: AveragedMetricOptions) => number {
  return (yTrue, yScore, task, options = {}) => {
    const data = readLabelled(operation, yTrue, yScore, task);
    const counts = classCounts(operation, data, options);
    const average = options.average ?? (data.task === 'binary-class' ? 'binary' : 'macro');
    switch (average) {
      case 'binary': {
        if (data.task !== 'binary-class') {
          throw new InvalidOptionError(operation, 'average', average, `'macro' for task '${data.task}'`);
        }
        const { positiveClass = 1 } = options;
        if (positiveClass !== 0 && positiveClass !== 1) {
          throw new InvalidOptionError(operation, 'positiveClass', positiveClass, '0 or 1');
        }
        return perClass(counts[positiveClass] as ClassCounts);
      }
      case 'macro':
        if (options.positiveClass !== undefined) {
          throw new InvalidOptionError(
            operation,
            'positiveClass',
            options.positiveClass,
            "no positive class with average 'macro', which averages every class",
          );
        }
        return counts.reduce((sum, c) => sum + perClass(c), 0) / counts.length;
      default: {
        const unknown: never = average;
        throw new InvalidOptionError(operation, 'average', unknown, "'binary' or 'macro'");
      }
    }
  };
}

/** Precision TP / (TP + FP). */
export const precision = averagedMetric('precision', (c) =>
  ratio(c.truePositives, c.truePositives + c.falsePositives),
);

/** Recall, i.e. sensitivity: TP / (TP + FN). */
export const recall = averagedMetric('recall', (c) =>
  ratio(c.truePositives, c.truePositives + c.falseNegatives),
);

/** Specificity TN / (TN + FP), the recall of the negatives. */
export const specificity = averagedMetric('specificity', (c) =>
  ratio(c.trueNegatives, c.trueNegatives + c.falsePositives),
);

/** F1 = 2TP / (2TP + FP + FN), the harmonic mean of precision and recall. */
export const f1 = averagedMetric('f1', (c) =>
  ratio(2 * c.truePositives, 2 * c.truePositives + c.falsePositives + c.falseNegatives),
);

/**
 * Confusion matrix of a single-label task: matrix[true][predicted], k x k (2 x 2 for binary-class).
 * Multi-label tasks have one 2 x 2 matrix per label; use the per-label metrics instead.
 */
export function confusionMatrix(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  options: DecisionOptions = {},
): number[][] {
  const data = readLabelled('confusionMatrix', yTrue, yScore, task);
  switch (data.task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      return confusionCounts('confusionMatrix', data, options);
    case 'multi-label, binary-class':
      throw new UnsupportedTaskError(
        'confusionMatrix',
        data.task,
        TASK_TYPES.filter((t) => t !== 'multi-label, binary-class'),
        "for multi-label use precision/recall/specificity/f1 with average 'macro'",
      );
    default:
      return unknownTask(data.task);
  }
}
