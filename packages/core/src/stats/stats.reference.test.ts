// Statistics against scipy / statsmodels (and, for DeLong, a numpy port of Sun & Xu's fast DeLong) on the
// stored inputs of tests/fixtures/reference-metrics.json.
import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCi,
  bootstrapMeanDifferenceCi,
  chiSquare1Survival,
  delongTest,
  erfc,
  mcnemarFromCounts,
  mcnemarTest,
  mean,
  normalCdf,
  normalQuantile,
  pairedBootstrapAucDifference,
  sampleStd,
} from '../index.js';
import { expectClose, expectRelative, loadReference, scoresOf } from '../test-support/reference-fixture.js';

const reference = loadReference();

describe('normal distribution against scipy.special', () => {
  const functions = { erfc, normalCdf, normalQuantile, chiSquare1Survival };
  it.each(Object.keys(functions) as (keyof typeof functions)[])('%s to 1e-13 relative', (name) => {
    for (const [x, expected] of reference.normal[name]) {
      expectRelative(functions[name](x), expected, 1e-13, `${name}(${x})`);
    }
  });
});

describe('McNemar against statsmodels mcnemar()', () => {
  it.each(reference.mcnemar)('b=$b c=$c', ({ b, c, exact, chiSquare }) => {
    const viaExact = mcnemarFromCounts(b, c);
    expect(viaExact.statistic).toBe(exact.statistic);
    expectRelative(viaExact.pValue, exact.pValue, 1e-12, 'exact p');
    if (chiSquare) {
      const viaChi = mcnemarFromCounts(b, c, 'chi-square');
      expectClose(viaChi.statistic, chiSquare.statistic, 1e-12, 'chi-square statistic');
      expectRelative(viaChi.pValue, chiSquare.pValue, 1e-12, 'chi-square p');
    }
  });

  it.each(reference.mcnemarModels)('two models on $dataset', ({ dataset: name, expected }) => {
    const dataset = reference.datasets[name]!;
    const result = mcnemarTest(dataset.yTrue, scoresOf(dataset, 'A'), scoresOf(dataset, 'B'), dataset.task);
    expect([result.onlyACorrect, result.onlyBCorrect]).toEqual([expected.b, expected.c]);
    expectRelative(result.pValue, expected.exact.pValue, 1e-12, 'p');
  });
});

describe("DeLong against a numpy port of Sun & Xu's fast DeLong", () => {
  it.each(reference.delong)('$dataset', ({ dataset: name, expected }) => {
    const dataset = reference.datasets[name]!;
    const result = delongTest(dataset.yTrue, scoresOf(dataset, 'A'), scoresOf(dataset, 'B'), 'binary-class');
    expectClose(result.aucA, expected.aucA, 1e-12, 'aucA');
    expectClose(result.aucB, expected.aucB, 1e-12, 'aucB');
    expectClose(result.difference, expected.difference, 1e-12, 'difference');
    expectRelative(result.variance, expected.variance, 1e-10, 'variance');
    expectRelative(result.z, expected.z, 1e-10, 'z');
    expectRelative(result.pValue, expected.pValue, 1e-9, 'p');
  });

  it('agrees with the paired-bootstrap variance of the AUC difference', () => {
    const dataset = reference.datasets['binary-500']!;
    const [a, b] = [scoresOf(dataset, 'A'), scoresOf(dataset, 'B')];
    const delong = delongTest(dataset.yTrue, a, b, 'binary-class');
    const bootstrap = pairedBootstrapAucDifference(dataset.yTrue, a, b, 'binary-class', {
      resamples: 2000,
      seed: 1,
    });
    // 2000 resamples estimate a variance to about +-3% (sd of a variance estimate ~ sqrt(2/2000)).
    expect(bootstrap.standardError ** 2 / delong.variance).toBeGreaterThan(0.85);
    expect(bootstrap.standardError ** 2 / delong.variance).toBeLessThan(1.15);
    expect(bootstrap.difference).toBe(delong.difference);
  });
});

