// Two-level intervals: what the recipe would score on NEW test patients, averaged over seeds. The mean
// over seeds on one test split moves for two reasons, the seeds (initialisation, data order,
// augmentation) and the test images, one sample of patients; on a 156-image split the second dominates,
// so an interval over seeds alone (intervals.ts) covers new patients far too rarely.
//
// Method. Write run s's metric on test set T as theta + a_s + b(T) + c_s(T): a seed effect (variance A),
// a test-set effect that every seed shares (B) and a seed-by-image interaction (C). The mean over n seeds
// has variance A/n + B + C/n. The seeds' sample variance estimates A + C, so s^2/n carries the seed and
// interaction parts; B is the covariance of DIFFERENT seeds' metrics across test sets. It is estimated
// from each image's component u_s(i) of run s's metric, its term in the metric's first-order expansion
// over images: DeLong's placements for AUC (V10/m for a positive, V01/n for a negative; DeLong, DeLong &
// Clarke-Pearson 1988), correctness/N for accuracy. Within each stratum of exchangeable images (the
// classes for AUC, whose placements are conditional on the class counts; all images for accuracy, which
// depends on the class mix) B = sum over strata of n_c x mean over seed pairs s != t of cov_c(u_s, u_t).
// Taking the DeLong variance of the seed-averaged components instead would estimate B + C/n and count
// the interaction twice (conservative). The total s^2/n + B gets a Welch–Satterthwaite df from n - 1 and
// each stratum's n_c - 1 (the seed part taken at an upper bound, see combine), and a t quantile.
//
// A configuration's interval is laid on the logit scale (delta method: the standard error divided by
// p(1 - p)) and mapped back. Near the ceiling an AUC's sampling distribution is skewed and its estimated
// variance shrinks as the estimate rises, so a symmetric interval misses mostly on one side: at AUC 0.87
// on 156 images it covered 93.5% (5.5% of truths below it, 1% above); on the logit scale 95%, balanced.
// Gains are differences in [-1, 1] with no such ceiling and stay on the metric's scale.
//
// Multi-class and ordinal AUC (mean one-vs-rest AUC) use the same route: an image's component sums its
// placements over the K problems, divided by K (the Hájek projection of the K-sample U-statistic).
// Accuracy works for every task (multi-label: the image's mean correctness over its labels). Multi-label
// AUC is refused: its images have no class to stratify by.
//
// Gains difference two arms evaluated on the same test images: paired by seed when the seeds match (per-
// seed differences of metrics and of components), otherwise Welch (each arm's s^2/n, plus the test part
// of the difference of the arms' means, whose cross-arm covariance takes every pair of runs).
import {
  EmptyInputError,
  InvalidOptionError,
  ScoreShapeError,
  TooFewValuesError,
  UnsupportedTaskError,
} from '../errors.js';
import { problemAuc } from '../metrics/auc.js';
import { binaryProblems } from '../metrics/binary-problems.js';
import type { DecisionOptions } from '../metrics/decisions.js';
import { predictions } from '../metrics/decisions.js';
import type { Labelled, Labels, Scores } from '../metrics/input.js';
import { readLabelled } from '../metrics/input.js';
import type { TaskType } from '../metrics/task.js';
import { unknownTask } from '../metrics/task.js';
import { placements, requireTwoOfEachClass } from './delong.js';
import type {
  GainFacts,
  Interval,
  IntervalMethod,
  IntervalOptions,
  RefusedInterval,
  VariancePart,
} from './intervals.js';
import { pairBySeed, refuseTooFewSeeds, resolveConfidence, satterthwaite, tInterval } from './intervals.js';
import { normalQuantile } from './normal.js';
import { meanOf, varianceOf } from './summary.js';

/** The metrics with two-level intervals: `auc` (MedMNIST's AUC) and `acc` (MedMNIST's ACC). */
export const TWO_LEVEL_METRICS = ['auc', 'acc'] as const;
export type TwoLevelMetric = (typeof TWO_LEVEL_METRICS)[number];

