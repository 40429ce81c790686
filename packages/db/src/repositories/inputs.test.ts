// Registering a project's inputs against a real Postgres: datasets by manifest hash, weights files by
// name and content, and completed trials' output weights; each registration audited once, repeats no-ops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../client.js';
import { TrialNotFoundError, TrialWeightsUnavailableError, WeightsSourceConflictError } from '../errors.js';
import { throwawayDatabases } from '../test-support/databases.js';
import type { StoredDatasetReport } from '@medsweep/core';
import { datasetNames, findLatestDataset, registerDataset, sweepsOfDataset } from './datasets.js';
import { completeTrial, createSweep, createTrial } from './test-support/fixtures.js';
import {
  findWeightsSources,
  registerTrialWeightsSource,
  registerWeightsFileSource,
} from './weights-sources.js';

const dbs = throwawayDatabases();
let db: Db;

beforeAll(async () => {
  db = await dbs.client();
});

afterAll(() => dbs.dropAll());

const actionsOn = async (subjectId: string) =>
  (await db.auditEvent.findMany({ where: { subjectId }, orderBy: { seq: 'asc' } })).map((e) => e.action);

describe('registerDataset', () => {
  const dataset = (contentHash: string) => ({
    project: 'new-project',
    name: 'breastmnist',
    contentHash,
    manifestUri: `s3://medsweep/datasets/${contentHash}/manifest.json`,
    splits: { train: { count: 10 } },
    numClasses: 2,
    task: 'binary-class',
    licence: 'CC BY 4.0',
    source: 'test',
    splitAssignmentHash: null,
    report: null,
    previews: [],
    actor: 'cli:test',
  });

  it('creates the project on first use, registers a manifest once, and audits the registration', async () => {
    const first = await registerDataset(db, dataset('1'.repeat(64)));
    expect(first.created).toBe(true);
    const project = await db.project.findUniqueOrThrow({ where: { id: first.dataset.projectId } });
    expect(project).toMatchObject({ slug: 'new-project', name: 'new-project' });
    const again = await registerDataset(db, dataset('1'.repeat(64)));
    expect(again).toEqual({ dataset: first.dataset, created: false });
    expect(await actionsOn(first.dataset.id)).toEqual(['dataset.import']);

    const second = await registerDataset(db, dataset('2'.repeat(64)));
    expect(await findLatestDataset(db, project.id, { name: 'breastmnist' })).toEqual(second.dataset);
    expect(await findLatestDataset(db, project.id, { contentHash: '1'.repeat(64) })).toEqual(first.dataset);
    expect(await datasetNames(db, project.id)).toEqual(['breastmnist']);
  });
});

describe('registerDataset with its report', () => {
  const report = (patients: number, near: number): StoredDatasetReport => ({
    task: 'binary-class',
    numClasses: 2,
    classNames: ['benign', 'malignant'],
    image: { height: 28, width: 28, channels: 1 },
    splits: {
      train: { count: 8, perClass: [4, 4], patients: 4 },
      val: { count: 2, perClass: [1, 1], patients: 1 },
      test: { count: 2, perClass: [1, 1], patients: 1 },
    },
    duplicates: {
      maxDistance: 4,
      exact: { crossSplit: 0, withinSplit: 1, listed: [] },
      near: { crossSplit: near, withinSplit: 2, listed: [] },
    } as unknown as StoredDatasetReport['duplicates'],
    leakage: {
      patientsInSeveralSplits: patients,
      studiesInSeveralSplits: 0,
      samplesWithPatientId: 12,
      crossSplitExactDuplicates: 0,
      crossSplitNearDuplicates: near,
      leaky: patients + near > 0,
      reasons: patients > 0 ? [`${patients} patient(s) in more than one split`] : [],
      patients: [],
      studies: [],
    },
    splitAssignmentSha256: 'f'.repeat(64),
    splitAssignment: { method: 'given', sha256: 'f'.repeat(64) },
  });
  const registration = (contentHash: string, stored: StoredDatasetReport) => ({
    project: 'reports',
    name: `chest-${contentHash.slice(0, 1)}`,
    contentHash,
    manifestUri: `s3://medsweep/datasets/${contentHash}.json`,
    splits: { train: { count: 8 } },
    numClasses: 2,
    task: 'binary-class',
    licence: 'CC BY 4.0',
    source: 'test',
    splitAssignmentHash: 'f'.repeat(64),
    report: stored,
    previews: [
      {
        classIndex: 0,
        split: 'train',
        key: 'a.png',
        uri: 's3://medsweep/datasets/x.png',
        sha256: 'e'.repeat(64),
      },
    ],
    actor: 'cli:test',
  });

  it('marks the dataset leaky from its report and audits the counts with the registration', async () => {
    const { dataset } = await registerDataset(db, registration('3'.repeat(64), report(1, 2)));
    expect(dataset).toMatchObject({ leaky: true, splitAssignmentHash: 'f'.repeat(64) });
    expect(dataset.previews).toEqual([expect.objectContaining({ classIndex: 0, key: 'a.png' })]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { subjectId: dataset.id } });
    expect(event.payload).toMatchObject({
      leaky: true,
      splitAssignmentHash: 'f'.repeat(64),
      leakage: { patientsInSeveralSplits: 1, crossSplitNearDuplicates: 2, withinSplitNearDuplicates: 2 },
    });
    const clean = await registerDataset(db, registration('4'.repeat(64), report(0, 0)));
    expect(clean.dataset.leaky).toBe(false);
    expect(await sweepsOfDataset(db, dataset.id)).toEqual([]);
  });
});

