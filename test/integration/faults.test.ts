import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitSweep, sweepProgress } from '@medsweep/api';
import type { SweepServiceDeps } from '@medsweep/api';
import { parseSweepSpec } from '@medsweep/core';
import type { SweepSpecInput } from '@medsweep/core';
import { createPrismaClient, verifyAuditChain } from '@medsweep/db';
import { restartServices } from '@medsweep/stack';
import { ObjectStore } from '@medsweep/storage';
import { createSyntheticTrainActivities, createWorker } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES, trialWorkflowId } from '@medsweep/workflows';
import type { SweepSummary } from '@medsweep/workflows';
import { TINY_SPEC } from '@medsweep/worker/test-support';
import { registerBreastmnist } from './support/breastmnist.js';
import { privateStack } from './support/private-stack.js';
import { recordHistory } from './support/record-history.js';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';

// Faults on a private stack (other ports, own data): killed workers and restarted servers must never
// touch the shared stack that other suites and real train workers use.
const stack = privateStack({
  temporal: 37233,
  temporalUi: 38233,
  s3: 39000,
  s3Console: 39001,
  postgres: 55434,
});
const { config } = stack;
// One project per test, so the restart test's audit check covers exactly the events of its own sweep.
const KILL_PROJECT = 'faults-kill';
const RESTART_PROJECT = 'faults-restart';
const db = createPrismaClient(config.databaseUrl);
const store = new ObjectStore(config.s3);
const FAULT_QUEUE = 'train-fault';
const SYNTHETIC_QUEUE = 'train-synthetic';
let connection: Connection;
let temporal: Client;
let deps: SweepServiceDeps;
const inProcess: RunningWorker[] = [];
let running: Promise<void>[] = [];
let trainWorkers: WorkerProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker tests' tiny real trial (VGG16 at 1/8 width, 32 px BreastMNIST), run for 4 epochs here. */
const REAL_SPEC: SweepSpecInput = {
  ...TINY_SPEC,
  name: 'fault test (real)',
  project: KILL_PROJECT,
  budget: { maxTrials: 1, maxParallel: 1, maxEpochs: 4 },
  resources: { queue: FAULT_QUEUE, gpus: 0 },
};

/** 12 synthetic trials (3 learning rates x 4 seeds), 3 at a time, 3 s each. */
const SYNTHETIC_SPEC: SweepSpecInput = {
  name: 'fault test (synthetic)',
  project: RESTART_PROJECT,
  dataset: 'breastmnist',
  architectures: ['vgg16'],
  arms: ['scratch'],
  search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.001, 0.003, 0.01] } } },
  seeds: [0, 1, 2, 3],
  budget: { maxTrials: 12, maxParallel: 3, maxEpochs: 2 },
  resources: { queue: SYNTHETIC_QUEUE, gpus: 0 },
};

async function submit(spec: SweepSpecInput): Promise<string> {
  return (await submitSweep(deps, parseSweepSpec(spec), 'fault-test')).sweepId;
}

const result = (sweepId: string): Promise<SweepSummary> =>
  temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();

/** The one trial of a sweep with what its lineage and metrics say about how it was produced. */
async function onlyTrial(sweepId: string) {
  const trials = await db.trial.findMany({
    where: { sweepId },
    include: { attempts: { orderBy: { attempt: 'asc' } }, finalMetrics: true, lineage: true },
  });
  expect(trials).toHaveLength(1);
  return trials[0] as (typeof trials)[number];
}

/** When S3 last wrote an object (a re-trained epoch would rewrite its checkpoint). */
async function lastModified(key: string): Promise<Date | undefined> {
  const head = await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }));
  return head.LastModified;
}

beforeAll(async () => {
  await stack.up();
  await registerBreastmnist({ db, store }, [KILL_PROJECT, RESTART_PROJECT]);
  connection = await Connection.connect({ address: config.temporal.address });
  temporal = new Client({ connection, namespace: config.temporal.namespace });
  deps = { db, temporal };
  const trainArgs = ['--queue', FAULT_QUEUE, '--concurrency', '1'];
  const [control, synthetic, ...processes] = await Promise.all([
    createWorker({ config, queue: TASK_QUEUES.control, concurrency: 20 }),
    createWorker({
      config,
      queue: SYNTHETIC_QUEUE,
      concurrency: 3,
      backend: 'synthetic',
      trainer: () => createSyntheticTrainActivities({ durationMs: 3000 }),
    }),
    // Every epoch's checkpoint stays, so the test can see that a resumed run did not write one again.
    startWorkerProcess({ ...stack.env, MEDSWEEP_CHECKPOINTS_KEPT: '0' }, trainArgs),
    startWorkerProcess({ ...stack.env, MEDSWEEP_CHECKPOINTS_KEPT: '0' }, trainArgs),
  ]);
  inProcess.push(control, synthetic);
  trainWorkers = processes;
  running = inProcess.map((w) => w.worker.run());
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(trainWorkers.map((w) => w.stop('SIGKILL')));
  for (const w of inProcess) w.worker.shutdown();
  // Bounded, so the private stack is always torn down even if a worker were stuck stopping.
  await Promise.race([Promise.allSettled(running), sleep(30_000)]);
  await Promise.allSettled(inProcess.map((w) => w.close()));
  await connection?.close();
  await db.$disconnect();
  await stack.destroy();
}, 120_000);

