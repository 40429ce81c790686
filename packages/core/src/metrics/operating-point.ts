// Clinical operating points for binary-class tasks. ACC at 0.5 is the benchmark protocol, but a test split
// whose class balance differs from training can put 0.5 far from any useful trade-off (PneumoniaMNIST:
// AUC 0.944 with 0.625 ACC at 0.5). So the threshold is chosen on the validation split and then reported
// on the test split. Thresholds follow the ROC convention: a score >= threshold is predicted positive.
import { InvalidOptionError, UnsupportedTaskError } from '../errors.js';
import type { BinaryProblem } from './binary-problems.js';
import { positiveClassProblem, requireBothClasses } from './binary-problems.js';
import type { Labels, Scores } from './input.js';
import { readLabelled } from './input.js';
import { problemRoc } from './roc.js';
import type { TaskType } from './task.js';
import { unknownTask } from './task.js';

/**
 * - `youden`: maximise Youden's J = sensitivity + specificity - 1; on ties the highest threshold.
 * - `target-sensitivity`: the highest threshold whose sensitivity reaches the target, i.e. the best
 *   specificity at that sensitivity (a screening setting).
 */
export type OperatingPointRule =
  { readonly rule: 'youden' } | { readonly rule: 'target-sensitivity'; readonly sensitivity: number };

/** Which label is the positive class: 0 or 1 (default 1, MedMNIST's convention). */
export interface PositiveClassOptions {
  readonly positiveClass?: number;
}

export interface OperatingPoint {
  /**
   * Positive-class scores (the positive class's probability) >= threshold are predicted positive;
   * +Infinity predicts none positive.
   */
  readonly threshold: number;
  readonly sensitivity: number;
  readonly specificity: number;
}

/** The positive class's problem of a binary-class split; other tasks and positive classes are refused. */
function readBinary(
  operation: string,
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  { positiveClass = 1 }: PositiveClassOptions,
): BinaryProblem {
  switch (task) {
    case 'binary-class':
      if (positiveClass !== 0 && positiveClass !== 1) {
        throw new InvalidOptionError(operation, 'positiveClass', positiveClass, '0 or 1');
      }
      return positiveClassProblem(readLabelled(operation, yTrue, yScore, task), positiveClass);
    case 'multi-class':
    case 'ordinal-regression':
    case 'multi-label, binary-class':
      throw new UnsupportedTaskError(
        operation,
        task,
        ['binary-class'],
        'an operating point is a threshold on one positive-class score',
      );
    default:
      return unknownTask(task);
  }
}

function chosenIndex(operation: string, tpr: number[], fpr: number[], rule: OperatingPointRule): number {
  switch (rule.rule) {
    case 'youden': {
      let best = 0;
      for (let k = 1; k < tpr.length; k++) {
        if ((tpr[k] as number) - (fpr[k] as number) > (tpr[best] as number) - (fpr[best] as number)) best = k;
      }
      return best;
    }
    case 'target-sensitivity': {
      const target = rule.sensitivity;
      if (!(target > 0 && target <= 1)) {
        throw new InvalidOptionError(operation, 'sensitivity', target, 'a number in (0, 1]');
      }
      // The last ROC point has sensitivity 1, so an index always exists.
      return tpr.findIndex((sensitivity) => sensitivity >= target);
    }
    default: {
      const unknown: never = rule;
      throw new InvalidOptionError(
        operation,
        'rule',
        JSON.stringify(unknown),
        "'youden' or 'target-sensitivity'",
      );
    }
  }
}

/**
 * Chooses the threshold on (validation) predictions by the rule and returns it with the sensitivity and
 * specificity it reaches there, both of the positive class. Binary-class only; throws SingleClassError
 * without both classes.
 */
export function chooseOperatingPoint(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  rule: OperatingPointRule,
  options: PositiveClassOptions = {},
): OperatingPoint {
  const operation = 'chooseOperatingPoint';
  const problem = readBinary(operation, yTrue, yScore, task, options);
  const roc = problemRoc(operation, problem);
  const k = chosenIndex(operation, roc.tpr, roc.fpr, rule);
  return {
    threshold: roc.thresholds[k] as number,
    sensitivity: roc.tpr[k] as number,
    specificity: 1 - (roc.fpr[k] as number),
  };
}

/**
 * Sensitivity and specificity of (test) predictions at a fixed threshold, e.g. one chosen on validation
 * by chooseOperatingPoint. Binary-class only; throws SingleClassError without both classes.
 */
export function ratesAtThreshold(
  yTrue: Labels,
  yScore: Scores,
  task: TaskType,
  threshold: number,
  options: PositiveClassOptions = {},
): OperatingPoint {
  const operation = 'ratesAtThreshold';
  if (Number.isNaN(threshold)) throw new InvalidOptionError(operation, 'threshold', threshold, 'a number');
  const problem = readBinary(operation, yTrue, yScore, task, options);
  requireBothClasses(operation, problem);
  const truePositives = problem.positiveScores.filter((score) => score >= threshold).length;
  const trueNegatives = problem.negativeScores.filter((score) => score < threshold).length;
  return {
    threshold,
    sensitivity: truePositives / problem.positiveScores.length,
    specificity: trueNegatives / problem.negativeScores.length,
  };
}
