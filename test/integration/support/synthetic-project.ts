import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '@medsweep/db';
import { ensureProject, registerDataset } from '@medsweep/db';

/**
 * A project with a registered dataset named `synthetic` that no trainer reads: sweeps on it run with the
 * synthetic trainer, which measures or exercises orchestration only. Returns the project's id.
 */
export async function createSyntheticProject(
  db: Db,
  slug: string,
  source: string,
  name: string = slug,
): Promise<string> {
  const project = await ensureProject(db, slug, name);
  await registerDataset(db, {
    project: slug,
    name: 'synthetic',
    // Unique per call: the manifest hash identifies a dataset, and this one has no manifest.
    contentHash: createHash('sha256').update(randomUUID()).digest('hex'),
    manifestUri: 's3://none/none.json',
    splits: {},
    numClasses: 2,
    task: 'binary-class',
    licence: 'n/a',
    source,
    // No samples, so nothing to check for leakage.
    splitAssignmentHash: null,
    report: null,
    previews: [],
    actor: 'system:test',
  });
  return project.id;
}

/**
 * Weights sources `imagenet/<architecture>` in the project, so sweeps on it may have a
 * `pretrained:imagenet` arm; their files do not exist, which the synthetic trainer never notices.
 */
export async function registerPlaceholderWeights(
  db: Db,
  projectId: string,
  architectures: readonly string[],
): Promise<void> {
  for (const architecture of architectures) {
    await db.weightsSource.create({
      data: {
        projectId,
        name: `imagenet/${architecture}`,
        kind: 'file',
        uri: `s3://none/${architecture}.h5`,
        sha256: '0'.repeat(64),
        architecture,
        format: 'keras-h5',
      },
    });
  }
}
