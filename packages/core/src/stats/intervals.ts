// Intervals for a metric over seeds that say how they were made and refuse rather than mislead. A
// percentile bootstrap over two or three seeds is the range of a few numbers and covers the truth far
// less often than it claims (scripts/stats-coverage.ts measures it); Student's t over seeds is honest at
// small n under roughly normal seed-to-seed variation, and below MINIMUM_SEEDS there is no interval at
// all, only the estimate with its reason. Every result carries its method, n, df and confidence, so a
// table or an export can print exactly what it shows.
//
// The same result family carries every interval MedSweep reports: over seeds here and in two-level.ts,
// and of one model on one test set in single-model.ts (DeLong, Wilson, Newcombe, MOVER), whose
// normal-quantile intervals have df = Infinity.
//
// These intervals are about the seeds on ONE test set: what the mean over seeds would be with infinitely
// many seeds, evaluated on these test images. What the recipe would score on new patients also carries
// test-set sampling noise: see two-level.ts.
import { InvalidOptionError } from '../errors.js';
import { studentTQuantile } from './student-t.js';
import { meanOf, readValues, varianceOf } from './summary.js';

/**
 * How an interval was computed. Over seeds:
 * - `student-t`: mean over seeds +- t(n-1) s / sqrt(n).
 * - `paired-t`: the same on per-seed differences, when both arms ran the same seeds.
 * - `welch-t`: difference of two means, Welch–Satterthwaite df, when the seeds do not match.
 * - `two-level`, `two-level-paired`, `two-level-welch`: the same three with test-set sampling noise added
 *   (two-level.ts); `two-level` on the logit scale, so it is asymmetric around the estimate.
 * One model on one test set (single-model.ts; normal quantiles, df = Infinity):
 * - `delong-logit`: AUC with DeLong's variance on the logit scale.
 * - `wilson`: Wilson's score interval of a proportion (accuracy, sensitivity, specificity).
 * - `delong-paired-difference`: difference of two AUCs on the same images (DeLong's paired variance).
 * - `newcombe-paired-difference`: difference of two paired proportions (Newcombe 1998, method 10).
 * - `mover-difference`: difference of two independent estimates from their intervals (Zou & Donner 2008).
 */
export type IntervalMethod =
  | 'student-t'
  | 'paired-t'
  | 'welch-t'
  | 'two-level'
  | 'two-level-paired'
  | 'two-level-welch'
  | 'delong-logit'
  | 'wilson'
  | 'delong-paired-difference'
  | 'newcombe-paired-difference'
  | 'mover-difference';

/**
 * Fewer seeds than this get no interval. With two, t has one degree of freedom: its 95% quantile is 12.7,
 * and its coverage rests entirely on the two values being normal, which nothing can check.
 */
export const MINIMUM_SEEDS = 3;

export interface IntervalOptions {
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  readonly confidence?: number;
}

interface IntervalFacts {
  readonly method: IntervalMethod;
  readonly confidence: number;
  /**
   * Units behind the estimate. Over seeds: a configuration's seeds, a paired gain's pairs, or an unpaired
   * gain's smaller arm (the one that limits it). One model: the images the proportion or AUC is computed
   * on (a paired difference's pairs; a subgroup gap's smaller subgroup).
   */
  readonly n: number;
}

export interface Interval extends IntervalFacts {
  readonly outcome: 'interval';
  /** The point estimate: a mean over seeds, a difference of such means, or one model's metric. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Estimated standard error of the estimate. */
  readonly standardError: number;
  /**
   * Degrees of freedom of the t quantile; fractional when combined by Welch–Satterthwaite; Infinity for
   * a normal quantile (one model's intervals).
   */
  readonly df: number;
}

/**
 * No interval, and why. `Estimate` is `number` where the estimate always exists (a mean over seeds);
 * one model's metrics use `number | null`, null where the metric itself is undefined (AUC without
 * positives).
 */
