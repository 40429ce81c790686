import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelSweep, pauseSweep, submitSweep, sweepProgress, UnknownDatasetError } from '@medsweep/api';
import type { SweepServiceDeps } from '@medsweep/api';
import { loadConfig } from '@medsweep/config';
import { parseSweepSpec } from '@medsweep/core';
import type { SweepSpecInput } from '@medsweep/core';
import { createPrismaClient } from '@medsweep/db';
import { createWorker, createSyntheticTrainActivities } from '@medsweep/worker';
import type { RunningWorker } from '@medsweep/worker';
import { sweepWorkflowId, TASK_QUEUES, trialWorkflowId } from '@medsweep/workflows';
import type { SweepSummary } from '@medsweep/workflows';
import { createSyntheticProject, registerPlaceholderWeights } from './support/synthetic-project.js';

// Orchestration on the real Temporal server and Postgres, with the synthetic trainer (fixed-duration,
// deterministic metric) so the test measures workflows, not TensorFlow.
const config = loadConfig();
const project = `orch-${randomUUID().slice(0, 8)}`;
const db = createPrismaClient(config.databaseUrl);
let connection: Connection;
let temporal: Client;
let deps: SweepServiceDeps;
const workers: RunningWorker[] = [];
let running: Promise<void>[] = [];

function spec(overrides: Partial<SweepSpecInput> = {}): SweepSpecInput {
  return {
    name: 'orchestration test',
    project,
    dataset: 'synthetic',
    architectures: ['vgg16', 'resnet50'],
    arms: ['scratch', 'pretrained:imagenet'],
    search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.001, 0.01] } } },
    seeds: [0, 1],
    budget: { maxTrials: 1000, maxParallel: 4, maxEpochs: 2 },
    resources: { queue: 'train-synthetic', gpus: 0 },
    ...overrides,
  };
}

/** Trials on the slow queue: each trains until it is cancelled or stopped. */
function slowSpec(maxTrials: number, maxParallel: number) {
  return parseSweepSpec(
    spec({ budget: { maxTrials, maxParallel, maxEpochs: 50 }, resources: { queue: 'train-slow', gpus: 0 } }),
  );
}

async function result(sweepId: string): Promise<SweepSummary> {
  return temporal.workflow.getHandle(sweepWorkflowId(sweepId)).result();
}

beforeAll(async () => {
  const projectId = await createSyntheticProject(db, project, 'test');
  await registerPlaceholderWeights(db, projectId, ['vgg16', 'resnet50', 'densenet121']);
  connection = await Connection.connect({ address: config.temporal.address });
  temporal = new Client({ connection, namespace: config.temporal.namespace });
  deps = { db, temporal };
  workers.push(
    await createWorker({
      config,
      queue: TASK_QUEUES.control,
      concurrency: 20,
    }),
  );
  workers.push(
    await createWorker({
      config,
      // Its own queue, so a real train worker on the same stack never picks up a synthetic trial.
      queue: 'train-synthetic',
      concurrency: 8,
      backend: 'synthetic',
      trainer: () => createSyntheticTrainActivities({ durationMs: 200 }),
    }),
  );
  // A second train queue whose segments take long, to cancel trials while they train.
  workers.push(
    await createWorker({
      config,
      queue: 'train-slow',
      concurrency: 4,
      backend: 'synthetic',
      trainer: () => createSyntheticTrainActivities({ durationMs: 60_000 }),
    }),
  );
  running = workers.map((w) => w.worker.run());
});

afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.allSettled(running);
  await Promise.allSettled(workers.map((w) => w.close()));
  await connection?.close();
  await db.$disconnect();
});

