// Intervals over seeds, Student's t and Holm against scipy and statsmodels (t.ppf, t.interval, ttest_rel,
// ttest_ind, multipletests), and the two-level intervals against a numpy transcription of their formula on
// Sun & Xu's midrank DeLong covariance (tests/fixtures/reference-metrics.json).
import { describe, expect, it } from 'vitest';
import {
  gainInterval,
  holmAdjust,
  seedMeanInterval,
  studentTCdf,
  studentTQuantile,
  twoLevelGainInterval,
  twoLevelInterval,
} from '../index.js';
import type { TwoLevelReference } from '../test-support/reference-fixture.js';
import { expectClose, expectRelative, loadReference } from '../test-support/reference-fixture.js';
import { logBeta, logGamma, regularizedIncompleteBeta } from './beta.js';

const reference = loadReference();

describe('Student t against scipy.stats.t', () => {
  it('quantiles to 1e-12 relative, integer and fractional df from 0.5 to 1e9', () => {
    for (const [p, df, expected] of reference.studentT.quantile) {
      expectRelative(studentTQuantile(p, df), expected, 1e-12, `t.ppf(${p}, ${df})`);
    }
  });

  it('CDF to 1e-12 relative, tails included', () => {
    for (const [t, df, expected] of reference.studentT.cdf) {
      expectRelative(studentTCdf(t, df), expected, 1e-12, `t.cdf(${t}, ${df})`);
    }
  });

  it('log Gamma, log Beta and the regularised incomplete beta against scipy.special', () => {
    for (const [z, expected] of reference.studentT.logGamma) {
      expectClose(logGamma(z), expected, 1e-14, `gammaln(${z})`);
    }
    for (const [a, b, expected] of reference.studentT.logBeta) {
      expectClose(logBeta(a, b), expected, 1e-14, `betaln(${a}, ${b})`);
    }
    for (const [x, a, b, expected] of reference.studentT.incompleteBeta) {
      expectRelative(regularizedIncompleteBeta(x, a, b), expected, 1e-13, `betainc(${a}, ${b}, ${x})`);
    }
  });
});

describe('intervals over seeds against scipy', () => {
  it.each(reference.seedMean)('seedMeanInterval $values at $confidence = t.interval', (c) => {
    const result = seedMeanInterval(c.values, { confidence: c.confidence });
    expect(result).toMatchObject({ outcome: 'interval', method: 'student-t', n: c.values.length });
    if (result.outcome !== 'interval') return;
    expect(result.df).toBe(c.expected.df);
    for (const key of ['estimate', 'lower', 'upper', 'standardError'] as const) {
      expectClose(result[key], c.expected[key], 1e-14, key);
    }
  });

  it.each(reference.gain)('gainInterval at $confidence = ttest_rel / ttest_ind(equal_var=False)', (c) => {
    const runs = (pairs: [number, number][]) => pairs.map(([seed, value]) => ({ seed, value }));
    const result = gainInterval(runs(c.pretrained), runs(c.scratch), { confidence: c.confidence });
    expect(result.outcome).toBe('interval');
    if (result.outcome !== 'interval') return;
    expect(result.method).toBe(c.expected.method);
    expectRelative(result.df, c.expected.df, 1e-13, 'df');
    for (const key of ['estimate', 'lower', 'upper'] as const) {
      expectClose(result[key], c.expected[key], 1e-14, key);
    }
  });
});

describe('two-level intervals against a numpy transcription on the midrank DeLong covariance', () => {
  const expectTwoLevel = (result: ReturnType<typeof twoLevelInterval>, expected: TwoLevelReference) => {
    expect(result.outcome).toBe('interval');
    if (result.outcome !== 'interval') return;
    expectRelative(result.df, expected.df, 1e-10, 'df');
    expectRelative(result.seedVariance, expected.seedVariance, 1e-12, 'seedVariance');
    expectRelative(result.testVariance, expected.testVariance, 1e-10, 'testVariance');
    for (const key of ['estimate', 'lower', 'upper'] as const) {
      expectClose(result[key], expected[key], 1e-12, key);
    }
  };

  it.each(reference.twoLevel)(
    '$metric, scratch seeds $seedsScratch, $confidence',
    ({ dataset, metric, seedsPretrained, seedsScratch, confidence, expected }) => {
      const { yTrue, pretrained, scratch } = reference.seedRuns[dataset]!;
      const scores = (run: number[]) => ({ values: run, numColumns: 1 });
      const single = twoLevelInterval(yTrue, pretrained.map(scores), 'binary-class', metric, { confidence });
      expect(single).toMatchObject({ method: 'two-level', n: 4, metric, testImages: yTrue.length });
      expectTwoLevel(single, expected.single);

      const arm = (runs: number[][], seeds: number[]) =>
        runs.map((run, i) => ({ seed: seeds[i]!, scores: scores(run) }));
      const gain = twoLevelGainInterval(
        yTrue,
        arm(pretrained, seedsPretrained),
        arm(scratch, seedsScratch),
        'binary-class',
        metric,
        { confidence },
      );
      expect(gain.method).toBe(expected.gain.method);
      expectTwoLevel(gain, expected.gain);
    },
  );
});

describe("Holm against statsmodels' multipletests(method='holm')", () => {
  it.each(reference.holm)('$pValues', ({ pValues, holm }) => {
    // The same products, running maximum and cap as statsmodels: equal to the last bit.
    expect(holmAdjust(pValues)).toEqual(holm);
  });
});
