// Artifacts: the objects a trial stored (weights, predictions, curves), read by the API and verifiers.
import type { Artifact, Project } from '../generated/prisma/client.js';
import type { ArtifactKind } from '../generated/prisma/enums.js';
import type { DbClient } from './db-client.js';

/** The artifact and the project of its trial; null when it does not exist or belongs to no trial. */
export async function findArtifactWithProject(
  db: DbClient,
  artifactId: string,
): Promise<{ artifact: Artifact; project: Project } | null> {
  const row = await db.artifact.findUnique({
    where: { id: artifactId },
    include: { trial: { select: { sweep: { select: { project: true } } } } },
  });
  if (row === null || row.trial === null) return null;
  const { trial, ...artifact } = row;
  return { artifact, project: trial.sweep.project };
}

/** The trial's newest artifact of `kind`; null when it has none. */
export function latestArtifact(db: DbClient, trialId: string, kind: ArtifactKind): Promise<Artifact | null> {
  return db.artifact.findFirst({ where: { trialId, kind }, orderBy: { createdAt: 'desc' } });
}

/** The trial's artifacts of these kinds. */
export function trialArtifacts(
  db: DbClient,
  trialId: string,
  kinds: readonly ArtifactKind[],
): Promise<Artifact[]> {
  return db.artifact.findMany({ where: { trialId, kind: { in: [...kinds] } } });
}
