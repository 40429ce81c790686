import { describe, expect, it } from 'vitest';
import { EvaluationDocumentError, IncompatibleDatasetError } from '../errors.js';
import { canonicalJson } from '../lineage/canonical-json.js';
import { Rng } from '../random.js';
import { dropFromClean, subgroupMetrics, testSetMetrics } from '../stats/single-model.js';
import type { EvaluationDocument } from './document.js';
import { EVALUATION_FORMAT, parseEvaluationDocument } from './document.js';
import { externalDatasetProblem, requireSameClasses } from './external.js';
import {
  evaluationResult,
  readEvaluationResult,
  robustnessSummary,
  storedEvaluationResult,
} from './results.js';
import { attributeColumn, subgroupAttributes } from './subgroups.js';

const N = 120;

/** Labels and two-column scores of a model with some skill; `shift` degrades it. */
function scored(seed: number, shift = 0) {
  const rng = Rng.fromSeed(seed);
  const labels: number[] = [];
  const scores: number[] = [];
  const truth = Rng.fromSeed(7);
  for (let i = 0; i < N; i++) {
    const y = truth.nextFloat() < 0.4 ? 1 : 0;
    const p = 1 / (1 + Math.exp(-((y ? 1.5 : -1.5) * (1 - shift) + 2 * (rng.nextFloat() - 0.5) * 2)));
    labels.push(y);
    scores.push(1 - p, p);
  }
  return { labels, scores };
}

/** Without the optional fields of another kind (JSON has no undefined). */
function only(d: EvaluationDocument, kind: EvaluationDocument['kind']): EvaluationDocument {
  const { corrupted: _corrupted, corruptions: _corruptions, ...rest } = d;
  return { ...rest, kind };
}

function document(overrides: Partial<EvaluationDocument> = {}): EvaluationDocument {
  const clean = scored(1);
  return {
    format: EVALUATION_FORMAT,
    kind: 'robustness',
    task: 'binary-class',
    classNames: ['benign', 'malignant'],
    dataset: { name: 'breastmnist', manifestSha256: 'd'.repeat(64) },
    split: 'test',
    count: N,
    numColumns: 2,
    labels: clean.labels,
    clean: clean.scores,
    corruptions: { source: 'MedMNIST-C list for breastmnist', seed: 0 },
    corrupted: [1, 3, 5].flatMap((severity) => [
      { corruption: 'pixelate', severity, scores: scored(severity, severity / 10).scores },
      { corruption: 'jpeg_compression', severity, scores: scored(10 + severity, severity / 6).scores },
    ]),
    ...overrides,
  };
}

const read = (d: EvaluationDocument) =>
  parseEvaluationDocument(new TextEncoder().encode(canonicalJson(d)), 's3://b/evaluation.json');

