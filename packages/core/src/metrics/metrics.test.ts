import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  aucPerProblem,
  chooseOperatingPoint,
  confusionMatrix,
  EmptyInputError,
  expectedCalibrationError,
  InvalidOptionError,
  LabelOutOfRangeError,
  LengthMismatchError,
  NonFiniteValueError,
  precision,
  ProbabilityOutOfRangeError,
  ratesAtThreshold,
  reliabilityBins,
  Rng,
  rocCurves,
  ScoreShapeError,
  SingleClassError,
  UnknownTaskError,
  UnsupportedTaskError,
} from '../index.js';
import type { TaskType } from '../index.js';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('score inputs', () => {
  const yTrue = [0, 1, 1, 0, 1];
  const positive = [0.1, 0.8, 0.3, 0.35, 0.9];

  it('takes row-major Float32Array, rows, one or two binary columns alike', () => {
    const rows = positive.map((p) => [1 - p, p]);
    const float32 = { values: Float32Array.from(rows.flat()), numColumns: 2 };
    const oneColumn = { values: positive, numColumns: 1 };
    const expected = auc(yTrue, rows, 'binary-class');
    expect(expected).toBeCloseTo(5 / 6, 15);
    expect(auc(yTrue, float32, 'binary-class')).toBe(expected);
    expect(auc(yTrue, oneColumn, 'binary-class')).toBe(expected);
    expect(accuracy(Uint8Array.from(yTrue), oneColumn, 'binary-class')).toBe(0.8);
  });

  it('is invariant to monotone transforms and mirrors when the classes swap', () => {
    const logits = { values: positive.map((p) => Math.log(p / (1 - p))), numColumns: 1 };
    const scores = { values: positive, numColumns: 1 };
    expect(auc(yTrue, logits, 'binary-class')).toBe(auc(yTrue, scores, 'binary-class'));
    const swapped = yTrue.map((y) => 1 - y);
    expect(auc(swapped, scores, 'binary-class')).toBeCloseTo(1 - auc(yTrue, scores, 'binary-class'), 15);
  });
});

