// The benchmark decision rule, as MedMNIST's getACC: binary-class and multi-label predict positive when
// the score is strictly above the threshold (default 0.5); multi-class and ordinal-regression predict the
// argmax, the first maximum on ties like np.argmax. Everything that counts hits and misses (accuracy,
// precision, recall, specificity, F1, confusion matrix, McNemar) goes through here, so they agree.
import { InvalidOptionError } from '../errors.js';
import type { Labelled } from './input.js';
import { unknownTask } from './task.js';

export interface DecisionOptions {
  /**
   * Binary-class and multi-label only: a score strictly above it is predicted positive. Default 0.5, the
   * MedMNIST benchmark protocol. Rejected for multi-class and ordinal-regression, which use the argmax.
   */
  readonly threshold?: number;
}

/** One-vs-rest counts of one class (or one label). */
export interface ClassCounts {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly trueNegatives: number;
}

const DEFAULT_THRESHOLD = 0.5;

/** The threshold to use, or undefined for argmax tasks; rejects a threshold the task does not use. */
function decisionThreshold(operation: string, data: Labelled, options: DecisionOptions): number | undefined {
  const { threshold } = options;
  switch (data.task) {
    case 'binary-class':
    case 'multi-label, binary-class':
      if (threshold !== undefined && !Number.isFinite(threshold)) {
        throw new InvalidOptionError(operation, 'threshold', threshold, 'a finite number');
      }
      return threshold ?? DEFAULT_THRESHOLD;
    case 'multi-class':
    case 'ordinal-regression':
      if (threshold !== undefined) {
        throw new InvalidOptionError(
          operation,
          'threshold',
          threshold,
          `no threshold for task '${data.task}', whose prediction is the argmax class`,
        );
      }
      return undefined;
    default:
      return unknownTask(data.task);
  }
}

/** Index of the first maximum of row i. */
function argmaxRow(scores: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  let bestScore = scores[i * k] as number;
  for (let c = 1; c < k; c++) {
    const score = scores[i * k + c] as number;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Predicted class of each sample for single-label tasks (binary: 1 when the positive-class score is above
 * the threshold). For multi-label, predicted 0/1 indicators, row-major like the labels.
 */
export function predictions(operation: string, data: Labelled, options: DecisionOptions = {}): Uint32Array {
  const threshold = decisionThreshold(operation, data, options);
  const { numSamples, numColumns: k, scores } = data;
  if (threshold === undefined) {
    return Uint32Array.from({ length: numSamples }, (_, i) => argmaxRow(scores, i, k));
  }
  if (data.task === 'binary-class') {
    return Uint32Array.from({ length: numSamples }, (_, i) =>
      (scores[i * k + k - 1] as number) > threshold ? 1 : 0,
    );
  }
  return Uint32Array.from(scores, (score) => (score > threshold ? 1 : 0));
}

/** Number of classes a single-label task's confusion matrix has. */
function numClasses(data: Labelled): number {
  return data.task === 'binary-class' ? 2 : data.numColumns;
}

/**
 * k x k counts of a single-label task, rows the true class and columns the predicted class (sklearn's
 * confusion_matrix layout). Callers ensure the task is single-label.
 */
export function confusionCounts(
  operation: string,
  data: Labelled,
  options: DecisionOptions = {},
): number[][] {
  const predicted = predictions(operation, data, options);
  const k = numClasses(data);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < data.numSamples; i++) {
    const row = matrix[data.labels[i] as number] as number[];
    const column = predicted[i] as number;
    row[column] = (row[column] as number) + 1;
  }
  return matrix;
}

function countsFromMatrix(matrix: number[][], total: number): ClassCounts[] {
  return matrix.map((row, c) => {
    const truePositives = row[c] as number;
    const falseNegatives = row.reduce((a, b) => a + b, 0) - truePositives;
    const falsePositives = matrix.reduce((sum, r) => sum + (r[c] as number), 0) - truePositives;
    return {
      truePositives,
      falsePositives,
      falseNegatives,
      trueNegatives: total - truePositives - falseNegatives - falsePositives,
    };
  });
}

function countsPerLabel(operation: string, data: Labelled, options: DecisionOptions): ClassCounts[] {
  const predicted = predictions(operation, data, options);
  const { numSamples, numColumns: k, labels } = data;
  return Array.from({ length: k }, (_, c) => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (let i = 0; i < numSamples; i++) {
      const actual = labels[i * k + c] === 1;
      const positive = predicted[i * k + c] === 1;
      if (actual && positive) truePositives++;
      else if (positive) falsePositives++;
      else if (actual) falseNegatives++;
    }
    const trueNegatives = numSamples - truePositives - falsePositives - falseNegatives;
    return { truePositives, falsePositives, falseNegatives, trueNegatives };
  });
}

/**
 * One-vs-rest counts per class: binary-class gives [class 0, class 1], multi-class and ordinal-regression
 * one entry per class, multi-label one per label.
 */
export function classCounts(operation: string, data: Labelled, options: DecisionOptions = {}): ClassCounts[] {
  switch (data.task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      return countsFromMatrix(confusionCounts(operation, data, options), data.numSamples);
    case 'multi-label, binary-class':
      return countsPerLabel(operation, data, options);
    default:
      return unknownTask(data.task);
  }
}
