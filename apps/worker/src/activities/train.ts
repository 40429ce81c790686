// The heavy activity of the train queue: one segment of one trial (up to an ASHA rung, or to the end
// with evaluation). Everything it needs comes by content hash from S3 through the worker's cache;
// everything it produces goes to S3 under keys fixed by the trial and to Postgres under natural keys,
// so any attempt on any worker resumes from the last epoch checkpoint and writes the same records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '@temporalio/activity';
import { Context as ActivityContext, CancelledFailure } from '@temporalio/activity';
import type * as tfjs from '@tensorflow/tfjs';
import { accuracy, auc, finalMetricsHash } from '@medsweep/core';
import type { TaskType } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import type {
  BackendInfo,
  Dataset,
  EpochRecord,
  ModelInputSpec,
  TrainProgress,
  TrainResult,
  TrialTrainingSettings,
  ValidationMetric,
} from '@medsweep/ml';
import {
  buildTrialModel,
  evaluatePredictions,
  exportGradCams,
  operatingPointRule,
  predictSplit,
  saveKerasWeights,
  train,
  trialTrainingSettings,
} from '@medsweep/ml';
import type { ObjectStore } from '@medsweep/storage';
import { ContentCache } from '@medsweep/storage';
import type {
  RegisteredSegmentInput,
  SegmentOutcome,
  SegmentResult,
  SegmentTrainer,
  TrainSegmentInput,
  TrialEvaluation,
  WorkerIdentity,
} from '@medsweep/workflows';
import { toActivityFailure } from '../activity-failure.js';
import type { CheckpointLocation } from '../checkpoints.js';
import { S3CheckpointStore, checkpointPrefix } from '../checkpoints.js';
import type { CodeVersion } from '../code-version.js';
import { codeVersion } from '../code-version.js';
import { fetchDataset } from '../datasets.js';
import { MissingWeightsError, SegmentRangeError } from '../errors.js';
import { HandBackPolicy } from '../hand-back.js';
import type { WorkerShutdown } from '../shutdown.js';
import { TrainHeartbeater, checkpointFromHeartbeat } from '../train-heartbeat.js';
import { artifactPrefix, storeTrialOutputs } from '../trial-artifacts.js';
import type { PrimaryMetric } from '../trial-config.js';
import { primaryMetric, trialConfigHash } from '../trial-config.js';
import type { EpochPoint } from '../trial-records.js';
import { closeAttempt, openAttempt, recordEpochMetrics, trialAttemptNumber } from '../trial-records.js';
import { fetchWeights } from '../weights.js';

/** The training loop: @medsweep/ml's train(); tests may wrap it to observe a run. */
export type Trainer = typeof train;

export interface TrainActivityDeps {
  store: ObjectStore;
  db: Db;
  /** Root of this worker's local cache: datasets/<id>/ and weights/<sha256>.h5. */
  cacheDir: string;
  /** The selected tfjs backend (selectBackend()); its name and versions go into lineage. */
  backend: BackendInfo;
  identity: WorkerIdentity;
  trainer?: Trainer;
  /** The worker's stop request: a stopping worker hands its trials back at a checkpoint. */
  shutdown?: WorkerShutdown;
  /** Epoch checkpoints a trial keeps in S3 (default 2; 0 keeps all). */
  checkpointsKept?: number;
}

