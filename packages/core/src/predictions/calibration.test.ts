import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../lineage/canonical-json.js';
import { applyTemperature, auc, fitTemperature } from '../metrics/index.js';
import { Rng } from '../random.js';
import { calibrationEffect, temperatureCalibration } from './calibration.js';
import type { SplitScores } from './document.js';
import { parsePredictionsDocument, predictionsDocument } from './document.js';

/** An overconfident binary model: logits three times too large. */
function overconfident(seed: number, n: number): SplitScores {
  const rng = Rng.fromSeed(seed);
  const labels = new Uint8Array(n);
  const values = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.nextFloat() < 0.4 ? 1 : 0;
    const logit = 3 * ((labels[i] === 1 ? 1 : -1) + 2 * (rng.nextFloat() - 0.5) * 1.6);
    const p = 1 / (1 + Math.exp(-logit));
    values[2 * i] = 1 - p;
    values[2 * i + 1] = p;
  }
  return { labels, scores: { values, numColumns: 2 } };
}

const encode = (value: unknown) => new TextEncoder().encode(canonicalJson(value));

describe('temperature calibration of stored predictions', () => {
  const predictions = { val: overconfident(1, 300), test: overconfident(2, 300) };

  it('fits T on val, stores both splits at T beside the network outputs, and reads them back', () => {
    const calibration = temperatureCalibration(predictions, 'binary-class');
    if (!('temperature' in calibration)) throw new Error(calibration.refused);
    const fit = fitTemperature(predictions.val.labels, predictions.val.scores, 'binary-class');
    expect(calibration.temperature).toBe(fit.temperature);
    expect(calibration.temperature).toBeGreaterThan(1);
    const expected = applyTemperature(predictions.test.scores, 'binary-class', fit.temperature);
    expect(calibration.splits.test).toEqual(Array.from(expected.values));
    const document = predictionsDocument(predictions, 'binary-class', ['a', 'b'], calibration);
    const read = parsePredictionsDocument(encode(document), 's3://b/p.json');
    expect(read.calibration).toEqual(calibration);
    expect(Array.from(read.test.scores.values)).toEqual(Array.from(predictions.test.scores.values));
  });

  it('leaves a document without calibration as it was, byte for byte', () => {
    const plain = encode(predictionsDocument(predictions, 'binary-class', ['a', 'b']));
    expect(new TextDecoder().decode(plain)).not.toContain('calibration');
    expect(parsePredictionsDocument(plain, 'x').calibration).toBeUndefined();
  });

  it('lowers ECE and NLL on test, and keeps AUC', () => {
    const calibration = temperatureCalibration(predictions, 'binary-class');
    const read = parsePredictionsDocument(
      encode(predictionsDocument(predictions, 'binary-class', ['a', 'b'], calibration)),
      'x',
    );
    const effect = calibrationEffect(read, 'binary-class', 'test');
    if (effect === undefined || 'refused' in effect) throw new Error('no calibration');
    expect(effect.after.ece).toBeLessThan(effect.before.ece);
    expect(effect.after.nll).toBeLessThan(effect.before.nll);
    expect(effect.before.bins).toHaveLength(15);
    if (!('splits' in calibration)) return;
    const calibrated = { values: calibration.splits.test, numColumns: 2 };
    expect(auc(predictions.test.labels, calibrated, 'binary-class')).toBeCloseTo(
      auc(predictions.test.labels, predictions.test.scores, 'binary-class'),
      12,
    );
  });

  it('records why no temperature was fitted, instead of failing the trial', () => {
    const separated: SplitScores = {
      labels: Uint8Array.from([0, 1, 0, 1]),
      scores: { values: Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6]), numColumns: 2 },
    };
    const calibration = temperatureCalibration({ val: separated, test: separated }, 'binary-class');
    expect(calibration).toMatchObject({ method: 'temperature', fittedOn: 'val' });
    expect('refused' in calibration && calibration.refused).toMatch(/end of the range/);
    const read = parsePredictionsDocument(
      encode(
        predictionsDocument({ val: separated, test: separated }, 'binary-class', ['a', 'b'], calibration),
      ),
      'x',
    );
    expect(calibrationEffect(read, 'binary-class', 'test')).toEqual({
      refused: (calibration as { refused: string }).refused,
    });
  });
});
