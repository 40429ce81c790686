// One trial of a sweep spec, trained and evaluated in-process with the engine the train worker runs:
// the trial's classifier, seeded initial weights, ImageNet base weights and transfer mode, train() with
// the spec's settings, model selection on validation, then the evaluation the worker records. What a
// spec means for a trial is written in apps/worker (training-settings.ts, trial-model.ts), which no
// package may import; this is its @medsweep/ml-level equivalent, so keep the two in step.
import { performance } from 'node:perf_hooks';
import type { FinalMetricValue } from '@medsweep/core';
import type { SweepSpec, TrialPlan } from '@medsweep/core/sweep';
import { modelFor } from '@medsweep/core/sweep';
import type * as tfjs from '@tensorflow/tfjs';
import type {
  AugmentationArgs,
  Dataset,
  EpochRecord,
  LrSchedule,
  ModelInputSpec,
  OptimizerArgs,
  Tf,
  TrainArgs,
  TrainProgress,
  TransferMode,
  TransferSummary,
} from '../src/index.js';
import {
  applyTransferMode,
  buildTrialClassifier,
  evaluatePredictions,
  getArchitecture,
  initializeWeights,
  loadKerasWeights,
  operatingPointRule,
  predictSplit,
  train,
} from '../src/index.js';

/** The trainer settings a spec gives one of its trials. */
export type TrialSettings = Pick<
  TrainArgs,
  'optimizer' | 'batchSize' | 'schedule' | 'augmentation' | 'classWeights' | 'earlyStopping' | 'epochs'
>;

/**
 * The trainer settings of `plan`: its sampled lr, batchSize and optimizer (the runner needs all three in
 * the search space, so no default hides in it), the pretrained arm's lr scaled by transfer.lrMultiplier,
 * and the spec's training section, trained for budget.maxEpochs.
 */
export function trialSettings(spec: SweepSpec, plan: TrialPlan): TrialSettings {
  const param = (name: string): number => {
    const value = plan.params[name];
    if (typeof value !== 'number') {
      throw new Error(
        `trial ${plan.index}: params.${name} = ${JSON.stringify(value)}; the runner needs a number in search.space.${name}`,
      );
    }
    return value;
  };
  const weightDecay = plan.params['weightDecay'] ?? 0;
  if (weightDecay !== 0) {
    throw new Error(
      `trial ${plan.index}: params.weightDecay = ${weightDecay}; accepted: 0 (no weight decay)`,
    );
  }
  const kind = plan.params['optimizer'];
  if (kind !== 'adam' && kind !== 'sgd') {
    throw new Error(
      `trial ${plan.index}: params.optimizer = ${JSON.stringify(kind)}; the runner needs adam or sgd in search.space.optimizer`,
    );
  }
  const learningRate = param('lr') * (plan.arm === 'scratch' ? 1 : spec.transfer.lrMultiplier);
  const optimizer: OptimizerArgs =
    kind === 'sgd'
      ? { kind, learningRate, momentum: (plan.params['momentum'] as number | undefined) ?? 0 }
      : { kind, learningRate };
  const { training } = spec;
  const augmentation = augmentationOf(training.augmentation);
  return {
    optimizer,
    batchSize: param('batchSize'),
    schedule: scheduleOf(training.schedule),
    epochs: spec.budget.maxEpochs,
    ...(augmentation ? { augmentation } : {}),
    ...(training.classWeights === 'balanced' ? { classWeights: 'balanced' as const } : {}),
    ...(training.patience === undefined ? {} : { earlyStopping: { patience: training.patience } }),
  };
}

function scheduleOf(schedule: SweepSpec['training']['schedule']): LrSchedule {
  switch (schedule.kind) {
    case 'constant':
      return schedule;
    case 'step':
      return { kind: 'step', milestones: schedule.milestones, gamma: schedule.gamma };
    case 'cosine':
      return { kind: 'cosine', minLearningRate: schedule.minLr };
    case 'sgdr':
      return {
        kind: 'sgdr',
        firstPeriodEpochs: schedule.period,
        periodMultiplier: schedule.periodMultiplier,
        minLearningRate: schedule.minLr,
      };
    default: {
      const unknown: never = schedule;
      return unknown;
    }
  }
}

/** The spec's augmentation (scale s zooms within [1 - s, 1 + s]), or undefined when it changes nothing. */
function augmentationOf(a: SweepSpec['training']['augmentation']): AugmentationArgs | undefined {
  if (a.rotationDegrees === 0 && !a.horizontalFlip && !a.verticalFlip && a.scale === 0) return undefined;
  return {
    rotationDegrees: a.rotationDegrees,
    horizontalFlip: a.horizontalFlip,
    verticalFlip: a.verticalFlip,
    ...(a.scale > 0 ? { zoomRange: [1 - a.scale, 1 + a.scale] as const } : {}),
  };
}

/** How a trial's images are fed: [-1, 1] from scratch (MedMNIST's mean 0.5 / std 0.5), ImageNet's with its weights. */
function trialInput(spec: SweepSpec, plan: TrialPlan, dataset: Dataset, imagenet: boolean): ModelInputSpec {
  const size = modelFor(spec, plan.architecture).inputSize;
  const preprocessing = getArchitecture(plan.architecture).imagenetPreprocessing;
  // EfficientNet rescales inside the model, pretrained or not; 'caffe' and 'torch' need RGB.
  if (preprocessing === 'raw' || !imagenet) {
    return {
      height: size,
      width: size,
      channels: dataset.manifest.image.channels,
      preprocessing: preprocessing === 'raw' ? 'raw' : 'minus-one-one',
    };
  }
  return { height: size, width: size, channels: 3, preprocessing };
}

