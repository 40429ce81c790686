// finishTrial's recording against a real Postgres: the lineage names the spec hash that travelled with
// the sweep's input, and trials of sweeps submitted before it travelled there read the stored one.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalHash } from '@medsweep/core';
import type { JsonObject } from '@medsweep/core';
import { parseSweepSpec } from '@medsweep/core/sweep';
import type { Db } from '@medsweep/db';
import { applyMigrations, createPrismaClient, LineageMismatchError } from '@medsweep/db';
import { throwawayDatabases } from '@medsweep/db/test-support';
import type { SegmentOutcome, TrialInput } from '@medsweep/workflows';
import { registerTrialRow } from '../trial-records.js';
import { recordOutcomeWith } from './record-outcome.js';
import { createSyntheticTrainActivities } from './synthetic-train.js';

const spec = parseSweepSpec({
  name: 'record outcome',
  dataset: 'breastmnist',
  architectures: ['vgg16'],
  arms: ['scratch'],
  search: { strategy: 'grid', space: { lr: { type: 'choice', values: [0.001] } } },
  seeds: [1, 2, 3],
  budget: { maxTrials: 3, maxEpochs: 2 },
});
const specHash = canonicalHash(spec as unknown as JsonObject);

const dbs = throwawayDatabases();
let db: Db;
let sweepId: string;
let datasetId: string;

beforeAll(async () => {
  const url = dbs.next();
  await applyMigrations(url);
  db = createPrismaClient(url);
  const project = await db.project.create({ data: { slug: 'record-outcome', name: 'record outcome' } });
  const dataset = await db.dataset.create({
    data: {
      projectId: project.id,
      name: 'breastmnist',
      contentHash: 'a'.repeat(64),
      manifestUri: 's3://medsweep/datasets/a/manifest.json',
      splits: { train: 10, val: 2, test: 4 },
      numClasses: 2,
      task: 'binary-class',
      licence: 'CC BY 4.0',
      source: 'test',
    },
  });
  datasetId = dataset.id;
  sweepId = randomUUID();
  await db.sweep.create({
    data: {
      id: sweepId,
      projectId: project.id,
      name: spec.name,
      spec: spec as object,
      specHash,
      primaryMetric: 'val_auc',
      primaryMetricGoal: 'maximize',
      workflowId: `sweep-${sweepId}`,
    },
  });
});

afterAll(async () => {
  await db?.$disconnect();
  await dbs.dropAll();
});

/** A registered trial of the sweep and its (synthetic) evaluation, as its last segment returns them. */
async function evaluatedTrial(index: number) {
  const trial: TrialInput = {
    sweepId,
    sweepWorkflowId: `sweep-${sweepId}`,
    trialKey: `${sweepId}:${index}`,
    plan: {
      index,
      architecture: 'vgg16',
      arm: 'scratch',
      params: { lr: 0.001 },
      seed: index + 1,
      configIndex: 0,
    },
    spec,
    dataset: {
      id: datasetId,
      manifestUri: 's3://medsweep/datasets/a/manifest.json',
      manifestSha256: 'a'.repeat(64),
      numClasses: 2,
      task: 'binary-class',
    },
    rungs: [],
  };
  const trialId = await registerTrialRow(db, trial);
  const { trainSegment } = createSyntheticTrainActivities({ durationMs: 0 });
  const segment = (await new MockActivityEnvironment().run(trainSegment, {
    trial,
    trialId,
    untilEpoch: 2,
    evaluate: true,
  })) as SegmentOutcome;
  return { trialId, evaluation: segment.evaluation! };
}

const recordedSpecHash = async (trialId: string) =>
  (await db.lineage.findUniqueOrThrow({ where: { trialId }, select: { specHash: true } })).specHash;

describe('recordOutcomeWith', () => {
  it('records the spec hash that came with the finish payload', async () => {
    const recordOutcome = recordOutcomeWith(db);
    const { trialId, evaluation } = await evaluatedTrial(0);
    const finish = { trialId, sweepId, outcome: 'completed' as const, epochsCompleted: 2, evaluation };
    // The payload's hash is the one recorded: a wrong one reaches the store, which refuses it.
    const wrong = 'f'.repeat(64);
    const error = await recordOutcome({ ...finish, specHash: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineageMismatchError);
    expect(error).toMatchObject({ link: 'specHash', received: wrong, expected: specHash });
    await recordOutcome({ ...finish, specHash });
    expect(await recordedSpecHash(trialId)).toBe(specHash);
  });

  it('reads the stored hash for trials of sweeps whose input has none (submitted before it travelled there)', async () => {
    const { trialId, evaluation } = await evaluatedTrial(1);
    await recordOutcomeWith(db)({ trialId, sweepId, outcome: 'completed', epochsCompleted: 2, evaluation });
    expect(await recordedSpecHash(trialId)).toBe(specHash);
  });
});
