import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  delongTest,
  EmptyInputError,
  gainInterval,
  holmAdjust,
  holmFamily,
  InvalidOptionError,
  LengthMismatchError,
  MINIMUM_SEEDS,
  normalQuantile,
  pairedBootstrapAucDifference,
  PValueOutOfRangeError,
  seedMeanInterval,
  studentTCdf,
  studentTQuantile,
  twoLevelGainInterval,
  twoLevelInterval,
} from '../index.js';
import type { IntervalResult, ScoreMatrix, SeedScores } from '../index.js';
import { loadReference, scoresOf } from '../test-support/reference-fixture.js';

const reference = loadReference();

/** The interval of a result that must have one. */
function interval<T extends IntervalResult>(result: T): Extract<T, { outcome: 'interval' }> {
  if (result.outcome !== 'interval') throw new Error(`expected an interval, got: ${result.reason}`);
  return result as Extract<T, { outcome: 'interval' }>;
}

describe('Student t', () => {
  it('is symmetric, has closed forms at 1 and 2 df, and is the normal at infinite df', () => {
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0.025, 7.5)).toBeCloseTo(-studentTQuantile(0.975, 7.5), 14);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 12);
    expect(studentTQuantile(0.9, 2)).toBeCloseTo(0.8 / Math.sqrt(2 * 0.9 * 0.1), 12);
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652729749462, 12);
  });

  it('CDF and quantile invert each other, fractional df included', () => {
    for (const df of [0.7, 2.5, 13.1, 400, 5e4]) {
      for (const p of [1e-6, 0.025, 0.3, 0.9])
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 13);
    }
  });

  it('infinite at 0 and 1, NaN outside its domain', () => {
    expect(studentTQuantile(0, 4)).toBe(-Infinity);
    expect(studentTQuantile(1, 4)).toBe(Infinity);
    for (const [p, df] of [
      [NaN, 3],
      [1.1, 3],
      [0.5, 0],
      [0.5, -1],
    ] as const) {
      expect(studentTQuantile(p, df)).toBeNaN();
    }
    expect(studentTCdf(1, 0)).toBeNaN();
  });
});

describe('seedMeanInterval', () => {
  it('is Student t over the seeds, carrying method, n, df and confidence', () => {
    const result = interval(seedMeanInterval([0.9, 0.92, 0.94]));
    const standardError = 0.02 / Math.sqrt(3);
    expect(result).toMatchObject({ outcome: 'interval', method: 'student-t', n: 3, df: 2, confidence: 0.95 });
    expect(result.estimate).toBeCloseTo(0.92, 15);
    expect(result.standardError).toBeCloseTo(standardError, 15);
    expect(result.lower).toBeCloseTo(0.92 - 4.302652729749462 * standardError, 12);
    expect(result.upper).toBeCloseTo(0.92 + 4.302652729749462 * standardError, 12);
    const wider = interval(seedMeanInterval([0.9, 0.92, 0.94], { confidence: 0.99 }));
    expect(wider.upper - wider.lower).toBeGreaterThan(result.upper - result.lower);
  });

  it('refuses below three seeds, keeping the estimate and saying why', () => {
    expect(MINIMUM_SEEDS).toBe(3);
    expect(seedMeanInterval([0.9, 0.92])).toEqual({
      outcome: 'refused',
      method: 'student-t',
      estimate: 0.91,
      confidence: 0.95,
      n: 2,
      reason: 'n too small: 2 seeds; at least 3 are needed for an interval',
    });
    expect(seedMeanInterval([0.9])).toMatchObject({
      outcome: 'refused',
      reason: 'n too small: 1 seed; at least 3 are needed for an interval',
    });
  });

  it('collapses to the value when every seed scored the same', () => {
    const result = interval(seedMeanInterval([0.8, 0.8, 0.8]));
    expect(result).toMatchObject({ standardError: 0, df: 2, lower: result.estimate, upper: result.estimate });
    expect(result.estimate).toBeCloseTo(0.8, 15);
  });

  it('names what is wrong with its input', () => {
    expect(() => seedMeanInterval([])).toThrow(EmptyInputError);
    expect(() => seedMeanInterval([0.9, NaN, 0.8])).toThrow(
      'seedMeanInterval: values at index 1 is NaN; only finite numbers are accepted',
    );
    expect(() => seedMeanInterval([0.9, 0.8, 0.7], { confidence: 1 })).toThrow(
      'seedMeanInterval: option confidence is 1; expected a number in (0, 1), e.g. 0.95',
    );
  });
});

