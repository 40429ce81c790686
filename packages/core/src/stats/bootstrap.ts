// Bootstrap confidence interval of a mean across seeds, reproducible from a seed. Percentile and BCa
// intervals as scipy.stats.bootstrap computes them from the same replicates (Efron & Tibshirani 1993,
// 14.3 and 15.4); the replicates come from MedSweep's Rng, so a seed gives the same interval everywhere.
import { DegenerateStatisticError, InvalidOptionError } from '../errors.js';
import { Rng } from '../random.js';
import { resolveConfidence } from './intervals.js';
import { normalCdf, normalQuantile } from './normal.js';
import { linearQuantile } from './quantile.js';
import { meanOf, readValues } from './summary.js';

export interface BootstrapOptions {
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  readonly confidence?: number;
  /** Number of bootstrap resamples. Default 10,000. */
  readonly resamples?: number;
  /** Seed of the resampling stream. Default 0, so an unseeded call is still reproducible. */
  readonly seed?: number;
}

export interface MeanBootstrapOptions extends BootstrapOptions {
  /** `percentile` (default) or `bca` (bias-corrected and accelerated; better coverage when skewed). */
  readonly method?: 'percentile' | 'bca';
}

export interface ConfidenceInterval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  readonly method: 'percentile' | 'bca';
  readonly resamples: number;
  readonly seed: number;
}

export interface ResolvedBootstrapOptions {
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
}

/** Fills in defaults and rejects out-of-range bootstrap options. */
export function resolveBootstrapOptions(
  operation: string,
  options: BootstrapOptions,
  defaultResamples: number,
): ResolvedBootstrapOptions {
  const confidence = resolveConfidence(operation, options);
  const { resamples = defaultResamples, seed = 0 } = options;
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new InvalidOptionError(operation, 'resamples', resamples, 'an integer >= 2');
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidOptionError(operation, 'seed', seed, 'an integer in [0, 2^53 - 1]');
  }
  return { confidence, resamples, seed };
}

/**
 * Means of `resamples` resamples with replacement. Each sums count_i * value_i in index order, so equal
 * multisets give bit-equal means whatever order they were drawn in.
 */
function bootstrapMeans(values: Float64Array, resamples: number, seed: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const n = values.length;
  const counts = new Uint32Array(n);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[rng.nextInt(n)]! += 1;
    let sum = 0;
    for (let i = 0; i < n; i++) if (counts[i] !== 0) sum += (counts[i] as number) * (values[i] as number);
    means[b] = sum / n;
  }
  return means;
}

/** BCa's adjusted tail probabilities (scipy's _bca_interval). */
function bcaLevels(
  values: Float64Array,
  estimate: number,
  replicates: Float64Array,
  alpha: number,
): [number, number] {
  let below = 0;
  let atOrBelow = 0;
  for (const r of replicates) {
    if (r < estimate) below++;
    if (r <= estimate) atOrBelow++;
  }
  const bias = normalQuantile((below + atOrBelow) / (2 * replicates.length));
  if (!Number.isFinite(bias)) {
    throw new DegenerateStatisticError(
      'bootstrapMeanCi',
      'every bootstrap mean lies on one side of the sample mean, so the BCa bias correction is infinite',
      "use method 'percentile' or more resamples",
    );
  }
  // Acceleration from the jackknife: leave-one-out means.
  const n = values.length;
  let total = 0;
  for (const v of values) total += v;
  const jackknife = Float64Array.from(values, (v) => (total - v) / (n - 1));
  const jackknifeMean = meanOf(jackknife);
  let cubes = 0;
  let squares = 0;
  for (const j of jackknife) {
    const u = (n - 1) * (jackknifeMean - j);
    cubes += u ** 3;
    squares += u ** 2;
  }
  const acceleration = cubes / (6 * squares ** 1.5);
  const level = (z: number) => normalCdf(bias + (bias + z) / (1 - acceleration * (bias + z)));
  const zAlpha = normalQuantile(alpha);
  return [level(zAlpha), level(-zAlpha)];
}

/**
 * Bootstrap confidence interval of the mean of values (e.g. one metric over seeds), from at least two
 * finite values. When all values are equal the interval is that value.
 */
export function bootstrapMeanCi(
  values: ArrayLike<number>,
  options: MeanBootstrapOptions = {},
): ConfidenceInterval {
  const operation = 'bootstrapMeanCi';
  const data = readValues(operation, values, 2);
  const { confidence, resamples, seed } = resolveBootstrapOptions(operation, options, 10_000);
  const method = options.method ?? 'percentile';
  if (method !== 'percentile' && method !== 'bca') {
    throw new InvalidOptionError(operation, 'method', method, "'percentile' or 'bca'");
  }
  const estimate = meanOf(data);
  const result = { estimate, confidence, method, resamples, seed };
  if (data.every((v) => v === data[0])) return { ...result, lower: estimate, upper: estimate };
  const replicates = bootstrapMeans(data, resamples, seed);
  const alpha = (1 - confidence) / 2;
  const [lowerLevel, upperLevel] =
    method === 'bca' ? bcaLevels(data, estimate, replicates, alpha) : [alpha, 1 - alpha];
  const sorted = replicates.slice().sort();
  return { ...result, lower: linearQuantile(sorted, lowerLevel), upper: linearQuantile(sorted, upperLevel) };
}
