import { setImmediate as nextTick } from 'node:timers/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { auc, canonicalJson, sha256Hex } from '@medsweep/core';
import type { TaskType } from '@medsweep/core';
import type { Tf } from '../backend.js';
import type { AugmentationArgs } from '../data/augmentation.js';
import { batchesOf, epochOrder } from '../data/batch-plan.js';
import type { ImageSplit } from '@medsweep/core/records';
import { taskOf } from '@medsweep/core/records';
import type { ModelInputSpec } from '../data/preprocess.js';
import { buildImageBatch, buildLabelBatch, validateInputSpec } from '../data/preprocess.js';
import { CheckpointMismatchError, TrainConfigError, TrainingDivergedError } from '../errors.js';
import type { CheckpointStore, EpochRecord, TrainingCheckpoint } from './checkpoint.js';
import type { LabelWeights, TrainingLoss, WeightBatch } from './loss.js';
import { balancedClassWeights, balancedLabelWeights, weightedLoss } from './loss.js';
import type { LrSchedule } from './lr-schedule.js';
import { learningRateAt, validateSchedule } from './lr-schedule.js';
import { assertSeedable, leafLayers, seedDropoutLayers } from './model-randomness.js';
import type { GraphStep, StepExecution } from './graph-step.js';
import { createGraphStep } from './graph-step.js';
import type { NativeTrainingKernels } from './native-training-kernels.js';
import { registerNativeReluGradient, withNativeTrainingKernels } from './native-training-kernels.js';
import type { OptimizerArgs } from './optimizer.js';
import {
  countStep,
  createOptimizer,
  disposeOptimizer,
  learningRateTensor,
  readOptimizerState,
  restoreOptimizerState,
  setLearningRate,
  validateOptimizer,
} from './optimizer.js';
import { predictSplit } from './predict.js';
import type { TensorRecord } from './tensor-records.js';
import { readModelWeights, writeModelWeights } from './tensor-records.js';

/** Scores validation predictions; higher is better. yScore is row-major [n, numColumns]. */
export interface ValidationMetric {
  /** Names the metric in progress events, e.g. 'auc'. */
  name: string;
  compute(yTrue: ArrayLike<number>, yScore: { values: ArrayLike<number>; numColumns: number }): number;
}

export interface TrainArgs {
  /** The namespace of the selected backend (selectBackend().tf). */
  tf: Tf;
  /** A built model taking [batch, input.height, input.width, input.channels] and giving class probabilities. */
  model: tfjs.LayersModel;
  /** Training samples; batches are built from their uint8 bytes on demand. */
  train: ImageSplit;
  /** Scored after every epoch, for best-epoch selection and early stopping. */
  validation?: ImageSplit;
  numClasses: number;
  /**
   * The dataset's task (default binary-class for two classes, multi-class for more). Multi-label
   * splits hold numClasses 0/1 labels per sample: the model's numClasses sigmoid outputs are trained
   * with binary cross-entropy per label.
   */
  task?: TaskType;
  input: ModelInputSpec;
  /** Applied to training batches only, drawn per (seed, epoch, sample). */
  augmentation?: AugmentationArgs;
  epochs: number;
  /**
   * End this call once this many epochs are complete (default `epochs`): one segment of a longer run,
   * e.g. up to an early-stopping rung. The schedule and the checkpoint settings still span `epochs`, so
   * calling again with a later stopAfterEpoch (or none) resumes from the checkpoint store exactly where
   * this call stopped.
   */
  stopAfterEpoch?: number;
  batchSize: number;
  optimizer: OptimizerArgs;
  /** Default constant. */
  schedule?: LrSchedule;
  /**
   * Loss weight per class (index = class), or 'balanced' (n / (k * n_c)); default all 1. For
   * multi-label, only 'balanced': per label, n / (2 n_neg) for its negatives and n / (2 n_pos) for its
   * positives (balancedLabelWeights).
   */
  classWeights?: readonly number[] | 'balanced';
  /**
   * What each step minimises (default cross-entropy of the model's output), plus the penalties of
   * the model's weight regularizers (e.g. a Dense layer's kernelRegularizer), as Keras' fit adds them.
   * The validation loss is always the cross-entropy of the model's output scores.
   */
  loss?: TrainingLoss;
  /** Default: AUC as MedMNIST defines it (@medsweep/core), for the dataset's task. */
  validationMetric?: ValidationMetric;
  /** Stop when the validation metric has not improved by more than minDelta for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** End with the weights of the best validation epoch (default true when there is a validation split). */
  restoreBestWeights?: boolean;
  /** Seeds shuffling, augmentation and dropout (weights: see initializeWeights). */
  seed: number;
  /** Saves a checkpoint after every epoch; when it holds one, the run resumes from it. */
  checkpoints?: CheckpointStore;
  onProgress?: (progress: TrainProgress) => void | Promise<void>;
  /** Stops the run between two batches (it rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Batch size of validation inference (default batchSize). */
  evaluationBatchSize?: number;
  /**
   * Run steps as a TensorFlow graph traced from the eager step (default true; native CPU backend
   * only, see graph-step.ts). false runs every step eagerly, op by op, as tfjs does.
   */
  compileSteps?: boolean;
}

