import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '@medsweep/db';

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
  const project = await db.project.create({ data: { slug, name } });
  await db.dataset.create({
    data: {
      projectId: project.id,
      name: 'synthetic',
      // Unique per call: the manifest hash identifies a dataset, and this one has no manifest.
      contentHash: createHash('sha256').update(randomUUID()).digest('hex'),
      manifestUri: 's3://none/none.json',
      splits: {},
      numClasses: 2,
      task: 'binary-class',
      licence: 'n/a',
      source,
    },
  });
  return project.id;
}
