// Paired bootstrap of an AUC difference: resample the test images with replacement, score both models on
// the same resample, repeat. Resampling is stratified by class (each class keeps its size, as pROC's
// default), so every one-vs-rest problem keeps positives and negatives and AUC stays defined. A resample
// is a multiplicity per image; the AUC of a resample is the weighted Mann-Whitney statistic over scores
// sorted once, so each resample costs O(n) per binary problem instead of a new sort.
import { UnsupportedTaskError } from '../errors.js';
import { labelledAuc } from '../metrics/auc.js';
import type { BinaryProblem } from '../metrics/binary-problems.js';
import { binaryProblems } from '../metrics/binary-problems.js';
import type { Labels, Scores } from '../metrics/input.js';
import { rankAuc } from '../metrics/ranking.js';
import type { TaskType } from '../metrics/task.js';
import { unknownTask } from '../metrics/task.js';
import { Rng } from '../random.js';
import type { BootstrapOptions } from './bootstrap.js';
import { resolveBootstrapOptions } from './bootstrap.js';
import { readPaired } from './paired.js';
import { linearQuantile } from './quantile.js';

export interface PairedAucDifference {
  readonly aucA: number;
  readonly aucB: number;
  /** aucA - aucB on the full test set. */
  readonly difference: number;
  /** Percentile interval of the resampled differences. */
  readonly lower: number;
  readonly upper: number;
  /** Standard deviation of the resampled differences. */
  readonly standardError: number;
  /**
   * Two-sided: min(1, 2 (1 + min(#diff <= 0, #diff >= 0)) / (resamples + 1)), the level at which the
   * percentile interval starts to exclude 0; the +1s keep it >= 2/(resamples + 1), the resolution of
   * the resamples, instead of an impossible 0.
   */
  readonly pValue: number;
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
}

/** One side (positives or negatives) of a binary problem sorted by score, with a weight buffer. */
interface SortedSide {
  scores: Float64Array;
  /** Image of each sorted score. */
  samples: Uint32Array;
  /** Reused per resample: the multiplicity of each sorted score's image. */
  weights: Uint32Array;
}

function sortSide(scores: Float64Array, samples: Uint32Array): SortedSide {
  const order = Uint32Array.from(scores.keys()).sort((i, j) => (scores[i] as number) - (scores[j] as number));
  return {
    scores: Float64Array.from(order, (i) => scores[i] as number),
    samples: order.map((i) => samples[i] as number),
    weights: new Uint32Array(order.length),
  };
}

function sortProblem(problem: BinaryProblem): [SortedSide, SortedSide] {
  return [
    sortSide(problem.positiveScores, problem.positiveSamples),
    sortSide(problem.negativeScores, problem.negativeSamples),
  ];
}

/** Mean AUC over the problems with each image counted `multiplicity[image]` times. */
function weightedMeanAuc(problems: [SortedSide, SortedSide][], multiplicity: Uint32Array): number {
  let sum = 0;
  for (const [positives, negatives] of problems) {
    for (const side of [positives, negatives]) {
      side.samples.forEach((image, k) => (side.weights[k] = multiplicity[image] as number));
    }
    sum += rankAuc(positives.scores, negatives.scores, positives.weights, negatives.weights);
  }
  return sum / problems.length;
}

/** Images of each class, ascending: the strata that keep their sizes. */
function classStrata(labels: Labels, numClasses: number): Uint32Array[] {
  const strata: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) strata[labels[i] as number]!.push(i);
  return strata.map((s) => Uint32Array.from(s));
}

/**
 * Paired, class-stratified bootstrap of aucA - aucB (task AUC as auc() defines it) for two models'
 * scores on the same images: binary-class, multi-class and ordinal-regression. Default 2,000 resamples.
 */
export function pairedBootstrapAucDifference(
  yTrue: Labels,
  yScoreA: Scores,
  yScoreB: Scores,
  task: TaskType,
  options: BootstrapOptions = {},
): PairedAucDifference {
  const operation = 'pairedBootstrapAucDifference';
  switch (task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      break;
    case 'multi-label, binary-class':
      throw new UnsupportedTaskError(
        operation,
        task,
        ['binary-class', 'multi-class', 'ordinal-regression'],
        'class-stratified resampling needs one label per image; compare each label as binary-class',
      );
    default:
      return unknownTask(task);
  }
  const { confidence, resamples, seed } = resolveBootstrapOptions(operation, options, 2_000);
  const { a, b } = readPaired(operation, yTrue, yScoreA, yScoreB, task);
  const aucA = labelledAuc(operation, a);
  const aucB = labelledAuc(operation, b);
  const problemsA = binaryProblems(a).map(sortProblem);
  const problemsB = binaryProblems(b).map(sortProblem);
  const strata = classStrata(yTrue, task === 'binary-class' ? 2 : a.numColumns);

  const rng = Rng.fromSeed(seed);
  const multiplicity = new Uint32Array(a.numSamples);
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    multiplicity.fill(0);
    for (const stratum of strata) {
      for (let k = 0; k < stratum.length; k++)
        multiplicity[stratum[rng.nextInt(stratum.length)] as number]! += 1;
    }
    differences[r] = weightedMeanAuc(problemsA, multiplicity) - weightedMeanAuc(problemsB, multiplicity);
  }

  let atOrBelowZero = 0;
  let atOrAboveZero = 0;
  let sum = 0;
  for (const d of differences) {
    if (d <= 0) atOrBelowZero++;
    if (d >= 0) atOrAboveZero++;
    sum += d;
  }
  const mean = sum / resamples;
  let squares = 0;
  for (const d of differences) squares += (d - mean) ** 2;
  const sorted = differences.sort();
  const alpha = (1 - confidence) / 2;
  return {
    aucA,
    aucB,
    difference: aucA - aucB,
    lower: linearQuantile(sorted, alpha),
    upper: linearQuantile(sorted, 1 - alpha),
    standardError: Math.sqrt(squares / (resamples - 1)),
    pValue: Math.min(1, (2 * (1 + Math.min(atOrBelowZero, atOrAboveZero))) / (resamples + 1)),
    confidence,
    resamples,
    seed,
  };
}
