// A fleet on the real stack: six worker processes (two control, two CPU and two GPU train workers on
// task queues of this test's own, with the synthetic trainer), two sweeps whose resources route their
// trials to the CPU and to the GPU pool, and, mid-sweep, one train worker and one control worker killed
// with SIGKILL and one GPU worker stopped with SIGTERM. Nothing may be lost or done twice: every trial is
// recorded exactly once, on a worker of the pool its resources name.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitSweep } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { parseSweepSpec } from '@medsweep/core';
import type { SweepSpecInput } from '@medsweep/core';
import { createPrismaClient } from '@medsweep/db';
import { sweepWorkflowId, TASK_QUEUES, trialWorkflowId } from '@medsweep/workflows';
import type { SweepSummary } from '@medsweep/workflows';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';
import { createSyntheticProject } from './support/synthetic-project.js';

const config = loadConfig();
const tag = randomUUID().slice(0, 8);
const project = `fleet-${tag}`;
// Queues of this test alone; the -cpu / -gpu suffixes reserve them for workers of that accelerator.
const CPU_QUEUE = `train-fleet-${tag}-cpu`;
const GPU_QUEUE = `train-fleet-${tag}-gpu`;
/** Each synthetic segment "trains" this long, so the kills land while trials run. */
const SEGMENT_MS = 3_000;
const GRACE_SECONDS = 20;
const TRIALS = 16;

const db = createPrismaClient(config.databaseUrl);
let connection: Connection;
let temporal: Client;
const fleet = new Map<string, WorkerProcess>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 16 synthetic trials (2 architectures x 4 learning rates x 2 seeds), 4 at a time, on `resources`. */
function spec(name: string, resources: SweepSpecInput['resources']): SweepSpecInput {
  return {
    name,
    project,
    dataset: 'synthetic',
    architectures: ['vgg16', 'resnet50'],
    arms: ['scratch'],
    search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.0001, 0.001, 0.01, 0.1] } } },
    seeds: [0, 1],
    budget: { maxTrials: TRIALS, maxParallel: 4, maxEpochs: 1 },
    resources,
  };
}

/** The identity (`<queue>@<host>#<pid>`) of the worker running each train activity of a sweep now. */
async function runningOn(sweepId: string): Promise<string[]> {
  const identities: string[] = [];
  for (let index = 0; index < TRIALS; index++) {
    const description = await temporal.workflow
      .getHandle(trialWorkflowId(sweepId, index))
      .describe()
      .catch(() => undefined);
    for (const activity of description?.raw.pendingActivities ?? []) {
      if (activity.state === 2 /* STARTED */ && activity.lastWorkerIdentity)
        identities.push(activity.lastWorkerIdentity);
    }
  }
  return identities;
}

/** Waits until a worker of `queue` runs a segment of the sweep; returns that worker's process. */
async function busyWorker(sweepId: string, queue: string): Promise<[string, WorkerProcess]> {
  for (let i = 0; i < 200; i++) {
    for (const identity of await runningOn(sweepId)) {
      const worker = fleet.get(identity);
      if (identity.startsWith(`${queue}@`) && worker) return [identity, worker];
    }
    await sleep(250);
  }
  throw new Error(`no worker of ${queue} ran a segment of sweep ${sweepId} within 50 s`);
}

/** Per trial: the queue its train activity was scheduled on, who ran it last, and how it got there. */
async function trainHistory(sweepId: string, index: number) {
  const history = await temporal.workflow.getHandle(trialWorkflowId(sweepId, index)).fetchHistory();
  const events = history.events ?? [];
  const scheduled = events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'trainSegment',
  );
  const started = events.map((e) => e.activityTaskStartedEventAttributes).filter((a) => a != null);
  return {
    queues: scheduled.map((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name),
    workers: started.map((a) => a.identity ?? ''),
    lastFailures: started.map((a) => a.lastFailure?.message ?? ''),
  };
}

beforeAll(async () => {
  await createSyntheticProject(db, project, 'test');
  connection = await Connection.connect({ address: config.temporal.address });
  temporal = new Client({ connection, namespace: config.temporal.namespace });
  const env = { MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS) };
  const synthetic = ['--synthetic-ms', String(SEGMENT_MS), '--concurrency', '2'];
  // In waves, so start-up (workflow bundling above all) fits the helper's limit on a busy machine.
  const waves = [
    [['--queue', TASK_QUEUES.control, '--concurrency', '20']],
    [['--queue', TASK_QUEUES.control, '--concurrency', '20']],
    [
      ['--queue', CPU_QUEUE, '--accelerator', 'cpu', ...synthetic],
      ['--queue', CPU_QUEUE, '--accelerator', 'cpu', ...synthetic],
      ['--queue', GPU_QUEUE, '--accelerator', 'gpu', ...synthetic],
      ['--queue', GPU_QUEUE, '--accelerator', 'gpu', ...synthetic],
    ],
  ];
  for (const wave of waves) {
    const started = await Promise.allSettled(wave.map((args) => startWorkerProcess(env, args)));
    for (const result of started) {
      if (result.status === 'rejected') continue;
      for (const [, identity] of result.value.output().matchAll(/worker (\S+) polling/g))
        fleet.set(identity as string, result.value);
    }
    const failed = started.find((r) => r.status === 'rejected');
    // afterAll stops the ones that did start.
    if (failed) throw failed.reason;
  }
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([...new Set(fleet.values())].map((w) => w.stop('SIGKILL')));
  await connection?.close();
  await db.$disconnect();
});

