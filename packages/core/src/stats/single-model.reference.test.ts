// Single-model intervals against statsmodels (Wilson, Newcombe's independent difference) and the fast
// DeLong of the reference script, on tests/fixtures/reference-metrics.json.
import { describe, expect, it } from 'vitest';
import { dropFromClean, normalQuantile, subgroupMetrics, testSetMetrics, wilsonInterval } from '../index.js';
import type { MetricInterval } from '../index.js';
import { expectClose, loadReference, scoresOf } from '../test-support/reference-fixture.js';

const reference = loadReference().singleModel;
const dataset = loadReference().datasets[reference.dataset]!;
const TOLERANCE = 1e-12;

function expectInterval(actual: MetricInterval, expected: [number, number], what: string): void {
  expect(actual.outcome, what).toBe('interval');
  if (actual.outcome !== 'interval') return;
  expectClose(actual.lower, expected[0], TOLERANCE, `${what} lower`);
  expectClose(actual.upper, expected[1], TOLERANCE, `${what} upper`);
}

describe('single-model intervals against statsmodels and the reference DeLong', () => {
  it.each(reference.wilson)(
    'Wilson $successes/$trials at $confidence',
    ({ successes, trials, confidence, interval }) => {
      expectInterval(wilsonInterval(successes, trials, confidence), interval, 'wilson');
    },
  );

  it("AUC: DeLong's variance (fast DeLong of Sun & Xu), interval on the logit scale", () => {
    const { metrics } = testSetMetrics(dataset.yTrue, scoresOf(dataset), 'binary-class');
    const { auc, variance } = reference.auc;
    const halfWidth = (normalQuantile(0.975) * Math.sqrt(variance)) / (auc * (1 - auc));
    const logit = Math.log(auc / (1 - auc));
    const expit = (x: number) => 1 / (1 + Math.exp(-x));
    expectClose(metrics.auc.estimate!, auc, TOLERANCE, 'auc');
    expectInterval(metrics.auc, [expit(logit - halfWidth), expit(logit + halfWidth)], 'auc');
  });

  it("paired drops: Newcombe's method 10 on the same 2x2 tables", () => {
    const { drop } = dropFromClean(
      dataset.yTrue,
      scoresOf(dataset, 'A'),
      scoresOf(dataset, 'B'),
      'binary-class',
    );
    for (const metric of ['accuracy', 'sensitivity', 'specificity'] as const) {
      expectInterval(drop[metric], reference.pairedDrops[metric].interval, `${metric} drop`);
    }
  });

  it("subgroup gap: MOVER of two Wilson intervals is statsmodels' Newcombe (method 10) interval", () => {
    const attribute = dataset.yTrue.map((_, i) => (i % 3 === 0 ? 'third' : 'rest'));
    const report = subgroupMetrics(dataset.yTrue, scoresOf(dataset), 'binary-class', attribute);
    for (const group of report.groups) {
      const expected = reference.subgroupsByIndexMod3.groups[group.value as 'third' | 'rest'];
      expect(group.samples).toBe(expected.samples);
      expectInterval(group.metrics.accuracy, expected.wilson, `${group.value} accuracy`);
    }
    const gap = report.largestGap.accuracy;
    const expected = reference.subgroupsByIndexMod3.accuracyGap;
    expect(gap.outcome).toBe('interval');
    if (gap.outcome !== 'interval') return;
    expect([gap.highest, gap.lowest]).toEqual([expected.highest, expected.lowest]);
    expectInterval(gap, expected.interval, 'accuracy gap');
  });
});