/** Confidence, and for `acc` the decision threshold (binary-class and multi-label; default 0.5). */
export interface TwoLevelOptions extends IntervalOptions, DecisionOptions {}

export interface TwoLevelFacts {
  readonly metric: TwoLevelMetric;
  /** Test images every run was evaluated on. */
  readonly testImages: number;
}

export interface TwoLevelVariances {
  /** s^2/n (summed over the arms of an unpaired gain): how the seeds differ on this test set. */
  readonly seedVariance: number;
  /** The test-sampling variance every seed shares: what a new sample of patients would move. */
  readonly testVariance: number;
}

export type TwoLevelInterval = ((Interval & TwoLevelVariances) | RefusedInterval) & TwoLevelFacts;
export type TwoLevelGainInterval = TwoLevelInterval & GainFacts;

/** One seed's predictions on the shared test set. */
export interface SeedScores {
  readonly seed: number;
  readonly scores: Scores;
}

/** Test images grouped into strata of exchangeable images. */
interface Strata {
  /** Stratum of each image. */
  readonly of: Uint32Array;
  readonly sizes: readonly number[];
}

/** One run on the test set: its metric and each image's component u(i) of it. */
interface RunComponents {
  readonly value: number;
  readonly perImage: Float64Array;
}

/** Runs whose contrast is estimated: +1 for an arm added, -1 for one subtracted. */
interface WeightedArm {
  readonly weight: number;
  readonly perImage: readonly Float64Array[];
}

function readMetric(operation: string, metric: TwoLevelMetric, options: DecisionOptions): void {
  if (!(TWO_LEVEL_METRICS as readonly string[]).includes(metric)) {
    throw new InvalidOptionError(operation, 'metric', metric, "'auc' or 'acc'");
  }
  if (metric === 'auc' && options.threshold !== undefined) {
    throw new InvalidOptionError(
      operation,
      'threshold',
      options.threshold,
      "no threshold for metric 'auc', which ranks scores",
    );
  }
}

/** Validates every run against the shared ground truth; all runs must have the first run's columns. */
function readRuns(
  operation: string,
  yTrue: Labels,
  arms: readonly (readonly [string, readonly Scores[]])[],
  task: TaskType,
): Labelled[][] {
  let columns: { input: string; count: number } | undefined;
  return arms.map(([name, runs]) => {
    if (runs.length === 0) throw new EmptyInputError(operation, name);
    return runs.map((scores, r) => {
      const input = `${name}[${r}]`;
      const data = readLabelled(operation, yTrue, scores, task, input);
      columns ??= { input, count: data.numColumns };
      if (data.numColumns !== columns.count) {
        throw new ScoreShapeError(
          operation,
          input,
          `has ${data.numColumns} columns but ${columns.input} has ${columns.count}`,
          'the same columns for every run',
        );
      }
      return data;
    });
  });
}

function strataOf(metric: TwoLevelMetric, data: Labelled): Strata {
  if (metric === 'acc') return { of: new Uint32Array(data.numSamples), sizes: [data.numSamples] };
  const numClasses = data.task === 'binary-class' ? 2 : data.numColumns;
  const of = Uint32Array.from(data.labels);
  const sizes = new Array<number>(numClasses).fill(0);
  for (const c of of) sizes[c] = (sizes[c] as number) + 1;
  return { of, sizes };
}

function aucComponents(operation: string, data: Labelled): RunComponents {
  switch (data.task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      break;
    case 'multi-label, binary-class':
      throw new UnsupportedTaskError(
        operation,
        data.task,
        ['binary-class', 'multi-class', 'ordinal-regression'],
        "use metric 'acc', or one binary-class interval per label",
      );
    default:
      return unknownTask(data.task);
  }
  const problems = binaryProblems(data);
  const perImage = new Float64Array(data.numSamples);
  let sum = 0;
  for (const problem of problems) {
    requireTwoOfEachClass(operation, problem);
    sum += problemAuc(operation, problem);
    const { positives, negatives } = placements(problem);
    const positiveWeight = 1 / (positives.length * problems.length);
    const negativeWeight = 1 / (negatives.length * problems.length);
    problem.positiveSamples.forEach((i, p) => (perImage[i]! += (positives[p] as number) * positiveWeight));
    problem.negativeSamples.forEach((i, q) => (perImage[i]! += (negatives[q] as number) * negativeWeight));
  }
  return { value: sum / problems.length, perImage };
}

