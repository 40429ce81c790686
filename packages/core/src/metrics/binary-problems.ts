// Every ranking metric reduces a task to binary problems, exactly as MedMNIST's getAUC does: binary-class
// is one problem on the positive-class column, multi-class and ordinal-regression one problem per class
// (that class vs the rest, on its own column), multi-label one problem per label.
import { SingleClassError } from '../errors.js';
import type { Labelled } from './input.js';
import { unknownTask } from './task.js';

/** One two-class ranking problem: the scores of its positive and negative samples, in sample order. */
export interface BinaryProblem {
  /** For messages: `positive class 1`, `class 2 vs rest`, `label 4`. */
  readonly name: string;
  readonly positiveScores: Float64Array;
  readonly negativeScores: Float64Array;
  /** Sample index of each entry of positiveScores / negativeScores. */
  readonly positiveSamples: Uint32Array;
  readonly negativeSamples: Uint32Array;
}

function extractProblem(
  name: string,
  numSamples: number,
  isPositive: (sample: number) => boolean,
  scoreOf: (sample: number) => number,
): BinaryProblem {
  let numPositives = 0;
  for (let i = 0; i < numSamples; i++) if (isPositive(i)) numPositives++;
  const positiveScores = new Float64Array(numPositives);
  const negativeScores = new Float64Array(numSamples - numPositives);
  const positiveSamples = new Uint32Array(numPositives);
  const negativeSamples = new Uint32Array(numSamples - numPositives);
  let p = 0;
  let n = 0;
  for (let i = 0; i < numSamples; i++) {
    if (isPositive(i)) {
      positiveScores[p] = scoreOf(i);
      positiveSamples[p++] = i;
    } else {
      negativeScores[n] = scoreOf(i);
      negativeSamples[n++] = i;
    }
  }
  return { name, positiveScores, negativeScores, positiveSamples, negativeSamples };
}

/** The binary problems of a split, in column order. */
export function binaryProblems(data: Labelled): BinaryProblem[] {
  const { task, numSamples, numColumns: k, labels, scores } = data;
  const column = (c: number) => (i: number) => scores[i * k + c] as number;
  switch (task) {
    case 'binary-class':
      return [extractProblem('positive class 1', numSamples, (i) => labels[i] === 1, column(k - 1))];
    case 'multi-class':
    case 'ordinal-regression':
      return Array.from({ length: k }, (_, c) =>
        extractProblem(`class ${c} vs rest`, numSamples, (i) => labels[i] === c, column(c)),
      );
    case 'multi-label, binary-class':
      return Array.from({ length: k }, (_, c) =>
        extractProblem(`label ${c}`, numSamples, (i) => labels[i * k + c] === 1, column(c)),
      );
    default:
      return unknownTask(task);
  }
}

/**
 * The one problem of a binary-class split with `positiveClass` (0 or 1) as the positives, scored by that
 * class's probability: its own column when the model gives two, 1 - the class-1 score when it gives one.
 * For class 1 it is binaryProblems' problem.
 */
export function positiveClassProblem(data: Labelled, positiveClass: number): BinaryProblem {
  const { numSamples, numColumns: k, labels, scores } = data;
  const score =
    positiveClass === 1 || k === 2
      ? (i: number) => scores[i * k + (positiveClass === 1 ? k - 1 : 0)] as number
      : (i: number) => 1 - (scores[i * k] as number);
  return extractProblem(
    `positive class ${positiveClass}`,
    numSamples,
    (i) => labels[i] === positiveClass,
    score,
  );
}

/** Throws SingleClassError when the problem lacks positives or negatives (AUC and ROC are undefined). */
export function requireBothClasses(operation: string, problem: BinaryProblem): void {
  const positives = problem.positiveScores.length;
  const negatives = problem.negativeScores.length;
  if (positives === 0 || negatives === 0) {
    throw new SingleClassError(operation, problem.name, positives, negatives);
  }
}
