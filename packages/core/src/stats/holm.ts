// Multiplicity: a leaderboard that tests every configuration against the leader makes a family of
// comparisons, and at 5% each, one of twenty true nulls will look significant. Holm's step-down
// (Holm 1979) controls the family-wise error rate under any dependence between the tests, is uniformly
// more powerful than Bonferroni, and needs nothing but the p-values: sorted ascending, the k-th smallest
// (1-based) is multiplied by m - k + 1, a running maximum keeps the order, and 1 caps it. The arithmetic
// is statsmodels' multipletests(method='holm'), so the adjusted values agree exactly.
import { PValueOutOfRangeError } from '../errors.js';

/** A comparison's p-value before and after the family's Holm adjustment. */
export interface AdjustedPValue {
  readonly raw: number;
  readonly holm: number;
}

/** A family of comparisons adjusted together: what an API or export prints beside each raw p-value. */
export interface PValueFamily {
  /** Holm–Bonferroni step-down (statsmodels' `holm`). */
  readonly method: 'holm';
  /** Number of comparisons the adjustment accounts for. */
  readonly size: number;
  /** In the order the raw p-values were given. */
  readonly pValues: readonly AdjustedPValue[];
}

/**
 * Holm-adjusted p-values, in input order: monotone in the raw p-values and at most 1. An empty family
 * gives an empty array. Throws PValueOutOfRangeError for NaN or a value outside [0, 1].
 */
export function holmAdjust(pValues: ArrayLike<number>): number[] {
  const operation = 'holmAdjust';
  const m = pValues.length;
  const raw = Array.from(pValues);
  raw.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new PValueOutOfRangeError(operation, i, p);
  });
  // Stable, so tied p-values keep their input order (their adjusted values are equal either way).
  const order = raw.map((_, i) => i).sort((i, j) => (raw[i] as number) - (raw[j] as number));
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach((index, k) => {
    runningMax = Math.max(runningMax, (m - k) * (raw[index] as number));
    adjusted[index] = Math.min(1, runningMax);
  });
  return adjusted;
}

/** Holm adjustment of a family of raw p-values, each returned beside its adjusted value. */
export function holmFamily(pValues: ArrayLike<number>): PValueFamily {
  const holm = holmAdjust(pValues);
  return {
    method: 'holm',
    size: holm.length,
    pValues: holm.map((adjusted, i) => ({ raw: pValues[i] as number, holm: adjusted })),
  };
}
