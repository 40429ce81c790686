// Typed access to tests/fixtures/reference-metrics.json, written by scripts/make-reference-fixtures.py
// from scikit-learn, scipy and statsmodels. Test-only (excluded from the build).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ScoreMatrix, TaskType } from '../index.js';

export const FIXTURE_PATH = fileURLToPath(
  new URL('../../tests/fixtures/reference-metrics.json', import.meta.url),
);
export const GENERATOR_PATH = fileURLToPath(
  new URL('../../scripts/make-reference-fixtures.py', import.meta.url),
);

export interface Dataset {
  task: TaskType;
  yTrue: number[];
  numColumns: number;
  yScoreA: number[];
  yScoreB?: number[];
}

/** JSON has no Infinity: ROC's leading threshold is stored as null. */
export interface StoredRoc {
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
}

export interface AveragedReference {
  precision: number;
  recall: number;
  f1: number;
  specificity: number;
}

export interface CalibrationReference {
  bins: number;
  ece: number;
  counts: number[];
  meanConfidence: (number | null)[];
  observed: (number | null)[];
}

export interface ClassificationCase {
  dataset: string;
  expected: {
    auc: number;
    accuracy: number;
    roc?: StoredRoc[];
    rocDropped: StoredRoc[];
    confusionMatrix?: number[][];
    macro: AveragedReference;
    binary?: AveragedReference;
    calibration?: CalibrationReference[];
  };
}

export interface OperatingPointReference {
  threshold: number | null;
  validation: { sensitivity: number; specificity: number };
  test: { sensitivity: number; specificity: number };
}

export interface McNemarReference {
  b: number;
  c: number;
  exact: { statistic: number; pValue: number };
  chiSquare?: { statistic: number; pValue: number };
}

/** Temperature scaling fitted on `validation`, its calibration measured on `evaluation` (scipy/sklearn). */
export interface TemperatureScalingCase {
  validation: string;
  evaluation: string;
  scoreKind: 'probabilities' | 'logits';
  expected: {
    temperature: number;
    nllBefore: number;
    nllAfter: number;
    evaluation: Record<'before' | 'after', { nll: number; calibration: CalibrationReference }>;
  };
}

/** Single-model intervals on binary-500 (model A; model B as a paired "corrupted" copy), from statsmodels. */
export interface SingleModelReference {
  dataset: string;
  wilson: { successes: number; trials: number; confidence: number; interval: [number, number] }[];
  newcombeIndependentPaperExample: { a: [number, number]; b: [number, number]; interval: [number, number] };
  auc: { auc: number; variance: number };
  pairedDrops: Record<
    'accuracy' | 'sensitivity' | 'specificity',
    { table: [number, number, number, number]; interval: [number, number] }
  >;
  subgroupsByIndexMod3: {
    groups: Record<'third' | 'rest', { correct: number; samples: number; wilson: [number, number] }>;
    accuracyGap: { highest: string; lowest: string; interval: [number, number] };
  };
}

export interface ReferenceFixture {
  meta: { generator: string; versions: Record<string, string> };
  datasets: Record<string, Dataset>;
  rng: {
    seed: number;
    state: number[];
    uint32: number[];
    floats: number[];
    ints: Record<string, number[]>;
  }[];
  normal: Record<'erfc' | 'normalCdf' | 'normalQuantile' | 'chiSquare1Survival', [number, number][]>;
  classification: ClassificationCase[];
  operatingPoints: {
    validation: string;
    test: string;
    targetSensitivity: number;
    expected: { youden: OperatingPointReference; target: OperatingPointReference };
  }[];
  mcnemar: McNemarReference[];
  mcnemarModels: { dataset: string; expected: McNemarReference }[];
  delong: {
    dataset: string;
    expected: { aucA: number; aucB: number; difference: number; variance: number; z: number; pValue: number };
  }[];
  bootstrapMean: {
    values: number[];
    seed: number;
    resamples: number;
    confidence: number;
    expected: {
      mean: number;
      std: number;
      percentile: [number, number];
      bca: [number, number];
      scipyPublic20000: { percentile: [number, number]; bca: [number, number] };
    };
  }[];
  bootstrapMeanDifference: {
    a: number[];
    b: number[];
    seed: number;
    resamples: number;
    confidence: number;
    expected: {
      meanA: number;
      meanB: number;
      percentile: [number, number];
      scipyPublic20000: [number, number];
    };
  }[];
  temperatureScaling: {
    range: [number, number];
    /** Inputs of its own (logits), beside the shared `datasets`. */
    datasets: Record<string, Dataset>;
    cases: TemperatureScalingCase[];
  };
  singleModel: SingleModelReference;
  pairedBootstrap: {
    dataset: string;
    seed: number;
    resamples: number;
    confidence: number;
    expected: {
      aucA: number;
      aucB: number;
      difference: number;
      lower: number;
      upper: number;
      standardError: number;
      pValue: number;
    };
  }[];
  studentT: {
    quantile: [number, number, number][];
    cdf: [number, number, number][];
    logGamma: [number, number][];
    logBeta: [number, number, number][];
    incompleteBeta: [number, number, number, number][];
  };
  seedMean: {
    values: number[];
    confidence: number;
    expected: { estimate: number; lower: number; upper: number; standardError: number; df: number };
  }[];
  gain: {
    pretrained: [number, number][];
    scratch: [number, number][];
    confidence: number;
    expected: { method: string; estimate: number; lower: number; upper: number; df: number };
  }[];
  seedRuns: Record<string, { yTrue: number[]; pretrained: number[][]; scratch: number[][] }>;
  twoLevel: {
    dataset: string;
    metric: 'auc' | 'acc';
    seedsPretrained: number[];
    seedsScratch: number[];
    confidence: number;
    expected: { single: TwoLevelReference; gain: TwoLevelReference & { method: string } };
  }[];
  holm: { pValues: number[]; holm: number[] }[];
}

export interface TwoLevelReference {
  estimate: number;
  lower: number;
  upper: number;
  df: number;
  seedVariance: number;
  testVariance: number;
}

export function loadReference(path = FIXTURE_PATH): ReferenceFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as ReferenceFixture;
}

/** A dataset's model scores as a ScoreMatrix (model A unless `model` is 'B'). */
export function scoresOf(dataset: Dataset, model: 'A' | 'B' = 'A'): ScoreMatrix {
  const values = model === 'A' ? dataset.yScoreA : dataset.yScoreB;
  if (!values) throw new Error(`the dataset has no model ${model} scores`);
  return { values, numColumns: dataset.numColumns };
}

/** ROC thresholds with the stored null turned back into +Infinity. */
export function thresholdsOf(roc: StoredRoc): number[] {
  return roc.thresholds.map((t) => t ?? Infinity);
}

/** |actual - expected| <= tolerance * max(1, |expected|): absolute near 0, relative for tiny p-values. */
export function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${what}: ${actual} vs reference ${expected}`).toBeLessThanOrEqual(
    tolerance * scale,
  );
}

/** Relative comparison for values that may be tiny (p-values deep in the tail); absolute at 0. */
export function expectRelative(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs reference ${expected}`).toBeLessThanOrEqual(
    tolerance * (expected === 0 ? 1 : Math.abs(expected)),
  );
}