/** Sent after every batch and after every epoch (once its checkpoint is saved). */
export interface TrainProgress {
  phase: 'batch' | 'epoch';
  /** 0-based. */
  epoch: number;
  /** Batches done in this epoch (1-based). */
  batch: number;
  batches: number;
  /** This batch's loss, or the epoch's mean training loss. */
  loss: number;
  lr: number;
  /** Batch: { loss } (running epoch mean). Epoch: { loss, val_loss, val_<metric> }. */
  metrics: Record<string, number>;
}

export interface TrainResult {
  /** Epochs completed, including any before a resume. */
  epochsCompleted: number;
  stoppedEarly: boolean;
  /** The best validation epoch; the model holds its weights when restoreBestWeights. */
  best?: { epoch: number; value: number };
  history: EpochRecord[];
  /** Epochs the run found already completed in its checkpoint store (0 for a fresh run). */
  resumedAfterEpochs: number;
  /** How this call's steps ran: as a graph, or eagerly and why. */
  stepExecution: StepExecution;
}

/** The bookkeeping a checkpoint carries from epoch to epoch. */
interface RunState {
  epochsCompleted: number;
  history: EpochRecord[];
  best?: { epoch: number; value: number; weights: TensorRecord[] };
  epochsWithoutImprovement: number;
  stoppedEarly: boolean;
}

/** What one call of train() works with, resolved once. */
interface Run {
  args: TrainArgs;
  optimizer: tfjs.Optimizer;
  settings: Record<string, unknown>;
  metric: ValidationMetric;
  /** Per class (single-label), per label and class (multi-label), or none. */
  classWeights: readonly number[] | LabelWeights | undefined;
  multiLabel: boolean;
  /** The model whose output the loss scores: the model itself, or a view of it ending at the margin layer. */
  lossModel: tfjs.LayersModel;
  /** Leaf layers, for per-step dropout seeds. */
  layers: tfjs.layers.Layer[];
  state: RunState;
  /** Runs each training step, as a compiled graph where it can. */
  steps: GraphStep;
  kernels: NativeTrainingKernels;
}

/**
 * Trains `model` in place with a custom loop (optimizer.minimize per batch), so every source of
 * randomness is seeded and all state is checkpointable: with a checkpoint store, an interrupted run
 * called again with the same arguments and a freshly built model resumes after its last completed
 * epoch and ends with the same weights and history as an uninterrupted one (same backend). On the
 * native CPU backend steps run as a TensorFlow graph traced from the eager step (graph-step.ts).
 */
