// McNemar's test: do two models on the SAME test images differ in accuracy? Only discordant images count:
// b = A right and B wrong, c = A wrong and B right; under the null each discordant image goes either way
// with probability 1/2.
//
// Default: the exact binomial test, at every count. It is valid for small and large b + c alike, it is
// statsmodels' default (mcnemar(exact=True)), and its tail sum is cheap and precise here (O(min(b, c))
// terms), so there is no reason to fall back to an approximation. The continuity-corrected chi-square
// (statsmodels' exact=False, correction=True) is available for comparison with papers that report it.
import { InvalidOptionError, UnsupportedTaskError } from '../errors.js';
import { predictions } from '../metrics/decisions.js';
import type { Labels, Scores } from '../metrics/input.js';
import type { TaskType } from '../metrics/task.js';
import { unknownTask } from '../metrics/task.js';
import { chiSquare1Survival } from './normal.js';
import { readPaired } from './paired.js';

export type McNemarMethod = 'exact' | 'chi-square';

export interface McNemarResult {
  /** Images A classifies correctly and B does not (b). */
  readonly onlyACorrect: number;
  /** Images B classifies correctly and A does not (c). */
  readonly onlyBCorrect: number;
  /** exact: min(b, c); chi-square: (|b - c| - 1)^2 / (b + c). */
  readonly statistic: number;
  /** Two-sided. */
  readonly pValue: number;
  readonly method: McNemarMethod;
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), k <= n/2. pmf(k) = C(n, k) / 2^n is built as a product of ratios
 * kept in range by exact power-of-two rescaling (a sum of logarithms near n ln 2 would lose ~1e-12 to
 * rounding at n in the thousands); the tail is then summed down with pmf(j-1) = pmf(j) j / (n-j+1).
 */
function binomialHalfCdf(k: number, n: number): number {
  const SCALE = 2 ** 500;
  let mantissa = 1;
  let exponent = -n;
  for (let i = 1; i <= k; i++) {
    mantissa = (mantissa * (n - k + i)) / i;
    if (mantissa > SCALE) {
      mantissa /= SCALE;
      exponent += 500;
    }
  }
  for (; exponent < -1000; exponent += 1000) mantissa *= 2 ** -1000;
  let term = mantissa * 2 ** exponent;
  let sum = 0;
  for (let j = k; j >= 0 && term > sum * 1e-17; j--) {
    sum += term;
    term *= j / (n - j + 1);
  }
  return sum;
}

function readCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidOptionError('mcnemarFromCounts', name, value, 'a non-negative integer count');
  }
  return value;
}

/**
 * McNemar's test from the discordant counts. With no discordant images there is no evidence of a
 * difference: p = 1 (statsmodels' chi-square divides by zero there).
 */
export function mcnemarFromCounts(
  onlyACorrect: number,
  onlyBCorrect: number,
  method: McNemarMethod = 'exact',
): McNemarResult {
  const b = readCount('onlyACorrect', onlyACorrect);
  const c = readCount('onlyBCorrect', onlyBCorrect);
  const counts = { onlyACorrect: b, onlyBCorrect: c, method };
  switch (method) {
    case 'exact': {
      const statistic = Math.min(b, c);
      return { ...counts, statistic, pValue: Math.min(1, 2 * binomialHalfCdf(statistic, b + c)) };
    }
    case 'chi-square': {
      if (b + c === 0) return { ...counts, statistic: 0, pValue: 1 };
      const statistic = (Math.abs(b - c) - 1) ** 2 / (b + c);
      return { ...counts, statistic, pValue: chiSquare1Survival(statistic) };
    }
    default: {
      const unknown: never = method;
      throw new InvalidOptionError('mcnemarFromCounts', 'method', unknown, "'exact' or 'chi-square'");
    }
  }
}

/**
 * McNemar's test of two models' predictions on the same images, each judged right or wrong by the
 * benchmark decision rule (binary: score > 0.5, multi-class: argmax), as accuracy() judges them.
 */
export function mcnemarTest(
  yTrue: Labels,
  yScoreA: Scores,
  yScoreB: Scores,
  task: TaskType,
  options: { readonly method?: McNemarMethod } = {},
): McNemarResult {
  const operation = 'mcnemarTest';
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
        'the labels of one image are not independent trials; compare per label as binary-class',
      );
    default:
      return unknownTask(task);
  }
  const { a, b } = readPaired(operation, yTrue, yScoreA, yScoreB, task);
  const predictedA = predictions(operation, a);
  const predictedB = predictions(operation, b);
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.numSamples; i++) {
    const aRight = predictedA[i] === yTrue[i];
    const bRight = predictedB[i] === yTrue[i];
    if (aRight && !bRight) onlyA++;
    else if (bRight && !aRight) onlyB++;
  }
  return mcnemarFromCounts(onlyA, onlyB, options.method);
}
