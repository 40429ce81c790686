// Summaries of one metric across repeats (seeds) of the same configuration.
import { EmptyInputError, NonFiniteValueError, TooFewValuesError } from '../errors.js';

/** Copies values after checking there are at least `minimum` of them and that all are finite. */
export function readValues(operation: string, values: ArrayLike<number>, minimum: number): Float64Array {
  if (values.length === 0) throw new EmptyInputError(operation, 'values');
  if (values.length < minimum) throw new TooFewValuesError(operation, 'values', minimum, values.length);
  const copy = Float64Array.from(values);
  copy.forEach((value, i) => {
    if (!Number.isFinite(value)) throw new NonFiniteValueError(operation, 'values', i, value, `index ${i}`);
  });
  return copy;
}

/**
 * Arithmetic mean, summed in index order. Bootstrap replicates are summed in the same order, so a
 * resample that is a permutation of the data has exactly the data's mean (BCa counts such ties).
 */
export function meanOf(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Mean of at least one finite value. */
export function mean(values: ArrayLike<number>): number {
  return meanOf(readValues('mean', values, 1));
}

/**
 * Sample variance (denominator n - 1, numpy's ddof=1) of at least two checked values, from the values
 * shifted by the first one (Chan, Golub & LeVeque 1983): as accurate as the two-pass formula, and exactly
 * 0 for equal values, whose rounded mean may differ from them in the last bit.
 */
export function varianceOf(values: Float64Array): number {
  const shift = values[0] as number;
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v - shift;
    squares += (v - shift) ** 2;
  }
  return (squares - (sum * sum) / values.length) / (values.length - 1);
}

/** Sample standard deviation (denominator n - 1, numpy's ddof=1) of at least two finite values. */
export function sampleStd(values: ArrayLike<number>): number {
  return Math.sqrt(varianceOf(readValues('sampleStd', values, 2)));
}