export async function train(args: TrainArgs): Promise<TrainResult> {
  const { tf, model, numClasses } = args;
  const task = taskOfRun(args);
  const multiLabel = task === 'multi-label, binary-class';
  validate(args);
  assertSeedable(model);
  registerNativeReluGradient(tf);
  const settings = runSettings(args);
  const optimizer = createOptimizer(tf, args.optimizer);
  const steps = createGraphStep(tf, { compile: args.compileSteps ?? true });
  try {
    const state = await resume(args, settings, optimizer);
    const resumedAfterEpochs = state.epochsCompleted;
    await withNativeTrainingKernels(tf, model, async (kernels) => {
      const run: Run = {
        args,
        optimizer,
        settings,
        metric: args.validationMetric ?? {
          name: 'auc',
          compute: (yTrue, yScore) => auc(yTrue, yScore, task),
        },
        classWeights:
          args.classWeights !== 'balanced'
            ? args.classWeights
            : multiLabel
              ? balancedLabelWeights(args.train.labels, numClasses)
              : balancedClassWeights(args.train.labels, numClasses),
        multiLabel,
        lossModel: lossModelOf(args),
        layers: leafLayers(model),
        state,
        steps,
        kernels,
      };
      const stopAt = args.stopAfterEpoch ?? args.epochs;
      for (let epoch = state.epochsCompleted; epoch < stopAt && !state.stoppedEarly; epoch++) {
        await runEpoch(run, epoch);
      }
    });

    if ((args.restoreBestWeights ?? args.validation !== undefined) && state.best) {
      writeModelWeights(tf, model, state.best.weights);
    }
    return {
      epochsCompleted: state.epochsCompleted,
      stoppedEarly: state.stoppedEarly,
      ...(state.best ? { best: { epoch: state.best.epoch, value: state.best.value } } : {}),
      history: state.history,
      resumedAfterEpochs,
      stepExecution: { ...steps.execution, eagerReasons: [...steps.execution.eagerReasons] },
    };
  } finally {
    steps.dispose();
    disposeOptimizer(optimizer);
  }
}

/** Trains one epoch, validates, updates the bookkeeping, checkpoints, and reports. */
async function runEpoch(run: Run, epoch: number): Promise<void> {
  const { args, optimizer, state } = run;
  const batches = batchesOf(epochOrder(args.train.count, args.seed, epoch), args.batchSize);
  let lossSum = 0;
  let seen = 0;
  let lr = args.optimizer.learningRate;
  run.steps.startEpoch();
  for (const [batch, indices] of batches.entries()) {
    args.signal?.throwIfAborted();
    const position = { epoch, batch, batchesPerEpoch: batches.length, epochs: args.epochs };
    lr = learningRateAt(args.schedule ?? { kind: 'constant' }, args.optimizer.learningRate, position);
    setLearningRate(optimizer, lr);
    seedDropoutLayers(run.layers, args.seed, epoch, batch);
    const loss = trainStep(run, indices, epoch);
    if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, batch, loss, lr);
    lossSum += loss * indices.length;
    seen += indices.length;
    const progress = { epoch, batch: batch + 1, batches: batches.length, loss, lr };
    await args.onProgress?.({ phase: 'batch', ...progress, metrics: { loss: lossSum / seen } });
    // Lets timers and I/O (heartbeats, signals) run: native steps block the event loop.
    await nextTick();
  }

  const record: EpochRecord = { epoch, loss: lossSum / seen, learningRate: lr };
  if (args.validation) {
    const batchSize = args.evaluationBatchSize ?? args.batchSize;
    const predictions = await predictSplit(
      args.tf,
      args.model,
      args.validation,
      args.input,
      args.numClasses,
      batchSize,
      taskOfRun(args),
    );
    record.validationLoss = predictions.loss;
    record.validationMetric = run.metric.compute(predictions.labels, predictions.scores);
    await trackBest(state, record.validationMetric, epoch, args, args.model);
  }
  state.history.push(record);
  state.epochsCompleted = epoch + 1;
  if (args.checkpoints) {
    await args.checkpoints.save(await snapshot(state, run.settings, args.seed, args.model, optimizer));
  }
  const metrics: Record<string, number> = { loss: record.loss };
  if (record.validationLoss !== undefined) metrics['val_loss'] = record.validationLoss;
  if (record.validationMetric !== undefined) metrics[`val_${run.metric.name}`] = record.validationMetric;
  await args.onProgress?.({
    phase: 'epoch',
    epoch,
    batch: batches.length,
    batches: batches.length,
    loss: record.loss,
    lr,
    metrics,
  });
}

