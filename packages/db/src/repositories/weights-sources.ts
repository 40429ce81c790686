// Weights sources: the initial weights a pretrained arm starts from, either an uploaded file or an earlier
// trial's output, named `<ref>/<architecture>` once per project. Registering one is audited with the
// row's write.
import type { WeightsSource } from '../generated/prisma/client.js';
import { TrialNotFoundError, TrialWeightsUnavailableError, WeightsSourceConflictError } from '../errors.js';
import type { JsonObject } from '@medsweep/core';
import { appendAuditEvent } from './audit.js';
import type { DbClient } from './db-client.js';
import { inTransaction } from './db-client.js';
import { ensureProject } from './projects.js';

/** The project's weights sources with any of these names. */
export function findWeightsSources(
  db: DbClient,
  projectId: string,
  names: readonly string[],
): Promise<WeightsSource[]> {
  return db.weightsSource.findMany({ where: { projectId, name: { in: [...names] } } });
}

/** A weights source as a project's list shows it. */
export type ListedWeightsSource = Pick<
  WeightsSource,
  'id' | 'name' | 'kind' | 'architecture' | 'format' | 'sha256' | 'sourceTrialId' | 'createdAt'
>;

/** The project's weights sources by name. */
export function listWeightsSources(db: DbClient, projectId: string): Promise<ListedWeightsSource[]> {
  return db.weightsSource.findMany({
    where: { projectId },
    orderBy: [{ name: 'asc' }],
    select: {
      id: true,
      name: true,
      kind: true,
      architecture: true,
      format: true,
      sha256: true,
      sourceTrialId: true,
      createdAt: true,
    },
  });
}

export interface RegisteredWeightsSource {
  weightsSource: WeightsSource;
  /** False when the name was already registered (returned unchanged). */
  created: boolean;
}

type NewWeightsSource = Omit<WeightsSource, 'id' | 'createdAt'>;

/** Creates the source and its `weights.register` audit event (with `payload`), in one transaction. */
function createWeightsSource(
  db: DbClient,
  data: NewWeightsSource,
  actor: string,
  payload: JsonObject,
): Promise<WeightsSource> {
  return inTransaction(db, async (tx) => {
    const created = await tx.weightsSource.create({ data });
    await appendAuditEvent(tx, {
      projectId: data.projectId,
      actor,
      action: 'weights.register',
      subjectType: 'weights',
      subjectId: created.id,
      payload,
    });
    return created;
  });
}

function findByName(db: DbClient, projectId: string, name: string): Promise<WeightsSource | null> {
  return db.weightsSource.findUnique({ where: { projectId_name: { projectId, name } } });
}

export interface RegisterWeightsFileInput {
  /** The project's slug; the project is created if it does not exist yet. */
  project: string;
  /** `<ref>/<architecture>`, e.g. `imagenet/squeezenet1_1`. */
  name: string;
  architecture: string;
  /** Where the uploaded (Keras .h5) file is stored, and its sha256. */
  uri: string;
  sha256: string;
  /** The uploaded file's name, for the audit log. */
  fileName: string;
  actor: string;
}

/**
 * Registers an uploaded Keras .h5 file as a weights source. The same name with the same content returns
 * the existing source; with other content it throws WeightsSourceConflictError.
 */
export async function registerWeightsFileSource(
  db: DbClient,
  input: RegisterWeightsFileInput,
): Promise<RegisteredWeightsSource> {
  const project = await ensureProject(db, input.project);
  const existing = await findByName(db, project.id, input.name);
  if (existing) {
    if (existing.sha256 !== input.sha256)
      throw new WeightsSourceConflictError(input.project, input.name, existing.sha256, input.sha256);
    return { weightsSource: existing, created: false };
  }
  const weightsSource = await createWeightsSource(
    db,
    {
      projectId: project.id,
      name: input.name,
      kind: 'file',
      uri: input.uri,
      sha256: input.sha256,
      sourceTrialId: null,
      architecture: input.architecture,
      format: 'keras-h5',
    },
    input.actor,
    { name: input.name, sha256: input.sha256, file: input.fileName },
  );
  return { weightsSource, created: true };
}

/**
 * Registers a completed trial's output weights as a weights source in the trial's project (pretrain on
 * one dataset, fine-tune on another). A name already registered returns the existing source. Throws
 * TrialNotFoundError, or TrialWeightsUnavailableError when the trial has no output weights.
 */
export async function registerTrialWeightsSource(
  db: DbClient,
  input: { trialId: string; name: string; actor: string },
): Promise<RegisteredWeightsSource> {
  const trial = await db.trial.findUnique({
    where: { id: input.trialId },
    include: { artifacts: { where: { kind: 'weights' } }, sweep: { select: { projectId: true } } },
  });
  if (trial === null) throw new TrialNotFoundError('registerTrialWeightsSource', [input.trialId]);
  const weights = trial.artifacts[0];
  if (trial.status !== 'completed' || !weights)
    throw new TrialWeightsUnavailableError(trial.id, trial.status);
  const { projectId } = trial.sweep;
  const existing = await findByName(db, projectId, input.name);
  if (existing) return { weightsSource: existing, created: false };
  const weightsSource = await createWeightsSource(
    db,
    {
      projectId,
      name: input.name,
      kind: 'trial',
      uri: weights.uri,
      sha256: weights.sha256,
      sourceTrialId: trial.id,
      architecture: trial.architecture,
      format: 'keras-h5',
    },
    input.actor,
    { name: input.name, sha256: weights.sha256, sourceTrialId: trial.id },
  );
  return { weightsSource, created: true };
}
