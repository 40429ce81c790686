// Datasets: content-addressed manifests registered in a project, once per manifest hash, with the
// import's duplicate and leakage report. Registering one is audited with the row's write.
import type { Dataset, Project } from '../generated/prisma/client.js';
import { datasetOfSpec } from '@medsweep/core';
import type { JsonObject, StoredDatasetReport, SweepSpec } from '@medsweep/core';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';
import { ensureProject } from './projects.js';

export interface RegisterDatasetInput {
  /** The project's slug; the project is created if it does not exist yet. */
  project: string;
  name: string;
  /** sha256 of the canonical manifest. */
  contentHash: string;
  manifestUri: string;
  /** Split name → what the manifest records about it (count, label histogram, ...). */
  splits: JsonObject;
  numClasses: number;
  /** Task type as core's metrics name it, e.g. `binary-class`. */
  task: string;
  licence: string;
  /** Where the data came from (citation, URL or path). */
  source: string;
  /** The manifest's split assignment hash; null for a dataset without per-sample records. */
  splitAssignmentHash: string | null;
  /**
   * The import's report (its lists bounded); its leakage.leaky marks the dataset leaky. Null for a
   * dataset without per-sample records, which cannot be checked.
   */
  report: StoredDatasetReport | null;
  /** Sample images per class, already stored in the bucket. */
  previews: DatasetPreview[];
  /** Who registers it, for the audit log. */
  actor: string;
}

/** One sample image of a dataset, a PNG in the bucket, for the dataset page. */
export interface DatasetPreview {
  /** The class (label, for multi-label) it shows. */
  classIndex: number;
  split: string;
  /** The sample's key in the dataset (its path, or `<split>/<index>`). */
  key: string;
  uri: string;
  sha256: string;
}

export interface RegisteredDataset {
  dataset: Dataset;
  /** False when the project already had a dataset with this manifest hash (returned unchanged). */
  created: boolean;
}

/**
 * Registers a dataset in the project with its `dataset.import` audit event, in one transaction. The same
 * manifest registered again returns the existing row and changes nothing.
 */
export async function registerDataset(db: DbClient, input: RegisterDatasetInput): Promise<RegisteredDataset> {
  const { project: slug, actor, report, previews, ...fields } = input;
  const project = await ensureProject(db, slug);
  const existing = await db.dataset.findUnique({
    where: { projectId_contentHash: { projectId: project.id, contentHash: fields.contentHash } },
  });
  if (existing) return { dataset: existing, created: false };
  const leaky = report?.leakage.leaky ?? false;
  const dataset = await inTransaction(db, async (tx) => {
    const created = await tx.dataset.create({
      data: {
        ...fields,
        projectId: project.id,
        leaky,
        ...(report === null ? {} : { report: report as unknown as JsonObject }),
        previews: previews as unknown as JsonObject[],
      },
    });
    await appendAuditEvent(tx, {
      projectId: project.id,
      actor,
      action: 'dataset.import',
      subjectType: 'dataset',
      subjectId: created.id,
      payload: {
        name: fields.name,
        contentHash: fields.contentHash,
        splitAssignmentHash: fields.splitAssignmentHash,
        leaky,
        ...(report === null ? {} : { leakage: leakageCounts(report) }),
      },
    });
    return created;
  });
  return { dataset, created: true };
}

/** The counts behind a report's leakage verdict, as the audit log and refusals quote them. */
export function leakageCounts(report: Pick<StoredDatasetReport, 'leakage' | 'duplicates'>) {
  const { leakage, duplicates } = report;
  return {
    patientsInSeveralSplits: leakage.patientsInSeveralSplits,
    studiesInSeveralSplits: leakage.studiesInSeveralSplits,
    crossSplitExactDuplicates: leakage.crossSplitExactDuplicates,
    crossSplitNearDuplicates: leakage.crossSplitNearDuplicates,
    withinSplitExactDuplicates: duplicates.exact.withinSplit,
    withinSplitNearDuplicates: duplicates.near.withinSplit,
  };
}