describe('descriptive errors', () => {
  const binary = { values: [0.2, 0.7, 0.6], numColumns: 1 };

  it('names an empty split', () => {
    const error = caught(() => auc([], { values: [], numColumns: 2 }, 'binary-class'));
    expect(error).toBeInstanceOf(EmptyInputError);
    expect((error as Error).message).toBe('auc: yScore is empty; at least one sample is required');
  });

  it('names a length mismatch and the rule', () => {
    const error = caught(() => accuracy([0, 1], binary, 'binary-class'));
    expect(error).toBeInstanceOf(LengthMismatchError);
    expect((error as Error).message).toBe(
      'accuracy: yTrue has length 2 but 3 was expected (one label per score row; yScore has 3 rows)',
    );
    expect(
      caught(() => auc([0, 1], { values: [0.1, 0.2, 0.3, 0.4], numColumns: 2 }, 'multi-label, binary-class')),
    ).toMatchObject({ expected: 4, received: 2 });
  });

  it('names a label out of range, with where and what is accepted', () => {
    const multi = { values: [0.2, 0.3, 0.5, 0.6, 0.3, 0.1], numColumns: 3 };
    expect(caught(() => auc([0, 3], multi, 'multi-class'))).toMatchObject({
      constructor: LabelOutOfRangeError,
      index: 1,
      label: 3,
      message: 'auc: yTrue[1] is 3; accepted: an integer class index in [0, 3) (one per score column)',
    });
    expect(caught(() => auc([0, 2, 1], binary, 'binary-class'))).toBeInstanceOf(LabelOutOfRangeError);
    expect(caught(() => auc([0, 0.5, 1], binary, 'binary-class'))).toBeInstanceOf(LabelOutOfRangeError);
  });

  it('rejects NaN and infinite scores, naming row and column', () => {
    const error = caught(() =>
      auc(
        [0, 1],
        [
          [0.1, 0.9],
          [NaN, 0.4],
        ],
        'binary-class',
      ),
    );
    expect(error).toBeInstanceOf(NonFiniteValueError);
    expect((error as Error).message).toBe(
      'auc: yScore at row 1, column 0 is NaN; only finite numbers are accepted',
    );
    expect(
      caught(() => auc([0, 1], { values: [0, Infinity], numColumns: 1 }, 'binary-class')),
    ).toBeInstanceOf(NonFiniteValueError);
  });

  it('says AUC is undefined for a single class, naming the binary problem', () => {
    const error = caught(() => auc([1, 1, 1], binary, 'binary-class'));
    expect(error).toBeInstanceOf(SingleClassError);
    expect((error as Error).message).toBe(
      'auc: undefined for positive class 1: yTrue has 3 positive and 0 negative samples; at least one of each is required',
    );
    const threeClasses = { values: [0.6, 0.3, 0.1, 0.2, 0.5, 0.3], numColumns: 3 };
    expect(caught(() => auc([0, 1], threeClasses, 'multi-class'))).toMatchObject({
      problem: 'class 2 vs rest',
      positives: 0,
      negatives: 2,
    });
    expect(caught(() => rocCurves([0, 0, 0], binary, 'binary-class'))).toBeInstanceOf(SingleClassError);
  });

  it('rejects malformed score shapes', () => {
    expect(
      caught(() => auc([0, 1], { values: [0.1, 0.2, 0.7, 0.3, 0.3, 0.4], numColumns: 3 }, 'binary-class')),
    ).toMatchObject({
      constructor: ScoreShapeError,
      message:
        "auc: yScore has 3 columns for task 'binary-class'; accepted: 1 column (positive-class score) or 2 (last column is the positive class)",
    });
    expect(caught(() => auc([0, 1], [[0.1, 0.9], [0.3]], 'binary-class'))).toBeInstanceOf(ScoreShapeError);
    expect(
      caught(() => auc([0, 1], { values: [0.1, 0.9, 0.3], numColumns: 2 }, 'binary-class')),
    ).toBeInstanceOf(ScoreShapeError);
    expect(caught(() => auc([0], { values: [0.1], numColumns: 1 }, 'multi-class'))).toBeInstanceOf(
      ScoreShapeError,
    );
  });

  it('rejects an unknown task from untyped input', () => {
    const error = caught(() => auc([0, 1], binary, 'regression' as TaskType));
    expect(error).toBeInstanceOf(UnknownTaskError);
    expect((error as Error).message).toMatch(
      /^unknown task "regression"; accepted: 'binary-class', 'multi-class'/,
    );
  });

  it('rejects options a task does not use', () => {
    const multi = { values: [0.6, 0.4, 0.3, 0.7], numColumns: 2 };
    expect(caught(() => accuracy([0, 1], multi, 'multi-class', { threshold: 0.3 }))).toBeInstanceOf(
      InvalidOptionError,
    );
    expect(caught(() => precision([0, 1], multi, 'multi-class', { average: 'binary' }))).toMatchObject({
      constructor: InvalidOptionError,
      option: 'average',
    });
    expect(
      caught(() => precision([0, 1], multi, 'multi-class', { average: 'micro' as 'macro' })),
    ).toBeInstanceOf(InvalidOptionError);
    expect(caught(() => expectedCalibrationError([0, 1], multi, 'multi-class', { bins: 0 }))).toBeInstanceOf(
      InvalidOptionError,
    );
  });

  it('refuses what a task does not define', () => {
    const labels = { values: [0.2, 0.9, 0.6, 0.1], numColumns: 2 };
    expect(caught(() => confusionMatrix([0, 1, 1, 0], labels, 'multi-label, binary-class'))).toBeInstanceOf(
      UnsupportedTaskError,
    );
    expect(
      caught(() => chooseOperatingPoint([0, 1], labels, 'multi-class', { rule: 'youden' })),
    ).toMatchObject({
      constructor: UnsupportedTaskError,
      accepted: ['binary-class'],
    });
  });

  it('asks for probabilities before calibrating', () => {
    const logits = { values: [-2, 3.5], numColumns: 1 };
    expect(caught(() => expectedCalibrationError([0, 1], logits, 'binary-class'))).toMatchObject({
      constructor: ProbabilityOutOfRangeError,
      row: 0,
      value: -2,
    });
  });
});