function accComponents(operation: string, data: Labelled, options: DecisionOptions): RunComponents {
  const { numSamples, numColumns, labels } = data;
  if (numSamples < 2) throw new TooFewValuesError(operation, 'test images', 2, numSamples);
  const predicted = predictions(operation, data, options);
  const perImage = new Float64Array(numSamples);
  switch (data.task) {
    case 'binary-class':
    case 'multi-class':
    case 'ordinal-regression':
      for (let i = 0; i < numSamples; i++) perImage[i] = predicted[i] === labels[i] ? 1 / numSamples : 0;
      break;
    case 'multi-label, binary-class':
      for (let i = 0; i < numSamples; i++) {
        let correct = 0;
        for (let c = 0; c < numColumns; c++)
          if (predicted[i * numColumns + c] === labels[i * numColumns + c]) correct++;
        perImage[i] = correct / numColumns / numSamples;
      }
      break;
    default:
      return unknownTask(data.task);
  }
  let value = 0;
  for (const component of perImage) value += component;
  return { value, perImage };
}

function runComponents(
  operation: string,
  metric: TwoLevelMetric,
  data: Labelled,
  options: DecisionOptions,
): RunComponents {
  return metric === 'auc' ? aucComponents(operation, data) : accComponents(operation, data, options);
}

/** Shares minus their stratum's mean, so per-stratum sums of products are covariances. */
function centred(perImage: Float64Array, strata: Strata): Float64Array {
  const sums = new Float64Array(strata.sizes.length);
  perImage.forEach((component, i) => (sums[strata.of[i] as number]! += component));
  return perImage.map((component, i) => {
    const c = strata.of[i] as number;
    return component - (sums[c] as number) / (strata.sizes[c] as number);
  });
}

/**
 * The test-sampling variance of sum_a weight_a x (mean over arm a's runs), one part per stratum c:
 * n_c/(n_c - 1) x sum over its images of [sum_a w_a^2 x mean over run pairs s != t in a of u_s u_t +
 * sum over arms a != b of w_a w_b x mean_a(u) mean_b(u)], u centred within the stratum. Pairs within an
 * arm leave out s = t, whose product also carries the seed-by-image interaction that s^2/n already
 * counts. A part estimated below zero (possible when seeds disagree more than the test set moves them)
 * counts zero.
 */
function testVarianceParts(arms: readonly WeightedArm[], strata: Strata): VariancePart[] {
  const numImages = strata.of.length;
  const perStratum = new Float64Array(strata.sizes.length);
  const armMeans = arms.map(({ perImage }) => {
    const sum = new Float64Array(numImages);
    const squares = new Float64Array(numImages);
    for (const run of perImage) {
      centred(run, strata).forEach((u, i) => {
        sum[i]! += u;
        squares[i]! += u * u;
      });
    }
    return { sum, squares, n: perImage.length };
  });
  arms.forEach(({ weight }, a) => {
    const { sum, squares, n } = armMeans[a]!;
    for (let i = 0; i < numImages; i++) {
      const s = sum[i] as number;
      perStratum[strata.of[i] as number]! +=
        (weight * weight * (s * s - (squares[i] as number))) / (n * (n - 1));
    }
    arms.forEach(({ weight: otherWeight }, b) => {
      if (b === a) return;
      const other = armMeans[b]!;
      for (let i = 0; i < numImages; i++) {
        perStratum[strata.of[i] as number]! +=
          (weight * otherWeight * (sum[i] as number) * (other.sum[i] as number)) / (n * other.n);
      }
    });
  });
  return strata.sizes.map((size, c) => ({
    variance: Math.max(0, (size * (perStratum[c] as number)) / (size - 1)),
    df: size - 1,
  }));
}