function transferModeOf(transfer: SweepSpec['transfer']): TransferMode {
  switch (transfer.mode) {
    case 'frozen':
    case 'full':
      return { kind: transfer.mode };
    case 'fine-tune-top':
      // The spec requires blocks in this mode.
      return { kind: 'fine-tune-top', blocks: transfer.blocks as number };
    default: {
      const unknown: never = transfer.mode;
      return unknown;
    }
  }
}

export interface SpecTrialArgs {
  tf: Tf;
  spec: SweepSpec;
  plan: TrialPlan;
  dataset: Dataset;
  /** ImageNet `_notop` weights of the pretrained arm; undefined for scratch. */
  imagenetWeightsPath?: string;
  /** Called after every epoch. */
  onEpoch?: (progress: TrainProgress) => void;
}

export interface SpecTrialResult {
  plan: TrialPlan;
  settings: TrialSettings;
  input: ModelInputSpec;
  model: { inputSize: number; widthMultiplier: number };
  transfer: Pick<TransferSummary, 'trainableParams' | 'nonTrainableParams' | 'frozenBlocks'>;
  epochsCompleted: number;
  stoppedEarly: boolean;
  /** 0-based epoch whose weights were evaluated: the best validation AUC (the MedMNIST protocol). */
  bestEpoch: number;
  history: EpochRecord[];
  /** Every final metric the worker records, by split and name. */
  metrics: Record<FinalMetricValue['split'], Record<string, number>>;
  /** Test confusion matrix [true][predicted] at the benchmark rule (0.5). */
  testConfusion: number[][];
  seconds: { train: number; evaluate: number };
}

/** Trains and evaluates one trial; the model is disposed before it returns. */
export async function runSpecTrial(args: SpecTrialArgs): Promise<SpecTrialResult> {
  const { tf, spec, plan, dataset } = args;
  const settings = trialSettings(spec, plan);
  const imagenet = args.imagenetWeightsPath !== undefined;
  const input = trialInput(spec, plan, dataset, imagenet);
  const size = modelFor(spec, plan.architecture);
  const { numClasses, task } = dataset.manifest;
  const dropout = plan.params['dropout'];
  const model = buildTrialClassifier({
    architecture: plan.architecture,
    ...size,
    ...(typeof dropout === 'number' ? { dropout } : {}),
    numClasses,
    input,
    imagenetWeights: imagenet,
  });
  try {
    initializeWeights(tf, model, plan.seed);
    const transfer = await pretrain(tf, model, plan, spec, args.imagenetWeightsPath);
    const started = performance.now();
    const result = await train({
      tf,
      model,
      train: dataset.splits.train,
      validation: dataset.splits.val,
      numClasses,
      input,
      ...settings,
      seed: plan.seed,
      onProgress: (progress) => {
        if (progress.phase === 'epoch') args.onEpoch?.(progress);
      },
    });
    const trained = performance.now();
    const predictions = {
      val: await predictSplit(tf, model, dataset.splits.val, input, numClasses, settings.batchSize),
      test: await predictSplit(tf, model, dataset.splits.test, input, numClasses, settings.batchSize),
    };
    const report = evaluatePredictions(predictions, task, operatingPointRule(spec.evaluation));
    const metrics: SpecTrialResult['metrics'] = { val: {}, test: {} };
    for (const m of report.finalMetrics) metrics[m.split][m.name] = m.value;
    return {
      plan,
      settings,
      input,
      model: size,
      transfer: {
        trainableParams: transfer.trainableParams,
        nonTrainableParams: transfer.nonTrainableParams,
        frozenBlocks: transfer.frozenBlocks,
      },
      epochsCompleted: result.epochsCompleted,
      stoppedEarly: result.stoppedEarly,
      // Every epoch is validated, so there is a best one.
      bestEpoch: (result.best as { epoch: number }).epoch,
      history: result.history,
      metrics,
      testConfusion: report.confusion.test,
      seconds: { train: (trained - started) / 1000, evaluate: (performance.now() - trained) / 1000 },
    };
  } finally {
    model.dispose();
  }
}

/**
 * Loads the ImageNet base weights by layer name (the new head keeps its seeded values) and applies the
 * spec's transfer mode; a scratch trial trains every layer.
 */
async function pretrain(
  tf: Tf,
  model: tfjs.LayersModel,
  plan: TrialPlan,
  spec: SweepSpec,
  weightsPath: string | undefined,
): Promise<TransferSummary> {
  const architecture = getArchitecture(plan.architecture);
  if (weightsPath === undefined) return applyTransferMode(model, architecture.name, { kind: 'full' });
  // The base as a model of its own, sharing the layers: loading sets exactly the base's weights, strictly.
  const base = tf.model({ inputs: model.inputs, outputs: model.getLayer(architecture.featureLayer).output });
  await loadKerasWeights(base, weightsPath);
  return applyTransferMode(model, architecture.name, transferModeOf(spec.transfer));
}