describe('gainInterval', () => {
  const pretrained = [
    { seed: 0, value: 0.912 },
    { seed: 1, value: 0.931 },
    { seed: 2, value: 0.925 },
  ];
  const scratch = [
    { seed: 2, value: 0.889 },
    { seed: 0, value: 0.874 },
    { seed: 1, value: 0.861 },
  ];

  it('pairs by seed, in any order, as Student t on the per-seed differences', () => {
    const result = interval(gainInterval(pretrained, scratch));
    const differences = interval(seedMeanInterval([0.912 - 0.874, 0.931 - 0.861, 0.925 - 0.889]));
    expect(result).toMatchObject({ method: 'paired-t', n: 3, df: 2, pretrainedSeeds: 3, scratchSeeds: 3 });
    expect(result.lower).toBeCloseTo(differences.lower, 15);
    expect(result.upper).toBeCloseTo(differences.upper, 15);
    expect(result.pretrainedMean - result.scratchMean).toBeCloseTo(result.estimate, 15);
  });

  it('falls back to Welch when the seeds differ or repeat, and says so', () => {
    const other = scratch.map((run) => ({ ...run, seed: run.seed + 10 }));
    expect(gainInterval(pretrained, other)).toMatchObject({ outcome: 'interval', method: 'welch-t', n: 3 });
    const repeated = [...scratch.slice(0, 2), { seed: 0, value: 0.87 }];
    expect(gainInterval(pretrained, repeated).method).toBe('welch-t');
    const welch = interval(gainInterval(pretrained, [...other, { seed: 13, value: 0.85 }]));
    expect(welch).toMatchObject({ n: 3, scratchSeeds: 4 });
    expect(welch.df).toBeGreaterThan(2);
  });

  it('is pretrained minus scratch: swapping the arms negates it', () => {
    const forward = interval(gainInterval(pretrained, scratch));
    const backward = interval(gainInterval(scratch, pretrained));
    expect(backward.estimate).toBeCloseTo(-forward.estimate, 15);
    expect(backward.lower).toBeCloseTo(-forward.upper, 15);
  });

  it('refuses below three pairs, or three seeds in either arm, naming the short arm', () => {
    expect(gainInterval(pretrained.slice(0, 2), scratch.slice(1))).toMatchObject({
      outcome: 'refused',
      method: 'paired-t',
      n: 2,
      reason: 'n too small: 2 paired seeds; at least 3 are needed for an interval',
    });
    const refused = gainInterval(pretrained, [{ seed: 7, value: 0.8 }]);
    expect(refused).toMatchObject({
      outcome: 'refused',
      method: 'welch-t',
      n: 1,
      reason: 'n too small: 1 scratch seed; at least 3 are needed for an interval',
      scratchMean: 0.8,
    });
    expect(refused.estimate).toBeCloseTo(0.9226666666666666 - 0.8, 15);
  });

  it('names the arm with a bad value', () => {
    expect(() => gainInterval(pretrained, [{ seed: 0, value: Infinity }])).toThrow(
      'gainInterval (scratch): values at index 0 is Infinity',
    );
    expect(() => gainInterval([], scratch)).toThrow(EmptyInputError);
  });
});