export interface RefusedInterval<Estimate extends number | null = number> extends IntervalFacts {
  readonly outcome: 'refused';
  /** The estimate, shown without an interval; null where it is undefined. */
  readonly estimate: Estimate;
  /** Why there is no interval, for people: `n too small: 2 seeds; at least 3 are needed for an interval`. */
  readonly reason: string;
}

/** An interval, or the estimate alone (if it exists) with the reason there is no interval. */
export type IntervalResult<Estimate extends number | null = number> = Interval | RefusedInterval<Estimate>;

/** One metric value of one seed's run. Structurally a leaderboard RunValue fits. */
export interface SeedValue {
  readonly seed: number;
  readonly value: number;
}

/** What a gain is the difference of: pretrained minus scratch. */
export interface GainFacts {
  readonly pretrainedMean: number;
  readonly scratchMean: number;
  readonly pretrainedSeeds: number;
  readonly scratchSeeds: number;
}

export type GainInterval = IntervalResult & GainFacts;

/** An estimated variance and its degrees of freedom: one term of a Welch–Satterthwaite sum. */
export interface VariancePart {
  readonly variance: number;
  readonly df: number;
}

/** The confidence option, default 0.95; anything outside (0, 1) is rejected. */
export function resolveConfidence(operation: string, options: IntervalOptions): number {
  const { confidence = 0.95 } = options;
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidOptionError(operation, 'confidence', confidence, 'a number in (0, 1), e.g. 0.95');
  }
  return confidence;
}

/**
 * Sum of independent variance estimates and its Welch–Satterthwaite degrees of freedom,
 * (sum v)^2 / sum(v^2 / df). A sum of zero has the smallest df of its parts (it makes no difference to a
 * zero-width interval, and never claims more certainty than the parts have).
 */
export function satterthwaite(parts: readonly VariancePart[]): VariancePart {
  let variance = 0;
  let denominator = 0;
  for (const part of parts) {
    variance += part.variance;
    if (part.variance > 0) denominator += (part.variance * part.variance) / part.df;
  }
  if (variance === 0) return { variance, df: Math.min(...parts.map((p) => p.df)) };
  return { variance, df: (variance * variance) / denominator };
}

/** estimate +- t(df) quantile x sqrt(variance). */
export function tInterval(
  method: IntervalMethod,
  estimate: number,
  n: number,
  confidence: number,
  { variance, df }: VariancePart,
): Interval {
  const standardError = Math.sqrt(variance);
  const halfWidth = standardError === 0 ? 0 : studentTQuantile((1 + confidence) / 2, df) * standardError;
  return {
    outcome: 'interval',
    method,
    estimate,
    lower: estimate - halfWidth,
    upper: estimate + halfWidth,
    standardError,
    df,
    confidence,
    n,
  };
}

/** Counts below MINIMUM_SEEDS as `2 seeds`, `1 scratch seed`; empty when every count suffices. */
function shortfalls(counts: readonly (readonly [number, string])[]): string[] {
  return counts
    .filter(([count]) => count < MINIMUM_SEEDS)
    .map(([count, noun]) => `${count} ${noun}${count === 1 ? '' : 's'}`);
}

/**
 * The refusal for too few seeds, or undefined when every count reaches MINIMUM_SEEDS. `counts` pairs each
 * count with its noun (`seed`, `paired seed`, `scratch seed`).
 */
export function refuseTooFewSeeds(
  method: IntervalMethod,
  estimate: number,
  n: number,
  confidence: number,
  counts: readonly (readonly [number, string])[],
): RefusedInterval | undefined {
  const short = shortfalls(counts);
  if (short.length === 0) return undefined;
  const reason = `n too small: ${short.join(' and ')}; at least ${MINIMUM_SEEDS} are needed for an interval`;
  return { outcome: 'refused', method, estimate, confidence, n, reason };
}

/**
 * Student-t interval of a configuration's mean over seeds (one metric value per seed, at least one):
 * mean +- t(0.975; n - 1) s / sqrt(n) at 95%, s the sample standard deviation. It targets the mean
 * over seeds on the same test set; for new patients use twoLevelInterval. Fewer than MINIMUM_SEEDS
 * values give a refused result that still carries the mean. Seed-to-seed AUCs near a ceiling are skewed,
 * so misses fall more often on one side; coverage stays near nominal (scripts/stats-coverage.ts).
 */
