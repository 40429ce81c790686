// The positive class of a trial's evaluation: the spec's choice moves precision, recall, specificity, F1
// and the operating point to that class, and leaves every other metric exactly as it was.
import { describe, expect, it } from 'vitest';
import { chooseOperatingPoint, PositiveClassError, precision, Rng } from '@medsweep/core';
import type { SplitPredictions } from '../training/predict.js';
import { evaluatePredictions, evaluationRules } from './evaluate-predictions.js';

const breast = {
  name: 'breastmnist',
  task: 'binary-class' as const,
  classNames: ['malignant', 'normal, benign'],
};

/** A split of `count` images with softmax-like two-column scores that mostly rank class 1 higher. */
function split(count: number, seed: number): SplitPredictions {
  const rng = Rng.fromSeed(seed);
  const labels = Uint8Array.from({ length: count }, () => (rng.nextFloat() < 0.3 ? 0 : 1));
  const values = new Float32Array(count * 2);
  labels.forEach((label, i) => {
    const p1 = Math.min(0.99, Math.max(0.01, 0.35 + 0.3 * label + 0.4 * (rng.nextFloat() - 0.5)));
    values[i * 2] = 1 - p1;
    values[i * 2 + 1] = p1;
  });
  return { labels, scores: { values, numColumns: 2 }, loss: 0.5 };
}

describe('evaluationRules and the positive class', () => {
  const predictions = { val: split(80, 1), test: split(160, 2) };
  const youden = { operatingPoint: 'youden' } as const;

  it("resolves the spec's choice against the dataset: absent is label 1, clinical is BreastMNIST's malignant", () => {
    expect(evaluationRules(youden, breast)).toEqual({ operatingPoint: { rule: 'youden' }, positiveClass: 1 });
    expect(evaluationRules({ ...youden, positiveClass: 'clinical' }, breast).positiveClass).toBe(0);
    expect(
      evaluationRules(
        { operatingPoint: { targetSensitivity: 0.9 } },
        { ...breast, task: 'multi-class', classNames: ['a', 'b', 'c'] },
      ),
    ).toEqual({ operatingPoint: { rule: 'target-sensitivity', sensitivity: 0.9 } });
    expect(() => evaluationRules({ ...youden, positiveClass: 'cancer' }, breast)).toThrow(PositiveClassError);
  });

  it('moves only the positive-class metrics; AUC, ACC, loss, ECE and the macro averages stay identical', () => {
    const conventional = evaluatePredictions(predictions, 'binary-class', evaluationRules(youden, breast));
    const clinical = evaluatePredictions(
      predictions,
      'binary-class',
      evaluationRules({ ...youden, positiveClass: 'clinical' }, breast),
    );
    const byName = (report: typeof conventional) =>
      new Map(report.finalMetrics.map((m) => [`${m.split}_${m.name}`, m.value]));
    const a = byName(conventional);
    const b = byName(clinical);
    const moved = [
      'precision',
      'recall',
      'specificity',
      'f1',
      'op_threshold',
      'op_sensitivity',
      'op_specificity',
    ];
    for (const [name, value] of a) {
      if (moved.includes(name.replace(/^(val|test)_/, ''))) continue;
      expect(b.get(name), name).toBe(value);
    }
    const { test, val } = predictions;
    expect(b.get('test_precision')).toBe(
      precision(test.labels, test.scores, 'binary-class', { positiveClass: 0 }),
    );
    // Class 0's recall is class 1's specificity at the same decisions.
    expect(b.get('test_recall')).toBe(a.get('test_specificity'));
    const chosen = chooseOperatingPoint(
      val.labels,
      val.scores,
      'binary-class',
      { rule: 'youden' },
      { positiveClass: 0 },
    );
    expect(b.get('val_op_threshold')).toBe(chosen.threshold);
    expect(b.get('val_op_sensitivity')).toBe(chosen.sensitivity);
  });
});
