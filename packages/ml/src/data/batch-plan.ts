import { rngFor, shuffledIndices } from './seed-streams.js';

/**
 * The sample order of one training epoch: a permutation drawn from (seed, epoch) alone, so epoch 3
 * is shuffled the same whether the run got there directly or resumed from a checkpoint.
 */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  return shuffledIndices(count, rngFor(seed, 'shuffle', epoch));
}

/** 0..count-1 in order: evaluation batches. */
export function sequentialOrder(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/** Consecutive slices of `order` of at most batchSize samples; the last may be smaller (kept, as in Keras). */
export function batchesOf(order: Int32Array, batchSize: number): Int32Array[] {
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(order.subarray(start, Math.min(start + batchSize, order.length)));
  }
  return batches;
}
