import { describe, expect, it } from 'vitest';
import {
  dropFromClean,
  InvalidOptionError,
  LengthMismatchError,
  singleModelCoverage,
  subgroupMetrics,
  testSetMetrics,
  UnsupportedTaskError,
  wilsonInterval,
} from '../index.js';
import type { CoverageCheck, MetricInterval } from '../index.js';

/** n samples alternating labels, scores overlapping so AUC is strictly between 0 and 1. */
function overlapping(n: number, positiveEvery = 2) {
  const yTrue = Array.from({ length: n }, (_, i) => (i % positiveEvery === 0 ? 1 : 0));
  const scores = yTrue.map((y, i) => [
    Math.min(0.99, Math.max(0.01, 0.3 + 0.4 * y + 0.25 * Math.sin(i * 1.7))),
  ]);
  return { yTrue, scores };
}

const reasonOf = (m: MetricInterval) => (m.outcome === 'refused' ? m.reason : '');

describe('testSetMetrics', () => {
  it('gives every metric an interval that contains its estimate', () => {
    const { yTrue, scores } = overlapping(120);
    const result = testSetMetrics(yTrue, scores, 'binary-class');
    expect([result.samples, result.positives, result.negatives]).toEqual([120, 60, 60]);
    for (const m of Object.values(result.metrics)) {
      expect(m.outcome).toBe('interval');
      if (m.outcome !== 'interval') continue;
      expect(m.lower).toBeLessThanOrEqual(m.estimate);
      expect(m.upper).toBeGreaterThanOrEqual(m.estimate);
      expect(m.lower).toBeGreaterThanOrEqual(0);
      expect(m.upper).toBeLessThanOrEqual(1);
    }
    expect(result.metrics.auc.outcome === 'interval' && result.metrics.auc.method).toBe('delong-logit');
  });

  it('returns the interval family of the seed-level intervals: method, n, normal df and standard error', () => {
    const { yTrue, scores } = overlapping(120);
    const { accuracy, sensitivity } = testSetMetrics(yTrue, scores, 'binary-class').metrics;
    expect(accuracy).toMatchObject({ outcome: 'interval', method: 'wilson', n: 120, df: Infinity });
    expect(sensitivity).toMatchObject({ n: 60, confidence: 0.95 });
    const p = accuracy.estimate as number;
    expect(accuracy.outcome === 'interval' && accuracy.standardError).toBeCloseTo(
      Math.sqrt((p * (1 - p)) / 120),
      15,
    );
    expect(wilsonInterval(7, 10)).toMatchObject({ outcome: 'interval', estimate: 0.7, n: 10, df: Infinity });
  });

  it('refuses AUC and sensitivity without positives, rather than printing a number', () => {
    const result = testSetMetrics([0, 0, 0, 0], [[0.1], [0.2], [0.6], [0.3]], 'binary-class');
    expect(result.metrics.auc).toEqual({
      outcome: 'refused',
      method: 'delong-logit',
      estimate: null,
      n: 4,
      confidence: 0.95,
      reason: 'AUC is undefined: the samples hold 0 positives and 4 negatives',
    });
    expect(reasonOf(result.metrics.sensitivity)).toBe('sensitivity is undefined: no positives');
    expect(result.metrics.specificity.outcome).toBe('interval');
  });

  it('shows the AUC of few positives without an interval, and says why', () => {
    const { yTrue, scores } = overlapping(60, 10);
    const { auc } = testSetMetrics(yTrue, scores, 'binary-class').metrics;
    expect(auc.outcome).toBe('refused');
    expect(auc.estimate).toBeGreaterThan(0.5);
    expect(reasonOf(auc)).toMatch(/6 positives and 54 negatives; .* checked from 10 of each class/);
  });

  it('refuses an interval at perfect separation, where DeLong has no variance', () => {
    const yTrue = Array.from({ length: 40 }, (_, i) => i % 2);
    const scores = yTrue.map((y) => [y === 1 ? 0.9 : 0.1]);
    const { auc } = testSetMetrics(yTrue, scores, 'binary-class').metrics;
    expect(auc).toMatchObject({ outcome: 'refused', estimate: 1 });
    expect(reasonOf(auc)).toMatch(/variance is 0 at AUC 1/);
  });

  it('gives multi-class accuracy only, and rejects multi-label', () => {
    const result = testSetMetrics(
      [0, 1, 2, 2],
      [
        [0.6, 0.3, 0.1],
        [0.2, 0.5, 0.3],
        [0.1, 0.2, 0.7],
        [0.5, 0.4, 0.1],
      ],
      'multi-class',
    );
    expect(result.metrics.accuracy).toMatchObject({ outcome: 'interval', estimate: 0.75 });
    expect(reasonOf(result.metrics.auc)).toMatch(/binary-class tasks only/);
    expect(() => testSetMetrics([1, 0], [[0.3, 0.4]], 'multi-label, binary-class')).toThrow(
      UnsupportedTaskError,
    );
  });

  it('decides at the given threshold', () => {
    const { metrics } = testSetMetrics([1, 1, 0, 0], [[0.4], [0.7], [0.2], [0.35]], 'binary-class', {
      threshold: 0.3,
    });
    expect(metrics.sensitivity.estimate).toBe(1);
    expect(metrics.specificity.estimate).toBe(0.5);
  });

  it('checks its options', () => {
    const { yTrue, scores } = overlapping(20);
    expect(() => testSetMetrics(yTrue, scores, 'binary-class', { confidence: 1 })).toThrow(
      InvalidOptionError,
    );
    expect(() => wilsonInterval(3, 2)).toThrow(/successes is 3; expected an integer in \[0, 2\]/);
  });
});

