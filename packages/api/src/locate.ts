// Finding the project a call acts in from what its input names: a project slug, or a sweep, trial,
// artifact, dataset or API token id. Each locator also returns the row it found, so handlers need not
// read it again. Unknown ids are NOT_FOUND before any permission is checked.
import type { Db } from '@medsweep/db';
import {
  findArtifactWithProject,
  findDatasetWithProject,
  findProjectApiToken,
  findProjectBySlug,
  findSweepWithProject,
  findTrialWithProject,
} from '@medsweep/db';
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
  const project = await findProjectBySlug(db, input.project);
  if (project === null) throw new ProjectNotFoundError(`'${input.project}'`);
  return { project };
}

export async function projectOfSweep(
  db: Db,
  input: { sweepId: string },
): Promise<{ project: Project; sweep: Sweep }> {
  const found = await findSweepWithProject(db, input.sweepId);
  if (found === null) throw new SweepNotFoundError(input.sweepId);
  return found;
}

export async function projectOfTrial(
  db: Db,
  input: { trialId: string },
): Promise<{ project: Project; trial: Trial }> {
  const found = await findTrialWithProject(db, input.trialId);
  if (found === null) throw new TrialNotFoundError(input.trialId);
  return found;
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
  const found = await findArtifactWithProject(db, input.artifactId);
  if (found === null) throw new ArtifactNotFoundError(input.artifactId);
  return found;
}

export async function projectOfDataset(
  db: Db,
  input: { datasetId: string },
): Promise<{ project: Project; dataset: Dataset }> {
  const found = await findDatasetWithProject(db, input.datasetId);
  if (found === null) throw new DatasetNotFoundError(input.datasetId);
  return found;
}

export async function projectOfToken(
  db: Db,
  input: { project: string; tokenId: string },
): Promise<{ project: Project; token: ApiToken }> {
  const { project } = await projectBySlug(db, input);
  const token = await findProjectApiToken(db, project.id, input.tokenId);
  if (token === null) throw new TokenNotFoundError(input.tokenId, input.project);
  return { project, token };
}
