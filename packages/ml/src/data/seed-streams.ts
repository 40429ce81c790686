import { createHash } from 'node:crypto';
import { Rng } from '@medsweep/core';

/**
 * The independent random streams of a run. Each draw is a pure function of (seed, stream, counters),
 * e.g. the augmentation of sample 17 in epoch 3 uses ('augment', 3, 17): there is no generator state
 * that advances, so a resumed run, or a batch rebuilt in any order, sees exactly the same numbers.
 */
export type SeedStream = 'shuffle' | 'augment' | 'dropout' | 'init' | 'corruption';

/**
 * A seed for Rng.fromSeed determined by the run seed, a stream and counters: the top 53 bits of the
 * sha256 of the tuple, so distinct tuples give unrelated streams.
 */
export function deriveSeed(seed: number, stream: SeedStream, ...counters: number[]): number {
  const digest = createHash('sha256')
    .update(`${seed}/${stream}/${counters.join('/')}`)
    .digest();
  return Number(digest.readBigUInt64BE(0) >> 11n);
}

export function rngFor(seed: number, stream: SeedStream, ...counters: number[]): Rng {
  return Rng.fromSeed(deriveSeed(seed, stream, ...counters));
}

/** 0..count-1 in an order drawn from rng (Fisher-Yates). */
export function shuffledIndices(count: number, rng: Rng): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order;
}