describe('sweeps on the real stack', () => {
  it('runs every trial of a grid exactly once and records it', async () => {
    const s = parseSweepSpec(spec());
    const { sweepId } = await submitSweep(deps, s, 'test');
    const summary = await result(sweepId);
    expect(summary).toMatchObject({
      status: 'completed',
      total: 16,
      counts: { completed: 16, failed: 0, cancelled: 0, pruned: 0 },
    });
    const trials = await db.trial.findMany({
      where: { sweepId },
      include: { finalMetrics: true, attempts: true },
    });
    expect(trials).toHaveLength(16);
    expect(new Set(trials.map((t) => t.index)).size).toBe(16);
    expect(trials.every((t) => t.status === 'completed' && t.finalMetrics.length > 0)).toBe(true);
    expect((await db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('completed');
    // Pretrained trials name the weights they started from.
    expect(
      trials
        .filter((t) => t.initialisation === 'pretrained:imagenet')
        .every((t) => t.weightsSourceId !== null),
    ).toBe(true);
  });

  it('prunes with ASHA at rungs, deterministically from recorded results', async () => {
    const s = parseSweepSpec(
      spec({
        architectures: ['vgg16'],
        arms: ['scratch'],
        search: {
          strategy: 'random',
          samples: 9,
          space: { lr: { type: 'log-uniform', min: 1e-4, max: 1e-1 } },
        },
        seeds: [0],
        budget: { maxTrials: 9, maxParallel: 3, maxEpochs: 9 },
        earlyStopping: { kind: 'asha', metric: 'val_auc', mode: 'max', gracePeriod: 1, reductionFactor: 3 },
      }),
    );
    const { sweepId } = await submitSweep(deps, s, 'test');
    const summary = await result(sweepId);
    expect(summary.counts.completed + summary.counts.pruned).toBe(9);
    expect(summary.counts.pruned).toBeGreaterThan(0);
    const pruned = await db.trial.findMany({ where: { sweepId, status: 'pruned' } });
    expect(pruned).toHaveLength(summary.counts.pruned);
  });

  it('pauses (no new launches) and resumes', async () => {
    const s = parseSweepSpec(spec({ budget: { maxTrials: 8, maxParallel: 2, maxEpochs: 2 } }));
    const { sweepId } = await submitSweep(deps, s, 'test');
    await pauseSweep(deps, sweepId, 'test', true);
    await new Promise((r) => setTimeout(r, 2000));
    const paused = await sweepProgress(temporal, sweepId);
    expect(paused.status).toBe('paused');
    const launchedWhilePaused = paused.launched;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await sweepProgress(temporal, sweepId)).launched).toBe(launchedWhilePaused);
    await pauseSweep(deps, sweepId, 'test', false);
    expect((await result(sweepId)).counts.completed).toBe(8);
  });

  it('cancels: running trials stop and are recorded as cancelled, none keeps running', async () => {
    const { sweepId } = await submitSweep(deps, slowSpec(16, 4), 'test');
    for (let i = 0; i < 50 && (await sweepProgress(temporal, sweepId)).running.length < 4; i++)
      await new Promise((r) => setTimeout(r, 200));
    await cancelSweep(deps, sweepId, 'test');
    const summary = await result(sweepId);
    expect(summary.status).toBe('cancelled');
    expect(summary.counts.cancelled).toBeGreaterThanOrEqual(1);
    const trials = await db.trial.findMany({ where: { sweepId } });
    expect(trials.filter((t) => t.status === 'running' || t.status === 'pending')).toEqual([]);
    expect((await db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('cancelled');
    // No trial workflow (and so no training activity) is left open on the server.
    const open = temporal.workflow.list({
      query: `WorkflowId STARTS_WITH "trial-${sweepId}" AND ExecutionStatus = "Running"`,
    });
    const stillOpen: string[] = [];
    for await (const w of open) stillOpen.push(w.workflowId);
    expect(stillOpen).toEqual([]);
  });

  it('records a trial whose workflow an operator terminated as failed, and completes', async () => {
    const { sweepId } = await submitSweep(deps, slowSpec(2, 2), 'test');
    // Both trials training (their first segment has registered them).
    for (let i = 0; i < 100 && (await db.trial.count({ where: { sweepId, status: 'running' } })) < 2; i++)
      await new Promise((r) => setTimeout(r, 200));
    for (const index of [0, 1])
      await temporal.workflow.getHandle(trialWorkflowId(sweepId, index)).terminate('operator test');
    const summary = await result(sweepId);
    expect(summary).toMatchObject({ status: 'completed', counts: { failed: 2, completed: 0 } });
    const trials = await db.trial.findMany({ where: { sweepId }, orderBy: { index: 'asc' } });
    expect(trials.map((t) => [t.index, t.status])).toEqual([
      [0, 'failed'],
      [1, 'failed'],
    ]);
    expect(trials[0]?.error).toMatch(/stopped before it recorded a result/);
  });

  it('rejects a sweep on an unknown dataset before storing or starting anything', async () => {
    const before = await db.sweep.count();
    await expect(submitSweep(deps, parseSweepSpec(spec({ dataset: 'nosuchdata' })), 'test')).rejects.toThrow(
      UnknownDatasetError,
    );
    expect(await db.sweep.count()).toBe(before);
  });

  it('continues-as-new on long sweeps without losing or repeating a trial', async () => {
    const many = parseSweepSpec(
      spec({
        architectures: ['vgg16'],
        arms: ['scratch'],
        search: {
          strategy: 'random',
          samples: 450,
          space: { lr: { type: 'log-uniform', min: 1e-4, max: 1e-1 } },
        },
        seeds: [0],
        budget: { maxTrials: 450, maxParallel: 30, maxEpochs: 1 },
      }),
    );
    const { sweepId } = await submitSweep(deps, many, 'test');
    const summary = await result(sweepId).catch((e: unknown) => {
      throw e instanceof WorkflowFailedError ? (e.cause ?? e) : e;
    });
    expect(summary.counts.completed).toBe(450);
    const progress = await sweepProgress(temporal, sweepId);
    expect(progress.generation).toBeGreaterThanOrEqual(1);
    const rows = await db.trial.groupBy({ by: ['index'], where: { sweepId }, _count: true });
    expect(rows).toHaveLength(450);
    expect(rows.every((r) => r._count === 1)).toBe(true);
  }, 240_000);
});