/** The project's newest dataset with this name, or with this manifest hash; null when there is none. */
export function findLatestDataset(
  db: DbClient,
  projectId: string,
  ref: { name: string } | { contentHash: string },
): Promise<Dataset | null> {
  return db.dataset.findFirst({ where: { projectId, ...ref }, orderBy: { createdAt: 'desc' } });
}

/** The names of the project's datasets, each once. */
export async function datasetNames(db: DbClient, projectId: string): Promise<string[]> {
  const rows = await db.dataset.findMany({
    where: { projectId },
    select: { name: true },
    distinct: ['name'],
  });
  return rows.map((r) => r.name);
}

/** A dataset as a project's list shows it. */
export type ListedDataset = Pick<
  Dataset,
  | 'id'
  | 'name'
  | 'contentHash'
  | 'splits'
  | 'numClasses'
  | 'task'
  | 'licence'
  | 'source'
  | 'leaky'
  | 'createdAt'
>;

/** The project's datasets, newest first. */
export function listDatasets(db: DbClient, projectId: string): Promise<ListedDataset[]> {
  return db.dataset.findMany({
    where: { projectId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      name: true,
      contentHash: true,
      splits: true,
      numClasses: true,
      task: true,
      licence: true,
      source: true,
      leaky: true,
      createdAt: true,
    },
  });
}

/** A sweep that trained on a dataset, as its page lists them. */
export interface SweepOfDataset {
  id: string;
  name: string;
  status: string;
  createdAt: Date;
  /** Its trials on this dataset. */
  trials: number;
}

/** The sweeps whose trials trained on the dataset, newest first (at most `limit`, default 100). */
export async function sweepsOfDataset(
  db: DbClient,
  datasetId: string,
  limit = 100,
): Promise<SweepOfDataset[]> {
  const counts = await db.trial.groupBy({
    by: ['sweepId'],
    where: { datasetId },
    _count: { _all: true },
  });
  if (counts.length === 0) return [];
  const sweeps = await db.sweep.findMany({
    where: { id: { in: counts.map((c) => c.sweepId) } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: { id: true, name: true, status: true, createdAt: true },
  });
  const trials = new Map(counts.map((c) => [c.sweepId, c._count._all]));
  return sweeps.map((s) => ({ ...s, trials: trials.get(s.id) ?? 0 }));
}

export function findDataset(db: DbClient, datasetId: string): Promise<Dataset | null> {
  return db.dataset.findUnique({ where: { id: datasetId } });
}

/** The dataset and its project; null when the dataset does not exist. */
export async function findDatasetWithProject(
  db: DbClient,
  datasetId: string,
): Promise<{ dataset: Dataset; project: Project } | null> {
  const row = await db.dataset.findUnique({ where: { id: datasetId }, include: { project: true } });
  if (row === null) return null;
  const { project, ...dataset } = row;
  return { dataset, project };
}

/** A dataset as a sweep's page links to it. */
export type DatasetLink = Pick<Dataset, 'id' | 'name' | 'contentHash' | 'leaky'>;

/**
 * The dataset a sweep trains on: its trials' (fixed at submission), or, before any trial is registered,
 * the one its spec names in the project now (by manifest hash, or the newest of that name).
 */
export async function datasetOfSweep(
  db: DbClient,
  sweep: { id: string; projectId: string; spec: unknown },
): Promise<DatasetLink | null> {
  const select = { id: true, name: true, contentHash: true, leaky: true } as const;
  const trial = await db.trial.findFirst({
    where: { sweepId: sweep.id },
    select: { dataset: { select } },
    orderBy: { index: 'asc' },
  });
  if (trial) return trial.dataset;
  const { name } = datasetOfSpec(sweep.spec as Pick<SweepSpec, 'dataset'>);
  const ref = name.startsWith('sha256:') ? { contentHash: name.slice('sha256:'.length) } : { name };
  return db.dataset.findFirst({
    where: { projectId: sweep.projectId, ...ref },
    orderBy: { createdAt: 'desc' },
    select,
  });
}
