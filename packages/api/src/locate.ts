// Finding the project a call acts in from what its input names: a project slug, or a sweep, trial,
// artifact, dataset or API token id. Each locator also returns the row it found, so handlers need not
// read it again. Unknown ids are NOT_FOUND before any permission is checked.
import type { Db } from '@medsweep/db';
import type { ApiToken, Artifact, Dataset, Project, Sweep, Trial } from '@medsweep/db/types';
import {
  ArtifactNotFoundError,
  DatasetNotFoundError,
  ProjectNotFoundError,
  SweepNotFoundError,
  TokenNotFoundError,
  TrialNotFoundError,
} from './errors.js';

export async function projectBySlug(db: Db, input: { project: string }): Promise<{ project: Project }> {
  const project = await db.project.findUnique({ where: { slug: input.project } });
  if (project === null) throw new ProjectNotFoundError(`'${input.project}'`);
  return { project };
}

export async function projectOfSweep(
  db: Db,
  input: { sweepId: string },
): Promise<{ project: Project; sweep: Sweep }> {
  const row = await db.sweep.findUnique({ where: { id: input.sweepId }, include: { project: true } });
  if (row === null) throw new SweepNotFoundError(input.sweepId);
  const { project, ...sweep } = row;
  return { project, sweep };
}

export async function projectOfTrial(
  db: Db,
  input: { trialId: string },
): Promise<{ project: Project; trial: Trial }> {
  const row = await db.trial.findUnique({
    where: { id: input.trialId },
    include: { sweep: { select: { project: true } } },
  });
  if (row === null) throw new TrialNotFoundError(input.trialId);
  const { sweep, ...trial } = row;
  return { project: sweep.project, trial };
}

/** Both trials of a comparison must be in one project; the caller needs access to it. */
export async function projectOfTrialPair(
  db: Db,
  input: { trialIdA: string; trialIdB: string },
): Promise<{ project: Project }> {
  const a = await projectOfTrial(db, { trialId: input.trialIdA });
  const b = await projectOfTrial(db, { trialId: input.trialIdB });
  // A pair across projects is reported as the second trial not existing, which is true within A's project.
  if (a.project.id !== b.project.id) throw new TrialNotFoundError(input.trialIdB);
  return { project: a.project };
}

export async function projectOfArtifact(
  db: Db,
  input: { artifactId: string },
): Promise<{ project: Project; artifact: Artifact }> {
  const row = await db.artifact.findUnique({
    where: { id: input.artifactId },
    include: { trial: { select: { sweep: { select: { project: true } } } } },
  });
  if (row === null || row.trial === null) throw new ArtifactNotFoundError(input.artifactId);
  const { trial, ...artifact } = row;
  return { project: trial.sweep.project, artifact };
}

export async function projectOfDataset(
  db: Db,
  input: { datasetId: string },
): Promise<{ project: Project; dataset: Dataset }> {
  const row = await db.dataset.findUnique({ where: { id: input.datasetId }, include: { project: true } });
  if (row === null) throw new DatasetNotFoundError(input.datasetId);
  const { project, ...dataset } = row;
  return { project, dataset };
}

export async function projectOfToken(
  db: Db,
  input: { project: string; tokenId: string },
): Promise<{ project: Project; token: ApiToken }> {
  const { project } = await projectBySlug(db, input);
  const token = await db.apiToken.findFirst({ where: { id: input.tokenId, projectId: project.id } });
  if (token === null) throw new TokenNotFoundError(input.tokenId, input.project);
  return { project, token };
}