/**
 * The same interval laid on the logit scale and mapped back: logit(p) +- (t x standard error) / (p (1 - p)),
 * for an estimate p in (0, 1). At 0 or 1 every run sits at the bound, so the variance is zero up to
 * rounding and the interval is the estimate.
 */
function onLogitScale<T extends Interval>(interval: T): T {
  const { estimate: p, upper } = interval;
  if (!(p > 0 && p < 1)) return { ...interval, lower: p, upper: p };
  if (upper === p) return interval;
  const logit = Math.log(p / (1 - p));
  const halfWidth = (upper - p) / (p * (1 - p));
  const expit = (x: number) => 1 / (1 + Math.exp(-x));
  return { ...interval, lower: expit(logit - halfWidth), upper: expit(logit + halfWidth) };
}

/** The q-quantile of chi-square with df degrees of freedom, by Wilson & Hilferty's cube-root normal. */
function chiSquareQuantile(q: number, df: number): number {
  const spread = 2 / (9 * df);
  return df * (1 - spread + normalQuantile(q) * Math.sqrt(spread)) ** 3;
}

/**
 * The interval from seed and test parts, with both variances reported beside it. The df are
 * Welch–Satterthwaite's with each seed variance at its 70% upper confidence bound s^2 nu / chi2(0.3; nu).
 * With the estimate itself, a seed variance that comes out small by chance (2 df at n = 3) makes the
 * many-df test part look dominant and buys a small t quantile exactly when the interval is already too
 * narrow: plain Welch–Satterthwaite covered 93% at n = 3 for paired gains, whose seed part dominates.
 * For one seed part of nu >= 2 df beside a 60-df test part, the bound keeps coverage within
 * [94.5%, 96.1%] at every ratio of the two (plain: down to 92.3% at nu = 2, 94.2% at nu = 4).
 */
function combine(
  method: IntervalMethod,
  estimate: number,
  n: number,
  confidence: number,
  seedParts: readonly VariancePart[],
  testParts: readonly VariancePart[],
): Interval & TwoLevelVariances {
  const seedBounds = seedParts.map(({ variance, df }) => ({
    variance: (variance * df) / chiSquareQuantile(0.3, df),
    df,
  }));
  const { variance } = satterthwaite([...seedParts, ...testParts]);
  const { df } = satterthwaite([...seedBounds, ...testParts]);
  const total = (parts: readonly VariancePart[]) => parts.reduce((sum, p) => sum + p.variance, 0);
  return {
    ...tInterval(method, estimate, n, confidence, { variance, df }),
    seedVariance: total(seedParts),
    testVariance: total(testParts),
  };
}

/**
 * Two-level interval of a configuration's metric for new test patients, averaged over seeds: from each
 * seed's predictions on the same test images (at least MINIMUM_SEEDS runs for an interval; fewer give a
 * refused result with the mean). `metric` is `auc` (binary-class, multi-class, ordinal-regression) or
 * `acc` (every task; `threshold` as for accuracy). Variance: s^2/n over seeds plus the test-sampling
 * variance the seeds share, estimated from per-image components (see the file comment); Welch–
 * Satterthwaite df; t quantile on the logit scale, so the interval stays inside (0, 1) and is longer on
 * the side away from the ceiling. `standardError` is on the metric's scale.
 */
export function twoLevelInterval(
  yTrue: Labels,
  runs: readonly Scores[],
  task: TaskType,
  metric: TwoLevelMetric,
  options: TwoLevelOptions = {},
): TwoLevelInterval {
  const operation = 'twoLevelInterval';
  readMetric(operation, metric, options);
  const confidence = resolveConfidence(operation, options);
  const [data] = readRuns(operation, yTrue, [['runs', runs]], task) as [Labelled[]];
  const components = data.map((d) => runComponents(operation, metric, d, options));
  const values = Float64Array.from(components, (c) => c.value);
  const estimate = meanOf(values);
  const n = values.length;
  const facts = { metric, testImages: data[0]!.numSamples };
  const refused = refuseTooFewSeeds('two-level', estimate, n, confidence, [[n, 'seed']]);
  if (refused) return { ...refused, ...facts };
  const strata = strataOf(metric, data[0]!);
  const testParts = testVarianceParts([{ weight: 1, perImage: components.map((c) => c.perImage) }], strata);
  const seedParts = [{ variance: varianceOf(values) / n, df: n - 1 }];
  return { ...onLogitScale(combine('two-level', estimate, n, confidence, seedParts, testParts)), ...facts };
}

