// The one seeded pseudo-random generator of MedSweep's pure code (bootstrap resampling, search-space
// sampling, augmentation), so a seed reproduces the same stream on every machine and in every language.
//
// Algorithm: xoshiro128** 1.1 (Blackman & Vigna 2018, https://prng.di.unimi.it/xoshiro128starstar.c):
// 128-bit state, period 2^128 - 1, passes BigCrush, pure 32-bit integer math (fast in JavaScript).
// Chosen over mulberry32, whose 32-bit state repeats after 2^32 draws and cannot emit about a third of
// all 32-bit values. The state is seeded from a 64-bit SplitMix64 stream, as the authors recommend, so
// nearby seeds (0, 1, 2, ...) give unrelated streams. packages/core/scripts/make-reference-fixtures.py
// holds a Python port that produces the identical stream.
import { InvalidOptionError } from './errors.js';

/** The generator's four 32-bit state words; save it with a checkpoint, restore with `Rng.fromState`. */
export type RngState = readonly [number, number, number, number];

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const TWO_POW_32 = 2 ** 32;

/** Returns the SplitMix64 output for a state that has already been advanced by the golden gamma. */
function splitMix64Output(state: bigint): bigint {
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * The xoshiro128** state for a seed: the first two SplitMix64 outputs for that seed, each split into its
 * low then high 32-bit word. Two consecutive SplitMix64 outputs are never both zero, so the state is valid.
 */
export function seedState(seed: number): RngState {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidOptionError('seedState', 'seed', seed, 'an integer in [0, 2^53 - 1]');
  }
  const first = splitMix64Output((BigInt(seed) + GOLDEN_GAMMA) & MASK64);
  const second = splitMix64Output((BigInt(seed) + 2n * GOLDEN_GAMMA) & MASK64);
  return [
    Number(first & 0xffffffffn),
    Number(first >> 32n),
    Number(second & 0xffffffffn),
    Number(second >> 32n),
  ];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A deterministic random stream. Not for cryptography. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: RngState) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** A stream determined by an integer seed in [0, 2^53 - 1]. */
  static fromSeed(seed: number): Rng {
    return new Rng(seedState(seed));
  }

  /** Resumes a stream exactly where `state()` was taken. */
  static fromState(state: RngState): Rng {
    const valid = state.length === 4 && state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32);
    if (!valid || state.every((w) => w === 0)) {
      throw new InvalidOptionError(
        'Rng.fromState',
        'state',
        JSON.stringify(state),
        'four unsigned 32-bit integers, not all zero',
      );
    }
    return new Rng(state);
  }

  /** The current state as unsigned 32-bit words. */
  state(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A double uniform in [0, 1) with 53 random bits, from two draws (high 27 bits, then 26 bits). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /**
   * An integer uniform in [0, bound) for bound in [1, 2^32]. Unbiased: draws that fall in the last
   * incomplete multiple of `bound` are rejected (fewer than one in two draws, usually far fewer).
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
      throw new InvalidOptionError('Rng.nextInt', 'bound', bound, 'an integer in [1, 2^32]');
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % bound;
    }
  }
}
