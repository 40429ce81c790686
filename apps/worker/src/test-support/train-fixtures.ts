// What the train activity's tests run against: the stack's MinIO (through a store that counts its
// reads), a throwaway Postgres database with a project, dataset and sweep, and BreastMNIST imported
// from the shared data into the bucket. Test-only.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@medsweep/config';
import { parseSweepSpec } from '@medsweep/core/sweep';
import type { ArchitectureName, SweepSpecInput } from '@medsweep/core/sweep';
import type { Db } from '@medsweep/db';
import type { Dataset } from '@medsweep/db/types';
import { applyMigrations, createPrismaClient } from '@medsweep/db';
import { throwawayDatabases } from '@medsweep/db/test-support';
import { MEDMNIST_DATASETS, importDatasetTo, importMedmnistNpz } from '@medsweep/ml';
import type { StoredDataset } from '@medsweep/ml';
import { ObjectBlobStore, ObjectStore } from '@medsweep/storage';
import type { TrialInput, WeightsRef } from '@medsweep/workflows';
import { registerTrialRow } from '../trial-records.js';

export const config = loadConfig();
export const BREAST_NPZ = join(config.dataDir, 'medmnist', 'breastmnist.npz');
export const SQUEEZENET_H5 = join(
  config.dataDir,
  'weights',
  'squeezenet_weights_tf_dim_ordering_tf_kernels_notop.h5',
);

/** The official BreastMNIST file of the shared data imported into the bucket (content-addressed). */
export function importBreastmnist(store: ObjectStore): Promise<StoredDataset> {
  return importDatasetTo(new ObjectBlobStore(store), (sink) =>
    importMedmnistNpz({ path: BREAST_NPZ, ...MEDMNIST_DATASETS.breastmnist }, sink),
  );
}

/** Registers the imported BreastMNIST in the project, as `medsweep data import` leaves it; its row. */
export function registerBreastmnistRow(db: Db, projectId: string, dataset: StoredDataset): Promise<Dataset> {
  return db.dataset.create({
    data: {
      projectId,
      name: 'breastmnist',
      contentHash: dataset.manifestSha256,
      manifestUri: dataset.manifestUri,
      splits: { train: 546, val: 78, test: 156 },
      numClasses: dataset.numClasses,
      task: dataset.task,
      licence: 'CC BY 4.0',
      source: 'MedMNIST v2',
    },
  });
}

/** An ObjectStore that remembers the key of every get(), to prove what a run downloaded. */
export class CountingStore extends ObjectStore {
  readonly gets: string[] = [];

  override get(key: string, expectedSha256?: string): Promise<Uint8Array> {
    this.gets.push(key);
    return super.get(key, expectedSha256);
  }
}

export interface TrainFixture {
  db: Db;
  store: CountingStore;
  dataset: StoredDataset;
  datasetRowId: string;
  projectId: string;
  sweepId: string;
  close(): Promise<void>;
}

export async function trainFixture(): Promise<TrainFixture> {
  const store = new CountingStore(config.s3);
  await store.ensureBucket();
  const dataset = await importBreastmnist(store);
  const databases = throwawayDatabases();
  const url = databases.next();
  await applyMigrations(url);
  const db = createPrismaClient(url);
  const project = await db.project.create({ data: { slug: 'worker-tests', name: 'worker tests' } });
  const datasetRow = await registerBreastmnistRow(db, project.id, dataset);
  const sweepId = randomUUID();
  await db.sweep.create({
    data: {
      id: sweepId,
      projectId: project.id,
      name: 'train activity tests',
      spec: {},
      specHash: '0'.repeat(64),
      primaryMetric: 'val_auc',
      primaryMetricGoal: 'maximize',
      workflowId: `sweep-${sweepId}`,
    },
  });
  return {
    db,
    store,
    dataset,
    datasetRowId: datasetRow.id,
    projectId: project.id,
    sweepId,
    async close() {
      await db.$disconnect();
      await databases.dropAll();
    },
  };
}

/**
 * A small, fast sweep: VGG16 at 1/8 width on 32 px images, 3 epochs of batch 32 with a cosine schedule
 * (about a second per epoch here; it already separates the classes, test AUC about 0.65).
 */
export const TINY_SPEC: SweepSpecInput = {
  name: 'worker train tests',
  dataset: 'breastmnist',
  architectures: ['vgg16'],
  model: { inputSize: 32, widthMultiplier: 0.125 },
  arms: ['scratch'],
  search: {
    strategy: 'grid',
    space: { lr: { type: 'choice', values: [0.001] }, batchSize: { type: 'choice', values: [32] } },
  },
  seeds: [1],
  budget: { maxTrials: 1, maxEpochs: 3 },
  training: { schedule: { kind: 'cosine' } },
};

export interface TrialOptions {
  index: number;
  spec?: SweepSpecInput;
  arm?: string;
  weights?: WeightsRef;
  rungs?: number[];
}

/** A trial of the fixture's sweep, as its workflow hands it to activities (not registered). */
export function trialInput(
  fixture: TrainFixture,
  { index, spec = TINY_SPEC, arm = 'scratch', weights, rungs = [] }: TrialOptions,
): TrialInput {
  const parsed = parseSweepSpec({ ...spec, arms: [arm] });
  return {
    sweepId: fixture.sweepId,
    sweepWorkflowId: `sweep-${fixture.sweepId}`,
    trialKey: `${fixture.sweepId}:${index}`,
    plan: {
      index,
      architecture: parsed.architectures[0] as ArchitectureName,
      arm,
      params: { lr: 0.001, batchSize: 32 },
      seed: 1,
      configIndex: 0,
    },
    spec: parsed,
    dataset: {
      id: fixture.datasetRowId,
      manifestUri: fixture.dataset.manifestUri,
      manifestSha256: fixture.dataset.manifestSha256,
      numClasses: fixture.dataset.numClasses,
      task: fixture.dataset.task,
    },
    ...(weights ? { weights } : {}),
    rungs,
  };
}

/** A trial of the fixture's sweep, registered in the database as its first segment would; its input and row id. */
export async function registerTrial(
  fixture: TrainFixture,
  options: TrialOptions,
): Promise<{ trial: TrialInput; trialId: string }> {
  const trial = trialInput(fixture, options);
  return { trial, trialId: await registerTrialRow(fixture.db, trial) };
}

/** The real SqueezeNet ImageNet file, stored in S3 and registered as a weights source of the project. */
export async function imagenetSqueezenetWeights(fixture: TrainFixture): Promise<WeightsRef> {
  const stored = await fixture.store.put(
    'tests/weights/squeezenet-imagenet-notop.h5',
    new Uint8Array(await readFile(SQUEEZENET_H5)),
  );
  // Found again by (project, name) when a second test asks for it.
  const source = await fixture.db.weightsSource.upsert({
    where: { projectId_name: { projectId: fixture.projectId, name: 'imagenet' } },
    update: {},
    create: {
      projectId: fixture.projectId,
      name: 'imagenet',
      kind: 'file',
      uri: stored.uri,
      sha256: stored.sha256,
      architecture: 'squeezenet1_1',
      format: 'keras-h5',
    },
  });
  return { weightsSourceId: source.id, uri: stored.uri, sha256: stored.sha256, format: 'keras-h5' };
}
