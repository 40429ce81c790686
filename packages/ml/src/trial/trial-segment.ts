// One segment of a trial: its model built and initialised as the trial says, trained from the last
// checkpoint up to the segment's end (an ASHA rung, or the epoch budget), and, on the trial's last
// segment, the selected model evaluated and its outputs stored. What the run depends on comes through
// ports: the checkpoint store, the artifact sink, and an observer that hears of every batch and epoch
// (the train worker heartbeats, writes learning curves and hands trials back through it). It lives
// here, not in a package of its own over ml and storage: all it does is tensor work, ml already owned
// the ports it needs, and their S3 and Postgres bindings are the worker's.
import { primaryMetricOf } from '@medsweep/core';
import type { BackendInfo } from '../backend.js';
import type { Dataset } from '@medsweep/core/records';
import type { CheckpointStore, EpochRecord } from '../training/checkpoint.js';
import type { StepExecution } from '../training/graph-step.js';
import { train } from '../training/trainer.js';
import type { TrainProgress } from '../training/trainer.js';
import type { SweepTrial } from './sweep-trial.js';
import type { TrialEvaluationArgs, TrialEvaluationRecord } from './trial-evaluation.js';
import { evaluateTrial } from './trial-evaluation.js';
import { trialTrainingSettings } from './training-settings.js';
import { buildTrialModel } from './trial-model.js';
import { validationScorer } from './validation-scorer.js';

/** The training loop: train(); tests may wrap it to observe a run. */
export type Trainer = typeof train;

/** One point of a trial's learning curve; epoch is 0-based, as the trainer counts. */
export interface EpochRow {
  epoch: number;
  split: 'train' | 'val';
  name: string;
  value: number;
}

/** An epoch's end, once its checkpoint is saved. */
export interface EpochEnd {
  /** 0-based. */
  epoch: number;
  /** Training means and every validation metric, e.g. { loss, val_loss, val_auc, val_acc }. */
  metrics: Record<string, number>;
  /** The epoch's learning-curve rows. */
  rows: EpochRow[];
}

/** Hears what a segment does; a method that throws stops the run there (e.g. to hand the trial back). */
export interface TrialSegmentObserver {
  /** After every batch. */
  batch(progress: TrainProgress): void;
  /** After every epoch, once its checkpoint is saved. */
  epoch(end: EpochEnd): Promise<void>;
  /** Once training stops: the rows of every epoch of the run (also those a killed attempt checkpointed). */
  trained(run: { rows: EpochRow[]; stepExecution: StepExecution }): Promise<void>;
  /** Before the last segment's evaluation starts. */
  evaluating(): void;
}

export interface TrialSegmentArgs {
  /** The selected backend: its tf trains; its name and versions go into lineage. */
  backend: BackendInfo;
  trial: SweepTrial;
  dataset: Dataset;
  /** Local path of a pretrained arm's weights file (buildTrialModel's); undefined for scratch. */
  weightsPath?: string;
  /** Train until this many epochs are complete: one of the trial's segment ends. */
  untilEpoch: number;
  /** Where epoch checkpoints are saved, and the run resumes from. */
  checkpoints: CheckpointStore;
  /** Stops training between batches, and evaluation before it starts. */
  signal: AbortSignal;
  /** The training loop (default train()). */
  trainer?: Trainer;
  observer: TrialSegmentObserver;
  /** Given for the trial's last segment: evaluate the selected model and store its outputs. */
  evaluation?: TrialEvaluationArgs;
}

/** Where a segment stopped and what it measured there. */
export interface TrialSegmentResult {
  epochsCompleted: number;
  /** The sweep's primary metric (val_loss, or the validation metric) at the segment's last epoch. */
  rungValue: number;
  /** The trainer's own early stopping (patience) ended the run. */
  stoppedEarly: boolean;
  /** The last segment's evaluation. */
  evaluation?: TrialEvaluationRecord;
}