/**
 * Two-level interval of the gain, pretrained minus scratch, for new test patients: both arms' runs
 * predicted the same test images. Paired by seed (`two-level-paired`) when both arms ran the same seeds,
 * each once: s^2/n of the per-seed metric differences plus the shared test variance of the per-image
 * differences. Otherwise `two-level-welch`: each arm's s^2/n plus the test variance of the difference of
 * the arm means. Refused with the estimate below MINIMUM_SEEDS pairs or seeds per arm.
 */
export function twoLevelGainInterval(
  yTrue: Labels,
  pretrained: readonly SeedScores[],
  scratch: readonly SeedScores[],
  task: TaskType,
  metric: TwoLevelMetric,
  options: TwoLevelOptions = {},
): TwoLevelGainInterval {
  const operation = 'twoLevelGainInterval';
  readMetric(operation, metric, options);
  const confidence = resolveConfidence(operation, options);
  const [dataA, dataB] = readRuns(
    operation,
    yTrue,
    [
      ['pretrained', pretrained.map((r) => r.scores)],
      ['scratch', scratch.map((r) => r.scores)],
    ],
    task,
  ) as [Labelled[], Labelled[]];
  const a = dataA.map((d) => runComponents(operation, metric, d, options));
  const b = dataB.map((d) => runComponents(operation, metric, d, options));
  const valuesA = Float64Array.from(a, (c) => c.value);
  const valuesB = Float64Array.from(b, (c) => c.value);
  const gainFacts: GainFacts = {
    pretrainedMean: meanOf(valuesA),
    scratchMean: meanOf(valuesB),
    pretrainedSeeds: a.length,
    scratchSeeds: b.length,
  };
  const facts = { ...gainFacts, metric, testImages: dataA[0]!.numSamples };
  const strata = strataOf(metric, dataA[0]!);
  const partners = pairBySeed(
    pretrained.map((r) => r.seed),
    scratch.map((r) => r.seed),
  );
  if (partners) {
    const partner = (i: number) => b[partners[i] as number] as RunComponents;
    const differences = Float64Array.from(a, (run, i) => run.value - partner(i).value);
    const estimate = meanOf(differences);
    const n = differences.length;
    const refused = refuseTooFewSeeds('two-level-paired', estimate, n, confidence, [[n, 'paired seed']]);
    if (refused) return { ...refused, ...facts };
    const perImage = a.map((run, i) =>
      run.perImage.map((u, image) => u - (partner(i).perImage[image] as number)),
    );
    const testParts = testVarianceParts([{ weight: 1, perImage }], strata);
    const seedParts = [{ variance: varianceOf(differences) / n, df: n - 1 }];
    return { ...combine('two-level-paired', estimate, n, confidence, seedParts, testParts), ...facts };
  }
  const estimate = gainFacts.pretrainedMean - gainFacts.scratchMean;
  const n = Math.min(a.length, b.length);
  const counts = [
    [a.length, 'pretrained seed'],
    [b.length, 'scratch seed'],
  ] as const;
  const refused = refuseTooFewSeeds('two-level-welch', estimate, n, confidence, counts);
  if (refused) return { ...refused, ...facts };
  const testParts = testVarianceParts(
    [
      { weight: 1, perImage: a.map((c) => c.perImage) },
      { weight: -1, perImage: b.map((c) => c.perImage) },
    ],
    strata,
  );
  const seedParts = [
    { variance: varianceOf(valuesA) / a.length, df: a.length - 1 },
    { variance: varianceOf(valuesB) / b.length, df: b.length - 1 },
  ];
  return { ...combine('two-level-welch', estimate, n, confidence, seedParts, testParts), ...facts };
}
