// Bootstrap confidence interval of a difference of means between two independent samples, e.g. one
// metric over the seeds of a pretrained arm minus the same metric over the seeds of a scratch arm. Each
// resample draws each sample with replacement at its own size (the two-sample bootstrap of Efron &
// Tibshirani 1993, 8.3); the percentile interval is what scipy.stats.bootstrap(paired=False,
// method='percentile') computes from the same replicates.
import { Rng } from '../random.js';
import type { BootstrapOptions } from './bootstrap.js';
import { resolveBootstrapOptions } from './bootstrap.js';
import { linearQuantile } from './quantile.js';
import { meanOf, readValues } from './summary.js';

export interface MeanDifferenceInterval {
  readonly meanA: number;
  readonly meanB: number;
  /** meanA - meanB. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  readonly method: 'percentile';
  readonly resamples: number;
  readonly seed: number;
}

/**
 * Mean of one resample of `values` drawn with `rng`: counts per value, summed in index order (as
 * bootstrapMeanCi sums its replicates, so a permutation of the data has exactly the data's mean).
 */
function resampledMean(values: Float64Array, counts: Uint32Array, rng: Rng): number {
  const n = values.length;
  counts.fill(0);
  for (let k = 0; k < n; k++) counts[rng.nextInt(n)]! += 1;
  let sum = 0;
  for (let i = 0; i < n; i++) if (counts[i] !== 0) sum += (counts[i] as number) * (values[i] as number);
  return sum / n;
}

/**
 * Percentile bootstrap interval of mean(a) - mean(b) for two independent samples of at least two finite
 * values each. Per resample, a is drawn first, then b, from one stream seeded by `seed`. When both samples
 * are constant the interval is the estimate. Default 10,000 resamples.
 */
export function bootstrapMeanDifferenceCi(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions = {},
): MeanDifferenceInterval {
  const operation = 'bootstrapMeanDifferenceCi';
  const dataA = readValues(`${operation} (a)`, a, 2);
  const dataB = readValues(`${operation} (b)`, b, 2);
  const { confidence, resamples, seed } = resolveBootstrapOptions(operation, options, 10_000);
  const meanA = meanOf(dataA);
  const meanB = meanOf(dataB);
  const estimate = meanA - meanB;
  const result = { meanA, meanB, estimate, confidence, method: 'percentile' as const, resamples, seed };
  const constant = (d: Float64Array) => d.every((v) => v === d[0]);
  if (constant(dataA) && constant(dataB)) return { ...result, lower: estimate, upper: estimate };

  const rng = Rng.fromSeed(seed);
  const countsA = new Uint32Array(dataA.length);
  const countsB = new Uint32Array(dataB.length);
  const replicates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const resampledA = resampledMean(dataA, countsA, rng);
    replicates[r] = resampledA - resampledMean(dataB, countsB, rng);
  }
  const sorted = replicates.sort();
  const alpha = (1 - confidence) / 2;
  return { ...result, lower: linearQuantile(sorted, alpha), upper: linearQuantile(sorted, 1 - alpha) };
}
