import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncompatibleDatasetError, parseEvaluationDocument, evaluationResult } from '@medsweep/core';
import type { BackendInfo } from '../backend.js';
import { selectBackend } from '../backend.js';
import type { Dataset, DatasetManifest } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { EvaluationPlanError } from '../errors.js';
import { breastMnist, firstSamples } from '../training/test-support/tiny-run.js';
import { initializeWeights } from '../training/initialize-weights.js';
import { predictSplit } from '../training/predict.js';
import type { ArtifactSink } from '../trial/trial-outputs.js';
import { saveKerasWeights } from '../weights/save-keras-weights.js';
import type { EvaluationPlan } from './evaluation-runner.js';
import { runEvaluation } from './evaluation-runner.js';
import type { TrainedModelSettings } from './trained-model.js';
import { buildTrialClassifier, loadTrainedModel } from './trained-model.js';

const settings: TrainedModelSettings = {
  architecture: 'vgg16',
  inputSize: 32,
  widthMultiplier: 0.125,
  batchSize: 32,
  evaluation: { operatingPoint: 'youden' },
};
const input: ModelInputSpec = { height: 32, width: 32, channels: 1, preprocessing: 'minus-one-one' };
const CLASS_NAMES = ['malignant', 'normal, benign'];

let backend: BackendInfo;
let dir: string;
let weightsPath: string;
let dataset: Dataset;
const stored = new Map<string, Uint8Array>();
const sink: ArtifactSink = {
  put: async (name, bytes) => {
    stored.set(name, bytes);
    return { uri: `s3://test/${name}`, sha256: 'f'.repeat(64), sizeBytes: bytes.length };
  },
};

/** A dataset of BreastMNIST's splits (its test split cut to `testCount` images) with a manifest that names them. */
function breastDataset(id: string, testCount: number, classNames = CLASS_NAMES): Dataset {
  const splits = breastMnist();
  const test = firstSamples(splits.test, testCount);
  const manifest = {
    name: 'breastmnist',
    task: 'binary-class',
    numClasses: 2,
    classNames,
    image: { height: 28, width: 28, channels: 1 },
  } as unknown as DatasetManifest;
  return { id, manifest, splits: { ...splits, test } };
}

const run = (plan: EvaluationPlan, over: Partial<Parameters<typeof runEvaluation>[0]> = {}) =>
  runEvaluation({
    backend,
    settings,
    weightsPath,
    imagenetWeights: false,
    dataset,
    datasetName: 'breastmnist',
    plan,
    artifacts: sink,
    documentName: 'evaluations/test.json',
    signal: new AbortController().signal,
    ...over,
  });

beforeAll(async () => {
  backend = await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'medsweep-evaluation-runner-'));
  weightsPath = join(dir, 'weights.h5');
  const model = buildTrialClassifier({ ...settings, numClasses: 2, input, imagenetWeights: false });
  try {
    initializeWeights(backend.tf, model, 5);
    await saveKerasWeights(model, weightsPath, { input });
  } finally {
    model.dispose();
  }
  dataset = breastDataset('d'.repeat(64), 60);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runEvaluation', () => {
  it('predicts the clean and corrupted test split into one stored document whose metrics it returns', async () => {
    const tensors = backend.tf.memory().numTensors;
    const progress: number[] = [];
    const result = await run(
      { kind: 'robustness', seed: 0, corruptions: ['pixelate', 'speckle_noise'] },
      { onProgress: (done, total) => progress.push(done / total) },
    );
    expect(backend.tf.memory().numTensors, 'tensors left behind').toBe(tensors);
    expect(progress).toHaveLength(11);
    expect(progress.at(-1)).toBe(1);
    const bytes = stored.get('evaluations/test.json')!;
    const document = parseEvaluationDocument(bytes, 'test');
    expect(document.corrupted?.map((c) => `${c.corruption}/${c.severity}`)).toEqual([
      ...[1, 2, 3, 4, 5].map((s) => `pixelate/${s}`),
      ...[1, 2, 3, 4, 5].map((s) => `speckle_noise/${s}`),
    ]);
    expect(document.corruptions).toEqual({
      source: 'MedMNIST-C (medmnistc 0.1.0) list for breastmnist',
      seed: 0,
    });
    expect(result.result).toEqual(evaluationResult(document, 'binary-class'));
    expect(result.artifact).toMatchObject({ kind: 'evaluation', contentType: 'application/json' });
    expect(result.model.input).toEqual(input);
    expect(result.model.parameters).toBeGreaterThan(1000);
    // The clean scores are the model's own predictions of the stored test split.
    const { model } = await loadTrainedModel({
      ...settings,
      numClasses: 2,
      imagenetWeights: false,
      weightsPath,
    });
    try {
      const direct = await predictSplit(backend.tf, model, dataset.splits.test, input, 2, 32);
      expect(Array.from(document.clean.values)).toEqual(Array.from(direct.scores.values));
    } finally {
      model.dispose();
    }
  });

  it('gives the same document for the same seed (corruption draws are seeded)', async () => {
    await run({ kind: 'robustness', seed: 3, corruptions: ['speckle_noise'] });
    const first = stored.get('evaluations/test.json')!;
    await run({ kind: 'robustness', seed: 3, corruptions: ['speckle_noise'] });
    expect(stored.get('evaluations/test.json')).toEqual(first);
  });

  it('evaluates an external dataset with the same classes, and refuses one with others', async () => {
    const external = breastDataset('e'.repeat(64), 40);
    const result = await run({ kind: 'external', dataset: external, name: 'breast-site-b' });
    expect(result.result).toMatchObject({
      kind: 'external',
      dataset: { name: 'breast-site-b', manifestSha256: 'e'.repeat(64) },
    });
    expect(result.result.kind === 'external' && result.result.result.samples).toBe(40);
    const other = breastDataset('f'.repeat(64), 40, ['normal', 'pneumonia']);
    await expect(run({ kind: 'external', dataset: other, name: 'pneumoniamnist' })).rejects.toThrow(
      IncompatibleDatasetError,
    );
  });

  it('splits the test set by an attribute column, and refuses a column of the wrong length', async () => {
    const values = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 'F' : 'M'));
    const result = await run({ kind: 'subgroups', attribute: 'sex', values });
    expect(result.result.kind === 'subgroups' && result.result.report.groups.map((g) => g.value)).toEqual([
      'F',
      'M',
    ]);
    await expect(run({ kind: 'subgroups', attribute: 'sex', values: ['F'] })).rejects.toThrow(
      EvaluationPlanError,
    );
  });

  it('refuses corruptions the dataset list does not have', async () => {
    await expect(run({ kind: 'robustness', seed: 0, corruptions: ['fog'] })).rejects.toThrow(
      /corruptions = \["fog"\] cannot be run: expected a non-empty subset of pixelate, jpeg_compression/,
    );
  });
});
