import { describe, expect, it } from 'vitest';
import { InvalidOptionError, Rng, seedState } from './index.js';
import { loadReference } from './test-support/reference-fixture.js';

describe('Rng (xoshiro128** seeded by SplitMix64)', () => {
  it('matches the reference xoshiro128starstar.c 1.1 output for state [1, 2, 3, 4]', () => {
    // The authors' C file compiled with gcc. The often-quoted 5760, 40320, 70819200, ... are version 1.0's,
    // which scrambled s[0] instead of s[1].
    const rng = Rng.fromState([1, 2, 3, 4]);
    const expected = [
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ];
    expect(Array.from({ length: expected.length }, () => rng.nextUint32())).toEqual(expected);
  });

  it('seeds from the SplitMix64 reference stream (seed 1234567 -> 6457827717110365317, 3203168211198807973)', () => {
    const words = (x: bigint) => [Number(x & 0xffffffffn), Number(x >> 32n)];
    expect(seedState(1234567)).toEqual([...words(6457827717110365317n), ...words(3203168211198807973n)]);
  });

  it('gives the same streams as the Python port in scripts/make-reference-fixtures.py', () => {
    for (const entry of loadReference().rng) {
      expect(seedState(entry.seed)).toEqual(entry.state);
      const a = Rng.fromSeed(entry.seed);
      expect(entry.uint32.map(() => a.nextUint32())).toEqual(entry.uint32);
      const b = Rng.fromSeed(entry.seed);
      expect(entry.floats.map(() => b.nextFloat())).toEqual(entry.floats);
      const c = Rng.fromSeed(entry.seed);
      for (const [bound, values] of Object.entries(entry.ints)) {
        expect(values.map(() => c.nextInt(Number(bound)))).toEqual(values);
      }
    }
  });

  it('resumes exactly from a saved state', () => {
    const rng = Rng.fromSeed(99);
    rng.nextUint32();
    const resumed = Rng.fromState(rng.state());
    expect(Array.from({ length: 5 }, () => resumed.nextFloat())).toEqual(
      Array.from({ length: 5 }, () => rng.nextFloat()),
    );
  });

  it('draws integers uniformly in [0, bound) and floats in [0, 1)', () => {
    const rng = Rng.fromSeed(5);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.nextInt(6)]! += 1;
    // Each count ~ Binomial(60000, 1/6): mean 10000, sd ~91; 5 sd is a loose, non-flaky bound.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(460);
    for (let i = 0; i < 1000; i++) {
      const x = rng.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
    }
    expect(rng.nextInt(1)).toBe(0);
  });

  it('rejects invalid seeds, states and bounds', () => {
    for (const seed of [-1, 1.5, 2 ** 53, NaN]) expect(() => Rng.fromSeed(seed)).toThrow(InvalidOptionError);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow('four unsigned 32-bit integers, not all zero');
    expect(() => Rng.fromState([1, 2, 3, 2 ** 32])).toThrow(InvalidOptionError);
    for (const bound of [0, 2.5, 2 ** 32 + 1])
      expect(() => Rng.fromSeed(1).nextInt(bound)).toThrow(InvalidOptionError);
  });
});