/** One optimizer step on the samples `indices`; returns the batch loss (regularizer penalties included). */
function trainStep(
  { args, optimizer, classWeights, multiLabel, lossModel, steps, kernels }: Run,
  indices: Int32Array,
  epoch: number,
): number {
  const { tf, model, train } = args;
  const augmentation = args.augmentation ? { args: args.augmentation, seed: args.seed, epoch } : undefined;
  const x = buildImageBatch(tf, train, indices, args.input, augmentation);
  const y = buildLabelBatch(tf, train, indices, { multiLabel });
  const weights = classWeights && weightBatch(tf, train, indices, classWeights);
  const variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  // Everything the step depends on besides the variables: a compiled step is fed these.
  const inputs = [x, y, ...(weights ? [weights] : []), learningRateTensor(optimizer), ...kernels.stepSeeds()];
  try {
    const loss = steps.run(
      inputs,
      () => {
        const cost = optimizer.minimize(
          () => {
            const outputs = lossModel.apply(x, { training: true }) as tfjs.Tensor;
            const objective = weightedLoss(tf, outputs, y, args.numClasses, weights, args.loss);
            const penalties = model.calculateLosses();
            return penalties.length === 0 ? objective : (tf.addN([objective, ...penalties]) as tfjs.Scalar);
          },
          true,
          variables,
        );
        return cost as tfjs.Scalar;
      },
      () => countStep(optimizer),
    );
    try {
      return loss.dataSync()[0] ?? NaN;
    } finally {
      loss.dispose();
    }
  } finally {
    tf.dispose([x, y, ...(weights ? [weights] : [])]);
  }
}

/** The loss weights of the samples `indices`: their class's weight, or per label its class's weight. */
function weightBatch(
  tf: Tf,
  train: ImageSplit,
  indices: Int32Array,
  classWeights: readonly number[] | LabelWeights,
): WeightBatch {
  if (Array.isArray(classWeights)) {
    const perClass = classWeights as readonly number[];
    return tf.tensor1d(Float32Array.from(indices, (i) => perClass[train.labels[i] as number] as number));
  }
  const { negative, positive } = classWeights as LabelWeights;
  const numLabels = negative.length;
  const weights = new Float32Array(indices.length * numLabels);
  for (let i = 0; i < indices.length; i++) {
    const row = (indices[i] as number) * numLabels;
    for (let l = 0; l < numLabels; l++) {
      weights[i * numLabels + l] = (train.labels[row + l] === 1 ? positive[l] : negative[l]) as number;
    }
  }
  return tf.tensor2d(weights, [indices.length, numLabels]);
}

/** The run's task: as given, else the single-label task of its class count. */
const taskOfRun = (args: TrainArgs): TaskType => args.task ?? taskOf(args.numClasses);

/**
 * The model the loss scores: for squared-hinge, a view of `model` from its input to the margin layer
 * (sharing its layers, so never disposed on its own); else the model itself.
 */
function lossModelOf({ tf, model, loss }: TrainArgs): tfjs.LayersModel {
  if (loss?.kind !== 'squared-hinge') return model;
  return tf.model({ inputs: model.inputs, outputs: model.getLayer(loss.marginLayer).output });
}

/** Updates best-epoch bookkeeping and the early-stopping counter after a validation score. */
async function trackBest(
  state: RunState,
  value: number,
  epoch: number,
  args: TrainArgs,
  model: tfjs.LayersModel,
): Promise<void> {
  const minDelta = args.earlyStopping?.minDelta ?? 0;
  if (!state.best || value > state.best.value + minDelta) {
    state.best = { epoch, value, weights: await readModelWeights(model) };
    state.epochsWithoutImprovement = 0;
  } else {
    state.epochsWithoutImprovement += 1;
    if (args.earlyStopping && state.epochsWithoutImprovement >= args.earlyStopping.patience)
      state.stoppedEarly = true;
  }
}