/** Builds the train queue's activities from their dependencies. */
export function createTrainActivities(deps: TrainActivityDeps): SegmentTrainer {
  const cache = new ContentCache(deps.cacheDir);
  const trainer = deps.trainer ?? train;
  return {
    async trainSegment(input) {
      const context = ActivityContext.current();
      const maxAttempts = context.info.retryPolicy?.maximumAttempts;
      let segment: number;
      try {
        segment = segmentIndex(input);
      } catch (error) {
        // Not a segment of this trial: nothing ran, so there is no attempt to record.
        throw toActivityFailure(error);
      }
      const attempt = trialAttemptNumber(segment, context.info.attempt, maxAttempts);
      const code = await codeVersion();
      const heartbeater = new TrainHeartbeater(context);
      // Carried forward, so a retry that dies before its own first checkpoint still passes it on.
      heartbeater.checkpoint(checkpointFromHeartbeat(context.info.heartbeatDetails));
      try {
        await openAttempt(deps.db, {
          trialId: input.trialId,
          attempt,
          segmentFirstAttempt: trialAttemptNumber(segment, 1, maxAttempts),
          worker: deps.identity,
          backend: deps.backend.name,
          backendVersion: backendVersion(deps.backend),
          codeVersion: code.label,
        });
        const result = await runSegment({ ...deps, cache, trainer, context, heartbeater, code }, input);
        await closeAttempt(deps.db, input.trialId, attempt, 'completed');
        return result;
      } catch (error) {
        const aborted = context.cancellationSignal.aborted;
        // The worker stopped before the segment handed back: Temporal fails this attempt and retries it.
        const cutOff = aborted && isWorkerShutdown(context);
        const cancelled = aborted && !cutOff;
        const message = cutOff
          ? `worker ${deps.identity.identity} shut down before the segment reached a checkpoint; retried from the last one`
          : error instanceof Error
            ? error.message
            : String(error);
        await closeAttempt(
          deps.db,
          input.trialId,
          attempt,
          cancelled ? 'cancelled' : 'failed',
          cancelled ? undefined : message,
        ).catch((closeError: unknown) =>
          context.log.warn('could not close the trial attempt record', { error: String(closeError) }),
        );
        // Cancellation wins over whatever it interrupted, so Temporal records the segment as cancelled.
        throw aborted ? (context.cancellationSignal.reason as unknown) : toActivityFailure(error);
      } finally {
        heartbeater.stop();
      }
    },
  };
}

/**
 * Whether the activity was cancelled because its worker is shutting down (the grace ran out). The SDK
 * says so in the cancellation details or, for its own shutdown, only in the reason's message.
 */
