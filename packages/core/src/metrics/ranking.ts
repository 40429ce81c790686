// AUC as the Mann-Whitney statistic over sorted scores: O(n log n) with the native typed-array sort, and
// exact tie handling. A positive tied with a negative counts one half, which is what sklearn's
// roc_auc_score gets from the trapezoid under its ROC curve. The sum is kept as an integer count of
// half-pairs, so the only rounding is the final division.

/** Ascending copy of scores (Float64Array's sort is numeric, unlike Array's default). */
export function sortedAscending(scores: ArrayLike<number>): Float64Array {
  return Float64Array.from(scores).sort();
}

/**
 * Area under the ROC curve of positives vs negatives, both sorted ascending. With weights (one per sorted
 * entry, e.g. bootstrap multiplicities) each sample counts that many times; without, once.
 */
export function rankAuc(
  positives: Float64Array,
  negatives: Float64Array,
  positiveWeights?: ArrayLike<number>,
  negativeWeights?: ArrayLike<number>,
): number {
  const numPositives = positives.length;
  const numNegatives = negatives.length;
  let j = 0;
  let negativesBelow = 0;
  let totalPositive = 0;
  let doubledPairs = 0;
  let i = 0;
  while (i < numPositives) {
    const value = positives[i] as number;
    while (j < numNegatives && (negatives[j] as number) < value) {
      negativesBelow += negativeWeights ? (negativeWeights[j] as number) : 1;
      j++;
    }
    let negativesTied = 0;
    for (let t = j; t < numNegatives && negatives[t] === value; t++) {
      negativesTied += negativeWeights ? (negativeWeights[t] as number) : 1;
    }
    let positivesHere = 0;
    for (; i < numPositives && positives[i] === value; i++) {
      positivesHere += positiveWeights ? (positiveWeights[i] as number) : 1;
    }
    totalPositive += positivesHere;
    doubledPairs += positivesHere * (2 * negativesBelow + negativesTied);
  }
  let totalNegative = 0;
  if (negativeWeights) for (let t = 0; t < numNegatives; t++) totalNegative += negativeWeights[t] as number;
  else totalNegative = numNegatives;
  return doubledPairs / (2 * totalPositive * totalNegative);
}

/** Index of the first entry of an ascending array that is >= value (count of entries < value). */
export function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry of an ascending array that is > value (count of entries <= value). */
export function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