describe('twoLevelInterval', () => {
  const { yTrue, pretrained } = reference.seedRuns['breast-like-156']!;
  const asScores = (run: number[]): ScoreMatrix => ({ values: run, numColumns: 1 });
  const runs = pretrained.map(asScores);

  it('estimates the mean of the per-run metric, with a larger standard error than the seeds alone', () => {
    for (const metric of ['auc', 'acc'] as const) {
      const result = interval(twoLevelInterval(yTrue, runs, 'binary-class', metric));
      const perRun = runs.map((r) => (metric === 'auc' ? auc : accuracy)(yTrue, r, 'binary-class'));
      const seedsOnly = interval(seedMeanInterval(perRun));
      expect(result).toMatchObject({ method: 'two-level', n: 4, metric, testImages: 156, confidence: 0.95 });
      expect(result.estimate).toBeCloseTo(seedsOnly.estimate, 14);
      expect(result.seedVariance).toBeCloseTo(seedsOnly.standardError ** 2, 15);
      expect(result.testVariance).toBeGreaterThan(0);
      expect(result.standardError ** 2).toBeCloseTo(result.seedVariance + result.testVariance, 15);
      expect(result.standardError).toBeGreaterThan(seedsOnly.standardError);
    }
  });

  it('lies on the logit scale: inside (0, 1), longer on the side away from the ceiling', () => {
    const result = interval(twoLevelInterval(yTrue, runs, 'binary-class', 'auc'));
    expect(result.estimate).toBeGreaterThan(0.5);
    expect(result.estimate - result.lower).toBeGreaterThan(result.upper - result.estimate);
    expect(result.upper).toBeLessThan(1);
  });

  it('refuses below three seeds with the mean, and collapses for perfect runs', () => {
    expect(twoLevelInterval(yTrue, runs.slice(0, 2), 'binary-class', 'auc')).toMatchObject({
      outcome: 'refused',
      method: 'two-level',
      n: 2,
      metric: 'auc',
      testImages: 156,
      reason: 'n too small: 2 seeds; at least 3 are needed for an interval',
    });
    const perfect = asScores(yTrue.map((y) => y));
    expect(twoLevelInterval(yTrue, [perfect, perfect, perfect], 'binary-class', 'auc')).toMatchObject({
      estimate: 1,
      lower: 1,
      upper: 1,
      seedVariance: 0,
    });
  });

  it('gives every run the same test part when the runs are identical', () => {
    const same = [runs[0]!, runs[0]!, runs[0]!];
    const three = interval(twoLevelInterval(yTrue, same, 'binary-class', 'auc'));
    const five = interval(twoLevelInterval(yTrue, [...same, runs[0]!, runs[0]!], 'binary-class', 'auc'));
    expect(three.seedVariance).toBe(0);
    expect(five.testVariance).toBeCloseTo(three.testVariance, 15);
  });

  it('supports multi-class AUC and multi-label accuracy; refuses multi-label AUC', () => {
    const multiClass = reference.datasets['multi-class-3']!;
    const mc = [scoresOf(multiClass, 'A'), scoresOf(multiClass, 'B'), scoresOf(multiClass, 'A')];
    expect(twoLevelInterval(multiClass.yTrue, mc, 'multi-class', 'auc').outcome).toBe('interval');
    const multiLabel = reference.datasets['multi-label-4']!;
    const ml = [scoresOf(multiLabel), scoresOf(multiLabel), scoresOf(multiLabel)];
    const acc = interval(twoLevelInterval(multiLabel.yTrue, ml, 'multi-label, binary-class', 'acc'));
    expect(acc.estimate).toBeCloseTo(accuracy(multiLabel.yTrue, ml[0]!, 'multi-label, binary-class'), 14);
    expect(() => twoLevelInterval(multiLabel.yTrue, ml, 'multi-label, binary-class', 'auc')).toThrow(
      "twoLevelInterval is not defined for task 'multi-label, binary-class'; accepted: 'binary-class', 'multi-class', 'ordinal-regression'; use metric 'acc', or one binary-class interval per label",
    );
  });

  it('names what is wrong with its input', () => {
    expect(() => twoLevelInterval(yTrue, [], 'binary-class', 'auc')).toThrow(
      'twoLevelInterval: runs is empty; at least one sample is required',
    );
    expect(() => twoLevelInterval(yTrue, runs, 'binary-class', 'f1' as 'auc')).toThrow(
      "twoLevelInterval: option metric is f1; expected 'auc' or 'acc'",
    );
    expect(() => twoLevelInterval(yTrue, runs, 'binary-class', 'auc', { threshold: 0.3 })).toThrow(
      "twoLevelInterval: option threshold is 0.3; expected no threshold for metric 'auc', which ranks scores",
    );
    const twoColumns = { values: pretrained[1]!.flatMap((p) => [1 - p, p]), numColumns: 2 };
    expect(() => twoLevelInterval(yTrue, [runs[0]!, twoColumns], 'binary-class', 'auc')).toThrow(
      'twoLevelInterval: runs[1] has 2 columns but runs[0] has 1; accepted: the same columns for every run',
    );
    expect(() => twoLevelInterval(yTrue.slice(1), runs, 'binary-class', 'acc')).toThrow(LengthMismatchError);
    expect(() => twoLevelInterval(yTrue, runs, 'binary-class', 'auc', { confidence: 0 })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('twoLevelGainInterval', () => {
  const { yTrue, pretrained, scratch } = reference.seedRuns['breast-like-156']!;
  const arm = (runs: number[][], seeds: number[]): SeedScores[] =>
    runs.map((run, i) => ({ seed: seeds[i]!, scores: { values: run, numColumns: 1 } }));

  it('pairs by seed when the seeds match, Welch otherwise; both say which', () => {
    const paired = twoLevelGainInterval(
      yTrue,
      arm(pretrained, [0, 1, 2, 3]),
      arm(scratch, [3, 2, 1, 0]),
      'binary-class',
      'auc',
    );
    expect(paired).toMatchObject({ outcome: 'interval', method: 'two-level-paired', n: 4 });
    const welch = twoLevelGainInterval(
      yTrue,
      arm(pretrained, [0, 1, 2, 3]),
      arm(scratch.slice(0, 3), [7, 8, 9]),
      'binary-class',
      'acc',
    );
    expect(welch).toMatchObject({ outcome: 'interval', method: 'two-level-welch', n: 3, scratchSeeds: 3 });
  });

  it('with every pair identical, its test part is the DeLong variance of the AUC difference', () => {
    const dataset = reference.datasets['binary-500']!;
    const [a, b] = [scoresOf(dataset, 'A'), scoresOf(dataset, 'B')];
    const seeds = [0, 1, 2];
    const result = interval(
      twoLevelGainInterval(
        dataset.yTrue,
        seeds.map((seed) => ({ seed, scores: a })),
        seeds.map((seed) => ({ seed, scores: b })),
        'binary-class',
        'auc',
      ),
    );
    const delong = delongTest(dataset.yTrue, a, b, 'binary-class');
    expect(result.seedVariance).toBe(0);
    expect(result.estimate).toBeCloseTo(delong.difference, 14);
    expect(Math.abs(result.testVariance / delong.variance - 1)).toBeLessThan(1e-12);
  });

  it('with every pair identical, multi-class AUC agrees with the stratified paired bootstrap', () => {
    const dataset = reference.datasets['multi-class-3']!;
    const [a, b] = [scoresOf(dataset, 'A'), scoresOf(dataset, 'B')];
    const seeds = [0, 1, 2];
    const result = interval(
      twoLevelGainInterval(
        dataset.yTrue,
        seeds.map((seed) => ({ seed, scores: a })),
        seeds.map((seed) => ({ seed, scores: b })),
        'multi-class',
        'auc',
      ),
    );
    const bootstrap = pairedBootstrapAucDifference(dataset.yTrue, a, b, 'multi-class', {
      resamples: 2000,
      seed: 1,
    });
    expect(result.estimate).toBeCloseTo(bootstrap.difference, 14);
    // 2000 resamples estimate a variance to about +-3%.
    expect(bootstrap.standardError ** 2 / result.testVariance).toBeGreaterThan(0.85);
    expect(bootstrap.standardError ** 2 / result.testVariance).toBeLessThan(1.15);
  });

  it('is pretrained minus scratch: swapping the arms negates it', () => {
    for (const seedsB of [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]) {
      const forward = interval(
        twoLevelGainInterval(
          yTrue,
          arm(pretrained, [0, 1, 2, 3]),
          arm(scratch, seedsB),
          'binary-class',
          'auc',
        ),
      );
      const backward = interval(
        twoLevelGainInterval(
          yTrue,
          arm(scratch, seedsB),
          arm(pretrained, [0, 1, 2, 3]),
          'binary-class',
          'auc',
        ),
      );
      expect(backward.estimate).toBeCloseTo(-forward.estimate, 15);
      expect(backward.upper).toBeCloseTo(-forward.lower, 14);
      expect(backward.testVariance).toBeCloseTo(forward.testVariance, 15);
    }
  });

  it('refuses below three pairs or seeds per arm, and names a bad run', () => {
    expect(
      twoLevelGainInterval(
        yTrue,
        arm(pretrained.slice(0, 2), [0, 1]),
        arm(scratch.slice(0, 2), [1, 0]),
        'binary-class',
        'auc',
      ),
    ).toMatchObject({
      outcome: 'refused',
      method: 'two-level-paired',
      reason: 'n too small: 2 paired seeds; at least 3 are needed for an interval',
    });
    expect(
      twoLevelGainInterval(
        yTrue,
        arm(pretrained.slice(0, 2), [0, 1]),
        arm(scratch, [5, 6, 7, 8]),
        'binary-class',
        'acc',
      ),
    ).toMatchObject({ reason: 'n too small: 2 pretrained seeds; at least 3 are needed for an interval' });
    const broken = arm(scratch, [0, 1, 2, 3]);
    broken[2] = { seed: 2, scores: { values: [...scratch[2]!.slice(1), NaN], numColumns: 1 } };
    expect(() =>
      twoLevelGainInterval(yTrue, arm(pretrained, [0, 1, 2, 3]), broken, 'binary-class', 'auc'),
    ).toThrow(
      'twoLevelGainInterval: scratch[2] at row 155, column 0 is NaN; only finite numbers are accepted',
    );
    expect(() => twoLevelGainInterval(yTrue, arm(pretrained, [0, 1, 2]), [], 'binary-class', 'auc')).toThrow(
      'twoLevelGainInterval: scratch is empty',
    );
    expect(() =>
      twoLevelGainInterval(
        yTrue,
        arm(pretrained, [0, 1, 2]),
        arm(scratch, [0, 1, 2]),
        'binary-class',
        'acc',
        { threshold: NaN },
      ),
    ).toThrow(InvalidOptionError);
  });
});

describe('Holm', () => {
  it('multiplies the k-th smallest by m - k + 1, keeps the order, caps at 1, returns input order', () => {
    const expectAdjusted = (raw: number[], expected: number[]) =>
      holmAdjust(raw).forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 15));
    expectAdjusted([0.01, 0.04, 0.03, 0.005], [0.03, 0.06, 0.06, 0.02]);
    expectAdjusted([0.02, 0.02, 0.9], [0.06, 0.06, 0.9]);
    expect(holmAdjust([0.6, 0.4])).toEqual([0.8, 0.8]);
    expect(holmAdjust([0.3])).toEqual([0.3]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('returns a family with raw and adjusted side by side and its method', () => {
    expect(holmFamily([0.01, 0.04])).toEqual({
      method: 'holm',
      size: 2,
      pValues: [
        { raw: 0.01, holm: 0.02 },
        { raw: 0.04, holm: 0.04 },
      ],
    });
  });

  it('refuses what is not a p-value, naming where', () => {
    for (const bad of [NaN, -0.1, 1.5, Infinity]) {
      expect(() => holmAdjust([0.2, bad])).toThrow(PValueOutOfRangeError);
    }
    expect(() => holmFamily([0.2, NaN])).toThrow(
      'holmAdjust: pValues[1] is NaN; accepted: a p-value in [0, 1]',
    );
  });
});
