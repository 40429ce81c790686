import { describe, expect, it } from 'vitest';
import { PredictionsDocumentError } from '../errors.js';
import { canonicalJson } from '../lineage/canonical-json.js';
import type { SplitScores } from './document.js';
import { parsePredictionsDocument, predictionsDocument } from './document.js';

const split = (labels: number[], scores: number[]): SplitScores => ({
  labels: Uint8Array.from(labels),
  scores: { values: Float32Array.from(scores), numColumns: 2 },
});
const predictions = {
  val: split([0, 1], [0.9, 0.1, 0.3, 0.7]),
  test: split([1, 0, 1], [0.2, 0.8, 0.6, 0.4, 1 / 3, 2 / 3]),
};
const encode = (value: unknown) => new TextEncoder().encode(canonicalJson(value));

describe('predictions document', () => {
  it('reads back exactly the float32 scores and labels it was written with', () => {
    const document = predictionsDocument(predictions, 'binary-class', ['benign', 'malignant']);
    expect(document.splits.test).toMatchObject({ count: 3, numColumns: 2 });
    const read = parsePredictionsDocument(encode(document), 's3://b/p.json');
    for (const name of ['val', 'test'] as const) {
      expect(read[name].labels).toEqual(predictions[name].labels);
      expect(read[name].scores.numColumns).toBe(2);
      expect(Array.from(read[name].scores.values)).toEqual(Array.from(predictions[name].scores.values));
    }
  });

  it('refuses bytes that are not JSON, another format, or scores that do not fit the counts', () => {
    const document = predictionsDocument(predictions, 'binary-class', ['benign', 'malignant']);
    expect(() => parsePredictionsDocument(Uint8Array.from([0xff, 0x00]), 's3://b/p.json')).toThrow(
      PredictionsDocumentError,
    );
    expect(() =>
      parsePredictionsDocument(encode({ ...document, format: 'other/1' }), 's3://b/p.json'),
    ).toThrow(/predictions s3:\/\/b\/p\.json: format/);
    const short = {
      ...document,
      splits: { ...document.splits, val: { ...document.splits.val, scores: [0.5] } },
    };
    expect(() => parsePredictionsDocument(encode(short), 's3://b/p.json')).toThrow(
      /splits\.val.*count × numColumns/,
    );
  });

  it('stores multi-label labels as one 0/1 value per label, row-major, and checks their length', () => {
    // 2 samples x 3 labels.
    const multi = {
      labels: Uint8Array.from([1, 0, 1, 0, 0, 1]),
      scores: { values: Float32Array.from([0.9, 0.1, 0.8, 0.2, 0.3, 0.7]), numColumns: 3 },
    };
    const document = predictionsDocument({ val: multi, test: multi }, 'multi-label, binary-class', [
      'a',
      'b',
      'c',
    ]);
    expect(document.splits.test).toMatchObject({ count: 2, numColumns: 3 });
    const read = parsePredictionsDocument(encode(document), 's3://b/p.json');
    expect(read.test.labels).toEqual(multi.labels);
    const oneLabelEach = {
      ...document,
      splits: { ...document.splits, val: { ...document.splits.val, labels: [1, 0] } },
    };
    expect(() => parsePredictionsDocument(encode(oneLabelEach), 's3://b/p.json')).toThrow(
      /splits\.val\.labels.*count × numColumns/,
    );
  });
});