export function seedMeanInterval(values: ArrayLike<number>, options: IntervalOptions = {}): IntervalResult {
  const operation = 'seedMeanInterval';
  const data = readValues(operation, values, 1);
  const confidence = resolveConfidence(operation, options);
  const estimate = meanOf(data);
  const n = data.length;
  return (
    refuseTooFewSeeds('student-t', estimate, n, confidence, [[n, 'seed']]) ??
    tInterval('student-t', estimate, n, confidence, { variance: varianceOf(data) / n, df: n - 1 })
  );
}

/**
 * For each pretrained run, the index of the scratch run with the same seed, when both arms ran exactly
 * the same seeds, each once; otherwise undefined (the arms cannot be paired).
 */
export function pairBySeed(
  pretrainedSeeds: readonly number[],
  scratchSeeds: readonly number[],
): number[] | undefined {
  const scratchIndex = new Map(scratchSeeds.map((seed, j) => [seed, j]));
  const distinct = new Set(pretrainedSeeds).size === pretrainedSeeds.length;
  if (
    !distinct ||
    scratchIndex.size !== scratchSeeds.length ||
    pretrainedSeeds.length !== scratchSeeds.length
  ) {
    return undefined;
  }
  const partners = pretrainedSeeds.map((seed) => scratchIndex.get(seed));
  return partners.every((j) => j !== undefined) ? (partners as number[]) : undefined;
}

/**
 * Interval of the gain, pretrained minus scratch (negate for a metric to minimise), in the mean over seeds
 * on one test set. When both arms ran the same seeds, each once, the runs are paired by seed and the
 * interval is Student's t on the per-seed differences (`paired-t`: a shared seed shares data order and
 * augmentation, and pairing removes that common noise); otherwise Welch's two-sample t (`welch-t`),
 * which uses every run and errs conservative if shared seeds correlate the arms. Fewer than
 * MINIMUM_SEEDS pairs, or seeds in either arm, give a refused result with the estimate.
 */
export function gainInterval(
  pretrained: readonly SeedValue[],
  scratch: readonly SeedValue[],
  options: IntervalOptions = {},
): GainInterval {
  const operation = 'gainInterval';
  const a = readValues(
    `${operation} (pretrained)`,
    pretrained.map((r) => r.value),
    1,
  );
  const b = readValues(
    `${operation} (scratch)`,
    scratch.map((r) => r.value),
    1,
  );
  const confidence = resolveConfidence(operation, options);
  const facts: GainFacts = {
    pretrainedMean: meanOf(a),
    scratchMean: meanOf(b),
    pretrainedSeeds: a.length,
    scratchSeeds: b.length,
  };
  const partners = pairBySeed(
    pretrained.map((r) => r.seed),
    scratch.map((r) => r.seed),
  );
  if (partners) {
    const differences = a.map((value, i) => value - (b[partners[i] as number] as number));
    const estimate = meanOf(differences);
    const n = differences.length;
    const result =
      refuseTooFewSeeds('paired-t', estimate, n, confidence, [[n, 'paired seed']]) ??
      tInterval('paired-t', estimate, n, confidence, { variance: varianceOf(differences) / n, df: n - 1 });
    return { ...result, ...facts };
  }
  const estimate = facts.pretrainedMean - facts.scratchMean;
  const n = Math.min(a.length, b.length);
  const counts = [
    [a.length, 'pretrained seed'],
    [b.length, 'scratch seed'],
  ] as const;
  const result =
    refuseTooFewSeeds('welch-t', estimate, n, confidence, counts) ??
    tInterval(
      'welch-t',
      estimate,
      n,
      confidence,
      satterthwaite([
        { variance: varianceOf(a) / a.length, df: a.length - 1 },
        { variance: varianceOf(b) / b.length, df: b.length - 1 },
      ]),
    );
  return { ...result, ...facts };
}