async function snapshot(
  state: RunState,
  settings: Record<string, unknown>,
  seed: number,
  model: tfjs.LayersModel,
  optimizer: tfjs.Optimizer,
): Promise<TrainingCheckpoint> {
  const bestIsLatest = state.best?.epoch === state.epochsCompleted - 1;
  return {
    settings,
    seed,
    epochsCompleted: state.epochsCompleted,
    history: state.history,
    ...(state.best ? { best: { epoch: state.best.epoch, value: state.best.value } } : {}),
    epochsWithoutImprovement: state.epochsWithoutImprovement,
    stoppedEarly: state.stoppedEarly,
    weights: bestIsLatest && state.best ? state.best.weights : await readModelWeights(model),
    optimizer: await readOptimizerState(optimizer),
    ...(state.best && !bestIsLatest ? { bestWeights: state.best.weights } : {}),
  };
}

/** The run state to start from: the latest checkpoint's, restored into model and optimizer, or a fresh one. */
async function resume(
  args: TrainArgs,
  settings: Record<string, unknown>,
  optimizer: tfjs.Optimizer,
): Promise<RunState> {
  const checkpoint = await args.checkpoints?.loadLatest();
  if (!checkpoint)
    return { epochsCompleted: 0, history: [], epochsWithoutImprovement: 0, stoppedEarly: false };

  const differences = Object.keys({ ...settings, ...checkpoint.settings })
    .filter((key) => canonicalJson(settings[key] ?? null) !== canonicalJson(checkpoint.settings[key] ?? null))
    .map((key) => ({ setting: key, checkpoint: checkpoint.settings[key], current: settings[key] }));
  if (differences.length > 0) throw new CheckpointMismatchError(differences);

  writeModelWeights(args.tf, args.model, checkpoint.weights);
  await restoreOptimizerState(args.tf, optimizer, checkpoint.optimizer);
  return {
    epochsCompleted: checkpoint.epochsCompleted,
    history: checkpoint.history,
    ...(checkpoint.best
      ? { best: { ...checkpoint.best, weights: checkpoint.bestWeights ?? checkpoint.weights } }
      : {}),
    epochsWithoutImprovement: checkpoint.epochsWithoutImprovement,
    stoppedEarly: checkpoint.stoppedEarly,
  };
}

/**
 * Everything that shapes the run's trajectory; a checkpoint resumes only a run with equal settings.
 * Data enter by hash, the model by its weight shapes and trainability.
 */
function runSettings(args: TrainArgs): Record<string, unknown> {
  const split = (s: ImageSplit | undefined) =>
    s && { count: s.count, images: sha256Hex(s.images), labels: sha256Hex(s.labels) };
  // Through JSON and back: settings left undefined are dropped, exactly as a stored checkpoint has them.
  return JSON.parse(
    JSON.stringify({
      seed: args.seed,
      epochs: args.epochs,
      batchSize: args.batchSize,
      numClasses: args.numClasses,
      // Only multi-label runs name their task: checkpoints of single-label runs keep their settings.
      task: args.task === 'multi-label, binary-class' ? args.task : undefined,
      input: args.input,
      augmentation: args.augmentation,
      optimizer: args.optimizer,
      schedule: args.schedule ?? { kind: 'constant' },
      classWeights: args.classWeights,
      loss: args.loss,
      validationMetric: args.validationMetric?.name ?? 'auc',
      earlyStopping: args.earlyStopping,
      restoreBestWeights: args.restoreBestWeights,
      train: split(args.train),
      validation: split(args.validation),
      weights: args.model.weights.map((w) => ({ shape: w.shape, trainable: w.trainable })),
    }),
  ) as Record<string, unknown>;
}