describe('bootstrap CI of a mean across seeds against scipy', () => {
  it.each(reference.bootstrapMean)('$values', ({ values, seed, resamples, confidence, expected }) => {
    expectClose(mean(values), expected.mean, 1e-15, 'mean');
    expectClose(sampleStd(values), expected.std, 1e-15, 'std');
    const options = { seed, resamples, confidence };
    // Same replicates as the script replays, so scipy's interval formulas must agree to rounding.
    const percentile = bootstrapMeanCi(values, options);
    const bca = bootstrapMeanCi(values, { ...options, method: 'bca' });
    expectClose(percentile.lower, expected.percentile[0], 1e-12, 'percentile lower');
    expectClose(percentile.upper, expected.percentile[1], 1e-12, 'percentile upper');
    expectClose(bca.lower, expected.bca[0], 1e-12, 'bca lower');
    expectClose(bca.upper, expected.bca[1], 1e-12, 'bca upper');
    // scipy.stats.bootstrap itself (its own generator, 20,000 resamples): equal up to Monte Carlo error.
    const width = expected.scipyPublic20000.percentile[1] - expected.scipyPublic20000.percentile[0];
    const ours = bootstrapMeanCi(values, { seed, confidence, resamples: 20_000 });
    const oursBca = bootstrapMeanCi(values, { seed, confidence, resamples: 20_000, method: 'bca' });
    expect(Math.abs(ours.lower - expected.scipyPublic20000.percentile[0])).toBeLessThan(0.05 * width);
    expect(Math.abs(ours.upper - expected.scipyPublic20000.percentile[1])).toBeLessThan(0.05 * width);
    expect(Math.abs(oursBca.lower - expected.scipyPublic20000.bca[0])).toBeLessThan(0.05 * width);
    expect(Math.abs(oursBca.upper - expected.scipyPublic20000.bca[1])).toBeLessThan(0.05 * width);
  });
});

describe('two-sample bootstrap CI of a difference of means against scipy', () => {
  it.each(reference.bootstrapMeanDifference)(
    '$a vs $b',
    ({ a, b, seed, resamples, confidence, expected }) => {
      const result = bootstrapMeanDifferenceCi(a, b, { seed, resamples, confidence });
      expectClose(result.meanA, expected.meanA, 1e-15, 'meanA');
      expectClose(result.meanB, expected.meanB, 1e-15, 'meanB');
      expectClose(result.estimate, expected.meanA - expected.meanB, 1e-15, 'estimate');
      // Same replicates as the script replays: the interval must agree to rounding.
      expectClose(result.lower, expected.percentile[0], 1e-12, 'percentile lower');
      expectClose(result.upper, expected.percentile[1], 1e-12, 'percentile upper');
      // scipy.stats.bootstrap(paired=False) itself, on its own generator: equal up to Monte Carlo error.
      const [scipyLower, scipyUpper] = expected.scipyPublic20000;
      const ours = bootstrapMeanDifferenceCi(a, b, { seed, confidence, resamples: 20_000 });
      expect(Math.abs(ours.lower - scipyLower)).toBeLessThan(0.05 * (scipyUpper - scipyLower));
      expect(Math.abs(ours.upper - scipyUpper)).toBeLessThan(0.05 * (scipyUpper - scipyLower));
    },
  );
});

describe('paired bootstrap of the AUC difference, resamples replayed in Python', () => {
  it.each(reference.pairedBootstrap)(
    '$dataset',
    ({ dataset: name, seed, resamples, confidence, expected }) => {
      const dataset = reference.datasets[name]!;
      const result = pairedBootstrapAucDifference(
        dataset.yTrue,
        scoresOf(dataset, 'A'),
        scoresOf(dataset, 'B'),
        dataset.task,
        { seed, resamples, confidence },
      );
      for (const key of ['aucA', 'aucB', 'difference', 'lower', 'upper', 'standardError'] as const) {
        expectClose(result[key], expected[key], 1e-12, key);
      }
      expect(result.pValue).toBe(expected.pValue);
    },
  );
});
