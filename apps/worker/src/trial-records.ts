// What the workers write to Postgres themselves, through @medsweep/db's repositories: the trial's row
// (registered by its first segment), one TrialAttempt row per execution (which worker, backend and code
// ran it, and how it ended) and the per-epoch learning curves. Every write is keyed, so a retried or
// repeated call leaves the same rows.
import { resolvedTrialConfig } from '@medsweep/core';
import type { Db } from '@medsweep/db';
import {
  AttemptConflictError,
  finishAttempt,
  ingestEpochMetrics,
  recordAttempt,
  startPendingTrial,
  unfinishedAttempts,
  upsertTrial,
} from '@medsweep/db';
import type { AttemptOutcome, EpochSplit } from '@medsweep/db/types';
import type { SegmentTrainer, TrainActivities, TrialInput, WorkerIdentity } from '@medsweep/workflows';

/** Creates the trial's row as running, or finds the one an earlier call made (keyed by trialKey); its id. */
export async function registerTrialRow(db: Db, trial: TrialInput): Promise<string> {
  const { plan } = trial;
  const { trial: row } = await upsertTrial(db, {
    sweepId: trial.sweepId,
    trialKey: trial.trialKey,
    index: plan.index,
    datasetId: trial.dataset.id,
    architecture: plan.architecture,
    initialisation: plan.arm,
    weightsSourceId: trial.weights?.weightsSourceId ?? null,
    transferMode: plan.arm === 'scratch' ? 'full' : trial.spec.transfer.mode,
    config: resolvedTrialConfig(trial),
    seed: plan.seed,
    startedAt: new Date(),
  });
  // A row someone else created as pending (an import, an earlier version) starts now.
  if (row.status === 'pending') await startPendingTrial(db, row.id, new Date());
  return row.id;
}

/**
 * The train queue's activity: a trial's first segment registers the trial (the workflow then learns its
 * id from the result) before `trainer` trains; later segments come with the id. Registering here rather
 * than in the trial workflow saves each trial a local-activity round trip before its training starts.
 */
export function registeringTrials(db: Db, trainer: SegmentTrainer): TrainActivities {
  return {
    async trainSegment(input) {
      const trialId = input.trialId ?? (await registerTrialRow(db, input.trial));
      return { ...(await trainer.trainSegment({ ...input, trialId })), trialId };
    },
  };
}

/** Attempt numbers set aside per segment when the retry policy sets no maximum. */
const UNLIMITED_ATTEMPTS_STRIDE = 1000;

/**
 * The TrialAttempt number of Temporal attempt `attempt` of the trial's segment `segmentIndex`. Attempt
 * rows are keyed (trial, attempt), but a trial trains one activity per segment and each counts its
 * attempts from 1; segment s numbers its attempts from s × maxAttempts + 1, so every execution keeps a
 * row of its own and a trial of one segment gets Temporal's own numbers.
 */
export function trialAttemptNumber(
  segmentIndex: number,
  attempt: number,
  maxAttempts: number | undefined,
): number {
  const stride = maxAttempts && maxAttempts > 0 ? maxAttempts : UNLIMITED_ATTEMPTS_STRIDE;
  return segmentIndex * stride + attempt;
}

export interface AttemptStart {
  trialId: string;
  /** trialAttemptNumber() of this execution. */
  attempt: number;
  /** The first attempt number of this segment: attempts from there up to `attempt` belong to it. */
  segmentFirstAttempt: number;
  worker: WorkerIdentity;
  backend: string;
  backendVersion: string;
  codeVersion: string;
}

/**
 * Records that this worker runs an attempt of a trial's segment. Earlier attempts of the segment that
 * are still open never reported back (their worker died or lost contact): they are closed as timed out.
 */
export async function openAttempt(db: Db, start: AttemptStart): Promise<void> {
  const lost = await unfinishedAttempts(db, {
    trialId: start.trialId,
    from: start.segmentFirstAttempt,
    before: start.attempt,
  });
  for (const attempt of lost) {
    await closeAttempt(db, start.trialId, attempt, 'timed_out', 'no heartbeat from its worker; retried');
  }
  await recordAttempt(db, {
    trialId: start.trialId,
    attempt: start.attempt,
    workerIdentity: start.worker.identity,
    host: start.worker.host,
    pid: start.worker.pid,
    accelerator: start.worker.accelerator,
    gpuModel: start.worker.gpu?.model ?? null,
    gpuDriver: start.worker.gpu?.driver ?? null,
    backend: start.backend,
    backendVersion: start.backendVersion,
    codeVersion: start.codeVersion,
  });
}

/**
 * Records how an attempt ended. An attempt already closed differently stays as it is: a worker that
 * lost contact finishes after its successor has marked it timed out.
 */
export async function closeAttempt(
  db: Db,
  trialId: string,
  attempt: number,
  outcome: AttemptOutcome,
  error?: string,
): Promise<void> {
  try {
    await finishAttempt(db, { trialId, attempt, outcome, error: error ?? null });
  } catch (e) {
    if (!(e instanceof AttemptConflictError)) throw e;
  }
}

/** One point of a learning curve; epoch is 0-based, as the trainer and the epoch_metrics table count. */
export interface EpochPoint {
  epoch: number;
  split: EpochSplit;
  name: string;
  value: number;
}

/** Writes learning-curve points; points already stored are kept, so re-sending an epoch after a resume is harmless. */
export async function recordEpochMetrics(
  db: Db,
  trialId: string,
  points: readonly EpochPoint[],
): Promise<void> {
  if (points.length > 0)
    await ingestEpochMetrics(
      db,
      points.map((p) => ({ trialId, ...p })),
    );
}
