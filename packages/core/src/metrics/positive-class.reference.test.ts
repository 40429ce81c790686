// Binary metrics of the positive class 0, against scikit-learn 1.9.1 on the reference fixture's data:
// precision_score / recall_score / f1_score(y, score > 0.5, pos_label=0), specificity as
// recall_score(pos_label=1), and the operating points from roc_curve(y == 0, class-0 probability)
// (the class-0 column of two-column scores, 1 - score for one column).
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  chooseOperatingPoint,
  f1,
  InvalidOptionError,
  precision,
  ratesAtThreshold,
  recall,
  specificity,
} from '../index.js';
import { loadReference, scoresOf } from '../test-support/reference-fixture.js';

const SKLEARN = {
  'binary-500': {
    precision: 0.9,
    recall: 0.7670454545454546,
    f1: 0.8282208588957055,
    specificity: 0.7972972972972973,
    youden: { threshold: 0.4885, sensitivity: 0.7784090909090909, specificity: 0.7972972972972973 },
    target90: { threshold: 0.3564, sensitivity: 0.9005681818181818, specificity: 0.5878378378378378 },
  },
  'binary-ties-one-column': {
    precision: 0.7096774193548387,
    recall: 0.7719298245614035,
    f1: 0.7394957983193278,
    specificity: 0.5813953488372093,
    youden: { threshold: 0.4, sensitivity: 0.8859649122807017, specificity: 0.5 },
    target90: {
      threshold: 0.30000000000000004,
      sensitivity: 0.956140350877193,
      specificity: 0.34883720930232553,
    },
  },
} as const;

describe('positive class 0 (sklearn pos_label=0)', () => {
  const reference = loadReference();
  for (const [name, expected] of Object.entries(SKLEARN)) {
    const data = reference.datasets[name]!;
    const yScore = scoresOf(data);
    const positive0 = { positiveClass: 0 };

    it(`${name}: precision, recall, F1 and specificity of class 0`, () => {
      expect(precision(data.yTrue, yScore, 'binary-class', positive0)).toBeCloseTo(expected.precision, 14);
      expect(recall(data.yTrue, yScore, 'binary-class', positive0)).toBeCloseTo(expected.recall, 14);
      expect(f1(data.yTrue, yScore, 'binary-class', positive0)).toBeCloseTo(expected.f1, 14);
      expect(specificity(data.yTrue, yScore, 'binary-class', positive0)).toBeCloseTo(
        expected.specificity,
        14,
      );
      // Class 1 is the default, and the choice moves neither AUC nor ACC (they take no positive class).
      expect(recall(data.yTrue, yScore, 'binary-class', { positiveClass: 1 })).toBe(
        recall(data.yTrue, yScore, 'binary-class'),
      );
      expect(specificity(data.yTrue, yScore, 'binary-class', positive0)).toBe(
        recall(data.yTrue, yScore, 'binary-class'),
      );
      expect(auc(data.yTrue, yScore, 'binary-class')).toBe(auc(data.yTrue, yScore, 'binary-class'));
      expect(accuracy(data.yTrue, yScore, 'binary-class')).toBeGreaterThan(0);
    });

    it(`${name}: operating points on the class-0 probability`, () => {
      for (const [rule, point] of [
        [{ rule: 'youden' } as const, expected.youden],
        [{ rule: 'target-sensitivity', sensitivity: 0.9 } as const, expected.target90],
      ] as const) {
        const chosen = chooseOperatingPoint(data.yTrue, yScore, 'binary-class', rule, positive0);
        expect(chosen.threshold).toBeCloseTo(point.threshold, 14);
        expect(chosen.sensitivity).toBeCloseTo(point.sensitivity, 14);
        expect(chosen.specificity).toBeCloseTo(point.specificity, 14);
        const atThreshold = ratesAtThreshold(data.yTrue, yScore, 'binary-class', chosen.threshold, positive0);
        expect(atThreshold.sensitivity).toBeCloseTo(chosen.sensitivity, 14);
        expect(atThreshold.specificity).toBeCloseTo(chosen.specificity, 14);
      }
    });
  }

  it('refuses a positive class other than 0 or 1, and one with a macro average', () => {
    const data = reference.datasets['binary-500']!;
    expect(() => recall(data.yTrue, scoresOf(data), 'binary-class', { positiveClass: 2 })).toThrow(
      'recall: option positiveClass is 2; expected 0 or 1',
    );
    expect(() =>
      recall(data.yTrue, scoresOf(data), 'binary-class', { average: 'macro', positiveClass: 0 }),
    ).toThrow(InvalidOptionError);
    expect(() =>
      chooseOperatingPoint(
        data.yTrue,
        scoresOf(data),
        'binary-class',
        { rule: 'youden' },
        { positiveClass: -1 },
      ),
    ).toThrow('chooseOperatingPoint: option positiveClass is -1; expected 0 or 1');
  });
});
