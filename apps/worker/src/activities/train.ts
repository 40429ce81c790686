// The heavy activity of the train queue: one segment of one trial (up to an ASHA rung, or to the end
// with evaluation), run by @medsweep/ml's runTrialSegment. This file is its Temporal glue: the trial's
// inputs fetched by content hash from S3 through the worker's cache, the runner's ports bound to S3 and
// Postgres, heartbeats, cancellation, hand-back on a stopping worker, and the attempt records. Keys are
// fixed by the trial, so any attempt on any worker resumes from the last epoch checkpoint and writes the
// same records.
import type { Context } from '@temporalio/activity';
import { Context as ActivityContext } from '@temporalio/activity';
import { segmentIndexOf } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import type { BackendInfo, Trainer, TrialSegmentObserver } from '@medsweep/ml';
import { backendVersions, runTrialSegment } from '@medsweep/ml';
import type { ObjectStore } from '@medsweep/storage';
import { ContentCache } from '@medsweep/storage';
import type {
  RegisteredSegmentInput,
  SegmentOutcome,
  SegmentTrainer,
  WorkerIdentity,
} from '@medsweep/workflows';
import { toActivityFailure } from '../activity-failure.js';
import type { CheckpointLocation } from '../checkpoints.js';
import { S3CheckpointStore, checkpointPrefix } from '../checkpoints.js';
import type { CodeVersion } from '../code-version.js';
import { codeVersion } from '../code-version.js';
import { fetchDataset } from '../datasets.js';
import { HandBackPolicy } from '../hand-back.js';
import type { WorkerShutdown } from '../shutdown.js';
import { cancelledByWorkerShutdown } from '../shutdown.js';
import { TrainHeartbeater, checkpointFromHeartbeat } from '../train-heartbeat.js';
import { s3ArtifactSink } from '../trial-artifacts.js';
import { closeAttempt, openAttempt, recordEpochMetrics, trialAttemptNumber } from '../trial-records.js';
import { initialWeights } from '../weights.js';

export interface TrainActivityDeps {
  store: ObjectStore;
  db: Db;
  /** Root of this worker's local cache: datasets/<id>/ and weights/<sha256>.h5. */
  cacheDir: string;
  /** The selected tfjs backend (selectBackend()); its name and versions go into lineage. */
  backend: BackendInfo;
  identity: WorkerIdentity;
  /** The training loop (default @medsweep/ml's train()); tests may wrap it to observe a run. */
  trainer?: Trainer;
  /** The worker's stop request: a stopping worker hands its trials back at a checkpoint. */
  shutdown?: WorkerShutdown;
  /** Epoch checkpoints a trial keeps in S3 (default 2; 0 keeps all). */
  checkpointsKept?: number;
}

/** Builds the train queue's activities from their dependencies. */
export function createTrainActivities(deps: TrainActivityDeps): SegmentTrainer {
  const cache = new ContentCache(deps.cacheDir);
  return {
    async trainSegment(input) {
      const context = ActivityContext.current();
      const maxAttempts = context.info.retryPolicy?.maximumAttempts;
      let segment: number;
      try {
        segment = segmentIndexOf(input.trial, input.untilEpoch);
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
          backendVersion: Object.entries(backendVersions(deps.backend))
            .map(([name, version]) => `${name} ${version}`)
            .join(', '),
          codeVersion: code.label,
        });
        const result = await runSegment({ ...deps, cache, context, heartbeater, code }, input);
        await closeAttempt(deps.db, input.trialId, attempt, 'completed');
        return result;
      } catch (error) {
        const aborted = context.cancellationSignal.aborted;
        // The worker stopped before the segment handed back: Temporal fails this attempt and retries it.
        const cutOff = aborted && cancelledByWorkerShutdown(context);
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

/** What one segment works with, resolved once. */
interface SegmentRun extends TrainActivityDeps {
  cache: ContentCache;
  context: Context;
  heartbeater: TrainHeartbeater;
  code: CodeVersion;
}

async function runSegment(run: SegmentRun, input: RegisteredSegmentInput): Promise<SegmentOutcome> {
  const { trial, untilEpoch } = input;
  const { plan } = trial;
  const signal = run.context.cancellationSignal;
  const resumeFrom = checkpointFromHeartbeat(run.context.info.heartbeatDetails);
  const handBack = run.shutdown
    ? new HandBackPolicy(run.shutdown, trial.trialKey, run.identity.identity)
    : undefined;
  handBack?.beforeStart(resumeFrom?.epoch ?? 0);
  const dataset = await fetchDataset(run.store, run.cache, trial.dataset);
  signal.throwIfAborted();
  const weightsPath = await initialWeights(run.store, run.cache, trial);
  signal.throwIfAborted();

  const checkpoints = new S3CheckpointStore(
    run.store,
    checkpointPrefix(trial.sweepId, plan.index),
    resumeFrom,
    run.checkpointsKept,
  );
  const weightsInHash = plan.arm === 'scratch' ? null : (trial.weights?.sha256 ?? null);
  const { evaluation, ...segment } = await runTrialSegment({
    backend: run.backend,
    trial,
    dataset,
    ...(weightsPath === undefined ? {} : { weightsPath }),
    untilEpoch,
    checkpoints,
    signal,
    ...(run.trainer ? { trainer: run.trainer } : {}),
    observer: segmentObserver(run, input, checkpoints, handBack),
    ...(input.evaluate
      ? {
          evaluation: {
            artifacts: s3ArtifactSink(run.store, trial.sweepId, plan.index),
            provenance: { code: run.code, weightsInHash },
          },
        }
      : {}),
  });
  // untilEpoch >= 1, so train() has saved or loaded a checkpoint.
  const checkpointUri = (checkpoints.latest as CheckpointLocation).uri;
  return { ...segment, checkpointUri, ...(evaluation ? { evaluation } : {}) };
}

/**
 * Heartbeats every batch; after every epoch (its checkpoint saved) announces the checkpoint and writes
 * the epoch's rows; once training stops, backfills the rows of epochs a killed attempt checkpointed but
 * never wrote. On a stopping worker, hands the trial back (throws) where the HandBackPolicy says.
 */
function segmentObserver(
  run: SegmentRun,
  { trial, trialId, untilEpoch }: RegisteredSegmentInput,
  checkpoints: S3CheckpointStore,
  handBack: HandBackPolicy | undefined,
): TrialSegmentObserver {
  const { heartbeater } = run;
  return {
    batch({ epoch, batch, batches, loss, metrics }) {
      const epochs = trial.spec.budget.maxEpochs;
      heartbeater.update({ phase: 'train', epoch, epochs, batch, batches, loss, metrics });
      handBack?.afterBatch(batch, batches, checkpoints.latest?.epoch ?? 0);
    },
    async epoch({ epoch, metrics, rows }) {
      heartbeater.checkpoint(checkpoints.latest);
      heartbeater.update({ metrics });
      await recordEpochMetrics(run.db, trialId, rows);
      handBack?.afterEpoch(checkpoints.latest?.epoch ?? epoch + 1, epoch + 1 >= untilEpoch);
    },
    async trained({ rows, stepExecution }) {
      // Steps that could not run as a graph train correctly but slower: worth a warning (the worker logs WARN and up).
      if (stepExecution.eagerReasons.length > 0) {
        run.context.log.warn('training steps ran eagerly', { trialKey: trial.trialKey, ...stepExecution });
      }
      await recordEpochMetrics(run.db, trialId, rows);
    },
    evaluating: () => heartbeater.update({ phase: 'evaluate' }),
  };
}
