import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from './client.js';
import { InvalidDatabaseUrlError } from './errors.js';
import { throwawayDatabases } from './test-support/databases.js';
import { EpochSplit, FinalSplit, TrialStatus } from './types.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  db = await dbs.client();
});

afterAll(() => dbs.dropAll());

describe('createPrismaClient (driver adapter, no native engine)', () => {
  it('round-trips a project', async () => {
    const created = await db.project.create({ data: { slug: 'chest-xray', name: 'Chest X-ray' } });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // UUIDv7
    const read = await db.project.findUnique({ where: { slug: 'chest-xray' } });
    expect(read).toEqual(created);
    expect(read?.createdAt).toBeInstanceOf(Date);
  });

  it('stores a sweep with trials and metrics, and answers the leaderboard and run-detail reads', async () => {
    const project = await db.project.create({ data: { slug: 'derma', name: 'Dermatology' } });
    const dataset = await db.dataset.create({
      data: {
        projectId: project.id,
        name: 'dermamnist',
        contentHash: 'c'.repeat(64),
        manifestUri: 's3://medsweep/datasets/dermamnist/manifest.json',
        splits: { train: 7007, val: 1003, test: 2005 },
        numClasses: 7,
        task: 'multi-class',
        licence: 'CC BY-NC 4.0',
        source: 'MedMNIST v2',
      },
    });
    const sweep = await db.sweep.create({
      data: {
        projectId: project.id,
        name: 'resnet-vs-vgg',
        spec: { architectures: ['resnet18', 'vgg11'] },
        specHash: 's'.repeat(64),
        primaryMetric: 'val_auc',
        primaryMetricGoal: 'maximize',
        workflowId: 'sweep-resnet-vs-vgg',
      },
    });
    const scores = [0.81, 0.93, 0.87];
    const trials = [];
    for (const [index, score] of scores.entries()) {
      trials.push(
        await db.trial.create({
          data: {
            sweepId: sweep.id,
            trialKey: `t${index}`,
            index,
            datasetId: dataset.id,
            architecture: index % 2 ? 'vgg11' : 'resnet18',
            initialisation: 'scratch',
            transferMode: 'full',
            config: { lr: 1e-3 * (index + 1) },
            configHash: String(index).repeat(64),
            groupKey: String(index).repeat(64),
            seed: 42 + index,
            status: TrialStatus.completed,
            bestEpoch: 2,
            primaryMetricValue: score,
          },
        }),
      );
    }
    const trial = trials[1]!;
    // Bulk ingest of learning curves, idempotent on the composite key.
    const curves = [0, 1, 2].flatMap((epoch) =>
      (['train', 'val'] as const).flatMap((split) => [
        { trialId: trial.id, epoch, split, name: 'loss', value: 1 / (epoch + 1) },
        { trialId: trial.id, epoch, split, name: 'auc', value: 0.5 + epoch / 10 },
      ]),
    );
    expect((await db.epochMetric.createMany({ data: curves })).count).toBe(12);
    expect((await db.epochMetric.createMany({ data: curves, skipDuplicates: true })).count).toBe(0);
    await db.finalMetric.createMany({
      data: trials.map((t, i) => ({
        trialId: t.id,
        datasetId: dataset.id,
        split: FinalSplit.test,
        name: 'auc',
        value: scores[i]! - 0.01,
      })),
    });

    const leaderboard = await db.trial.findMany({
      where: { sweepId: sweep.id, status: TrialStatus.completed },
      orderBy: { primaryMetricValue: 'desc' },
      take: 2,
      select: { trialKey: true, primaryMetricValue: true },
    });
    expect(leaderboard).toEqual([
      { trialKey: 't1', primaryMetricValue: 0.93 },
      { trialKey: 't2', primaryMetricValue: 0.87 },
    ]);

    const byTestAuc = await db.finalMetric.findMany({
      where: { name: 'auc', split: FinalSplit.test },
      orderBy: { value: 'desc' },
      take: 1,
      select: { trial: { select: { trialKey: true } } },
    });
    expect(byTestAuc).toEqual([{ trial: { trialKey: 't1' } }]);

    const detail = await db.trial.findUniqueOrThrow({
      where: { id: trial.id },
      include: { finalMetrics: true, attempts: true, lineage: true },
    });
    // epoch_metrics has no Prisma relation (no per-row foreign key; see schema.prisma): read by trial id.
    const curvesRead = await db.epochMetric.findMany({
      where: { trialId: trial.id },
      orderBy: [{ epoch: 'asc' }, { split: 'asc' }, { name: 'asc' }],
    });
    expect(curvesRead).toHaveLength(12);
    expect(curvesRead[0]).toEqual({
      trialId: trial.id,
      epoch: 0,
      split: EpochSplit.train,
      name: 'auc',
      value: 0.5,
    });
    expect(detail.finalMetrics).toEqual([
      { trialId: trial.id, datasetId: dataset.id, split: 'test', name: 'auc', value: 0.92 },
    ]);
  });

  it('refuses a URL that is not postgresql://', () => {
    expect(() => createPrismaClient('mysql://localhost/x')).toThrow(InvalidDatabaseUrlError);
  });
});
