// Graceful shutdown of the real train activity on the real stack (MinIO, Postgres, BreastMNIST): a
// stopping worker hands its trial back at an epoch checkpoint, and the retry on another worker resumes
// from it; cut off by Temporal at the end of the grace, the attempt is recorded as failed, not cancelled.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledFailure } from '@temporalio/activity';
import { ActivityCancellationDetails } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo, Trainer } from '@medsweep/ml';
import { selectBackend, train } from '@medsweep/ml';
import type { SegmentTrainer } from '@medsweep/workflows';
import { TrialHandedBackError } from '../errors.js';
import { workerIdentity } from '../identity.js';
import { WorkerShutdown } from '../shutdown.js';
import type { TrainFixture } from '../test-support/train-fixtures.js';
import { runSegment } from '../test-support/segment-run.js';
import { registerTrial, trainFixture } from '../test-support/train-fixtures.js';
import { createTrainActivities } from './train.js';

let fixture: TrainFixture;
let backend: BackendInfo;
let cacheDir: string;
/** resumedAfterEpochs of every train() call, in order. */
const resumes: number[] = [];
const observed: Trainer = async (args) => {
  const result = await train(args);
  resumes.push(result.resumedAfterEpochs);
  return result;
};
const stopping = workerIdentity('train', 'tensorflow', {
  hardware: {
    accelerator: 'gpu',
    gpu: { index: 0, uuid: 'GPU-test', model: 'Test GPU', driver: '1.0', memoryMiB: 1024 },
  },
  slots: 1,
});

/** Activities of a worker that can be stopped through `shutdown`. */
const activitiesWith = (shutdown: WorkerShutdown): SegmentTrainer =>
  createTrainActivities({ ...fixture, cacheDir, backend, identity: stopping, trainer: observed, shutdown });

beforeAll(async () => {
  backend = await selectBackend();
  fixture = await trainFixture();
  cacheDir = await mkdtemp(join(tmpdir(), 'medsweep-worker-cache-'));
});

afterAll(async () => {
  await fixture?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

const attemptsOf = (trialId: string) =>
  fixture.db.trialAttempt.findMany({ where: { trialId }, orderBy: { attempt: 'asc' } });

describe('a stopping worker hands its trials back', () => {
  it('finishes the epoch in progress, hands back at its checkpoint, and the retry resumes from it', async () => {
    const { trial, trialId } = await registerTrial(fixture, { index: 0 });
    const input = { trial, trialId, untilEpoch: 3, evaluate: true };
    const shutdown = new WorkerShutdown(60_000);
    const tensors = backend.tf.memory().numTensors;
    const first = runSegment(activitiesWith(shutdown), input, {}, (h) => {
      // SIGTERM arrives in the middle of the second epoch.
      if (h.phase === 'train' && h.epoch === 1 && h.batch === 3) shutdown.request();
    });
    const failure = await first.run.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrialHandedBackError);
    expect(failure).toMatchObject({ checkpointEpoch: 2, identity: stopping.identity });
    expect(backend.tf.memory().numTensors, 'tensors left behind').toBe(tensors);
    // The second epoch ran to its end: its checkpoint is what the last heartbeat announces.
    expect(first.heartbeats.at(-1)).toMatchObject({ checkpointEpoch: 2 });
    expect(first.heartbeats.filter((h) => h.phase === 'train' && h.epoch === 2)).toEqual([]);

    // Another worker's retry resumes after epoch 2 and completes the trial.
    const retry = runSegment(activitiesWith(new WorkerShutdown(60_000)), input, {
      attempt: 2,
      heartbeatDetails: first.heartbeats.at(-1),
    });
    const result = await retry.run;
    expect(resumes.at(-1)).toBe(2);
    expect(result.epochsCompleted).toBe(3);
    expect(result.evaluation?.finalMetrics.length).toBeGreaterThan(0);

    const attempts = await attemptsOf(trialId);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
    expect(attempts[0]?.error).toBe((failure as Error).message);
    // Who ran it, on what: recorded with each attempt.
    expect(attempts[0]).toMatchObject({
      workerIdentity: stopping.identity,
      pid: process.pid,
      accelerator: 'gpu',
      gpuModel: 'Test GPU',
      gpuDriver: '1.0',
    });
  });

  it('hands back at the next batch when the epoch cannot end within the grace', async () => {
    const { trial, trialId } = await registerTrial(fixture, { index: 1 });
    const shutdown = new WorkerShutdown(0);
    let requestedAt = -1;
    const first = runSegment(
      activitiesWith(shutdown),
      { trial, trialId, untilEpoch: 3, evaluate: true },
      {},
      (h) => {
        if (h.phase === 'train' && h.epoch === 1 && h.batch === 3 && requestedAt < 0) {
          requestedAt = first.heartbeats.length;
          shutdown.request();
        }
      },
    );
    await expect(first.run).rejects.toMatchObject({ name: 'TrialHandedBackError', checkpointEpoch: 1 });
    // Not one more batch trained after the request.
    expect(first.heartbeats.slice(requestedAt).filter((h) => h.phase === 'train')).toEqual([]);
    expect(await fixture.store.exists(`checkpoints/${fixture.sweepId}/1/epoch-0002.ckpt`)).toBe(false);
  });

  it('records an attempt that Temporal cut off at the end of the grace as failed, to be retried', async () => {
    const { trial, trialId } = await registerTrial(fixture, { index: 2 });
    const first = runSegment(
      activitiesWith(new WorkerShutdown(60_000)),
      { trial, trialId, untilEpoch: 3, evaluate: true },
      {},
      (h, env) => {
        // As the SDK cancels on its own shutdown: the reason only, no cancellation details.
        if (h.phase === 'train' && h.batch === 2)
          env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails());
      },
    );
    await expect(first.run).rejects.toBeInstanceOf(CancelledFailure);
    const [attempt] = await attemptsOf(trialId);
    expect(attempt).toMatchObject({ outcome: 'failed' });
    expect(attempt?.error).toMatch(/shut down before the segment reached a checkpoint/);
  });
});
