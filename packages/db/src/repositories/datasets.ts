// Datasets: content-addressed manifests registered in a project, once per manifest hash. Registering one
// is audited with the row's write.
import type { Dataset, Project } from '../generated/prisma/client.js';
import type { JsonObject } from '@medsweep/core';
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
  /** Who registers it, for the audit log. */
  actor: string;
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
  const { project: slug, actor, ...fields } = input;
  const project = await ensureProject(db, slug);
  const existing = await db.dataset.findUnique({
    where: { projectId_contentHash: { projectId: project.id, contentHash: fields.contentHash } },
  });
  if (existing) return { dataset: existing, created: false };
  const dataset = await inTransaction(db, async (tx) => {
    const created = await tx.dataset.create({ data: { ...fields, projectId: project.id } });
    await appendAuditEvent(tx, {
      projectId: project.id,
      actor,
      action: 'dataset.import',
      subjectType: 'dataset',
      subjectId: created.id,
      payload: { name: fields.name, contentHash: fields.contentHash },
    });
    return created;
  });
  return { dataset, created: true };
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
  'id' | 'name' | 'contentHash' | 'splits' | 'numClasses' | 'task' | 'licence' | 'source' | 'createdAt'
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
      createdAt: true,
    },
  });
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