function isWorkerShutdown(context: Context): boolean {
  const reason: unknown = context.cancellationSignal.reason;
  return (
    context.cancellationDetails?.workerShutdown === true ||
    (reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN')
  );
}

/** What one segment works with, resolved once. */
interface SegmentRun extends TrainActivityDeps {
  cache: ContentCache;
  trainer: Trainer;
  context: Context;
  heartbeater: TrainHeartbeater;
  code: CodeVersion;
  /** Set once training starts on a worker that can be stopped. */
  handBack?: HandBackPolicy;
}

async function runSegment(
  run: SegmentRun,
  { trial, trialId, untilEpoch, evaluate }: RegisteredSegmentInput,
): Promise<SegmentOutcome> {
  const { plan, spec } = trial;
  const { tf } = run.backend;
  const signal = run.context.cancellationSignal;
  const maxEpochs = spec.budget.maxEpochs;
  const resumeFrom = checkpointFromHeartbeat(run.context.info.heartbeatDetails);
  const handBack = run.shutdown
    ? new HandBackPolicy(run.shutdown, trial.trialKey, run.identity.identity)
    : undefined;
  handBack?.beforeStart(resumeFrom?.epoch ?? 0);
  const settings = trialTrainingSettings(trial);
  const dataset = await fetchDataset(run.store, run.cache, trial.dataset);
  signal.throwIfAborted();
  const weightsPath = await initialWeights(run, trial);
  signal.throwIfAborted();

  const { model, input, loss, gradCamLayer } = await buildTrialModel({ tf, trial, dataset, weightsPath });
  try {
    const metric = primaryMetric(spec);
    const scorer = validationScorer(metric, dataset.manifest.task);
    const checkpoints = new S3CheckpointStore(
      run.store,
      checkpointPrefix(trial.sweepId, plan.index),
      resumeFrom,
      run.checkpointsKept,
    );
    const result = await run.trainer({
      tf,
      model,
      train: dataset.splits.train,
      validation: dataset.splits.val,
      numClasses: dataset.manifest.numClasses,
      input,
      ...settings,
      ...(loss ? { loss } : {}),
      validationMetric: scorer,
      // settings.epochs is the whole budget, which the schedule spans; this call ends at the segment's rung.
      stopAfterEpoch: untilEpoch,
      seed: plan.seed,
      checkpoints,
      signal,
      onProgress: (progress) =>
        reportProgress(
          { ...run, ...(handBack ? { handBack } : {}) },
          trialId,
          { epochs: maxEpochs, untilEpoch },
          checkpoints,
          scorer,
          progress,
        ),
    });
    // Steps that could not run as a graph train correctly but slower: worth a warning (the worker logs WARN and up).
    const { eagerReasons } = result.stepExecution;
    if (eagerReasons.length > 0) {
      run.context.log.warn('training steps ran eagerly', {
        trialKey: trial.trialKey,
        ...result.stepExecution,
      });
    }
    // Backfills epochs whose rows a killed attempt checkpointed but never wrote.
    await recordEpochMetrics(run.db, trialId, historyRows(result.history, scorer.name));
    // untilEpoch >= 1, so train() has saved or loaded a checkpoint.
    const latest = checkpoints.latest as CheckpointLocation;
    const rung = result.history[Math.min(untilEpoch, result.history.length) - 1];
    const segment: SegmentResult = {
      epochsCompleted: result.epochsCompleted,
      rungValue: (metric === 'val_loss' ? rung?.validationLoss : rung?.validationMetric) ?? Number.NaN,
      stoppedEarly: result.stoppedEarly,
      checkpointUri: latest.uri,
    };
    if (!evaluate) return segment;

    run.heartbeater.update({ phase: 'evaluate' });
    signal.throwIfAborted();
    return {
      ...segment,
      evaluation: await evaluateTrial(run, trial, {
        model,
        input,
        ...(gradCamLayer ? { gradCamLayer } : {}),
        dataset,
        result,
        settings,
        metric,
        scorer: scorer.name,
      }),
    };
  } finally {
    model.dispose();
  }
}

/**
 * Which of the trial's segments this is (0-based): segments end at the rungs before maxEpochs and at
 * maxEpochs, as the trial workflow runs them. Throws SegmentRangeError for any other end.
 */
function segmentIndex({ trial, untilEpoch }: TrainSegmentInput): number {
  const maxEpochs = trial.spec.budget.maxEpochs;
  const ends = [...trial.rungs.filter((r) => r < maxEpochs), maxEpochs];
  const index = ends.indexOf(untilEpoch);
  if (index < 0) throw new SegmentRangeError(trial.trialKey, untilEpoch, ends);
  return index;
}

/** The local path of a pretrained arm's weights; undefined for scratch. */
async function initialWeights(
  run: SegmentRun,
  trial: TrainSegmentInput['trial'],
): Promise<string | undefined> {
  if (trial.plan.arm === 'scratch') return undefined;
  if (!trial.weights) throw new MissingWeightsError(trial.trialKey, trial.plan.arm, trial.plan.architecture);
  return fetchWeights(run.store, run.cache, trial.weights);
}

/**
 * Model selection on validation: AUC as the MedMNIST protocol selects, or ACC when the sweep compares
 * val_acc. ACC and AUC are both computed each epoch; `last` keeps them for the epoch's records.
 */
function validationScorer(
  metric: PrimaryMetric,
  task: TaskType,
): ValidationMetric & { last: Record<string, number> } {
  const selected = metric === 'val_acc' ? 'acc' : 'auc';
  const scorer = {
    name: selected,
    last: {} as Record<string, number>,
    compute(yTrue: ArrayLike<number>, yScore: { values: ArrayLike<number>; numColumns: number }): number {
      scorer.last = { auc: auc(yTrue, yScore, task), acc: accuracy(yTrue, yScore, task) };
      return scorer.last[selected] as number;
    },
  };
  return scorer;
}

/**
 * Heartbeats every batch; after every epoch (its checkpoint saved) announces the checkpoint and writes
 * its rows. On a stopping worker, hands the trial back (throws) where the HandBackPolicy says.
 */
async function reportProgress(
  run: SegmentRun,
  trialId: string,
  { epochs, untilEpoch }: { epochs: number; untilEpoch: number },
  checkpoints: S3CheckpointStore,
  scorer: { last: Record<string, number> },
  progress: TrainProgress,
): Promise<void> {
  const { epoch } = progress;
  if (progress.phase === 'batch') {
    run.heartbeater.update({
      phase: 'train',
      epoch,
      epochs,
      batch: progress.batch,
      batches: progress.batches,
      loss: progress.loss,
      metrics: progress.metrics,
    });
    run.handBack?.afterBatch(progress.batch, progress.batches, checkpoints.latest?.epoch ?? 0);
    return;
  }
  const validation = Object.entries(scorer.last).map(([name, value]) => [`val_${name}`, value] as const);
  run.heartbeater.checkpoint(checkpoints.latest);
  run.heartbeater.update({ metrics: { ...progress.metrics, ...Object.fromEntries(validation) } });
  const rows: EpochPoint[] = [
    { epoch, split: 'train', name: 'loss', value: progress.loss },
    { epoch, split: 'train', name: 'lr', value: progress.lr },
    ...Object.entries(scorer.last).map(([name, value]) => ({ epoch, split: 'val' as const, name, value })),
  ];
  const valLoss = progress.metrics['val_loss'];
  if (valLoss !== undefined) rows.push({ epoch, split: 'val', name: 'loss', value: valLoss });
  await recordEpochMetrics(run.db, trialId, rows);
  run.handBack?.afterEpoch(checkpoints.latest?.epoch ?? epoch + 1, epoch + 1 >= untilEpoch);
}

/** The rows of every epoch of a run's history. */
function historyRows(history: readonly EpochRecord[], metricName: string): EpochPoint[] {
  return history.flatMap((r) => {
    const { epoch } = r;
    const rows: EpochPoint[] = [
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

interface TrainedModel {
  model: tfjs.LayersModel;
  input: ModelInputSpec;
  /** The layer Grad-CAM explains; undefined for a classical model, which gets no Grad-CAM. */
  gradCamLayer?: string;
  dataset: Dataset;
  result: TrainResult;
  settings: TrialTrainingSettings;
  metric: PrimaryMetric;
  /** Name of the validation metric in the run's history. */
  scorer: string;
}

/** Test images a CNN trial exports Grad-CAM PNGs of, from the first of the split. */
export const GRADCAM_TEST_IMAGES = 4;

/**
 * Evaluates the selected model (train() leaves the best validation epoch's weights in it) on val and
 * test, stores weights, predictions, curves and (CNNs) Grad-CAM PNGs, and returns the record with its
 * lineage.
 */
async function evaluateTrial(
  run: SegmentRun,
  trial: TrainSegmentInput['trial'],
  trained: TrainedModel,
): Promise<TrialEvaluation> {
  const { model, input, dataset, result } = trained;
  const { tf } = run.backend;
  const { numClasses, task, classNames } = dataset.manifest;
  const batchSize = trained.settings.batchSize;
  const predictions = {
    val: await predictSplit(tf, model, dataset.splits.val, input, numClasses, batchSize),
    test: await predictSplit(tf, model, dataset.splits.test, input, numClasses, batchSize),
  };
  const report = evaluatePredictions(predictions, task, operatingPointRule(trial.spec.evaluation));
  const gradCams = trained.gradCamLayer
    ? await exportGradCams({
        tf,
        model,
        layerName: trained.gradCamLayer,
        split: dataset.splits.test,
        input,
        count: GRADCAM_TEST_IMAGES,
        namePrefix: 'test',
      })
    : [];

  const scratch = await mkdtemp(join(tmpdir(), 'medsweep-trial-'));
  try {
    const weightsPath = join(scratch, 'weights.h5');
    await saveKerasWeights(model, weightsPath, { input });
    // Every epoch is validated (the dataset always has a val split), so there is a best one.
    const best = result.best as { epoch: number; value: number };
    const stored = await storeTrialOutputs(run.store, artifactPrefix(trial.sweepId, trial.plan.index), {
      weightsPath,
      predictions,
      task,
      classNames,
      history: result.history,
      historyMetric: `val_${trained.scorer}`,
      bestEpoch: best.epoch,
      report,
      gradCams,
    });
    const primaryName = trained.metric.slice('val_'.length);
    const primary = report.finalMetrics.find((m) => m.split === 'val' && m.name === primaryName);
    return {
      bestEpoch: best.epoch,
      primaryMetricValue: primary?.value ?? Number.NaN,
      finalMetrics: report.finalMetrics,
      artifacts: stored.artifacts,
      lineage: {
        datasetManifestHash: dataset.id,
        configHash: trialConfigHash(trial),
        codeVersion: run.code.commit,
        codeDirty: run.code.dirty,
        lockHash: run.code.lockHash,
        backend: run.backend.name,
        backendVersions: backendVersions(run.backend),
        weightsInHash: trial.plan.arm === 'scratch' ? null : (trial.weights?.sha256 ?? null),
        weightsOutHash: stored.weightsOutHash,
        predictionsHash: stored.predictionsHash,
        metricsHash: finalMetricsHash(report.finalMetrics),
      },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function backendVersions(backend: BackendInfo): Record<string, string> {
  return {
    tfjs: backend.tfjsVersion,
    ...(backend.tensorflowVersion ? { tensorflow: backend.tensorflowVersion } : {}),
    node: process.versions.node,
    package: backend.package,
  };
}

function backendVersion(backend: BackendInfo): string {
  return Object.entries(backendVersions(backend))
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
}