describe('benchmark decision rule', () => {
  it('binary ACC is strict: a score of exactly 0.5 is negative, as MedMNIST getACC', () => {
    const scores = { values: [0.5, 0.5000001], numColumns: 1 };
    expect(confusionMatrix([1, 1], scores, 'binary-class')).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(accuracy([1, 1], scores, 'binary-class', { threshold: 0.4 })).toBe(1);
  });

  it('argmax ties go to the first class, as np.argmax', () => {
    expect(confusionMatrix([1], [[0.4, 0.4, 0.2]], 'multi-class')).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('calibration bins', () => {
  it('puts a probability on an inner edge in the lower bin, 0 in the first and 1 in the last', () => {
    const bins = reliabilityBins(
      [0, 1, 1, 0],
      { values: [0, 0.1, 1, 0.1000001], numColumns: 1 },
      'binary-class',
      {
        bins: 10,
      },
    );
    expect(bins.map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bins[0]).toMatchObject({ lower: 0, upper: 0.1, count: 2, observedFrequency: 0.5 });
    expect(bins[0]!.meanConfidence).toBeCloseTo(0.05, 15);
    expect(bins[2]).toMatchObject({ count: 0, meanConfidence: null, observedFrequency: null });
  });

  it('a perfectly calibrated binned model has zero ECE', () => {
    const yTrue = [1, 0, 0, 0, 1, 1, 1, 0];
    const values = [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75];
    expect(expectedCalibrationError(yTrue, { values, numColumns: 1 }, 'binary-class', { bins: 4 })).toBe(0);
  });
});

describe('operating points', () => {
  const yTrue = [0, 0, 0, 1, 0, 1, 1, 1];
  const scores = { values: [0.1, 0.2, 0.3, 0.35, 0.6, 0.65, 0.8, 0.9], numColumns: 1 };

  it("Youden's J picks the threshold of best sensitivity + specificity, applied with score >= threshold", () => {
    const point = chooseOperatingPoint(yTrue, scores, 'binary-class', { rule: 'youden' });
    expect(point).toEqual({ threshold: 0.65, sensitivity: 0.75, specificity: 1 });
    expect(ratesAtThreshold(yTrue, scores, 'binary-class', 0.65)).toEqual(point);
    expect(ratesAtThreshold(yTrue, scores, 'binary-class', Infinity)).toEqual({
      threshold: Infinity,
      sensitivity: 0,
      specificity: 1,
    });
  });

  it('a target sensitivity takes the highest threshold reaching it', () => {
    const point = chooseOperatingPoint(yTrue, scores, 'binary-class', {
      rule: 'target-sensitivity',
      sensitivity: 1,
    });
    expect(point).toEqual({ threshold: 0.35, sensitivity: 1, specificity: 0.75 });
    for (const sensitivity of [0, 1.2, NaN]) {
      expect(
        caught(() =>
          chooseOperatingPoint(yTrue, scores, 'binary-class', { rule: 'target-sensitivity', sensitivity }),
        ),
      ).toBeInstanceOf(InvalidOptionError);
    }
  });
});

describe('scale', () => {
  it('computes AUC of 1,000,000 tie-heavy samples exactly, sort-based', () => {
    const n = 1_000_000;
    const levels = 1000;
    const rng = Rng.fromSeed(2024);
    const yTrue = new Uint8Array(n);
    const values = new Float32Array(n);
    const positivesAt = new Float64Array(levels);
    const negativesAt = new Float64Array(levels);
    for (let i = 0; i < n; i++) {
      const label = rng.nextFloat() < 0.3 ? 1 : 0;
      const level = Math.min(levels - 1, Math.floor((rng.nextFloat() + 0.25 * label) * 0.8 * levels));
      yTrue[i] = label;
      values[i] = level / levels;
      (label ? positivesAt : negativesAt)[level]! += 1;
    }
    // Independent O(n) reference: a histogram over the 1000 score levels.
    let negativesBelow = 0;
    let doubledPairs = 0;
    let positives = 0;
    for (let v = 0; v < levels; v++) {
      doubledPairs += positivesAt[v]! * (2 * negativesBelow + negativesAt[v]!);
      negativesBelow += negativesAt[v]!;
      positives += positivesAt[v]!;
    }
    const expected = doubledPairs / (2 * positives * negativesBelow);

    const started = performance.now();
    const actual = auc(yTrue, { values, numColumns: 1 }, 'binary-class');
    const elapsed = performance.now() - started;
    expect(actual).toBe(expected);
    // Generous bound (it takes ~0.1-0.2 s): catches an accidental O(n^2), not scheduler noise.
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('aucPerProblem', () => {
  it('gives each label its AUC, in column order, and their mean is the task AUC', () => {
    // 4 samples x 2 labels: label 0 ranked perfectly, label 1 with one swapped pair (AUC 0.75).
    const labels = [1, 0, 0, 1, 1, 1, 0, 0];
    const scores = { values: [0.9, 0.2, 0.5, 0.6, 0.7, 0.3, 0.1, 0.4], numColumns: 2 };
    const perLabel = aucPerProblem(labels, scores, 'multi-label, binary-class');
    expect(perLabel).toEqual([
      { problem: 'label 0', auc: 1 },
      { problem: 'label 1', auc: 0.75 },
    ]);
    expect(auc(labels, scores, 'multi-label, binary-class')).toBeCloseTo(0.875, 12);
    expect(aucPerProblem([0, 1], { values: [0.2, 0.7], numColumns: 1 }, 'binary-class')).toEqual([
      { problem: 'positive class 1', auc: 1 },
    ]);
  });
});
