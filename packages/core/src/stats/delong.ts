// DeLong's test for two correlated AUCs (DeLong, DeLong & Clarke-Pearson 1988) on one binary problem:
// both models scored the same images. Each positive's placement is the share of negatives it outranks
// (ties one half) and each negative's the share of positives outranking it; AUC is their mean, and the
// variance of the AUC difference is var(placement differences of positives)/m + that of negatives/n.
// Placements come from binary searches in the sorted scores, O(n log n) overall like Sun & Xu's (2014)
// midrank algorithm; the difference form is the same quantity as their covariance-matrix form but cannot
// turn negative by cancellation.
import { DegenerateStatisticError, TooFewValuesError, UnsupportedTaskError } from '../errors.js';
import { problemAuc } from '../metrics/auc.js';
import type { BinaryProblem } from '../metrics/binary-problems.js';
import { binaryProblems, requireBothClasses } from '../metrics/binary-problems.js';
import type { Labels, Scores } from '../metrics/input.js';
import { lowerBound, sortedAscending, upperBound } from '../metrics/ranking.js';
import type { TaskType } from '../metrics/task.js';
import { unknownTask } from '../metrics/task.js';
import { twoSidedNormalP } from './normal.js';
import { readPaired } from './paired.js';

export interface DelongResult {
  readonly aucA: number;
  readonly aucB: number;
  /** aucA - aucB. */
  readonly difference: number;
  /** DeLong's estimate of var(aucA - aucB). */
  readonly variance: number;
  /** difference / sqrt(variance). */
  readonly z: number;
  /** Two-sided, from the normal distribution. */
  readonly pValue: number;
}

/** DeLong's structural components of one binary problem, in the problem's sample order. */
export interface Placements {
  /** Per positive: the share of negatives it outranks, ties counting one half (V10). */
  positives: Float64Array;
  /** Per negative: the share of positives that outrank it, ties counting one half (V01). */
  negatives: Float64Array;
}

export function placements(problem: BinaryProblem): Placements {
  const sortedPositives = sortedAscending(problem.positiveScores);
  const sortedNegatives = sortedAscending(problem.negativeScores);
  const m = sortedPositives.length;
  const n = sortedNegatives.length;
  return {
    positives: problem.positiveScores.map(
      (x) => (lowerBound(sortedNegatives, x) + upperBound(sortedNegatives, x)) / (2 * n),
    ),
    negatives: problem.negativeScores.map(
      (y) => (2 * m - lowerBound(sortedPositives, y) - upperBound(sortedPositives, y)) / (2 * m),
    ),
  };
}

/** DeLong's variances need two positives and two negatives (SingleClassError when a class is absent). */
export function requireTwoOfEachClass(operation: string, problem: BinaryProblem): void {
  requireBothClasses(operation, problem);
  const m = problem.positiveScores.length;
  const n = problem.negativeScores.length;
  if (m < 2) throw new TooFewValuesError(operation, 'positive samples', 2, m);
  if (n < 2) throw new TooFewValuesError(operation, 'negative samples', 2, n);
}

/** Sample variance (n - 1 denominator) of a[i] - b[i]. */
function varianceOfDifferences(a: Float64Array, b: Float64Array): number {
  const count = a.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += (a[i] as number) - (b[i] as number);
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += ((a[i] as number) - (b[i] as number) - mean) ** 2;
  return squares / (count - 1);
}

/**
 * DeLong's test of aucA = aucB for two models' scores on the same binary-class images. Needs at least two
 * positives and two negatives. Identical rankings give z = 0, p = 1; zero variance with different AUCs
 * (e.g. a constant model against a perfect one) throws DegenerateStatisticError.
 */
export function delongTest(yTrue: Labels, yScoreA: Scores, yScoreB: Scores, task: TaskType): DelongResult {
  const operation = 'delongTest';
  switch (task) {
    case 'binary-class':
      break;
    case 'multi-class':
    case 'ordinal-regression':
    case 'multi-label, binary-class':
      throw new UnsupportedTaskError(
        operation,
        task,
        ['binary-class'],
        'DeLong compares two AUCs of one binary problem; use pairedBootstrapAucDifference for mean one-vs-rest AUC',
      );
    default:
      return unknownTask(task);
  }
  const { a, b } = readPaired(operation, yTrue, yScoreA, yScoreB, task);
  const [problemA] = binaryProblems(a) as [BinaryProblem];
  const [problemB] = binaryProblems(b) as [BinaryProblem];
  requireTwoOfEachClass(operation, problemA);
  const m = problemA.positiveScores.length;
  const n = problemA.negativeScores.length;
  const placementsA = placements(problemA);
  const placementsB = placements(problemB);
  const aucA = problemAuc(operation, problemA);
  const aucB = problemAuc(operation, problemB);
  const difference = aucA - aucB;
  const variance =
    varianceOfDifferences(placementsA.positives, placementsB.positives) / m +
    varianceOfDifferences(placementsA.negatives, placementsB.negatives) / n;
  if (variance === 0) {
    if (difference === 0) return { aucA, aucB, difference, variance, z: 0, pValue: 1 };
    throw new DegenerateStatisticError(
      operation,
      `the AUCs differ (${aucA} vs ${aucB}) but their DeLong variance is 0`,
      'use pairedBootstrapAucDifference',
    );
  }
  const z = difference / Math.sqrt(variance);
  return { aucA, aucB, difference, variance, z, pValue: twoSidedNormalP(z) };
}