describe('dropFromClean', () => {
  it('is zero, with an interval around zero, for a corruption that changes nothing', () => {
    const { yTrue, scores } = overlapping(100);
    const { drop, clean, corrupted } = dropFromClean(yTrue, scores, scores, 'binary-class');
    expect(clean).toEqual(corrupted);
    for (const m of Object.values(drop)) {
      expect(m.outcome).toBe('interval');
      if (m.outcome !== 'interval') continue;
      expect(m.estimate).toBe(0);
      expect(m.lower).toBeLessThanOrEqual(0);
      expect(m.upper).toBeGreaterThanOrEqual(0);
    }
  });

  it('reports a loss as a positive drop, clean minus corrupted', () => {
    const { yTrue, scores } = overlapping(100);
    const worse = scores.map((row, i) => [i % 3 === 0 ? 1 - row[0]! : row[0]!]);
    const { drop } = dropFromClean(yTrue, scores, worse, 'binary-class');
    expect(drop.auc.estimate).toBeGreaterThan(0);
    expect(drop.accuracy.estimate).toBeGreaterThan(0);
    expect(drop.auc.outcome === 'interval' && drop.auc.method).toBe('delong-paired-difference');
  });
});

describe('subgroupMetrics', () => {
  const { yTrue, scores } = overlapping(130);
  const attribute = yTrue.map((_, i): string | null =>
    i < 60 ? 'site-a' : i < 120 ? 'site-b' : i < 126 ? 'site-c' : null,
  );

  it('reports each subgroup, refuses the too small one, and counts samples without the attribute', () => {
    const report = subgroupMetrics(yTrue, scores, 'binary-class', attribute);
    expect(report.groups.map((g) => [g.value, g.samples])).toEqual([
      ['site-a', 60],
      ['site-b', 60],
      ['site-c', 6],
    ]);
    expect(report.missingAttribute).toBe(4);
    const small = report.groups[2]!;
    for (const m of Object.values(small.metrics)) {
      expect(reasonOf(m)).toBe('only 6 samples; metrics are shown for subgroups of at least 10');
    }
    expect(report.largestGap.auc.outcome).toBe('interval');
  });

  it('names the highest and lowest subgroup, and warns when it picked them from more than two', () => {
    const three = yTrue.map((_, i) => ['x', 'y', 'z'][i % 3]!);
    const report = subgroupMetrics(yTrue, scores, 'binary-class', three);
    const gap = report.largestGap.accuracy;
    expect(gap.outcome).toBe('interval');
    if (gap.outcome !== 'interval') return;
    const estimates = report.groups.map((g) => g.metrics.accuracy.estimate!);
    expect(gap.estimate).toBeCloseTo(Math.max(...estimates) - Math.min(...estimates), 12);
    expect(gap.note).toMatch(/highest and lowest of 3 subgroups: chosen after looking/);
  });

  it('refuses a gap with fewer than two subgroups that have an interval', () => {
    const report = subgroupMetrics(
      yTrue,
      scores,
      'binary-class',
      yTrue.map(() => 'all'),
    );
    expect(report.largestGap.auc).toEqual({
      outcome: 'refused',
      method: 'mover-difference',
      estimate: null,
      n: 0,
      confidence: 0.95,
      reason: '1 subgroup has an interval for auc; a gap needs two',
    });
  });

  it('needs one attribute value per sample', () => {
    expect(() => subgroupMetrics(yTrue, scores, 'binary-class', ['a'])).toThrow(LengthMismatchError);
  });
});

describe('singleModelCoverage', () => {
  it('every 95% interval covers the known truth 93-97% of the time at realistic sizes', () => {
    const coverage = singleModelCoverage({ replications: 2000, seed: 0 });
    const entries = Object.entries(coverage) as [string, readonly CoverageCheck[]][];
    const all = entries.flatMap(([name, checks]) => checks.map((c) => ({ name, ...c })));
    expect(all.length).toBe(28);
    for (const check of all) {
      expect(check.coverage, `${check.name}: ${check.scenario}`).toBeGreaterThanOrEqual(0.93);
      expect(check.coverage, `${check.name}: ${check.scenario}`).toBeLessThanOrEqual(0.97);
      // Refusals (a subgroup with fewer than 10 of a class) must stay rare for the check to mean anything.
      expect(check.intervals, `${check.name}: ${check.scenario}`).toBeGreaterThan(0.9 * check.replications);
    }
  }, 120_000);
});
