// Every metric against scikit-learn on the stored inputs of tests/fixtures/reference-metrics.json.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  chooseOperatingPoint,
  confusionMatrix,
  expectedCalibrationError,
  f1,
  precision,
  ratesAtThreshold,
  recall,
  reliabilityBins,
  rocCurves,
  specificity,
} from '../index.js';
import type { Average, RocCurve } from '../index.js';
import type { StoredRoc } from '../test-support/reference-fixture.js';
import { expectClose, loadReference, scoresOf, thresholdsOf } from '../test-support/reference-fixture.js';

const reference = loadReference();
// sklearn integrates ROC trapezoids and divides per point; we count exact half-pairs and divide once.
// Both round only at the last bits, so 1e-12 (well inside the 1e-9 asked for) holds.
const TOLERANCE = 1e-12;

function expectSameCurve(actual: RocCurve, expected: StoredRoc, what: string): void {
  expect(actual.thresholds, `${what} thresholds`).toEqual(thresholdsOf(expected));
  expect(actual.fpr.length, `${what} points`).toBe(expected.fpr.length);
  actual.fpr.forEach((v, k) => expectClose(v, expected.fpr[k] as number, TOLERANCE, `${what} fpr[${k}]`));
  actual.tpr.forEach((v, k) => expectClose(v, expected.tpr[k] as number, TOLERANCE, `${what} tpr[${k}]`));
}

describe.each(reference.classification)('$dataset against scikit-learn', ({ dataset: name, expected }) => {
  const dataset = reference.datasets[name]!;
  const { task, yTrue } = dataset;
  const yScore = scoresOf(dataset);

  it('AUC (MedMNIST getAUC: positive-class score / mean one-vs-rest)', () => {
    expectClose(auc(yTrue, yScore, task), expected.auc, TOLERANCE, 'auc');
  });

  it('ACC (MedMNIST getACC: > 0.5 / argmax)', () => {
    expectClose(accuracy(yTrue, yScore, task), expected.accuracy, TOLERANCE, 'accuracy');
  });

  it('precision, recall, specificity and F1, binary and macro', () => {
    const averages: [Average, NonNullable<typeof expected.binary>][] = [['macro', expected.macro]];
    if (expected.binary) averages.push(['binary', expected.binary]);
    for (const [average, values] of averages) {
      const options = { average };
      expectClose(
        precision(yTrue, yScore, task, options),
        values.precision,
        TOLERANCE,
        `${average} precision`,
      );
      expectClose(recall(yTrue, yScore, task, options), values.recall, TOLERANCE, `${average} recall`);
      expectClose(
        specificity(yTrue, yScore, task, options),
        values.specificity,
        TOLERANCE,
        `${average} spec`,
      );
      expectClose(f1(yTrue, yScore, task, options), values.f1, TOLERANCE, `${average} f1`);
    }
  });

  it.runIf(expected.confusionMatrix)('confusion matrix', () => {
    expect(confusionMatrix(yTrue, yScore, task)).toEqual(expected.confusionMatrix);
  });

  it('ROC curves, with and without intermediate points', () => {
    const dropped = rocCurves(yTrue, yScore, task, { dropIntermediate: true });
    expect(dropped).toHaveLength(expected.rocDropped.length);
    dropped.forEach((curve, c) =>
      expectSameCurve(curve, expected.rocDropped[c]!, `dropped ${curve.problem}`),
    );
    if (expected.roc) {
      const all = rocCurves(yTrue, yScore, task);
      all.forEach((curve, c) => expectSameCurve(curve, expected.roc![c]!, `full ${curve.problem}`));
    }
  });

  it.runIf(expected.calibration)('expected calibration error and reliability bins', () => {
    for (const ref of expected.calibration!) {
      const options = { bins: ref.bins };
      expectClose(
        expectedCalibrationError(yTrue, yScore, task, options),
        ref.ece,
        TOLERANCE,
        `ece/${ref.bins}`,
      );
      const bins = reliabilityBins(yTrue, yScore, task, options);
      expect(bins.map((b) => b.count)).toEqual(ref.counts);
      bins.forEach((bin, b) => {
        const meanConfidence = ref.meanConfidence[b];
        const observed = ref.observed[b];
        if (
          meanConfidence === null ||
          observed === null ||
          meanConfidence === undefined ||
          observed === undefined
        ) {
          expect(bin.meanConfidence).toBeNull();
          expect(bin.observedFrequency).toBeNull();
        } else {
          expectClose(bin.meanConfidence!, meanConfidence, TOLERANCE, `bin ${b} confidence`);
          expectClose(bin.observedFrequency!, observed, TOLERANCE, `bin ${b} observed`);
        }
      });
    }
  });
});

describe.each(reference.operatingPoints)(
  'operating point chosen on $validation, applied to $test',
  (entry) => {
    const validation = reference.datasets[entry.validation]!;
    const test = reference.datasets[entry.test]!;
    const rules = {
      youden: { rule: 'youden' },
      target: { rule: 'target-sensitivity', sensitivity: entry.targetSensitivity },
    } as const;

    it.each(Object.keys(rules) as (keyof typeof rules)[])('%s', (name) => {
      const want = entry.expected[name];
      const point = chooseOperatingPoint(validation.yTrue, scoresOf(validation), 'binary-class', rules[name]);
      expect(point.threshold).toBe(want.threshold ?? Infinity);
      expectClose(point.sensitivity, want.validation.sensitivity, TOLERANCE, 'validation sensitivity');
      expectClose(point.specificity, want.validation.specificity, TOLERANCE, 'validation specificity');
      const onTest = ratesAtThreshold(test.yTrue, scoresOf(test), 'binary-class', point.threshold);
      expectClose(onTest.sensitivity, want.test.sensitivity, TOLERANCE, 'test sensitivity');
      expectClose(onTest.specificity, want.test.specificity, TOLERANCE, 'test specificity');
    });
  },
);