describe('evaluation documents and results', () => {
  it('computes each corruption row as dropFromClean of the stored scores, at the benchmark threshold', () => {
    const d = document();
    const result = evaluationResult(read(d), 'binary-class');
    if (result.kind !== 'robustness') throw new Error(result.kind);
    expect(result).toMatchObject({ source: d.corruptions?.source, seed: 0, threshold: 0.5 });
    expect(result.rows).toHaveLength(6);
    const byRow = (i: number) => d.corrupted![i]!;
    const expected = dropFromClean(
      d.labels,
      { values: d.clean, numColumns: 2 },
      { values: byRow(3).scores, numColumns: 2 },
      'binary-class',
      { threshold: 0.5 },
    );
    expect(result.rows[3]).toEqual({
      corruption: byRow(3).corruption,
      severity: byRow(3).severity,
      metrics: expected.corrupted.metrics,
      drop: expected.drop,
    });
    expect(result.clean).toEqual(expected.clean);
  });

  it('stores a result as JSON (df Infinity as null) and reads it back unchanged', () => {
    const result = evaluationResult(read(document()), 'binary-class');
    const stored = JSON.parse(JSON.stringify(storedEvaluationResult(result))) as unknown;
    expect(JSON.stringify(stored)).not.toContain('Infinity');
    expect(readEvaluationResult(stored, 'evaluation e-1')).toEqual(result);
    expect(() => readEvaluationResult({ kind: 'other' }, 'evaluation e-1')).toThrow(
      /evaluation e-1: kind is "other"/,
    );
  });

  it('summarises a panel: mean drop at severity 3 and the worst AUC drop', () => {
    const result = evaluationResult(read(document()), 'binary-class');
    if (result.kind !== 'robustness') throw new Error(result.kind);
    const summary = robustnessSummary(result);
    const atThree = result.rows.filter((r) => r.severity === 3).map((r) => r.drop.auc.estimate as number);
    expect(summary.meanDrop.auc).toBeCloseTo((atThree[0]! + atThree[1]!) / 2, 14);
    expect(summary.corruptions).toBe(2);
    const worst = Math.max(...result.rows.map((r) => r.drop.auc.estimate as number));
    expect(summary.worst?.aucDrop).toBe(worst);
  });

  it('gives external and subgroup results from their documents', () => {
    const d = only(document(), 'external');
    const external = evaluationResult(read(d), 'binary-class');
    expect(external).toEqual({
      kind: 'external',
      dataset: d.dataset,
      threshold: 0.5,
      result: testSetMetrics(d.labels, { values: d.clean, numColumns: 2 }, 'binary-class', {
        threshold: 0.5,
      }),
    });
    const values = d.labels.map((_, i) => (i % 7 === 0 ? null : i % 2 === 0 ? 'female' : 'male'));
    const subgroups = evaluationResult(
      read({ ...d, kind: 'subgroups', attribute: { name: 'sex', values } }),
      'binary-class',
    );
    expect(subgroups).toMatchObject({ kind: 'subgroups', attribute: 'sex' });
    if (subgroups.kind !== 'subgroups') return;
    expect(subgroups.report).toEqual(
      subgroupMetrics(d.labels, { values: d.clean, numColumns: 2 }, 'binary-class', values, {
        threshold: 0.5,
      }),
    );
  });

  it('refuses documents that do not fit their kind or counts', () => {
    const { corrupted: _corrupted, ...withoutCorrupted } = document();
    expect(() => read(withoutCorrupted)).toThrow(/corrupted: is required for a robustness/);
    expect(() => read(document({ labels: [0, 1] }))).toThrow(EvaluationDocumentError);
    expect(() => read({ ...document(), kind: 'subgroups' })).toThrow(/attribute: is required/);
  });
});

describe('external validation datasets', () => {
  const breast = { name: 'breastmnist', task: 'binary-class', classNames: ['malignant', 'normal, benign'] };

  it('accepts the same task and class names, whatever the name', () => {
    expect(externalDatasetProblem(breast, { ...breast, name: 'breast-site-b' })).toBeNull();
  });

  it('refuses another task or other classes, naming both', () => {
    expect(externalDatasetProblem(breast, { ...breast, name: 'x', task: 'multi-class' })).toBe(
      "its task is multi-class, the model's is binary-class",
    );
    expect(() =>
      requireSameClasses(breast, {
        name: 'pneumoniamnist',
        task: 'binary-class',
        classNames: ['normal', 'pneumonia'],
      }),
    ).toThrow(IncompatibleDatasetError);
    expect(() =>
      requireSameClasses(breast, {
        name: 'pneumoniamnist',
        task: 'binary-class',
        classNames: ['normal', 'pneumonia'],
      }),
    ).toThrow(
      "dataset pneumoniamnist cannot validate a model trained on breastmnist: its classes are [normal, pneumonia], the model's are [malignant, normal, benign]",
    );
  });
});

describe('subgroup attributes of a samples table', () => {
  const record = (split: 'train' | 'test', attributes?: Record<string, string | number>, site?: string) => ({
    key: `${split}/${Math.random()}`,
    split,
    labels: [0],
    pixelSha256: '0'.repeat(64),
    perceptualHash: '0'.repeat(16),
    ...(site ? { site } : {}),
    ...(attributes ? { attributes } : {}),
  });
  const records = [
    record('train', { sex: 'F', age: 40 }, 'a'),
    record('test', { sex: 'M' }),
    record('test', { age: 61 }, 'b'),
    record('test'),
  ];

  it('lists site first, then the free attributes sorted', () => {
    expect(subgroupAttributes(records)).toEqual(['site', 'age', 'sex']);
  });

  it("reads one split's column in order, as text, null where missing", () => {
    expect(attributeColumn(records, 'test', 'sex')).toEqual(['M', null, null]);
    expect(attributeColumn(records, 'test', 'age')).toEqual([null, '61', null]);
    expect(attributeColumn(records, 'test', 'site')).toEqual([null, 'b', null]);
  });
});