describe('registerWeightsFileSource', () => {
  const file = (sha256: string) => ({
    project: 'weights-project',
    name: 'imagenet/squeezenet1_1',
    architecture: 'squeezenet1_1',
    uri: `s3://medsweep/weights/${sha256}.h5`,
    sha256,
    fileName: 'squeezenet.h5',
    actor: 'cli:test',
  });

  it('registers a name once; the same content again is a no-op, other content a conflict', async () => {
    const first = await registerWeightsFileSource(db, file('a'.repeat(64)));
    expect(first.created).toBe(true);
    expect(first.weightsSource).toMatchObject({ kind: 'file', format: 'keras-h5', sourceTrialId: null });
    expect(await registerWeightsFileSource(db, file('a'.repeat(64)))).toEqual({
      weightsSource: first.weightsSource,
      created: false,
    });
    const conflict = registerWeightsFileSource(db, file('b'.repeat(64)));
    await expect(conflict).rejects.toThrow(WeightsSourceConflictError);
    await expect(conflict).rejects.toThrow(
      `weights source 'imagenet/squeezenet1_1' already exists in project 'weights-project' with other content (sha256 ${'a'.repeat(64)})`,
    );
    const audited = await db.auditEvent.findMany({ where: { subjectId: first.weightsSource.id } });
    expect(audited.map((e) => [e.action, e.payload])).toEqual([
      ['weights.register', { name: 'imagenet/squeezenet1_1', sha256: 'a'.repeat(64), file: 'squeezenet.h5' }],
    ]);
  });
});

describe('registerTrialWeightsSource', () => {
  it("registers a completed trial's output weights once, and refuses trials without any", async () => {
    const ctx = await createSweep(db, { project: 'transfer' });
    const pending = await createTrial(db, ctx, { key: 'pending', index: 0, seed: 0 });
    const done = await createTrial(db, ctx, { key: 'done', index: 1, seed: 1, architecture: 'vgg16' });
    await completeTrial(db, ctx, done, [{ split: 'val', name: 'auc', value: 0.8 }]);

    await expect(
      registerTrialWeightsSource(db, {
        trialId: '00000000-0000-7000-8000-000000000000',
        name: 'x',
        actor: 'cli:test',
      }),
    ).rejects.toThrow(TrialNotFoundError);
    await expect(
      registerTrialWeightsSource(db, { trialId: pending.id, name: 'pneumonia/resnet50', actor: 'cli:test' }),
    ).rejects.toThrow(new TrialWeightsUnavailableError(pending.id, 'pending'));

    const first = await registerTrialWeightsSource(db, {
      trialId: done.id,
      name: 'pneumonia/vgg16',
      actor: 'cli:test',
    });
    expect(first.created).toBe(true);
    expect(first.weightsSource).toMatchObject({
      projectId: ctx.projectId,
      kind: 'trial',
      sourceTrialId: done.id,
      architecture: 'vgg16',
      uri: `s3://medsweep/trials/${done.id}/weights.bin`,
    });
    const again = await registerTrialWeightsSource(db, {
      trialId: done.id,
      name: 'pneumonia/vgg16',
      actor: 'cli:test',
    });
    expect(again).toEqual({ weightsSource: first.weightsSource, created: false });
    expect(await actionsOn(first.weightsSource.id)).toEqual(['weights.register']);
    expect(await findWeightsSources(db, ctx.projectId, ['pneumonia/vgg16', 'pneumonia/other'])).toEqual([
      first.weightsSource,
    ]);
  });
});