describe('faults on a private stack', () => {
  it('resumes a trial on another worker from its checkpoint after kill -9, with identical results', async () => {
    // The reference: the same trial (same config hash and seed), nothing killed.
    const clean = await submit(REAL_SPEC);
    expect((await result(clean)).counts.completed).toBe(1);
    const reference = await onlyTrial(clean);

    const faulty = await submit(REAL_SPEC);
    const pointer = `checkpoints/${faulty}/0/latest.json`;
    let checkpointEpoch = 0;
    for (const deadline = Date.now() + 90_000; checkpointEpoch < 1; await sleep(100)) {
      if (Date.now() > deadline) throw new Error('no epoch checkpoint within 90 s');
      if (await store.exists(pointer))
        checkpointEpoch = (
          JSON.parse(new TextDecoder().decode(await store.get(pointer))) as { epoch: number }
        ).epoch;
    }
    // Mid-epoch checkpointEpoch + 1: kill the process that runs the open attempt.
    const open = await db.trialAttempt.findFirstOrThrow({
      where: { trial: { sweepId: faulty }, outcome: null },
    });
    const victim = trainWorkers.find((w) => open.workerIdentity.endsWith(`#${w.pid}`));
    expect(victim, `${open.workerIdentity} is one of the train processes`).toBeDefined();
    const checkpointKey = `checkpoints/${faulty}/0/epoch-${String(checkpointEpoch).padStart(4, '0')}.ckpt`;
    const checkpointWritten = await lastModified(checkpointKey);
    const killedAt = Date.now();
    await victim?.stop('SIGKILL');

    const summary = await result(faulty);
    const recoveredInMs = Date.now() - killedAt;
    expect(summary.counts).toMatchObject({ completed: 1, failed: 0 });
    expect(checkpointEpoch).toBeLessThan(REAL_SPEC.budget?.maxEpochs as number);
    const trial = await onlyTrial(faulty);
    expect(trial.status).toBe('completed');
    expect(new Set(trial.attempts.map((a) => a.workerIdentity)).size).toBe(2);
    expect(trial.attempts.at(-1)?.outcome).toBe('completed');
    // Resumed, not restarted: the epochs before the kill were not trained (and checkpointed) again.
    expect(await lastModified(checkpointKey)).toEqual(checkpointWritten);
    // Bit-for-bit the result of the fault-free run.
    expect([trial.configHash, trial.seed]).toEqual([reference.configHash, reference.seed]);
    const lineageHashes = (t: typeof trial) => ({
      weightsOutHash: t.lineage?.weightsOutHash,
      predictionsHash: t.lineage?.predictionsHash,
      metricsHash: t.lineage?.metricsHash,
    });
    expect(lineageHashes(trial)).toEqual(lineageHashes(reference));
    const metrics = (t: typeof trial) => t.finalMetrics.map((m) => `${m.split}/${m.name}=${m.value}`).sort();
    expect(metrics(trial)).toEqual(metrics(reference));
    expect(trial.primaryMetricValue).toBe(reference.primaryMetricValue);
    console.log(
      `kill -9 at checkpoint epoch ${checkpointEpoch}: recovered and finished ${recoveredInMs} ms after the kill`,
    );
    await recordHistory(sweepWorkflowId(faulty), 'sweep.json', stack.env);
    await recordHistory(trialWorkflowId(faulty, 0), 'trial.json', stack.env);
  }, 180_000);

  it('completes a sweep through a restart of Temporal and Postgres, losing and repeating nothing', async () => {
    const sweepId = await submit(SYNTHETIC_SPEC);
    let completedBefore = 0;
    for (const deadline = Date.now() + 60_000; completedBefore < 3; await sleep(200)) {
      if (Date.now() > deadline) throw new Error('the sweep did not get going within 60 s');
      completedBefore = (await sweepProgress(temporal, sweepId)).completed;
    }
    // Mid-sweep: trials are running and more are still to launch.
    expect(completedBefore).toBeLessThan(12);
    const outageStarted = Date.now();
    await restartServices(config, ['temporal', 'postgres'], () => undefined);
    const outageMs = Date.now() - outageStarted;

    const summary = await result(sweepId);
    expect(summary).toMatchObject({
      status: 'completed',
      total: 12,
      counts: { completed: 12, failed: 0, cancelled: 0, pruned: 0 },
    });
    const trials = await db.trial.findMany({ where: { sweepId } });
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((t) => t.index)).size).toBe(12);
    expect(trials.every((t) => t.status === 'completed')).toBe(true);
    expect((await db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('completed');
    const { id: projectId } = await db.project.findUniqueOrThrow({ where: { slug: RESTART_PROJECT } });
    expect(await verifyAuditChain(db, { projectId })).toMatchObject({ ok: true });
    console.log(
      `Temporal + Postgres restarted in ${outageMs} ms after ${completedBefore}/12 trials; sweep completed`,
    );
  }, 180_000);
});