/** Runs one segment of a trial (see the file comment); the model is disposed before it returns. */
export async function runTrialSegment(args: TrialSegmentArgs): Promise<TrialSegmentResult> {
  const { backend, trial, dataset, untilEpoch, observer, signal } = args;
  const { tf } = backend;
  const settings = trialTrainingSettings(trial);
  const { model, input, loss, gradCamLayer } = await buildTrialModel({
    tf,
    trial,
    dataset,
    ...(args.weightsPath === undefined ? {} : { weightsPath: args.weightsPath }),
  });
  try {
    const metric = primaryMetricOf(trial.spec);
    const scorer = validationScorer(metric, dataset.manifest.task);
    const result = await (args.trainer ?? train)({
      tf,
      model,
      train: dataset.splits.train,
      validation: dataset.splits.val,
      numClasses: dataset.manifest.numClasses,
      task: dataset.manifest.task,
      input,
      ...settings,
      ...(loss ? { loss } : {}),
      validationMetric: scorer,
      // settings.epochs is the whole budget, which the schedule spans; this call ends at the segment's end.
      stopAfterEpoch: untilEpoch,
      seed: trial.plan.seed,
      checkpoints: args.checkpoints,
      signal,
      onProgress: (progress) =>
        progress.phase === 'batch'
          ? observer.batch(progress)
          : observer.epoch(epochEnd(progress, scorer.last)),
    });
    await observer.trained({
      rows: historyRows(result.history, scorer.name),
      stepExecution: result.stepExecution,
    });
    const rung = result.history[Math.min(untilEpoch, result.history.length) - 1];
    const segment: TrialSegmentResult = {
      epochsCompleted: result.epochsCompleted,
      rungValue: (metric === 'val_loss' ? rung?.validationLoss : rung?.validationMetric) ?? Number.NaN,
      stoppedEarly: result.stoppedEarly,
    };
    if (!args.evaluation) return segment;

    observer.evaluating();
    signal.throwIfAborted();
    const trained = {
      trial,
      backend,
      model,
      input,
      ...(gradCamLayer ? { gradCamLayer } : {}),
      dataset,
      result,
      batchSize: settings.batchSize,
      metric,
      historyMetric: scorer.name,
    };
    return { ...segment, evaluation: await evaluateTrial(trained, args.evaluation) };
  } finally {
    model.dispose();
  }
}

/** An epoch's end from the trainer's progress and the validation metrics the scorer computed. */
function epochEnd(progress: TrainProgress, validation: Readonly<Record<string, number>>): EpochEnd {
  const { epoch } = progress;
  const metrics = { ...progress.metrics };
  for (const [name, value] of Object.entries(validation)) metrics[`val_${name}`] = value;
  const rows: EpochRow[] = [
    { epoch, split: 'train', name: 'loss', value: progress.loss },
    { epoch, split: 'train', name: 'lr', value: progress.lr },
    ...Object.entries(validation).map(([name, value]) => ({ epoch, split: 'val' as const, name, value })),
  ];
  const valLoss = progress.metrics['val_loss'];
  if (valLoss !== undefined) rows.push({ epoch, split: 'val', name: 'loss', value: valLoss });
  return { epoch, metrics, rows };
}

/** The rows of every epoch of a run's history. */
function historyRows(history: readonly EpochRecord[], metricName: string): EpochRow[] {
  return history.flatMap((r) => {
    const { epoch } = r;
    const rows: EpochRow[] = [
      { epoch, split: 'train', name: 'loss', value: r.loss },
      { epoch, split: 'train', name: 'lr', value: r.learningRate },
    ];
    if (r.validationLoss !== undefined)
      rows.push({ epoch, split: 'val', name: 'loss', value: r.validationLoss });
    if (r.validationMetric !== undefined)
      rows.push({ epoch, split: 'val', name: metricName, value: r.validationMetric });
    return rows;
  });
}