describe('a fleet of worker processes on mixed queues', () => {
  it('declares each worker with its queue, slots and accelerator', async () => {
    const rows = await db.worker.findMany({ where: { identity: { in: [...fleet.keys()] } } });
    const byQueue = (queue: string) =>
      rows.filter((r) => r.queue === queue).map((r) => ({ accelerator: r.accelerator, slots: r.slots }));
    expect(byQueue(TASK_QUEUES.control)).toEqual([
      { accelerator: 'cpu', slots: 20 },
      { accelerator: 'cpu', slots: 20 },
    ]);
    expect(byQueue(CPU_QUEUE)).toEqual([
      { accelerator: 'cpu', slots: 2 },
      { accelerator: 'cpu', slots: 2 },
    ]);
    expect(byQueue(GPU_QUEUE)).toEqual([
      { accelerator: 'gpu', slots: 2 },
      { accelerator: 'gpu', slots: 2 },
    ]);
    expect(
      rows.every((r) => r.pid !== null && r.backend === (r.queue === 'control' ? null : 'synthetic')),
    ).toBe(true);
  });

  it('routes trials by resources and loses none when workers are killed or stopped mid-sweep', async () => {
    const deps = { db, temporal };
    const cpu = await submitSweep(
      deps,
      parseSweepSpec(spec('fleet cpu', { queue: CPU_QUEUE, gpus: 0 })),
      'test',
    );
    const gpu = await submitSweep(
      deps,
      parseSweepSpec(spec('fleet gpu', { queue: GPU_QUEUE, gpus: 1 })),
      'test',
    );

    // kill -9 a CPU train worker while it trains: its segments come back after the heartbeat timeout.
    const [killedIdentity, killed] = await busyWorker(cpu.sweepId, CPU_QUEUE);
    await killed.stop('SIGKILL');
    // SIGTERM a GPU worker while it trains: it hands its segments back at once and exits within the grace.
    const [stoppedIdentity, stopped] = await busyWorker(gpu.sweepId, GPU_QUEUE);
    const stopStart = Date.now();
    await stopped.stop('SIGTERM');
    const stopSeconds = (Date.now() - stopStart) / 1000;
    // kill -9 a control worker: its workflow tasks time out and the other control worker takes them.
    const control = [...fleet].find(([identity]) => identity.startsWith('control@'))?.[1];
    await control?.stop('SIGKILL');

    const summaries = await Promise.all(
      [cpu, gpu].map(
        ({ sweepId }) =>
          temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result() as Promise<SweepSummary>,
      ),
    );
    for (const summary of summaries) {
      expect(summary).toMatchObject({ status: 'completed', total: TRIALS, counts: { completed: TRIALS } });
    }
    expect(stopSeconds).toBeLessThan(GRACE_SECONDS);
    expect(stopped.output()).not.toMatch(/worker: /); // exited cleanly, no error line

    for (const [{ sweepId }, queue] of [
      [cpu, CPU_QUEUE],
      [gpu, GPU_QUEUE],
    ] as const) {
      // Every trial exactly once, completed, with its final metrics.
      const rows = await db.trial.groupBy({ by: ['index'], where: { sweepId }, _count: true });
      expect(rows).toHaveLength(TRIALS);
      expect(rows.every((r) => r._count === 1)).toBe(true);
      const trials = await db.trial.findMany({ where: { sweepId }, include: { finalMetrics: true } });
      expect(trials.every((t) => t.status === 'completed' && t.finalMetrics.length > 0)).toBe(true);
      // Trained only on the pool the resources name.
      for (let index = 0; index < TRIALS; index++) {
        const { queues, workers } = await trainHistory(sweepId, index);
        expect(new Set(queues)).toEqual(new Set([queue]));
        expect(workers.every((w) => w.startsWith(`${queue}@`))).toBe(true);
      }
    }
    // The stopped worker's segments were handed back, not timed out: their retry says why.
    const handedBack: string[] = [];
    for (let index = 0; index < TRIALS; index++) {
      const { lastFailures } = await trainHistory(gpu.sweepId, index);
      handedBack.push(
        ...lastFailures.filter((m) => m.includes(`worker ${stoppedIdentity} is shutting down`)),
      );
    }
    expect(handedBack.length).toBeGreaterThan(0);
    expect(killedIdentity).not.toBe(stoppedIdentity);
  }, 300_000);
});
