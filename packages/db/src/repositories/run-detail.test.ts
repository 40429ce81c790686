// Run detail and lineage verification against a real Postgres: everything about one run in one read,
// and tampering with the stored lineage, config, metrics or artifacts named by the link that breaks.
import { sha256Hex, type FinalMetricValue } from '@medsweep/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../client.js';
import { LineageNotRecordedError, TrialNotFoundError } from '../errors.js';
import type { Trial } from '../generated/prisma/client.js';
import { applyMigrations } from '../migrate.js';
import { throwawayDatabases, withClient } from '../test-support/databases.js';
import { recordAttempt } from './attempts.js';
import { ingestEpochMetrics } from './epoch-metrics.js';
import { verifyTrialLineage } from './lineage.js';
import { runDetail } from './run-detail.js';
import {
  artifactBytes,
  completeTrial,
  createSweep,
  createTrial,
  type SweepContext,
} from './test-support/fixtures.js';

const dbs = throwawayDatabases();
let url: string;
let db: Db;
let ctx: SweepContext;
let trial: Trial;
let index = 0;

const metrics: FinalMetricValue[] = [
  { split: 'test', name: 'auc', value: 0.9 },
  { split: 'val', name: 'auc', value: 0.92 },
];

beforeAll(async () => {
  url = dbs.next();
  await applyMigrations(url);
  db = createPrismaClient(url);
  ctx = await createSweep(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await dbs.dropAll();
});

beforeEach(async () => {
  trial = await createTrial(db, ctx, { key: `t${index}`, index: index++, seed: 1 });
});

const sql = (text: string) => withClient(url, (c) => c.query(text));

describe('runDetail', () => {
  it('returns the trial with its curves, final metrics, attempts, lineage and artifacts', async () => {
    await recordAttempt(db, {
      trialId: trial.id,
      attempt: 1,
      workerIdentity: 'train@gpu-1#42',
      host: 'gpu-1',
      backend: 'tensorflow',
      backendVersion: '2.21.0',
      codeVersion: 'v0.1.0',
    });
    await ingestEpochMetrics(
      db,
      [2, 0, 1].flatMap((epoch) => [
        { trialId: trial.id, epoch, split: 'val' as const, name: 'auc', value: 0.5 + epoch / 10 },
        { trialId: trial.id, epoch, split: 'train' as const, name: 'loss', value: 1 / (epoch + 1) },
      ]),
    );
    await ingestEpochMetrics(db, [
      { trialId: trial.id, epoch: 0, split: 'train', name: 'grad_norm', value: NaN },
    ]);
    const recorded = await completeTrial(db, ctx, trial, metrics);
    const detail = await runDetail(db, trial.id);
    // The same values, types included, as Prisma reads them.
    const strip = <T extends { trialId: string | null }>({ trialId: _trialId, ...rest }: T) => rest;
    expect(detail.trial).toEqual(await db.trial.findUniqueOrThrow({ where: { id: trial.id } }));
    expect(detail.attempts).toEqual(
      (await db.trialAttempt.findMany({ where: { trialId: trial.id } })).map(strip),
    );
    expect(detail.lineage).toEqual(
      strip(await db.lineage.findUniqueOrThrow({ where: { trialId: trial.id } })),
    );
    const artifacts = await db.artifact.findMany({
      where: { trialId: trial.id },
      orderBy: [{ kind: 'asc' }, { uri: 'asc' }],
    });
    expect(detail.artifacts).toEqual(artifacts.map(strip));
    expect(detail).toMatchObject({
      trial: { status: 'completed', config: { lr: 0.001, seed: 1 } },
      sweep: { id: ctx.sweepId, specHash: ctx.specHash, primaryMetric: 'val_auc', projectId: ctx.projectId },
      dataset: { id: ctx.datasetId, contentHash: ctx.manifestHash, task: 'binary-class' },
      weightsSource: null,
      lineage: { recordHash: recorded.lineageRecordHash },
      attempts: [{ attempt: 1, workerIdentity: 'train@gpu-1#42', host: 'gpu-1', outcome: null }],
    });
    expect(detail.curves).toEqual([
      { split: 'train', name: 'grad_norm', epochs: [0], values: [NaN] },
      { split: 'train', name: 'loss', epochs: [0, 1, 2], values: [1, 0.5, 1 / 3] },
      { split: 'val', name: 'auc', epochs: [0, 1, 2], values: [0.5, 0.6, 0.7] },
    ]);
    expect(detail.finalMetrics).toEqual([
      { split: 'val', name: 'auc', value: 0.92 },
      { split: 'test', name: 'auc', value: 0.9 },
    ]);
    expect(detail.artifacts.map((a) => a.id).sort()).toEqual([...recorded.artifactIds].sort());
  });

  it('throws TrialNotFoundError for an unknown trial', async () => {
    await expect(runDetail(db, '00000000-0000-7000-8000-000000000000')).rejects.toThrow(TrialNotFoundError);
  });
});

describe('verifyTrialLineage', () => {
  beforeEach(async () => {
    await completeTrial(db, ctx, trial, metrics);
  });

  it('passes for an untouched result, and says what only the artifacts can confirm', async () => {
    const bytes = artifactBytes(trial.id);
    const result = await verifyTrialLineage(db, trial.id, {
      weightsOutHash: sha256Hex(bytes.weights),
      predictionsHash: sha256Hex(bytes.predictions),
    });
    expect(result).toMatchObject({
      ok: true,
      unchecked: ['codeVersion', 'codeDirty', 'lockHash', 'backend', 'backendVersions', 'weightsInHash'],
    });
  });

  it('names predictionsHash when the predictions file no longer hashes as recorded', async () => {
    const tampered = sha256Hex('predictions, edited');
    expect(await verifyTrialLineage(db, trial.id, { predictionsHash: tampered })).toMatchObject({
      ok: false,
      link: 'predictionsHash',
      recomputed: tampered,
    });
  });

  it('names weightsOutHash when the lineage row was edited to point at other weights', async () => {
    await sql(
      `UPDATE lineage SET weights_out_hash = '${sha256Hex('other weights')}' WHERE trial_id = '${trial.id}'`,
    );
    expect(await verifyTrialLineage(db, trial.id)).toMatchObject({
      ok: false,
      link: 'weightsOutHash',
      recomputed: sha256Hex(artifactBytes(trial.id).weights),
    });
  });

  it('names configHash when the stored config was edited', async () => {
    await sql(`UPDATE trials SET config = jsonb_set(config, '{lr}', '0.1') WHERE id = '${trial.id}'`);
    expect(await verifyTrialLineage(db, trial.id)).toMatchObject({ ok: false, link: 'configHash' });
  });

  it('names metricsHash when a final metric was edited', async () => {
    await sql(`UPDATE final_metrics SET value = 0.99 WHERE trial_id = '${trial.id}' AND split = 'test'`);
    expect(await verifyTrialLineage(db, trial.id)).toMatchObject({ ok: false, link: 'metricsHash' });
  });

  it('names recordHash when a link nobody can recompute was edited in the row', async () => {
    await sql(`UPDATE lineage SET code_dirty = true WHERE trial_id = '${trial.id}'`);
    expect(await verifyTrialLineage(db, trial.id)).toMatchObject({ ok: false, link: 'recordHash' });
  });

  it('refuses a trial without lineage', async () => {
    const bare = await createTrial(db, ctx, { key: `bare${index}`, index: index++, seed: 2 });
    await expect(verifyTrialLineage(db, bare.id)).rejects.toThrow(LineageNotRecordedError);
  });
});
