import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCi,
  bootstrapMeanDifferenceCi,
  DegenerateStatisticError,
  delongTest,
  EmptyInputError,
  InvalidOptionError,
  mcnemarFromCounts,
  mcnemarTest,
  mean,
  NonFiniteValueError,
  pairedBootstrapAucDifference,
  sampleStd,
  ScoreShapeError,
  SingleClassError,
  TooFewValuesError,
  UnsupportedTaskError,
} from '../index.js';

describe('summaries across seeds', () => {
  it('mean and sample standard deviation (n - 1)', () => {
    expect(mean([0.9, 0.92, 0.94])).toBeCloseTo(0.92, 15);
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 15);
  });

  it('refuses what it cannot summarise', () => {
    expect(() => mean([])).toThrow(EmptyInputError);
    expect(() => sampleStd([0.9])).toThrow('sampleStd: needs at least 2 values, received 1');
    expect(() => mean([0.9, NaN])).toThrow(NonFiniteValueError);
    expect(() => bootstrapMeanCi([0.9])).toThrow(TooFewValuesError);
  });
});

describe('bootstrapMeanCi', () => {
  const values = [0.861, 0.874, 0.855, 0.869, 0.902];

  it('is reproducible from its seed, and another seed gives another interval', () => {
    const a = bootstrapMeanCi(values, { seed: 3 });
    expect(bootstrapMeanCi(values, { seed: 3 })).toEqual(a);
    expect(bootstrapMeanCi(values, { seed: 4 })).not.toEqual(a);
    expect(a).toMatchObject({ confidence: 0.95, method: 'percentile', resamples: 10_000, seed: 3 });
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
  });

  it('collapses to the value when every seed scored the same', () => {
    expect(bootstrapMeanCi([0.9, 0.9, 0.9], { method: 'bca' })).toMatchObject({
      estimate: 0.9,
      lower: 0.9,
      upper: 0.9,
    });
  });

  it('rejects bad options', () => {
    for (const options of [
      { confidence: 1 },
      { confidence: 0 },
      { resamples: 1 },
      { seed: -2 },
      { method: 'basic' as 'bca' },
    ]) {
      expect(() => bootstrapMeanCi(values, options)).toThrow(InvalidOptionError);
    }
  });

  it('says when BCa is undefined because every replicate lies on one side', () => {
    // Two resamples of [0, 1, 100]: with so few, all may land above or below the mean.
    const error = (() => {
      for (let seed = 0; seed < 50; seed++) {
        try {
          bootstrapMeanCi([0, 1, 100], { seed, resamples: 2, method: 'bca' });
        } catch (e) {
          return e;
        }
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DegenerateStatisticError);
  });
});

describe('mcnemar', () => {
  it('exact by default; no discordant pairs means no evidence', () => {
    expect(mcnemarFromCounts(0, 0)).toEqual({
      onlyACorrect: 0,
      onlyBCorrect: 0,
      statistic: 0,
      pValue: 1,
      method: 'exact',
    });
    expect(mcnemarFromCounts(0, 0, 'chi-square').pValue).toBe(1);
    expect(mcnemarFromCounts(2, 10).pValue).toBeCloseTo(0.03857421875, 15);
    expect(() => mcnemarFromCounts(-1, 2)).toThrow(InvalidOptionError);
    expect(() => mcnemarFromCounts(1.5, 2)).toThrow(InvalidOptionError);
  });

  it('counts images each model alone gets right', () => {
    const yTrue = [0, 1, 2, 1];
    const a = [
      [0.8, 0.1, 0.1],
      [0.1, 0.8, 0.1],
      [0.6, 0.2, 0.2],
      [0.1, 0.7, 0.2],
    ];
    const b = [
      [0.2, 0.7, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.2, 0.7],
      [0.1, 0.7, 0.2],
    ];
    expect(mcnemarTest(yTrue, a, b, 'multi-class')).toMatchObject({
      onlyACorrect: 1,
      onlyBCorrect: 1,
      pValue: 1,
    });
    expect(() => mcnemarTest(yTrue, a, b, 'multi-label, binary-class')).toThrow(UnsupportedTaskError);
    expect(() =>
      mcnemarTest(
        [0, 1, 1, 0],
        a,
        [
          [0.5, 0.5],
          [0.5, 0.5],
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        'multi-class',
      ),
    ).toThrow(
      'mcnemarTest: yScoreB has 2 columns but yScoreA has 3; accepted: the same columns for both models',
    );
  });
});

describe('delongTest', () => {
  const yTrue = [0, 0, 1, 1, 0, 1];
  const scores = { values: [0.1, 0.4, 0.35, 0.8, 0.5, 0.5], numColumns: 1 };

  it('identical rankings: no difference, p = 1', () => {
    const monotone = { values: scores.values.map((s) => s * 10 + 1), numColumns: 1 };
    expect(delongTest(yTrue, scores, monotone, 'binary-class')).toMatchObject({
      difference: 0,
      variance: 0,
      z: 0,
      pValue: 1,
    });
  });

  it('zero variance with different AUCs is degenerate, not p = 0', () => {
    const perfect = { values: [0, 0, 1, 1, 0, 1], numColumns: 1 };
    const constant = { values: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], numColumns: 1 };
    expect(() => delongTest(yTrue, perfect, constant, 'binary-class')).toThrow(DegenerateStatisticError);
  });

  it('needs two of each class and a binary task', () => {
    expect(() =>
      delongTest(
        [0, 1, 1],
        { values: [0.1, 0.2, 0.3], numColumns: 1 },
        { values: [0.3, 0.2, 0.1], numColumns: 1 },
        'binary-class',
      ),
    ).toThrow('delongTest: needs at least 2 negative samples, received 1');
    expect(() =>
      delongTest(
        [1, 1],
        { values: [0.1, 0.2], numColumns: 1 },
        { values: [0.3, 0.2], numColumns: 1 },
        'binary-class',
      ),
    ).toThrow(SingleClassError);
    expect(() =>
      delongTest(
        [0, 1],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        [
          [0.5, 0.5],
          [0.5, 0.5],
        ],
        'multi-class',
      ),
    ).toThrow(UnsupportedTaskError);
    expect(() =>
      delongTest(
        yTrue,
        scores,
        { values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], numColumns: 1 },
        'binary-class',
      ),
    ).toThrow(
      'delongTest: yTrue has length 6 but 7 was expected (one label per score row; yScoreB has 7 rows)',
    );
    const twoColumns = { values: scores.values.flatMap((p) => [1 - p, p]), numColumns: 2 };
    expect(() => delongTest(yTrue, scores, twoColumns, 'binary-class')).toThrow(ScoreShapeError);
  });
});

describe('pairedBootstrapAucDifference', () => {
  const yTrue = [0, 0, 1, 1, 0, 1, 2, 2];
  const a = [
    [0.7, 0.2, 0.1],
    [0.6, 0.3, 0.1],
    [0.2, 0.7, 0.1],
    [0.3, 0.4, 0.3],
    [0.5, 0.4, 0.1],
    [0.1, 0.8, 0.1],
    [0.1, 0.2, 0.7],
    [0.2, 0.2, 0.6],
  ];

  it('a model against itself: difference 0, interval [0, 0], p = 1', () => {
    expect(pairedBootstrapAucDifference(yTrue, a, a, 'multi-class', { resamples: 50 })).toMatchObject({
      difference: 0,
      lower: 0,
      upper: 0,
      standardError: 0,
      pValue: 1,
      resamples: 50,
      seed: 0,
    });
  });

  it('refuses multi-label and classes absent from the test set', () => {
    expect(() =>
      pairedBootstrapAucDifference(
        [0, 1, 1, 0],
        [
          [0.1, 0.9],
          [0.5, 0.5],
        ],
        [
          [0.1, 0.9],
          [0.5, 0.5],
        ],
        'multi-label, binary-class',
      ),
    ).toThrow(UnsupportedTaskError);
    expect(() =>
      pairedBootstrapAucDifference([0, 0, 1], a.slice(0, 3), a.slice(0, 3), 'multi-class'),
    ).toThrow(SingleClassError);
  });
});

describe('bootstrapMeanDifferenceCi', () => {
  const pretrained = [0.912, 0.931, 0.925];
  const scratch = [0.874, 0.861, 0.889];

  it('estimates mean(a) - mean(b), reproducibly from its seed', () => {
    const result = bootstrapMeanDifferenceCi(pretrained, scratch, { seed: 5 });
    expect(result.estimate).toBeCloseTo(mean(pretrained) - mean(scratch), 15);
    expect(result.lower).toBeLessThan(result.estimate);
    expect(result.upper).toBeGreaterThan(result.estimate);
    expect(bootstrapMeanDifferenceCi(pretrained, scratch, { seed: 5 })).toEqual(result);
    expect(bootstrapMeanDifferenceCi(pretrained, scratch, { seed: 6 })).not.toEqual(result);
  });

  it('changes sign with the order of its samples, and collapses to the estimate for constant samples', () => {
    const swapped = bootstrapMeanDifferenceCi(scratch, pretrained, { seed: 5 });
    expect(swapped.estimate).toBeCloseTo(-(mean(pretrained) - mean(scratch)), 15);
    expect(swapped.upper).toBeLessThan(0);
    const constant = bootstrapMeanDifferenceCi([0.9, 0.9], [0.8, 0.8, 0.8]);
    expect(constant.estimate).toBeCloseTo(0.1, 15);
    expect([constant.lower, constant.upper]).toEqual([constant.estimate, constant.estimate]);
  });

  it('needs two finite values in each sample and valid options', () => {
    expect(() => bootstrapMeanDifferenceCi([0.9], scratch)).toThrow(
      'bootstrapMeanDifferenceCi (a): needs at least 2 values, received 1',
    );
    expect(() => bootstrapMeanDifferenceCi(pretrained, [0.8, NaN])).toThrow(NonFiniteValueError);
    expect(() => bootstrapMeanDifferenceCi(pretrained, scratch, { confidence: 1 })).toThrow(
      InvalidOptionError,
    );
  });
});
