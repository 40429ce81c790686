// Realistic report facts for tests: BreastMNIST-shaped splits, simulated predictions run through the real
// metric, calibration, robustness and subgroup functions, a sealed lineage and the demo's sweep spec.
// Test-only (excluded from the build).
import type { ReportFacts } from '../report/facts.js';
import {
  calibrateWithTemperature,
  dropFromClean,
  parseSweepSpec,
  rankConfigurations,
  Rng,
  sealLineage,
  subgroupMetrics,
  testSetMetrics,
} from '../index.js';

const hash = (c: string) => c.repeat(64);

function standardNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** Binary labels and two-column probabilities of a model with some skill; `shift` degrades it. */
function predictions(seed: number, n: number, prevalence: number, shift = 0) {
  const rng = Rng.fromSeed(seed);
  const yTrue: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.nextFloat() < prevalence ? 1 : 0;
    const logit = 2.2 * (y - 0.5) * (1 - shift) + 1.3 * standardNormal(rng);
    const p = 1 / (1 + Math.exp(-2 * logit));
    yTrue.push(y);
    values.push(1 - p, p);
  }
  return { yTrue, yScore: { values, numColumns: 2 } };
}

export interface FactOverrides {
  datasetName?: string;
  classNames?: [string, string];
  withOptional?: boolean;
}

export function reportFacts(overrides: FactOverrides = {}): ReportFacts {
  const {
    datasetName = 'breastmnist',
    classNames = ['malignant', 'normal, benign'],
    withOptional = true,
  } = overrides;
  const spec = parseSweepSpec({
    name: 'breastmnist scratch vs transfer',
    dataset: 'breastmnist',
    architectures: ['vgg16', 'squeezenet1_1'],
    model: { inputSize: 32, widthMultiplier: 0.25 },
    arms: ['scratch', 'pretrained:imagenet'],
    search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.0001] } } },
    seeds: [0, 1],
    budget: { maxTrials: 20, maxEpochs: 6 },
    training: { classWeights: 'balanced', augmentation: { rotationDegrees: 10, horizontalFlip: true } },
  });
  const label = (architecture: string) => ({
    architecture,
    initialisation: 'imagenet',
    transferMode: 'full',
    config: { lr: 0.0001, batchSize: 16 },
  });
  const [chosen] = rankConfigurations(
    [
      {
        groupKey: hash('1'),
        label: label('squeezenet1_1'),
        runs: [
          { trialId: 't-1', seed: 0, value: 0.88 },
          { trialId: 't-2', seed: 1, value: 0.86 },
        ],
      },
      {
        groupKey: hash('2'),
        label: label('vgg16'),
        runs: [
          { trialId: 't-3', seed: 0, value: 0.8 },
          { trialId: 't-4', seed: 1, value: 0.79 },
        ],
      },
    ],
    { goal: 'maximize' },
  );
  const test = predictions(1, 156, 42 / 156);
  const validation = predictions(2, 78, 21 / 78);
  const threshold = 0.5;
  const lineage = sealLineage({
    datasetManifestHash: hash('d'),
    specHash: hash('5'),
    configHash: hash('c'),
    codeVersion: 'e'.repeat(40),
    codeDirty: false,
    lockHash: hash('0'),
    backend: 'tensorflow',
    backendVersions: { tfjs: '4.22.0', tensorflow: '2.21.0', node: '20.19.8' },
    weightsInHash: hash('a'),
    weightsOutHash: hash('b'),
    predictionsHash: hash('9'),
    metricsHash: hash('8'),
  });
  const facts: ReportFacts = {
    dataset: {
      id: hash('d'),
      name: datasetName,
      source: 'MedMNIST v2 (breastmnist.npz)',
      citation: 'Yang et al. 2023, Scientific Data',
      licence: 'CC BY 4.0',
      task: 'binary-class',
      classNames,
      positiveClass: 1,
      image: { height: 28, width: 28, channels: 1 },
      splits: {
        train: { count: 546, perClass: [147, 399] },
        val: { count: 78, perClass: [21, 57] },
        test: { count: 156, perClass: [42, 114] },
      },
      splitMethod: 'the official MedMNIST splits',
      independence: { level: 'image', duplicatesAcrossSplits: 0, acknowledgedLeakage: null },
      attributes: withOptional ? ['sex'] : [],
    },
    sweep: { id: 'sweep-1', name: spec.name, specHash: hash('5'), spec, trialsRun: 8 },
    selection: { id: chosen!.groupKey, metric: 'val_auc', goal: 'maximize', candidates: 2, entry: chosen! },
    trial: {
      id: 't-1',
      seed: 0,
      epochsTrained: 6,
      config: { lr: 0.0001, batchSize: 16, optimizer: 'adam', seed: 0 },
      input: {
        height: 32,
        width: 32,
        channels: 1,
        preprocessing: 'minus-one-one',
        interpolation: 'bilinear',
      },
      parameters: 722_000,
    },
    lineage: { ...lineage, id: lineage.recordHash, trialId: 't-1' },
    testMetrics: {
      id: 't-1/test',
      datasetName,
      datasetHash: hash('d'),
      split: 'test',
      threshold,
      thresholdRule: 'the benchmark rule, 0.5',
      result: testSetMetrics(test.yTrue, test.yScore, 'binary-class', { threshold }),
    },
  };
  if (!withOptional) return facts;
  const calibration = calibrateWithTemperature(validation, test, 'binary-class');
  const corrupted = predictions(1, 156, 42 / 156, 0.3);
  const { metrics, drop } = (() => {
    const r = dropFromClean(test.yTrue, test.yScore, corrupted.yScore, 'binary-class', { threshold });
    return { metrics: r.corrupted.metrics, drop: r.drop };
  })();
  const external = predictions(3, 200, 0.4, 0.2);
  const sex = test.yTrue.map((_, i) => (i % 5 === 4 ? null : i % 2 === 0 ? 'female' : 'male'));
  return {
    ...facts,
    calibration: {
      id: 't-1/calibration',
      temperature: calibration.fit.temperature,
      bins: 15,
      before: calibration.before,
      after: calibration.after,
    },
    robustness: {
      id: 't-1/robustness',
      source: 'MedMNIST-C (medmnistc 0.1.0) list for breastmnist',
      seed: 0,
      rows: [
        { corruption: 'speckle_noise', severity: 1, metrics, drop },
        { corruption: 'speckle_noise', severity: 5, metrics, drop },
      ],
    },
    externalValidation: [
      {
        id: 't-1/external/site-b',
        datasetName: 'breast-site-b',
        datasetHash: hash('e'),
        split: 'test',
        threshold,
        thresholdRule: 'the benchmark rule, 0.5',
        result: testSetMetrics(external.yTrue, external.yScore, 'binary-class', { threshold }),
      },
    ],
    subgroups: [
      {
        id: 't-1/subgroups/sex',
        attribute: 'sex',
        report: subgroupMetrics(test.yTrue, test.yScore, 'binary-class', sex, { threshold }),
      },
    ],
  };
}