function validate(args: TrainArgs): void {
  const positiveInt = (key: 'epochs' | 'batchSize', value: number) => {
    if (!Number.isInteger(value) || value < 1)
      throw new TrainConfigError(key, value, 'a positive whole number');
  };
  positiveInt('epochs', args.epochs);
  const stopAt = args.stopAfterEpoch;
  if (stopAt !== undefined && !(Number.isInteger(stopAt) && stopAt >= 1 && stopAt <= args.epochs)) {
    throw new TrainConfigError(
      'stopAfterEpoch',
      stopAt,
      `a whole number of epochs from 1 to epochs (${args.epochs})`,
    );
  }
  positiveInt('batchSize', args.batchSize);
  if (!Number.isSafeInteger(args.seed) || args.seed < 0) {
    throw new TrainConfigError('seed', args.seed, 'an integer in [0, 2^53 - 1]');
  }
  validateOptimizer(args.optimizer);
  if (args.schedule) validateSchedule(args.schedule, args.optimizer.learningRate);
  validateInputSpec(args.input, args.augmentation);
  const multiLabel = taskOfRun(args) === 'multi-label, binary-class';
  for (const [name, split] of [
    ['train', args.train],
    ['validation', args.validation],
  ] as const) {
    if (!split) continue;
    if (split.count === 0) throw new TrainConfigError(`${name}.count`, 0, 'at least one sample');
    if (multiLabel) {
      if (split.labels.length !== split.count * args.numClasses || split.labels.some((l) => l > 1)) {
        throw new TrainConfigError(
          `${name}.labels`,
          `${split.labels.length} values for ${split.count} samples`,
          `${args.numClasses} 0/1 values per sample (multi-label, ${args.numClasses} labels)`,
        );
      }
      continue;
    }
    const highest = split.labels.reduce((a, b) => Math.max(a, b), 0);
    if (highest >= args.numClasses) {
      throw new TrainConfigError(
        'numClasses',
        args.numClasses,
        `more than the highest ${name} label, ${highest}`,
      );
    }
  }
  if (Array.isArray(args.classWeights) && multiLabel) {
    throw new TrainConfigError(
      'classWeights',
      args.classWeights,
      "'balanced' or none for a multi-label task (its weights are per label and class)",
    );
  }
  if (Array.isArray(args.classWeights)) {
    const weights = args.classWeights as readonly number[];
    if (weights.length !== args.numClasses || !weights.every((w) => w >= 0 && Number.isFinite(w))) {
      throw new TrainConfigError(
        'classWeights',
        weights,
        `${args.numClasses} non-negative numbers, one per class`,
      );
    }
  }
  if (
    args.earlyStopping &&
    !(Number.isInteger(args.earlyStopping.patience) && args.earlyStopping.patience >= 1)
  ) {
    throw new TrainConfigError(
      'earlyStopping.patience',
      args.earlyStopping.patience,
      'a positive whole number of epochs',
    );
  }
  if (args.earlyStopping && !args.validation) {
    throw new TrainConfigError('earlyStopping', args.earlyStopping, 'a validation split to monitor');
  }
  const [, height, width, channels] = args.model.inputs[0]?.shape ?? [];
  const { input } = args;
  if (height !== input.height || width !== input.width || channels !== input.channels) {
    throw new TrainConfigError(
      'input',
      { height: input.height, width: input.width, channels: input.channels },
      `the model's input shape [batch, ${height}, ${width}, ${channels}]`,
    );
  }
  const outputs = args.model.outputs[0]?.shape.at(-1);
  if (outputs !== args.numClasses && !(outputs === 1 && args.numClasses === 2 && !multiLabel)) {
    throw new TrainConfigError('numClasses', args.numClasses, `the model's ${outputs} output column(s)`);
  }
  if (args.loss?.kind === 'squared-hinge') {
    const { marginLayer } = args.loss;
    const layer = args.model.layers.find((l) => l.name === marginLayer);
    const margins = layer?.outputShape.at(-1);
    if (margins !== outputs) {
      throw new TrainConfigError(
        'loss.marginLayer',
        marginLayer,
        `a layer of model ${args.model.name} with ${outputs} output column(s), one margin per output`,
      );
    }
  }
}
