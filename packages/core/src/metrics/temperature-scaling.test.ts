import { describe, expect, it } from 'vitest';
import {
  accuracy,
  applyTemperature,
  auc,
  calibrateWithTemperature,
  DegenerateStatisticError,
  fitTemperature,
  InvalidOptionError,
  ProbabilityOutOfRangeError,
  Rng,
  SingleClassError,
  TemperatureAtBoundaryError,
  temperatureNll,
} from '../index.js';

function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Outcomes drawn from sigmoid(z); the model reports sigmoid(sharpness * z): T should come out near sharpness. */
function overconfidentBinary(seed: number, n: number, sharpness: number) {
  const rng = Rng.fromSeed(seed);
  const yTrue: number[] = [];
  const scores: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z = 1.5 * standardNormal(rng);
    yTrue.push(rng.nextFloat() < sigmoid(z) ? 1 : 0);
    const p = sigmoid(sharpness * z);
    scores.push([1 - p, p]);
  }
  return { yTrue, scores };
}

describe('fitTemperature', () => {
  it('recovers the overconfidence of a model whose logits were multiplied by 2.5', () => {
    const { yTrue, scores } = overconfidentBinary(1, 20_000, 2.5);
    const fit = fitTemperature(yTrue, scores, 'binary-class');
    expect(fit.temperature).toBeGreaterThan(2.35);
    expect(fit.temperature).toBeLessThan(2.65);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    expect(fit.range).toEqual([0.05, 20]);
  });

  it('finds T < 1 for an underconfident model', () => {
    const { yTrue, scores } = overconfidentBinary(2, 5000, 0.5);
    expect(fitTemperature(yTrue, scores, 'binary-class').temperature).toBeLessThan(0.6);
  });

  it('gives the same T from logits as from their softmax, and from one column as from two', () => {
    const rng = Rng.fromSeed(3);
    const yTrue: number[] = [];
    const logits: number[][] = [];
    for (let i = 0; i < 500; i++) {
      const label = rng.nextInt(3);
      yTrue.push(label);
      logits.push([0, 1, 2].map((c) => 3 * ((c === label ? 1 : 0) + standardNormal(rng))));
    }
    const softmax = logits.map((row) => {
      const top = Math.max(...row);
      const e = row.map((z) => Math.exp(z - top));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    });
    const fromLogits = fitTemperature(yTrue, logits, 'multi-class', { scoreKind: 'logits' });
    const fromProbabilities = fitTemperature(yTrue, softmax, 'multi-class');
    expect(fromProbabilities.temperature).toBeCloseTo(fromLogits.temperature, 6);

    const { yTrue: y, scores } = overconfidentBinary(4, 1000, 2);
    const twoColumns = fitTemperature(y, scores, 'binary-class').temperature;
    const oneColumn = fitTemperature(
      y,
      scores.map((row) => [row[1]!]),
      'binary-class',
    ).temperature;
    expect(oneColumn).toBeCloseTo(twoColumns, 5);
  });

  it('refuses a single class: the likelihood has no interior minimum', () => {
    expect(() => fitTemperature([1, 1, 1], [[0.2], [0.7], [0.9]], 'binary-class')).toThrow(SingleClassError);
    expect(() =>
      fitTemperature(
        [2, 2],
        [
          [0.1, 0.2, 0.7],
          [0.3, 0.3, 0.4],
        ],
        'multi-class',
      ),
    ).toThrow(/class 2 vs rest/);
  });

  it('refuses constant scores, where the likelihood does not depend on T', () => {
    expect(() => fitTemperature([0, 1, 0, 1], [[0.5], [0.5], [0.5], [0.5]], 'binary-class')).toThrow(
      DegenerateStatisticError,
    );
  });

  it('refuses perfectly separated predictions: the NLL keeps falling as T -> 0', () => {
    const error = (() => {
      try {
        fitTemperature([0, 0, 1, 1], [[0.2], [0.3], [0.7], [0.8]], 'binary-class');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TemperatureAtBoundaryError);
    expect((error as TemperatureAtBoundaryError).range).toEqual([0.05, 20]);
    expect((error as Error).message).toMatch(/end of the range searched \[0.05, 20\]/);
  });

  it('validates its options and inputs', () => {
    const y = [0, 1, 0, 1];
    const s = [[0.3], [0.6], [0.4], [0.35]];
    expect(() => fitTemperature(y, s, 'binary-class', { minTemperature: 0 })).toThrow(InvalidOptionError);
    expect(() => fitTemperature(y, s, 'binary-class', { maxTemperature: 0.01 })).toThrow(
      /maxTemperature is 0.01; expected a finite number > minTemperature/,
    );
    expect(() => fitTemperature(y, [[3], [0.6], [0.4], [0.35]], 'binary-class')).toThrow(
      ProbabilityOutOfRangeError,
    );
    expect(() => fitTemperature(y, s, 'binary-class', { scoreKind: 'odds' as never })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('applyTemperature', () => {
  const { yTrue, scores } = overconfidentBinary(5, 300, 3);

  it('is the identity at T = 1 and keeps AUC and the argmax at any T', () => {
    const same = applyTemperature(scores, 'binary-class', 1);
    scores.forEach((row, i) => expect(same.values[2 * i + 1]).toBeCloseTo(row[1]!, 12));
    const softened = applyTemperature(scores, 'binary-class', 3);
    expect(auc(yTrue, softened, 'binary-class')).toBe(auc(yTrue, scores, 'binary-class'));
    expect(accuracy(yTrue, softened, 'binary-class')).toBe(accuracy(yTrue, scores, 'binary-class'));
  });

  it('needs no labels and rejects a non-positive temperature', () => {
    expect(applyTemperature({ values: [0.2, 0.9, 0.5], numColumns: 1 }, 'binary-class', 2).numColumns).toBe(
      2,
    );
    expect(() => applyTemperature(scores, 'binary-class', 0)).toThrow(InvalidOptionError);
  });

  it('scales multi-label entries with one shared T', () => {
    const out = applyTemperature(
      { values: [0.9, 0.1, 0.5, 0.8], numColumns: 2 },
      'multi-label, binary-class',
      2,
    );
    const expected = [0.9, 0.1, 0.5, 0.8].map((p) => sigmoid(Math.log(p / (1 - p)) / 2));
    expected.forEach((v, i) => expect(out.values[i]).toBeCloseTo(v, 12));
  });
});

describe('calibrateWithTemperature', () => {
  it('lowers the test NLL and ECE of an overconfident model, fitted on validation only', () => {
    const validation = overconfidentBinary(6, 2000, 3);
    const test = overconfidentBinary(7, 2000, 3);
    const result = calibrateWithTemperature(
      { yTrue: validation.yTrue, yScore: validation.scores },
      { yTrue: test.yTrue, yScore: test.scores },
      'binary-class',
    );
    expect(result.after.nll).toBeLessThan(result.before.nll);
    expect(result.after.ece).toBeLessThan(result.before.ece);
    expect(result.before.bins).toHaveLength(15);
    expect(result.after.nll).toBeCloseTo(
      temperatureNll(test.yTrue, test.scores, 'binary-class', result.fit.temperature),
      12,
    );
  });
});
